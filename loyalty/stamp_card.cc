#include "loyalty/stamp_card.h"

#include <algorithm>

namespace loyalpos::loyalty {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

// Floor division for a possibly negative numerator.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

StampOutcome apply_stamp_card(const StampProgram& program, const ProgramBalance& before,
                              const StampInput& input) {
  StampOutcome out;
  out.after = before;
  if (program.stamps_expire_after_days && before.stamps > 0 && before.last_stamp_at > 0 &&
      input.now - before.last_stamp_at > *program.stamps_expire_after_days * kSecondsPerDay) {
    out.stamps_expired = before.stamps;
    out.after.stamps = 0;
  }
  const std::int64_t stamps = out.after.stamps;
  const std::int64_t banked = std::max<std::int64_t>(before.rewards, 0);
  const std::int64_t limit =
      std::min<std::int64_t>(input.freeable, program.max_rewards_per_sale.value_or(INT32_MAX));
  const std::int64_t n = program.every;

  if (program.mode == RewardMode::kApplyNow) {
    out.rewards_used = std::min({banked, input.units, limit});
    const std::int64_t rest = input.units - out.rewards_used;
    const std::int64_t reached = stamps + rest;
    // From a non-negative balance every n-th unit is a reward; below zero the
    // first units pay off the debt.
    const std::int64_t earned_rewards = reached >= n ? reached / n : 0;
    out.after.stamps = reached - earned_rewards * n;
    const std::int64_t applied = std::min(earned_rewards, limit - out.rewards_used);
    out.rewards_banked = earned_rewards - applied;
    out.free_units = out.rewards_used + applied;
    out.stamps_earned = rest - earned_rewards;
    out.stamps_spent = earned_rewards * (n - 1);
  } else {
    out.rewards_used = input.redeem ? std::min({banked, input.units, limit}) : 0;
    const std::int64_t rest = input.units - out.rewards_used;
    const std::int64_t reached = stamps + rest;
    const std::int64_t earned_rewards = reached >= n - 1 ? floor_div(reached, n - 1) : 0;
    out.after.stamps = reached - earned_rewards * (n - 1);
    out.rewards_banked = earned_rewards;
    out.free_units = out.rewards_used;
    out.stamps_earned = rest;
    out.stamps_spent = earned_rewards * (n - 1);
  }
  out.after.rewards = before.rewards - out.rewards_used + out.rewards_banked;
  if (out.stamps_earned > 0) out.after.last_stamp_at = input.now;
  return out;
}

}  // namespace loyalpos::loyalty
