// The print spool: receipts wait in the ledger (table print_jobs) until the
// printer has taken them, so a printer problem never loses or repeats a sale.
//
// Order of things: the sale commits first (SaleService); then print_sale()
// writes a pending job and tries it at once. What the printer says decides
// the job's fate (hardware/printer.h):
//   ok            -> printed
//   kBusy         -> stays pending; tried again by retry() from next_try_at,
//                    with a backoff of 5 s doubling up to 5 min
//   kIo, anything else -> failed: part of it may be on paper, or it can never
//                    print. Never retried by itself — stale receipts must not
//                    burst out when the paper is changed — staff reprint it.
// reprint() prints a copy of any sale now, marked "REPRINT"; when it prints,
// that sale's open jobs are closed (state "reprinted") so no second copy
// follows. A job is claimed (attempts bumped where attempts was what we read)
// before it is sent, so two processes never send the same attempt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hardware/printer.h"
#include "pos/clock.h"
#include "pos/ledger.h"
#include "pos/sale_receipt.h"
#include "pos/sale_service.h"

namespace loyalpos::pos {

struct PrintOutcome {
  std::int64_t sale_id = 0;
  std::int64_t job_id = 0;  // 0: no job row (no printer, or the queue could not be written)
  std::string state;        // "none" (no printer), "printed", "pending", "failed"
  std::string error;        // why not printed; empty when printed
};

struct PrintJob {
  std::int64_t job_id = 0;
  std::int64_t sale_id = 0;
  bool reprint = false;
  std::string state;
  std::int64_t attempts = 0;
  std::string last_error;
  std::int64_t next_try_at = 0;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> printed_at;
};

struct RetrySummary {
  std::vector<PrintOutcome> tried;  // in job order
  std::int64_t printed = 0;
  std::int64_t pending = 0;  // still pending after the run
  std::int64_t failed = 0;   // failed in this run
};

class PrintSpool {
 public:
  // `printer` may be null (type = "none"): nothing is queued or printed.
  PrintSpool(Ledger& ledger, const Clock& clock, hardware::EscPosPrinter* printer,
             ReceiptOptions options)
      : ledger_(ledger), clock_(clock), printer_(printer), options_(std::move(options)) {}

  bool enabled() const { return printer_ != nullptr; }

  // After `sale` has committed: queues its receipt and tries it now.
  PrintOutcome print_sale(const SaleRecord& sale);
  // Tries the pending jobs, oldest first: those due now, or all of them with
  // `all` (staff asked). Stops at the first the printer does not take.
  Result<RetrySummary> retry(bool all);
  // A copy of sale `sale_id` now. Errors: no such sale, no printer, and the
  // printer's error (nothing is queued then: staff can try again).
  Result<PrintOutcome> reprint(std::int64_t sale_id);
  // Pending and failed jobs, oldest first.
  Result<std::vector<PrintJob>> open_jobs();

 private:
  Result<hardware::EscPosEncoder*> encoder();
  Result<std::int64_t> add_job(std::int64_t sale_id, bool reprint, const std::string& state);
  // Claims, prints and records one attempt of a pending job.
  PrintOutcome attempt(const PrintJob& job, const std::optional<SaleRecord>& sale);
  Status record(std::int64_t job_id, const Status& printed, std::int64_t attempts);

  Ledger& ledger_;
  const Clock& clock_;
  hardware::EscPosPrinter* printer_;
  ReceiptOptions options_;
  std::optional<hardware::EscPosEncoder> encoder_;  // for layout; made on first use
};

// Seconds to wait before attempt `attempts` + 1 of a job the printer did not take.
std::int64_t print_backoff_seconds(std::int64_t attempts);

}  // namespace loyalpos::pos
