// The points card's arithmetic, on one program's balance.
//
// Points are earned on money, not units: floor(paid / per_amount) for what
// the customer paid for the program's items in one sale. Because of the floor
// this is not split-invariant (two baskets of 60 ₽ earn nothing at 1 point
// per 100 ₽, one of 120 ₽ earns 1). A redeem spends `threshold` points for
// one reward; it needs them on the card before the sale, so points earned in
// a sale are never spent in the same sale.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

#include "loyalty/rules.h"
#include "loyalty/stamp_card.h"

namespace loyalpos::loyalty {

struct PointsOutcome {
  std::int64_t rewards_used = 0;   // 0 or 1: one reward per redeem
  std::int64_t points_spent = 0;   // rewards_used * threshold
  std::int64_t points_earned = 0;  // on what was paid
  ProgramBalance after;            // `stamps` holds the points
};

// Points `paid` (minor units) earns: one per full per_amount.
std::int64_t points_for(const PointsProgram& program, std::int64_t paid);

// Whether the balance holds a reward's worth of points; an error naming the
// program and what is missing otherwise.
Status check_redeem(const PointsProgram& program, const ProgramBalance& before);

// The reward (if `redeem`, checked with check_redeem first) is taken from
// `before`, then `paid` earns its points.
PointsOutcome apply_points(const PointsProgram& program, const ProgramBalance& before,
                           std::int64_t paid, bool redeem, std::int64_t now);

// "120 points — 50 for 150.00 off" / "120 баллов — 50 за скидку 150.00"
std::string points_progress_text(const PointsProgram& program, const ProgramBalance& balance,
                                 Language language = Language::kEnglish);

}  // namespace loyalpos::loyalty
