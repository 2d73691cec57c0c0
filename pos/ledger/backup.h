// Backups of the ledger (docs/operations.md, "Backups and restore"): a
// consistent copy taken through SQLite's online backup API while other
// processes go on selling, written whole or not at all, and what a ledger
// file holds, so a backup and a restore can say what they saved.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

// What a ledger holds, in the terms a person checks a backup by.
struct LedgerSummary {
  std::string terminal_id;
  std::int64_t events = 0;  // this terminal's journey events
  std::int64_t last_seq = 0;
  std::string last_hash;  // the last event's hash, lower-case hex
  std::int64_t sales = 0;
  std::optional<std::int64_t> last_sale_at;  // unix seconds
  std::int64_t bytes = 0;                    // the file's size
};

// Reads `db` (a ledger at `path`) for its summary.
Result<LedgerSummary> summarize_ledger(Database& db, const std::string& path);

// The hash (lower-case hex) of this terminal's event `seq`, nullopt when the
// ledger has none there.
Result<std::optional<std::string>> event_hash_at(Database& db, std::int64_t seq);

// Writes a copy of `from` as the file `path`, whole or not at all: into a
// new private (0600) file beside it, then `check` (given that file's path,
// closed; its error writes nothing), fsync, rename, fsync of the folder. A
// file already at `path` is refused (kConflict) unless `overwrite`.
Status save_database_copy(Database& from, const std::string& path, bool overwrite,
                          const std::function<Status(const std::string&)>& check = {});

// `loyalpos backup FILE`: the ledger copied to `destination` (see
// save_database_copy), opened and audited before it gets its name. Returns
// what the backup holds.
Result<LedgerSummary> backup_ledger(Ledger& ledger, const std::string& destination, bool overwrite);

}  // namespace loyalpos::pos
