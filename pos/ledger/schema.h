// The ledger's schema and its migrations. PRAGMA user_version holds the
// schema version; opening a ledger runs the migrations it lacks, each in one
// transaction, and refuses a ledger from a newer loyalpos.
#pragma once

#include <loyalpos/result.h>

#include "pos/ledger/sqlite.h"

namespace loyalpos::pos {

inline constexpr int kSchemaVersion = 10;

// Sets the connection pragmas (WAL, synchronous=FULL, foreign keys) and
// brings the schema to `target` (kSchemaVersion; tests make older ledgers
// with a lower one). An empty database (schema version 0) gets the schema
// only when `creating`; otherwise it is not a ledger.
Status prepare_ledger(Database& db, const std::string& path, bool creating,
                      int target = kSchemaVersion);

}  // namespace loyalpos::pos
