// Properties of pricing over thousands of seeded random baskets and rule
// sets. rapidcheck prints the seed of a failure; replay it with
// RC_PARAMS="seed=N" (ctest sets max_success for these suites).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

const std::vector<Product>& catalog() {
  static const std::vector<Product> products = {kCroissant,
                                                kSimit,
                                                kBaklava,
                                                kEclair,
                                                kCoffee,
                                                kTea,
                                                product("CAKE", "cake", 9000),
                                                product("PIE", "cake", 12000),
                                                product("WATER", "drink", 0)};
  return products;
}

ProductSet random_set() {
  static const std::vector<std::string> categories = {"pastry", "drink", "cake"};
  ProductSet set;
  set.categories.push_back(categories[*rc::gen::inRange<std::size_t>(0, categories.size())]);
  if (*rc::gen::arbitrary<bool>()) {
    set.skus.push_back(catalog()[*rc::gen::inRange<std::size_t>(0, catalog().size())].sku);
  }
  return set;
}

Promotion random_promotion(int index) {
  Promotion p;
  p.id = "promo" + std::to_string(index);
  p.name = p.id;
  p.kind = static_cast<PromotionKind>(*rc::gen::inRange(0, 5));
  p.items = random_set();
  p.buy = *rc::gen::inRange(1, 4);
  p.get = *rc::gen::inRange(1, 3);
  p.n = *rc::gen::inRange(2, 5);
  p.m = *rc::gen::inRange(1, p.n);
  p.percent = *rc::gen::inRange(1, 101);
  p.amount = *rc::gen::inRange<std::int64_t>(0, 40000);
  p.components = {random_set(), random_set()};
  p.priority = *rc::gen::inRange(0, 3);
  p.combinable = *rc::gen::arbitrary<bool>();
  p.earns_stamps = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) p.schedule.weekdays = 0b1100000;
  return p;
}

StampProgram random_program(const std::string& category, bool simple) {
  StampProgram p;
  p.id = category;
  p.name = category + " card";
  p.items.categories = {category};
  p.every = *rc::gen::inRange(2, 8);
  if (!simple) {
    if (*rc::gen::arbitrary<bool>()) p.mode = RewardMode::kBank;
    if (*rc::gen::arbitrary<bool>()) p.free_item = FreeItem::kMostExpensive;
    if (*rc::gen::arbitrary<bool>()) p.max_rewards_per_sale = *rc::gen::inRange(1, 3);
  }
  return p;
}

Rules random_rules(bool with_promotions) {
  Rules rules;
  for (const char* category : {"pastry", "drink", "cake"}) {
    if (*rc::gen::arbitrary<bool>())
      rules.stamp_programs.push_back(random_program(category, !with_promotions));
  }
  if (with_promotions) {
    const int count = *rc::gen::inRange(0, 6);
    for (int i = 0; i < count; ++i) rules.promotions.push_back(random_promotion(i));
  }
  return rules;
}

std::vector<BasketLine> random_lines() {
  std::vector<BasketLine> lines;
  const auto n = *rc::gen::inRange<std::size_t>(1, 10);
  for (std::size_t i = 0; i < n; ++i) {
    lines.push_back({catalog()[*rc::gen::inRange<std::size_t>(0, catalog().size())],
                     *rc::gen::inRange<std::int64_t>(1, 12)});
  }
  return lines;
}

std::optional<CardState> random_card(const Rules& rules) {
  if (!*rc::gen::arbitrary<bool>()) return std::nullopt;
  CardState card{"card", {}, {}, false};
  for (const auto& p : rules.stamp_programs) {
    card.balances.push_back({p.id, *rc::gen::inRange<std::int64_t>(-3, p.every),
                             *rc::gen::inRange<std::int64_t>(0, 3), 0});
  }
  card.journey.visits = *rc::gen::inRange<std::int64_t>(0, 3);
  return card;
}

PricingRequest request(std::vector<BasketLine> lines, std::optional<CardState> card) {
  PricingRequest r;
  r.lines = std::move(lines);
  r.card = std::move(card);
  r.local = *rc::gen::arbitrary<bool>() ? saturday() : monday();
  for (const char* p : {"pastry", "drink"}) {
    if (*rc::gen::arbitrary<bool>()) r.redeem.push_back(p);
  }
  return r;
}

// What a failing case was, for the log rapidcheck prints.
std::string describe(const PricingRequest& r, const Rules& rules) {
  std::string out =
      "day " + std::to_string(r.local.weekday) + (r.card ? " card" : " no card") + "\n";
  for (const auto& l : r.lines) out += "  " + l.product.sku + " x" + std::to_string(l.qty) + "\n";
  for (const auto& p : rules.promotions) {
    out += "  promo " + p.id + " kind " + std::to_string(static_cast<int>(p.kind)) + " prio " +
           std::to_string(p.priority) + (p.combinable ? " comb" : " excl") +
           (p.earns_stamps ? " earns" : "") + " cats " +
           (p.items.categories.empty() ? "" : p.items.categories[0]) + " skus " +
           (p.items.skus.empty() ? "" : p.items.skus[0]) + " buy/get " + std::to_string(p.buy) +
           "/" + std::to_string(p.get) + " n/m " + std::to_string(p.n) + "/" + std::to_string(p.m) +
           " pct " + std::to_string(p.percent) + " amt " + std::to_string(p.amount);
    for (const auto& c : p.components) {
      out += " comp[" + (c.categories.empty() ? "" : c.categories[0]) + "," +
             (c.skus.empty() ? "" : c.skus[0]) + "]";
    }
    out += "\n";
  }
  for (const auto& p : rules.stamp_programs) {
    out += "  program " + p.id + " every " + std::to_string(p.every) + "\n";
  }
  return out;
}

RC_GTEST_PROP(PricingProperty, TotalIsNeverNegativeNorDiscountAboveSubtotal, ()) {
  const Rules rules = random_rules(true);
  const auto priced = price_basket(request(random_lines(), random_card(rules)), rules);
  RC_ASSERT(priced.ok());
  RC_ASSERT(priced->total >= 0);
  RC_ASSERT(priced->discount <= priced->subtotal);
  std::int64_t sum = 0;
  for (const auto& line : priced->lines) {
    RC_ASSERT(line.discount >= 0);
    RC_ASSERT(line.discount <= line.gross);
    sum += line.net();
  }
  RC_ASSERT(sum == priced->total);
}

RC_GTEST_PROP(PricingProperty, LineOrderDoesNotChangeTheResult, ()) {
  const Rules rules = random_rules(true);
  const PricingRequest a = request(random_lines(), random_card(rules));
  PricingRequest b = a;
  std::mt19937 rng(*rc::gen::arbitrary<unsigned>());
  std::shuffle(b.lines.begin(), b.lines.end(), rng);
  const auto pa = price_basket(a, rules);
  const auto pb = price_basket(b, rules);
  RC_LOG() << describe(a, rules) << "\nshuffled:\n"
           << describe(b, rules) << "\ntotals " << pa->total << " vs " << pb->total << "\n";
  RC_ASSERT(pa->total == pb->total);
  RC_ASSERT(pa->discount == pb->discount);
  RC_ASSERT(pa->programs.size() == pb->programs.size());
  for (std::size_t i = 0; i < pa->programs.size(); ++i) {
    RC_ASSERT(pa->programs[i].outcome.after == pb->programs[i].outcome.after);
    RC_ASSERT(pa->programs[i].outcome.free_units == pb->programs[i].outcome.free_units);
  }
}

RC_GTEST_PROP(PricingProperty, IsDeterministic, ()) {
  const Rules rules = random_rules(true);
  const PricingRequest r = request(random_lines(), random_card(rules));
  const auto a = price_basket(r, rules);
  const auto b = price_basket(r, rules);
  RC_ASSERT(a->total == b->total);
  for (std::size_t i = 0; i < a->lines.size(); ++i) {
    RC_ASSERT(a->lines[i].discount == b->lines[i].discount);
    RC_ASSERT(a->lines[i].reason() == b->lines[i].reason());
  }
}

// The same items bought in one basket or in many (the balance carried over)
// give the same number of free items for every "every N-th" program.
RC_GTEST_PROP(PricingProperty, SplittingABasketGivesTheSameFreeItems, ()) {
  const Rules rules = random_rules(false);
  const auto lines = random_lines();
  CardState start{"card", {}, {}, false};
  for (const auto& p : rules.stamp_programs) start.balances.push_back({p.id, 0, 0, 0});
  PricingRequest whole;
  whole.lines = lines;
  whole.card = start;
  const auto once = price_basket(whole, rules);
  RC_ASSERT(once.ok());

  // Cut the units into random consecutive baskets.
  std::vector<BasketLine> units;
  for (const auto& line : lines) {
    for (std::int64_t u = 0; u < line.qty; ++u) units.push_back({line.product, 1});
  }
  CardState card = start;
  std::vector<std::int64_t> free_split(rules.stamp_programs.size(), 0);
  std::size_t at = 0;
  while (at < units.size()) {
    const auto take = *rc::gen::inRange<std::size_t>(1, units.size() - at + 1);
    PricingRequest part;
    part.lines.assign(units.begin() + static_cast<std::ptrdiff_t>(at),
                      units.begin() + static_cast<std::ptrdiff_t>(at + take));
    part.card = card;
    const auto priced = price_basket(part, rules);
    RC_ASSERT(priced.ok());
    card.balances.clear();
    for (std::size_t i = 0; i < priced->programs.size(); ++i) {
      free_split[i] += priced->programs[i].outcome.free_units;
      card.balances.push_back(priced->programs[i].outcome.after);
    }
    at += take;
  }
  for (std::size_t i = 0; i < rules.stamp_programs.size(); ++i) {
    RC_ASSERT(once->programs[i].outcome.free_units == free_split[i]);
    RC_ASSERT(once->programs[i].outcome.after.stamps == card.balances[i].stamps);
  }
}

}  // namespace
}  // namespace loyalpos::loyalty
