// Pricing: the one pure function at the heart of a sale.
//
// basket + card state + rules + the time passed in -> priced lines,
// discounts with their reasons, the programs' stamp changes and what the
// receipt should say. Same input, same output; the order of lines in the
// basket never changes totals, free units or stamps; no line goes below zero.
//
// Order of work: promotions by priority (higher first; a non-combinable one
// takes only untouched items and keeps them to itself), then each stamp card
// on what is left. Items a promotion made free or cheaper earn stamps only if
// that promotion says so (the ones it left at full price always do, like the
// paid croissant of a 2-for-1); items a stamp card makes free never do.
// Points cards come last: a redeemed reward is taken off the order, then
// what is left to pay for each card's items earns its points.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/catalog.h"
#include "loyalty/journey.h"
#include "loyalty/points.h"
#include "loyalty/rules.h"
#include "loyalty/schedule.h"
#include "loyalty/stamp_card.h"

namespace loyalpos::loyalty {

inline constexpr std::int64_t kMaxQuantity = 999;
inline constexpr std::size_t kMaxBasketLines = 200;

struct BasketLine {
  Product product;
  std::int64_t qty = 1;
};

struct CardState {
  std::string card_id;
  std::vector<ProgramBalance> balances;  // missing program = zero balance
  CardJourney journey;                   // visits before this sale
  bool referral_pending = false;         // issued with a referrer, no purchase yet
};

// How many sales a promotion applied in so far, refunded ones not counted:
// in all, and with the request's card.
struct PromotionUses {
  std::string promotion_id;
  std::int64_t total = 0;
  std::int64_t by_card = 0;
};

// A one-shot coupon given with a sale: its code (upper case) and the
// promotion it unlocks.
struct CouponUse {
  std::string code;
  std::string promotion_id;
};

struct PricingRequest {
  std::vector<BasketLine> lines;
  std::optional<CardState> card;
  std::int64_t now_unix = 0;  // the clock, passed in
  LocalTime local;            // the same moment in the store's time zone
  // Bank-mode programs whose rewards to use, and points programs to spend a
  // reward of (an error if the card holds too few points).
  std::vector<std::string> redeem;
  // Promotion ids not to apply to this basket (the cashier's override).
  std::vector<std::string> skip_promotions;
  // Codes given at the counter, any case, each known to the rules (an
  // unknown one is an error); a repeated code counts once.
  std::vector<std::string> codes;
  // Coupons given, already checked unused by the caller (pos/coupons.h):
  // each unlocks its coupon promotion and is listed among the codes.
  std::vector<CouponUse> coupons;
  // Past uses of the promotions with usage limits (missing: none yet).
  std::vector<PromotionUses> uses;
};

struct LineDiscount {
  std::int64_t amount = 0;
  std::int64_t units = 0;  // units it made free
  std::string reason;      // "5th free — Pastry card", "Weekend: 2 for 1"
  std::string source;      // the program or promotion id
};

struct PricedLine {
  Product product;
  std::int64_t qty = 0;
  std::int64_t gross = 0;     // unit price * qty
  std::int64_t discount = 0;  // sum of discounts, never above gross
  std::vector<LineDiscount> discounts;

  std::int64_t net() const { return gross - discount; }
  std::string reason() const;  // the discounts' reasons joined with "; "
};

struct ProgramChange {
  const StampProgram* program = nullptr;  // points into the Rules priced with
  ProgramBalance before;
  StampOutcome outcome;
  // Bonus stamps added to `outcome.after`, normalised there like any stamps
  // (a reward's worth becomes a reward, in rewards_banked and stamps_spent);
  // not in `outcome.stamps_earned`.
  std::int64_t referral_stamps = 0;
};

struct PointsChange {
  const PointsProgram* program = nullptr;  // points into the Rules priced with
  ProgramBalance before;
  PointsOutcome outcome;
  std::int64_t discount = 0;  // the reward taken off this order
};

struct CodeUse {
  std::string code;
  std::string source;
};

struct PricedBasket {
  std::vector<PricedLine> lines;  // in basket order
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t total = 0;
  std::vector<ProgramChange> programs;          // card sales only, in rules order
  std::vector<PointsChange> points;             // card sales only, in rules order
  std::vector<std::string> promotions_applied;  // ids, in the order applied
  // The codes given, upper case, sorted, once each, with their touchpoints,
  // whether or not their promotion applied.
  std::vector<CodeUse> codes;
  const Tier* tier = nullptr;  // the card's tier with this visit
  // Stamps the referrer's card gets for this first purchase (0: none).
  std::int64_t referrer_bonus = 0;
  std::string referrer_program;
  std::vector<std::string> messages;  // receipt lines: progress per program
};

Result<PricedBasket> price_basket(const PricingRequest& request, const Rules& rules);

}  // namespace loyalpos::loyalty
