#include "loyalty/pricing.h"

#include <algorithm>

#include "loyalty/money.h"

namespace loyalpos::loyalty {

namespace {

std::string ordinal(int n) {
  const int last_two = n % 100;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    switch (n % 10) {
      case 1: suffix = "st"; break;
      case 2: suffix = "nd"; break;
      case 3: suffix = "rd"; break;
      default: break;
    }
  }
  return std::to_string(n) + suffix;
}

ProgramBalance balance_for(const std::optional<CardState>& card, const std::string& program_id) {
  if (card) {
    for (const auto& b : card->balances) {
      if (b.program_id == program_id) return b;
    }
  }
  return ProgramBalance{program_id, 0, 0};
}

std::int64_t units_still_paid(const PricedLine& line) {
  std::int64_t covered = 0;
  for (const auto& d : line.discounts) covered += d.units;
  return line.qty - covered;
}

// Marks `free_units` units free among the lines that qualify for `program`,
// cheapest first. Ties break on SKU so the result does not depend on the
// order the lines were scanned in.
void give_free_units(const StampProgram& program, std::int64_t free_units,
                     std::vector<PricedLine>& lines) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (program.qualifies(lines[i].product)) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& pa = lines[a].product;
    const auto& pb = lines[b].product;
    if (pa.price != pb.price) return pa.price < pb.price;
    return pa.sku < pb.sku;
  });
  const std::string reason = ordinal(program.every) + " free — " + program.name;
  for (std::size_t i : order) {
    if (free_units == 0) break;
    auto& line = lines[i];
    const std::int64_t units = std::min(free_units, units_still_paid(line));
    if (units == 0) continue;
    // units <= qty <= kMaxQuantity and price * qty was checked: no overflow.
    const std::int64_t amount = units * line.product.price;
    line.discounts.push_back(LineDiscount{amount, units, reason, program.id});
    line.discount += amount;
    free_units -= units;
  }
}

Status check_line(const BasketLine& line) {
  if (line.qty < 1) {
    return Error::invalid("quantity of " + line.product.sku + " must be at least 1, got " +
                          std::to_string(line.qty));
  }
  if (line.qty > kMaxQuantity) {
    return Error::invalid("quantity of " + line.product.sku + " is " + std::to_string(line.qty) +
                          "; at most " + std::to_string(kMaxQuantity) + " per line");
  }
  if (line.product.price < 0) {
    return Error::invalid("price of " + line.product.sku + " is negative");
  }
  return ok_status();
}

}  // namespace

Result<PricedBasket> price_basket(const PricingRequest& request, const Rules& rules) {
  if (request.lines.empty()) return Error::invalid("the basket is empty");
  if (request.lines.size() > kMaxBasketLines) {
    return Error::invalid("a basket holds at most " + std::to_string(kMaxBasketLines) + " lines");
  }
  PricedBasket basket;
  basket.lines.reserve(request.lines.size());
  for (const auto& line : request.lines) {
    LOYALPOS_TRY(check_line(line));
    auto gross = checked_mul(line.product.price, line.qty);
    if (!gross.ok()) return Error::overflow("line " + line.product.sku + " is too expensive");
    auto subtotal = checked_add(basket.subtotal, *gross);
    if (!subtotal.ok()) return Error::overflow("the basket total is too large");
    basket.subtotal = *subtotal;
    PricedLine priced;
    priced.product = line.product;
    priced.qty = line.qty;
    priced.gross = *gross;
    basket.lines.push_back(std::move(priced));
  }

  if (request.card) {
    for (const auto& program : rules.stamp_programs) {
      std::int64_t units = 0;
      for (const auto& line : basket.lines) {
        if (program.qualifies(line.product)) units += units_still_paid(line);
      }
      ProgramChange change;
      change.program = &program;
      change.before = balance_for(request.card, program.id);
      change.outcome = apply_stamp_card(program, change.before, units);
      give_free_units(program, change.outcome.free_units, basket.lines);
      basket.programs.push_back(std::move(change));
    }
  }

  for (const auto& line : basket.lines) basket.discount += line.discount;
  basket.total = basket.subtotal - basket.discount;
  return basket;
}

std::string progress_text(const StampProgram& program, const ProgramBalance& balance) {
  const std::int64_t stamps = std::max<std::int64_t>(balance.stamps, 0);
  std::string text = program.name + " " + std::to_string(stamps) + "/" +
                     std::to_string(program.every) + " — ";
  if (balance.rewards > 0) {
    text += std::to_string(balance.rewards) + " free one" + (balance.rewards > 1 ? "s" : "") +
            " waiting";
  } else if (stamps + 1 >= program.every) {
    text += "the next one is free";
  } else {
    // A negative balance (a refund took back stamps already used) needs
    // paying off first.
    text += std::to_string(program.every - balance.stamps) + " more for a free one";
  }
  return text;
}

std::string PricedLine::reason() const {
  std::string out;
  for (const auto& d : discounts) {
    if (!out.empty()) out += "; ";
    out += d.reason;
  }
  return out;
}

}  // namespace loyalpos::loyalty
