// What the terminal says about printing: one line for the barista per
// outcome, and the JSON shapes of `print queue` and a sale's "print" field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pos/app/print_spool.h"

namespace loyalpos::pos {

// "" when printed (or no printer); otherwise what happened and what to do,
// e.g. "receipt of sale 3 queued: <why>; it is tried again (loyalpos print retry)".
std::string print_outcome_message(const PrintOutcome& outcome);

// {"state", "error"} (error null when printed), or null with no printer.
nlohmann::json print_outcome_json(const PrintOutcome& outcome);
nlohmann::json print_job_json(const PrintJob& job);
// "job 4  sale 12  failed  2 attempts  <error>"; "… being printed" while
// a loyalpos has it claimed.
std::string print_job_line(const PrintJob& job);

}  // namespace loyalpos::pos
