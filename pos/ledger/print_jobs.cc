#include "pos/ledger/print_jobs.h"

#include <algorithm>

namespace loyalpos::pos {

namespace {

constexpr const char* kJobColumns =
    "job_id, sale_id, reprint, state, attempts, COALESCE(last_error, ''), next_try_at,"
    " created_at, printed_at";

PrintJob read_job(const Statement& s) {
  PrintJob job;
  job.job_id = s.column_int(0);
  job.sale_id = s.column_int(1);
  job.reprint = s.column_int(2) != 0;
  job.state = s.column_text(3);
  job.attempts = s.column_int(4);
  job.last_error = s.column_text(5);
  job.next_try_at = s.column_int(6);
  job.created_at = s.column_int(7);
  if (!s.column_is_null(8)) job.printed_at = s.column_int(8);
  return job;
}

Result<std::vector<PrintJob>> select_jobs(Database& db, const std::string& where,
                                          std::int64_t param) {
  auto stmt = db.prepare(std::string("SELECT ") + kJobColumns + " FROM print_jobs WHERE " + where +
                         " ORDER BY job_id");
  if (!stmt.ok()) return stmt.error();
  if (where.find("?1") != std::string::npos) stmt->bind(1, param);
  std::vector<PrintJob> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read_job(*stmt));
  }
  return out;
}

// Not under a live claim (print_jobs.h). The schema's states stay as they
// are (no migration).
constexpr const char* kUnclaimed = "NOT (attempts > 0 AND last_error IS NULL AND next_try_at > ?1)";

}  // namespace

std::int64_t print_backoff_seconds(std::int64_t attempts) {
  const std::int64_t doublings = std::clamp<std::int64_t>(attempts - 1, 0, 6);
  return std::min<std::int64_t>(300, std::int64_t{5} << doublings);
}

std::string print_state_of(const Status& printed) {
  if (printed.ok()) return "printed";
  return printed.error().code() == ErrorCode::kUnavailable ? "pending" : "failed";
}

Result<std::int64_t> PrintJobs::add(std::int64_t sale_id, bool reprint, const std::string& state) {
  const std::int64_t now = clock_.now_unix();
  auto stmt = ledger_.db().cached(
      "INSERT INTO print_jobs(sale_id, reprint, state, attempts, next_try_at, created_at,"
      " printed_at) VALUES (?1, ?2, ?3, ?4, ?6, ?5, CASE WHEN ?3 = 'printed' THEN ?5 END)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, sale_id).bind(2, std::int64_t{reprint ? 1 : 0}).bind(3, state);
  (*stmt)->bind(4, std::int64_t{1}).bind(5, now);
  // A pending job is made claimed by this process (its first attempt is
  // next): no other retry takes it between the insert and the print.
  (*stmt)->bind(6, state == "pending" ? now + kPrintClaimSeconds : now);
  LOYALPOS_TRY((*stmt)->run());
  return ledger_.db().last_insert_rowid();
}

Result<bool> PrintJobs::claim(const PrintJob& job) {
  const std::int64_t now = clock_.now_unix();
  auto stmt = ledger_.db().cached(
      std::string("UPDATE print_jobs SET attempts = attempts + 1, last_error = NULL,"
                  " next_try_at = ?2 WHERE job_id = ?3 AND state = 'pending' AND attempts = ?4"
                  " AND ") +
      kUnclaimed);
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, now).bind(2, now + kPrintClaimSeconds).bind(3, job.job_id).bind(4, job.attempts);
  LOYALPOS_TRY((*stmt)->run());
  return ledger_.db().changes() == 1;
}

Status PrintJobs::record(std::int64_t job_id, const Status& printed, std::int64_t attempts) {
  const std::int64_t now = clock_.now_unix();
  // Settles this process's claim only: a job reprinted meanwhile, or whose
  // claim expired and was taken over, is another's to settle.
  auto stmt = ledger_.db().cached(
      "UPDATE print_jobs SET state = ?2, last_error = ?3, next_try_at = ?4,"
      " printed_at = CASE WHEN ?2 = 'printed' THEN ?5 END WHERE job_id = ?1"
      " AND state = 'pending' AND attempts = ?6 AND last_error IS NULL");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, job_id).bind(2, print_state_of(printed));
  if (printed.ok()) {
    s.bind_null(3);
  } else {
    s.bind(3, printed.error().message());
  }
  s.bind(4, now + print_backoff_seconds(attempts)).bind(5, now).bind(6, attempts);
  return s.run();
}

Result<std::vector<PrintJob>> PrintJobs::due(bool all) {
  return select_jobs(ledger_.db(),
                     all ? std::string("state = 'pending' AND ") + kUnclaimed
                         : std::string("state = 'pending' AND next_try_at <= ?1"),
                     clock_.now_unix());
}

Result<std::int64_t> PrintJobs::pending_count() {
  auto pending = select_jobs(ledger_.db(), "state = 'pending'", 0);
  if (!pending.ok()) return pending.error();
  return static_cast<std::int64_t>(pending->size());
}

Result<std::vector<PrintJob>> PrintJobs::open() {
  return select_jobs(ledger_.db(), "state IN ('pending', 'failed')", 0);
}

Result<std::int64_t> PrintJobs::record_reprint(std::int64_t sale_id) {
  auto tx = Transaction::begin(ledger_.db());
  if (!tx.ok()) return tx.error();
  auto job_id = add(sale_id, true, "printed");
  if (!job_id.ok()) return job_id.error();
  auto close = ledger_.db().cached(
      "UPDATE print_jobs SET state = 'reprinted' WHERE sale_id = ?1 AND state IN ('pending', "
      "'failed')");  // a claimed job too: its attempt, when it ends, records nothing
  if (!close.ok()) return close.error();
  (*close)->bind(1, sale_id);
  LOYALPOS_TRY((*close)->run());
  LOYALPOS_TRY(tx->commit());
  return *job_id;
}

}  // namespace loyalpos::pos
