// The embedded store: one SQLite file, for one journeyd process and small
// chains. WAL with synchronous=FULL (an acknowledged batch is on disk), a
// busy timeout so several connections take turns, its own migrations
// (schema_version). Schema and concurrency: docs/journeyd-store.md.
#pragma once

#include <loyalpos/result.h>

#include <memory>
#include <string>

#include "sync/store/store.h"

namespace loyalpos::sync {

struct SqliteStoreOptions {
  // How long a writer waits for another connection's transaction before
  // the call fails with kUnavailable.
  int busy_timeout_ms = 10000;
};

// Opens or creates the store at `path` and brings its schema up to date.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteStoreOptions& options = {});

}  // namespace loyalpos::sync
