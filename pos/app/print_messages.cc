#include "pos/app/print_messages.h"

namespace loyalpos::pos {

using nlohmann::json;

std::string print_outcome_message(const PrintOutcome& outcome) {
  const std::string sale = "receipt of sale " + std::to_string(outcome.sale_id);
  if (outcome.state == "pending") {
    return sale + " queued: " + outcome.error + "; it is tried again (loyalpos print retry)";
  }
  if (outcome.state == "failed") {
    return sale + " did not print: " + outcome.error +
           "; check the printer, then reprint it (loyalpos reprint " +
           std::to_string(outcome.sale_id) + ")";
  }
  return "";
}

json print_outcome_json(const PrintOutcome& outcome) {
  if (outcome.state == "none") return nullptr;
  return {{"state", outcome.state},
          {"error", outcome.error.empty() ? json(nullptr) : json(outcome.error)}};
}

json print_job_json(const PrintJob& job) {
  return {{"job_id", job.job_id},
          {"sale_id", job.sale_id},
          {"reprint", job.reprint},
          {"state", job.state},
          {"attempts", job.attempts},
          {"error", job.last_error.empty() ? json(nullptr) : json(job.last_error)},
          {"next_try_at", job.state == "pending" ? json(job.next_try_at) : json(nullptr)},
          {"created_at", job.created_at}};
}

std::string print_job_line(const PrintJob& job) {
  return "job " + std::to_string(job.job_id) + "  sale " + std::to_string(job.sale_id) + "  " +
         job.state + "  " + std::to_string(job.attempts) + " attempt" +
         (job.attempts == 1 ? "" : "s") + (job.last_error.empty() ? "" : "  " + job.last_error) +
         (job.being_printed() ? "  being printed" : "");
}

}  // namespace loyalpos::pos
