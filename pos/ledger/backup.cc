#include "pos/ledger/backup.h"

#include <filesystem>

#include "base/journal_hash.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/temp_file.h"

namespace loyalpos::pos {

namespace fs = std::filesystem;

Result<LedgerSummary> summarize_ledger(Database& db, const std::string& path) {
  LedgerSummary summary;
  auto stmt = db.prepare(
      "SELECT (SELECT value FROM meta WHERE key = 'terminal_id'),"
      " (SELECT count(*) FROM events), (SELECT seq FROM events ORDER BY seq DESC LIMIT 1),"
      " (SELECT hash FROM events ORDER BY seq DESC LIMIT 1),"
      " (SELECT count(*) FROM sales), (SELECT max(created_at) FROM sales)");
  if (!stmt.ok()) return stmt.error().with_context(path + ": ");
  auto row = stmt->step();
  if (!row.ok()) return row.error().with_context(path + ": ");
  summary.terminal_id = stmt->column_text(0);
  summary.events = stmt->column_int(1);
  summary.last_seq = stmt->column_int(2);
  summary.last_hash = to_hex(stmt->column_blob(3));
  summary.sales = stmt->column_int(4);
  if (!stmt->column_is_null(5)) summary.last_sale_at = stmt->column_int(5);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  summary.bytes = ec ? 0 : static_cast<std::int64_t>(size);
  return summary;
}

Result<std::optional<std::string>> event_hash_at(Database& db, std::int64_t seq) {
  auto stmt = db.prepare("SELECT hash FROM events WHERE seq = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, seq);
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(to_hex(stmt->column_blob(0)));
}

Status save_database_copy(Database& from, const std::string& path, bool overwrite,
                          const std::function<Status(const std::string&)>& check) {
  LOYALPOS_TRY(check_copy_target(path, overwrite));
  auto temp = TempFile::beside(path, "partial");
  if (!temp.ok()) return temp.error();
  {
    auto into = Database::open(temp->path(), Database::Mode::kOpenExisting, 5000);
    if (!into.ok()) return into.error();
    auto copy = DatabaseCopy::start(*into, from);
    if (!copy.ok()) return copy.error();
    LOYALPOS_TRY(copy->run());
  }
  if (check) LOYALPOS_TRY(check(temp->path()));
  return temp->install(path, overwrite);
}

Result<LedgerSummary> backup_ledger(Ledger& ledger, const std::string& destination,
                                    bool overwrite) {
  std::optional<LedgerSummary> saved;
  auto audited_copy = [&saved](const std::string& copy_path) -> Status {
    auto copy = Ledger::open(copy_path, 5000);
    if (!copy.ok()) return copy.error().with_context("the copy does not open: ");
    auto audit = audit_ledger(*copy);
    if (!audit.ok()) return audit.error().with_context("the copy does not pass the audit: ");
    auto summary = summarize_ledger(copy->db(), copy_path);
    if (!summary.ok()) return summary.error();
    saved = std::move(*summary);
    return ok_status();
  };
  LOYALPOS_TRY(save_database_copy(ledger.db(), destination, overwrite, audited_copy));
  std::error_code ec;
  saved->bytes = static_cast<std::int64_t>(fs::file_size(destination, ec));
  return std::move(*saved);
}

}  // namespace loyalpos::pos
