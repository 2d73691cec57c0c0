// What every report of head office is asked for: a shop or the whole chain,
// a range of whole UTC days, the moment "now" and when a card lapses.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace loyalpos::reports {

struct ReportRange {
  std::string shop;  // a store name of the terminals table; empty: the chain
  // The range [from, until) in unix seconds (UTC midnights); from 0: since
  // the first event. Facts after `as_of` are not read: "now" is as_of (the
  // range's end, or the present moment when that is earlier).
  std::int64_t from = 0;
  std::int64_t until = 0;
  std::int64_t as_of = 0;
  int lapsed_after_days = 60;  // the rules' journey.lapsed_after_days
};

// Told every so many facts read, with the number read so far.
using ReportProgress = std::function<void(std::int64_t facts_read)>;

}  // namespace loyalpos::reports
