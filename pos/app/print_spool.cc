#include "pos/app/print_spool.h"

#include <chrono>

#include "pos/ledger/sale_reader.h"

namespace loyalpos::pos {

Result<hardware::EscPosEncoder*> PrintSpool::encoder() {
  if (!encoder_) {
    auto made = hardware::EscPosEncoder::create(printer_->profile());
    if (!made.ok()) return made.error();
    encoder_.emplace(std::move(*made));
  }
  return &*encoder_;
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
  outcome.state = print_state_of(printed);
  if (!printed.ok()) outcome.error = printed.error().message();
  if (auto s = jobs_.record(job.job_id, printed, job.attempts); !s.ok()) {
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
  auto job_id = jobs_.add(sale.sale_id, false, "pending");
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
  auto due = jobs_.due(all);
  if (!due.ok()) return due.error();
  for (PrintJob job : *due) {
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!summary.tried.empty() && spent >= budget) break;
    auto claimed = jobs_.claim(job);
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
  auto pending = jobs_.pending_count();
  if (!pending.ok()) return pending.error();
  summary.pending = *pending;
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
  auto job_id = jobs_.record_reprint(sale_id);
  if (!job_id.ok()) return job_id.error();
  return PrintOutcome{sale_id, *job_id, "printed", ""};
}

Result<std::vector<PrintJob>> PrintSpool::open_jobs() { return jobs_.open(); }

}  // namespace loyalpos::pos
