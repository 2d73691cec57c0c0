// The stamp card's arithmetic, on one program's balance.
//
// A balance is (stamps, rewards): stamps collected towards the next reward
// and rewards banked on the card (in bank mode, or given back by a refund, or
// held over by a per-sale cap). Both are derived from the card's events;
// stamps may be negative when a refund took back stamps already spent, and
// the next purchases pay that off first.
//
// apply_now: every unit bought while the card holds every-1 stamps is free
// and clears them; banked rewards are used first. bank: every every-1 stamps
// become a banked reward, used only when the customer asks. Either way this is
// a counter, so it is split-invariant: q units in one basket or in many earn
// the same rewards and leave the same balance.
//
// A reward is worth every-1 stamps. A normal balance holds at most every-1
// stamps in apply_now and every-2 in bank mode; stamps beyond that (bonus
// stamps, or a balance written before bonuses were normalised) are rewards,
// and every function here takes any balance and returns a normal one.
#pragma once

#include <cstdint>
#include <string>

#include "loyalty/rules.h"

namespace loyalpos::loyalty {

struct ProgramBalance {
  std::string program_id;
  std::int64_t stamps = 0;
  std::int64_t rewards = 0;
  std::int64_t last_stamp_at = 0;  // unix seconds of the last stamp earned; 0: never
  friend bool operator==(const ProgramBalance&, const ProgramBalance&) = default;
};

struct StampInput {
  std::int64_t units = 0;     // stamp-eligible units in the basket
  std::int64_t freeable = 0;  // how many of those may be given free (<= units)
  bool redeem = false;        // bank mode: the customer asked to use rewards
  std::int64_t now = 0;
};

struct StampOutcome {
  std::int64_t free_units = 0;      // units given free now
  std::int64_t rewards_used = 0;    // banked rewards spent on them
  std::int64_t rewards_banked = 0;  // rewards added to the card
  std::int64_t stamps_earned = 0;   // paid units that earned a stamp
  std::int64_t stamps_spent = 0;    // stamps turned into rewards
  std::int64_t stamps_expired = 0;  // stamps lost to expiry before the sale
  ProgramBalance after;
};

StampOutcome apply_stamp_card(const StampProgram& program, const ProgramBalance& before,
                              const StampInput& input);

// Stamps given outside a purchase (the referral bonus), at `now`: stamps that
// lapsed go first, the bonus is earned now (and lapses like any stamp), and a
// reward's worth of stamps becomes a reward. `stamps_earned` is the bonus.
StampOutcome add_bonus_stamps(const StampProgram& program, const ProgramBalance& before,
                              std::int64_t stamps, std::int64_t now);

// The same balance, normal: surplus stamps turned into rewards.
ProgramBalance normalized(const StampProgram& program, const ProgramBalance& balance);

}  // namespace loyalpos::loyalty
