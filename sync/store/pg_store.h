// The store at scale: PostgreSQL 15 through libpq, shared by any number of
// stateless journeyd processes. Each append locks its terminal's row
// (SELECT … FOR UPDATE), so two appends of one terminal never both pass the
// head check; events get their store-wide cursor from a counter row updated
// last in the transaction, so cursors become visible in commit order and a
// reader paging by cursor never skips a late commit. Its own migrations
// (schema_version) run under a transaction-level advisory lock.
// docs/journeyd-store.md has the schema and the reasoning.
#pragma once

#include <loyalpos/result.h>

#include <memory>
#include <string>

#include "sync/store/store.h"

namespace loyalpos::sync {

// Connects to `conninfo` (a libpq URI "postgresql://user@host:port/db" or
// "key=value" string) and brings the schema up to date.
Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo);

}  // namespace loyalpos::sync
