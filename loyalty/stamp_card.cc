#include "loyalty/stamp_card.h"

#include <algorithm>

namespace loyalpos::loyalty {

StampOutcome apply_stamp_card(const StampProgram& program, const ProgramBalance& before,
                              std::int64_t units) {
  StampOutcome out;
  out.after = before;
  out.rewards_used = std::min(std::max<std::int64_t>(before.rewards, 0), units);
  out.after.rewards -= out.rewards_used;
  const std::int64_t rest = units - out.rewards_used;
  const std::int64_t n = program.every;
  const std::int64_t reached = before.stamps + rest;
  std::int64_t free_from_stamps = 0;
  if (reached >= n) {
    // The first max(0, -stamps) units pay off a debt; from a non-negative
    // balance every n-th unit is free.
    free_from_stamps = reached / n;
    out.after.stamps = reached % n;
  } else {
    out.after.stamps = reached;
  }
  out.free_units = out.rewards_used + free_from_stamps;
  out.stamps_earned = rest - free_from_stamps;
  out.stamps_spent = free_from_stamps * (n - 1);
  return out;
}

}  // namespace loyalpos::loyalty
