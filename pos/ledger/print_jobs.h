// The print queue's table (print_jobs) in the ledger: receipts wait here
// until the printer has taken them. What is tried when, and what a printer's
// answer means, is the print spool's (pos/app/print_spool.h); this is only
// the table, so no SQL lives outside the ledger library.
//
// A job is claimed while one attempt at it is under way: still 'pending',
// attempts > 0 and no last_error (every attempt that leaves a job pending
// records why), its claim expiring at next_try_at. A live claim hides the job
// from every other process; an expired one (the process died) makes it due
// again.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

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

  // A loyalpos has claimed it and is sending it (or died doing so: then the
  // claim lapses at next_try_at).
  bool being_printed() const { return state == "pending" && attempts > 0 && last_error.empty(); }
};

// How long a claim hides a job from other loyalpos processes: longer than
// any one job takes to send. A claim of a process that died expires then,
// and the job is due again.
inline constexpr std::int64_t kPrintClaimSeconds = 120;

// Seconds to wait before attempt `attempts` + 1 of a job the printer did not take.
std::int64_t print_backoff_seconds(std::int64_t attempts);

// The state an attempt leaves a job in: "printed"; "pending" when the printer
// was unavailable (kUnavailable: nothing printed, try again); else "failed".
std::string print_state_of(const Status& printed);

class PrintJobs {
 public:
  PrintJobs(Ledger& ledger, const Clock& clock) : ledger_(ledger), clock_(clock) {}

  // A new job of `sale_id` in `state`: "pending" (then claimed by this
  // process for its first attempt) or "printed".
  Result<std::int64_t> add(std::int64_t sale_id, bool reprint, const std::string& state);
  // Claims `job` as read (attempts unchanged, no live claim); false when
  // another process got it first.
  Result<bool> claim(const PrintJob& job);
  // Settles this process's claimed attempt `attempts` of a job with what the
  // printer said.
  Status record(std::int64_t job_id, const Status& printed, std::int64_t attempts);
  // Pending jobs due now, or all unclaimed pending ones with `all`, oldest first.
  Result<std::vector<PrintJob>> due(bool all);
  Result<std::int64_t> pending_count();
  // Pending and failed jobs, oldest first.
  Result<std::vector<PrintJob>> open();
  // A reprint of `sale_id` that printed: recorded, and that sale's open jobs
  // closed ("reprinted"), in one transaction. Returns the reprint's job id.
  Result<std::int64_t> record_reprint(std::int64_t sale_id);

 private:
  Ledger& ledger_;
  const Clock& clock_;
};

}  // namespace loyalpos::pos
