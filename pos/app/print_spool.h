// The print spool: receipts wait in the ledger (table print_jobs) until the
// printer has taken them, so a printer problem never loses or repeats a sale.
//
// Order of things: the sale commits first (SaleService); then print_sale()
// writes a pending job and tries it at once. What the printer says decides
// the job's fate (hardware/printer.h):
//   ok            -> printed
//   kUnavailable         -> stays pending; tried again by retry() from next_try_at,
//                    with a backoff of 5 s doubling up to 5 min
//   kIo, anything else -> failed: part of it may be on paper, or it can never
//                    print. Never retried by itself — stale receipts must not
//                    burst out when the paper is changed — staff reprint it.
// reprint() prints a copy of any sale now, marked "REPRINT"; when it prints,
// that sale's open jobs are closed (state "reprinted") so no second copy
// follows.
//
// Several loyalpos processes may share the queue (the counter, `print
// retry`, a sale). A job is claimed before it is sent: the claim hides it
// from every other process until this attempt is recorded, or until the
// claim expires (kPrintClaimSeconds: the process died mid-job), when it is
// due again. So a receipt is sent once per attempt, and a dead process
// never loses one. A claimed job is listed as pending.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hardware/printer.h"
#include "pos/app/sale_receipt.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/print_jobs.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

struct PrintOutcome {
  std::int64_t sale_id = 0;
  std::int64_t job_id = 0;  // 0: no job row (no printer, or the queue could not be written)
  std::string state;        // "none" (no printer), "printed", "pending", "failed"
  std::string error;        // why not printed; empty when printed
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
      : ledger_(ledger), jobs_(ledger, clock), printer_(printer), options_(std::move(options)) {}

  bool enabled() const { return printer_ != nullptr; }

  // After `sale` has committed: queues its receipt and tries it now.
  PrintOutcome print_sale(const SaleRecord& sale);
  // Tries the pending jobs, oldest first: those due now, or all of them with
  // `all` (staff asked); never one another process is printing. Stops at
  // the first the printer does not print, and starts no job once `budget`
  // has passed (the first is always tried): the rest wait for later.
  Result<RetrySummary> retry(bool all,
                             std::chrono::milliseconds budget = std::chrono::milliseconds::max());
  // A copy of sale `sale_id` now. Errors: no such sale, no printer, and the
  // printer's error (nothing is queued then: staff can try again).
  Result<PrintOutcome> reprint(std::int64_t sale_id);
  // Pending and failed jobs, oldest first.
  Result<std::vector<PrintJob>> open_jobs();

 private:
  Result<hardware::EscPosEncoder*> encoder();
  // Prints and records one attempt of a job this process has claimed
  // (job.attempts: the claimed attempt).
  PrintOutcome attempt(const PrintJob& job, const std::optional<SaleRecord>& sale);

  Ledger& ledger_;
  PrintJobs jobs_;
  hardware::EscPosPrinter* printer_;
  ReceiptOptions options_;
  std::optional<hardware::EscPosEncoder> encoder_;  // for layout; made on first use
};

// How long the queue may hold a sale or the counter after the sale's own
// receipt printed: retrying the backlog starts no job after this.
inline constexpr std::chrono::milliseconds kBacklogRetryBudget{1500};

// What follows every committed sale, rung up by the CLI or the API: its
// receipt is queued and tried now; when it printed, the printer is back, and
// receipts that waited for it go out too (starting none after
// kBacklogRetryBudget). `report` hears of the sale's own outcome first (before
// any other receipt prints), then of each receipt of the backlog tried.
PrintOutcome print_after_sale(PrintSpool& spool, const SaleRecord& sale,
                              const std::function<void(const PrintOutcome&)>& report = {});

}  // namespace loyalpos::pos
