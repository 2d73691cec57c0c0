// Pricing: the one pure function at the heart of a sale.
//
// basket + card balances + rules + the time passed in -> priced lines,
// discounts with their reasons, the programs' stamp changes and the messages
// the receipt should say. Same input, same output; the order of lines in the
// basket never changes totals, free units or stamps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/catalog.h"
#include "loyalty/result.h"
#include "loyalty/rules.h"
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
};

struct PricingRequest {
  std::vector<BasketLine> lines;
  std::optional<CardState> card;
  std::int64_t now_unix = 0;  // the clock, passed in
};

struct LineDiscount {
  std::int64_t amount = 0;
  std::int64_t units = 0;  // how many units of the line it covers
  std::string reason;      // "5th pastry free — Pastry card"
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
};

struct PricedBasket {
  std::vector<PricedLine> lines;  // in basket order
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t total = 0;
  std::vector<ProgramChange> programs;  // card sales only, in rules order
};

Result<PricedBasket> price_basket(const PricingRequest& request, const Rules& rules);

// "Pastry card 3/5 — 2 more for a free one"
std::string progress_text(const StampProgram& program, const ProgramBalance& balance);

}  // namespace loyalpos::loyalty
