#include "loyalty/stamp_card.h"

#include <algorithm>

namespace loyalpos::loyalty {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

// Floor division for a possibly negative numerator.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Stamps of a program one reward is worth: the every-th unit is the free one.
std::int64_t per_reward(const StampProgram& program) { return program.every - 1; }

// How many rewards `stamps` hold beyond what a normal balance keeps as
// stamps (every-1 in apply_now, where they make the next unit free; every-2
// in bank mode, where every-1 are a reward).
std::int64_t surplus_rewards(const StampProgram& program, std::int64_t stamps) {
  const std::int64_t per = per_reward(program);
  const std::int64_t most = program.mode == RewardMode::kBank ? per - 1 : per;
  return stamps > most ? (stamps - most + per - 1) / per : 0;
}

// Lapses the stamps of `out.after` if the last one is older than the
// program allows (24-hour periods since the last stamp, not calendar days).
void lapse(const StampProgram& program, std::int64_t now, StampOutcome& out) {
  const ProgramBalance& b = out.after;
  if (program.stamps_expire_after_days && b.stamps > 0 && b.last_stamp_at > 0 &&
      now - b.last_stamp_at > *program.stamps_expire_after_days * kSecondsPerDay) {
    out.stamps_expired += b.stamps;
    out.after.stamps = 0;
  }
}

// Turns the surplus stamps of `out.after` into rewards, counted as spent
// stamps and banked rewards; returns how many.
std::int64_t normalize(const StampProgram& program, StampOutcome& out) {
  const std::int64_t made = surplus_rewards(program, out.after.stamps);
  out.after.stamps -= made * per_reward(program);
  out.after.rewards += made;
  out.stamps_spent += made * per_reward(program);
  out.rewards_banked += made;
  return made;
}

}  // namespace

ProgramBalance normalized(const StampProgram& program, const ProgramBalance& balance) {
  StampOutcome out;
  out.after = balance;
  normalize(program, out);
  return out.after;
}

StampOutcome apply_stamp_card(const StampProgram& program, const ProgramBalance& before,
                              const StampInput& input) {
  StampOutcome out;
  out.after = before;
  lapse(program, input.now, out);
  normalize(program, out);
  const std::int64_t stamps = out.after.stamps;
  const std::int64_t banked = std::max<std::int64_t>(out.after.rewards, 0);
  const std::int64_t limit =
      std::min<std::int64_t>(input.freeable, program.max_rewards_per_sale.value_or(INT32_MAX));
  const std::int64_t n = program.every;

  std::int64_t earned_rewards = 0;
  if (program.mode == RewardMode::kApplyNow) {
    out.rewards_used = std::min({banked, input.units, limit});
    const std::int64_t rest = input.units - out.rewards_used;
    const std::int64_t reached = stamps + rest;
    // From a non-negative balance every n-th unit is a reward; below zero the
    // first units pay off the debt.
    earned_rewards = reached >= n ? reached / n : 0;
    out.after.stamps = reached - earned_rewards * n;
    const std::int64_t applied = std::min(earned_rewards, limit - out.rewards_used);
    out.rewards_banked += earned_rewards - applied;
    out.free_units = out.rewards_used + applied;
    out.stamps_earned = rest - earned_rewards;
    out.stamps_spent += earned_rewards * (n - 1);
    earned_rewards -= applied;  // banked: the rest were given at once
  } else {
    out.rewards_used = input.redeem ? std::min({banked, input.units, limit}) : 0;
    const std::int64_t rest = input.units - out.rewards_used;
    const std::int64_t reached = stamps + rest;
    earned_rewards = reached >= n - 1 ? floor_div(reached, n - 1) : 0;
    out.after.stamps = reached - earned_rewards * (n - 1);
    out.rewards_banked += earned_rewards;
    out.free_units = out.rewards_used;
    out.stamps_earned = rest;
    out.stamps_spent += earned_rewards * (n - 1);
  }
  out.after.rewards += earned_rewards - out.rewards_used;
  if (out.stamps_earned > 0) out.after.last_stamp_at = input.now;
  return out;
}

StampOutcome add_bonus_stamps(const StampProgram& program, const ProgramBalance& before,
                              std::int64_t stamps, std::int64_t now) {
  StampOutcome out;
  out.after = before;
  lapse(program, now, out);
  out.after.stamps += stamps;
  out.stamps_earned = stamps;
  if (stamps > 0) out.after.last_stamp_at = now;
  normalize(program, out);
  return out;
}

}  // namespace loyalpos::loyalty
