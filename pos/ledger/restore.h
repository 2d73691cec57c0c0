// Restoring the ledger from a backup (docs/operations.md, "Backups and
// restore"). The backup must be a loyalpos ledger this build opens (a newer
// schema is refused; an older one is migrated in a copy, never in the
// backup file) and must pass the audit. A ledger already there is replaced
// only when the backup continues it: a ledger that holds events the backup
// lacks, or whose journal parts from the backup's, is refused unless forced.
//
// The replacement goes through SQLite's backup API into the live database,
// under its write lock, so a `serve`, a counter or a sync daemon running on
// it waits a moment and then reads the restored ledger; the comparison and
// the copy of the replaced ledger are made under that same lock, so no
// sale slips in between.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>

#include "pos/ledger/backup.h"

namespace loyalpos::pos {

struct RestoreRequest {
  std::string backup;       // the backup file
  std::string ledger_path;  // the home's ledger.db
  bool force = false;       // replace a newer or a different ledger too
  std::int64_t now = 0;     // names the kept copy
  int busy_timeout_ms = 5000;
};

struct RestoreReport {
  LedgerSummary restored;
  // Where the replaced ledger was kept (ledger.db.before-restore-<UTC>),
  // nullopt when there was none.
  std::optional<std::string> kept;
};

// kUnsupported: the backup is from a newer loyalpos; kCorrupt: it is not a
// ledger or fails the audit; kConflict: the ledger here is newer than the
// backup or a different ledger (not forced); kNotFound: no backup file.
Result<RestoreReport> restore_ledger(const RestoreRequest& request);

}  // namespace loyalpos::pos
