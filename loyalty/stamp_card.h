// The stamp card's arithmetic, on one program's balance.
//
// A balance is (stamps, rewards): stamps collected towards the next free item
// and rewards banked on the card (given back by a refund). Both are derived
// from the card's events; stamps may be negative when a refund took back
// stamps that were already spent, and the next purchases pay that off first.
//
// Buying q qualifying units: banked rewards make the first units free, then
// every unit bought while the card already holds every-1 stamps is free and
// clears them; every other unit earns one stamp. This is a counter, so it is
// split-invariant: one basket of q units or q baskets of one give the same
// number of free units and the same final balance.
#pragma once

#include <cstdint>
#include <string>

#include "loyalty/rules.h"

namespace loyalpos::loyalty {

struct ProgramBalance {
  std::string program_id;
  std::int64_t stamps = 0;
  std::int64_t rewards = 0;
  friend bool operator==(const ProgramBalance&, const ProgramBalance&) = default;
};

struct StampOutcome {
  std::int64_t free_units = 0;     // rewards_used + free_from_stamps
  std::int64_t rewards_used = 0;   // banked rewards spent
  std::int64_t stamps_earned = 0;  // paid qualifying units
  std::int64_t stamps_spent = 0;   // stamps cleared by free units
  ProgramBalance after;
};

// `units` must be >= 0 (pricing caps quantities, so no overflow here).
StampOutcome apply_stamp_card(const StampProgram& program, const ProgramBalance& before,
                              std::int64_t units);

}  // namespace loyalpos::loyalty
