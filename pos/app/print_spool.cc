#include "pos/app/print_spool.h"

#include <algorithm>
#include <chrono>

#include "pos/ledger/sale_reader.h"

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

// A job is claimed while one attempt at it is under way: still 'pending',
// attempts > 0 and no last_error (every attempt that leaves a job pending
// records why), its claim expiring at next_try_at. A live claim hides the
// job from every other retry; an expired one (the process died) makes it
// due again. The schema's states stay as they are (no migration).
constexpr const char* kUnclaimed = "NOT (attempts > 0 AND last_error IS NULL AND next_try_at > ?1)";

std::string state_of(const Status& printed) {
  if (printed.ok()) return "printed";
  return printed.error().code() == ErrorCode::kUnavailable ? "pending" : "failed";
}

}  // namespace

std::int64_t print_backoff_seconds(std::int64_t attempts) {
  const std::int64_t doublings = std::clamp<std::int64_t>(attempts - 1, 0, 6);
  return std::min<std::int64_t>(300, std::int64_t{5} << doublings);
}

Result<hardware::EscPosEncoder*> PrintSpool::encoder() {
  if (!encoder_) {
    auto made = hardware::EscPosEncoder::create(printer_->profile());
    if (!made.ok()) return made.error();
    encoder_.emplace(std::move(*made));
  }
  return &*encoder_;
}

Result<std::int64_t> PrintSpool::add_job(std::int64_t sale_id, bool reprint,
                                         const std::string& state) {
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

Result<bool> PrintSpool::claim(const PrintJob& job) {
  const std::int64_t now = clock_.now_unix();
  auto stmt = ledger_.db().cached(
      std::string("UPDATE print_jobs SET attempts = attempts + 1, last_error = NULL,"
                  " next_try_at = ?2 WHERE job_id = ?3 AND state = 'pending' AND attempts = ?4"
                  " AND ") +
      kUnclaimed);
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, now).bind(2, now + kPrintClaimSeconds).bind(3, job.job_id).bind(4, job.attempts);
  LOYALPOS_TRY((*stmt)->run());
  return sqlite3_changes(ledger_.db().handle()) == 1;
}

Status PrintSpool::record(std::int64_t job_id, const Status& printed, std::int64_t attempts) {
  const std::int64_t now = clock_.now_unix();
  // Settles this process's claim only: a job reprinted meanwhile, or whose
  // claim expired and was taken over, is another's to settle.
  auto stmt = ledger_.db().cached(
      "UPDATE print_jobs SET state = ?2, last_error = ?3, next_try_at = ?4,"
      " printed_at = CASE WHEN ?2 = 'printed' THEN ?5 END WHERE job_id = ?1"
      " AND state = 'pending' AND attempts = ?6 AND last_error IS NULL");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, job_id).bind(2, state_of(printed));
  if (printed.ok()) {
    s.bind_null(3);
  } else {
    s.bind(3, printed.error().message());
  }
  s.bind(4, now + print_backoff_seconds(attempts)).bind(5, now).bind(6, attempts);
  return s.run();
}

PrintOutcome PrintSpool::attempt(const PrintJob& job, const std::optional<SaleRecord>& sale) {
  PrintOutcome outcome{job.sale_id, job.job_id, "pending", ""};
  Status printed = ok_status();
  auto enc = encoder();
  std::optional<SaleRecord> loaded = sale;
  if (!loaded) {
    auto read = read_sale(ledger_, job.sale_id);
    if (read.ok()) loaded = std::move(*read);
    if (!read.ok()) printed = read.error();
  }
  if (!enc.ok()) printed = enc.error();
  if (printed.ok()) {
    ReceiptOptions options = options_;
    options.reprint = job.reprint;
    printed = printer_->print(sale_receipt(*loaded, ledger_.terminal(), options, **enc));
  }
  outcome.state = state_of(printed);
  if (!printed.ok()) outcome.error = printed.error().message();
  if (auto s = record(job.job_id, printed, job.attempts); !s.ok()) {
    // The printer has it (or not), but the ledger could not say so: a later
    // retry could print it twice, so say it loudly.
    outcome.error += (outcome.error.empty() ? "" : "; ") +
                     std::string("the print queue could not be updated: ") + s.error().message();
  }
  return outcome;
}

PrintOutcome print_after_sale(PrintSpool& spool, const SaleRecord& sale,
                              const std::function<void(const PrintOutcome&)>& report) {
  const PrintOutcome printed = spool.print_sale(sale);
  if (report) report(printed);
  if (printed.state == "printed") {
    if (auto summary = spool.retry(false, kBacklogRetryBudget); summary.ok() && report) {
      for (const auto& outcome : summary->tried) report(outcome);
    }
  }
  return printed;
}

PrintOutcome PrintSpool::print_sale(const SaleRecord& sale) {
  if (!enabled()) return {sale.sale_id, 0, "none", ""};
  auto job_id = add_job(sale.sale_id, false, "pending");
  if (!job_id.ok()) {
    return {sale.sale_id, 0, "failed",
            "the receipt could not be queued: " + job_id.error().message()};
  }
  PrintJob job;
  job.job_id = *job_id;
  job.sale_id = sale.sale_id;
  job.state = "pending";
  job.attempts = 1;  // claimed by add_job
  return attempt(job, sale);
}

Result<RetrySummary> PrintSpool::retry(bool all, std::chrono::milliseconds budget) {
  RetrySummary summary;
  if (!enabled()) return summary;
  const auto start = std::chrono::steady_clock::now();
  auto due = select_jobs(ledger_.db(),
                         all ? std::string("state = 'pending' AND ") + kUnclaimed
                             : std::string("state = 'pending' AND next_try_at <= ?1"),
                         clock_.now_unix());
  if (!due.ok()) return due.error();
  for (PrintJob job : *due) {
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!summary.tried.empty() && spent >= budget) break;
    auto claimed = claim(job);
    if (!claimed.ok()) return claimed.error();
    if (!*claimed) continue;  // another loyalpos took it since we read the queue
    ++job.attempts;
    auto outcome = attempt(job, std::nullopt);
    summary.printed += outcome.state == "printed" ? 1 : 0;
    summary.failed += outcome.state == "failed" ? 1 : 0;
    const bool stop = outcome.state != "printed";
    summary.tried.push_back(std::move(outcome));
    // The printer did not take this one: the rest would wait the same, or
    // break the same way. They stay for later (`print retry`).
    if (stop) break;
  }
  auto pending = select_jobs(ledger_.db(), "state = 'pending'", 0);
  if (!pending.ok()) return pending.error();
  summary.pending = static_cast<std::int64_t>(pending->size());
  return summary;
}

Result<PrintOutcome> PrintSpool::reprint(std::int64_t sale_id) {
  auto sale = read_sale(ledger_, sale_id);
  if (!sale.ok()) return sale.error();
  if (!enabled()) {
    return Error::invalid("no printer is set up ([printer] type = \"none\"); see docs/printers.md");
  }
  auto enc = encoder();
  if (!enc.ok()) return enc.error();
  ReceiptOptions options = options_;
  options.reprint = true;
  LOYALPOS_TRY(printer_->print(sale_receipt(*sale, ledger_.terminal(), options, **enc)));
  auto tx = Transaction::begin(ledger_.db());
  if (!tx.ok()) return tx.error();
  auto job_id = add_job(sale_id, true, "printed");
  if (!job_id.ok()) return job_id.error();
  auto close = ledger_.db().cached(
      "UPDATE print_jobs SET state = 'reprinted' WHERE sale_id = ?1 AND state IN ('pending', "
      "'failed')");  // a claimed job too: its attempt, when it ends, records nothing
  if (!close.ok()) return close.error();
  (*close)->bind(1, sale_id);
  LOYALPOS_TRY((*close)->run());
  LOYALPOS_TRY(tx->commit());
  return PrintOutcome{sale_id, *job_id, "printed", ""};
}

Result<std::vector<PrintJob>> PrintSpool::open_jobs() {
  return select_jobs(ledger_.db(), "state IN ('pending', 'failed')", 0);
}

}  // namespace loyalpos::pos
