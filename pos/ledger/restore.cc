#include "pos/ledger/restore.h"

#include <ctime>
#include <filesystem>

#include "pos/ledger/audit.h"
#include "pos/ledger/schema.h"
#include "pos/ledger/temp_file.h"

namespace loyalpos::pos {

namespace {

// How the ledger here and the backup relate, by their journals.
enum class Lineage { kSame, kBackupNewer, kLedgerNewer, kParted };

std::string utc_stamp(std::int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32] = {};
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// `name`, or name-2, name-3, ... when a file is there (two restores in a second).
std::string free_name(const std::string& name) {
  std::error_code ec;
  std::string candidate = name;
  for (int n = 2; std::filesystem::exists(candidate, ec); ++n) {
    candidate = name + "-" + std::to_string(n);
  }
  return candidate;
}

Result<int> schema_of(Database& db, const std::string& path) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error().with_context(path + ": ");
  auto row = stmt->step();
  if (!row.ok()) return row.error().with_context(path + ": ");
  return static_cast<int>(stmt->column_int(0));
}

// Copies the backup (opened read-only: the file is never changed) to
// `candidate`, migrates it there and audits it.
Result<LedgerSummary> prepare_candidate(const RestoreRequest& r, const std::string& candidate) {
  auto from = Database::open(r.backup, Database::Mode::kReadOnly, r.busy_timeout_ms);
  if (!from.ok()) {
    if (from.error().code() == ErrorCode::kNotFound) {
      return Error::not_found("no backup at " + r.backup);
    }
    return from.error();
  }
  auto version = schema_of(*from, r.backup);
  if (!version.ok()) return version.error();
  if (*version > kSchemaVersion) {
    return Error::unsupported(r.backup + " was written by a newer loyalpos (schema " +
                              std::to_string(*version) + ", this one knows " +
                              std::to_string(kSchemaVersion) +
                              "); restore it with that loyalpos, or update this one");
  }
  if (*version == 0) return Error::corrupt(r.backup + " is not a loyalpos ledger");
  {
    auto into = Database::open(candidate, Database::Mode::kOpenExisting, r.busy_timeout_ms);
    if (!into.ok()) return into.error();
    auto copy = DatabaseCopy::start(*into, *from);
    if (!copy.ok()) return copy.error();
    LOYALPOS_TRY(copy->run());
  }
  auto ledger = Ledger::open(candidate, r.busy_timeout_ms);
  if (!ledger.ok()) return ledger.error().with_context(r.backup + " does not open: ");
  auto audit = audit_ledger(*ledger);
  if (!audit.ok()) {
    return Error::corrupt("the backup " + r.backup +
                          " does not pass the audit: " + audit.error().message());
  }
  return summarize_ledger(ledger->db(), candidate);
}

Result<Lineage> lineage(Database& here, const LedgerSummary& h, Database& backup,
                        const LedgerSummary& b) {
  if (h.terminal_id != b.terminal_id) return Lineage::kParted;
  const bool here_longer = h.last_seq >= b.last_seq;
  auto shared = here_longer ? event_hash_at(here, b.last_seq) : event_hash_at(backup, h.last_seq);
  if (!shared.ok()) return shared.error();
  if (*shared != (here_longer ? b.last_hash : h.last_hash)) return Lineage::kParted;
  if (h.last_seq == b.last_seq) return Lineage::kSame;
  return here_longer ? Lineage::kLedgerNewer : Lineage::kBackupNewer;
}

// The refusal for replacing `h` with `b`, if any.
Status may_replace(Result<Lineage> relation, const LedgerSummary& h, const LedgerSummary& b,
                   const RestoreRequest& r) {
  if (r.force) return ok_status();
  const std::string forced = "; add --force to restore it anyway";
  if (!relation.ok()) {
    return Error::conflict("the ledger at " + r.ledger_path + " cannot be read (" +
                           relation.error().message() + ")" + forced);
  }
  if (*relation == Lineage::kLedgerNewer) {
    return Error::conflict("the ledger at " + r.ledger_path + " is newer than the backup: it has " +
                           std::to_string(h.last_seq - b.last_seq) +
                           " journey events the backup does not (after event " +
                           std::to_string(b.last_seq) + "), which restoring would lose" + forced);
  }
  if (*relation == Lineage::kParted) {
    return Error::conflict("the ledger at " + r.ledger_path + " and the backup " + r.backup +
                           " are different ledgers (" +
                           (h.terminal_id != b.terminal_id ? std::string("another terminal's")
                                                           : std::string("their journals part")) +
                           "); restoring would replace this one's history" + forced);
  }
  return ok_status();
}

}  // namespace

Result<RestoreReport> restore_ledger(const RestoreRequest& r) {
  auto candidate = TempFile::beside(r.ledger_path, "restoring");
  if (!candidate.ok()) return candidate.error();
  auto backup = prepare_candidate(r, candidate->path());
  if (!backup.ok()) return backup.error();
  RestoreReport report{*backup, std::nullopt};

  std::error_code ec;
  if (!std::filesystem::exists(r.ledger_path, ec)) {
    LOYALPOS_TRY(candidate->install(r.ledger_path, false));
    return report;
  }
  // Under the live ledger's write lock: other processes wait to write (and
  // may read) while the ledger is compared, kept and replaced.
  auto live = Database::open(r.ledger_path, Database::Mode::kOpenExisting, r.busy_timeout_ms);
  if (!live.ok()) return live.error();
  auto source = Database::open(candidate->path(), Database::Mode::kOpenExisting, r.busy_timeout_ms);
  if (!source.ok()) return source.error();
  auto copy = DatabaseCopy::start(*live, *source);
  if (!copy.ok()) return copy.error();
  LOYALPOS_TRY(copy->lock());
  auto look = Database::open(r.ledger_path, Database::Mode::kOpenExisting, r.busy_timeout_ms);
  if (!look.ok()) return look.error();
  auto here = summarize_ledger(*look, r.ledger_path);
  const Result<Lineage> relation =
      here.ok() ? lineage(*look, *here, *source, *backup) : Result<Lineage>(here.error());
  LOYALPOS_TRY(may_replace(relation, here.ok() ? *here : LedgerSummary{}, *backup, r));

  const std::string kept = free_name(r.ledger_path + ".before-restore-" + utc_stamp(r.now));
  LOYALPOS_TRY(save_database_copy(*look, kept, false));
  LOYALPOS_TRY(copy->run());
  report.kept = kept;
  return report;
}

}  // namespace loyalpos::pos
