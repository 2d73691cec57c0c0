// What the rules cost at the counter: pricing a 10-line card basket against
// 10 active programs and promotions, beside the same basket summed with no
// rules, in one run. The goal: under 5 us a basket, so the rules never show.
// scripts/bench runs it with repetitions and prints the medians and ratio.
#include <benchmark/benchmark.h>

#include "loyalty/pricing.h"

namespace loyalpos::loyalty {
namespace {

Product product(const char* sku, const char* category, std::int64_t price) {
  return Product{sku, sku, category, price, ""};
}

std::vector<BasketLine> ten_lines() {
  return {{product("CROISSANT", "pastry", 15000), 2}, {product("SIMIT", "pastry", 9000), 1},
          {product("BAKLAVA", "pastry", 18000), 1},   {product("ECLAIR", "pastry", 16000), 1},
          {product("COFFEE", "drink", 17000), 2},     {product("LATTE", "drink", 22000), 1},
          {product("TEA", "drink", 8000), 1},         {product("WATER", "drink", 6000), 1},
          {product("CAKE", "cake", 25000), 1},        {product("PIE", "cake", 19000), 1}};
}

StampProgram program(const char* id, const char* category, int every, RewardMode mode) {
  StampProgram p;
  p.id = id;
  p.name = id;
  p.items.categories = {category};
  p.every = every;
  p.mode = mode;
  return p;
}

Promotion promotion(const char* id, PromotionKind kind, const char* category) {
  Promotion p;
  p.id = id;
  p.name = id;
  p.kind = kind;
  p.items.categories = {category};
  return p;
}

// Three stamp cards and seven promotions, all in force on the benchmarked day.
Rules ten_rules() {
  Rules rules;
  rules.stamp_programs = {program("pastry", "pastry", 5, RewardMode::kApplyNow),
                          program("coffee", "drink", 8, RewardMode::kBank),
                          program("cake", "cake", 4, RewardMode::kApplyNow)};
  auto b1g1 = promotion("second-free", PromotionKind::kBuyXGetY, "pastry");
  b1g1.combinable = false;
  b1g1.priority = 5;
  auto two_for_one = promotion("weekend", PromotionKind::kNForM, "cake");
  auto percent = promotion("tea-10", PromotionKind::kPercentOff, "drink");
  percent.percent = 10;
  auto amount = promotion("minus-20", PromotionKind::kAmountOff, "cake");
  amount.amount = 2000;
  auto bundle = promotion("breakfast", PromotionKind::kBundle, "pastry");
  bundle.components = {{{"drink"}, {}}, {{"pastry"}, {}}};
  bundle.amount = 25000;
  auto regulars = promotion("regulars", PromotionKind::kPercentOff, "pastry");
  regulars.percent = 15;
  regulars.audience = Audience::kTier;
  regulars.tier = "regular";
  auto cards = promotion("card-holders", PromotionKind::kAmountOff, "drink");
  cards.amount = 500;
  cards.audience = Audience::kCardHolders;
  rules.promotions = {b1g1, two_for_one, percent, amount, bundle, regulars, cards};
  rules.tiers = {Tier{"regular", "Regular", 2, 30}};
  return rules;
}

PricingRequest card_request() {
  PricingRequest r;
  r.lines = ten_lines();
  r.now_unix = 1795430000;
  r.local = make_local_time(2026, 11, 21, 10, 30);
  r.card =
      CardState{"card", {{"pastry", 3, 0, 0}, {"coffee", 6, 1, 0}, {"cake", 2, 0, 0}}, {}, false};
  r.card->journey.visits = 5;
  r.card->journey.recent_visits = {r.now_unix - 86400, r.now_unix - 2 * 86400};
  return r;
}

void BM_Price10LinesWith10Rules(benchmark::State& state) {
  const Rules rules = ten_rules();
  const PricingRequest request = card_request();
  for (auto _ : state) {
    auto priced = price_basket(request, rules);
    benchmark::DoNotOptimize(priced);
  }
}
BENCHMARK(BM_Price10LinesWith10Rules);

// The same ten rules with the offers of round two among them: two of the
// promotions need a code (both given), two have minimums, two usage limits
// (the counts passed in, as the sale reads them from the ledger), a stamp
// card a minimum quantity, and a points card in place of the cake stamp card
// (1 point per 100.00 paid; the card redeems 50 of its 120 points).
Rules ten_rules_with_offers() {
  Rules rules = ten_rules();
  auto& promos = rules.promotions;
  promos[1].code = "VK2611";  // weekend 2-for-1 on cakes, for the post's readers
  promos[1].source = "vk-post-2026-11";
  promos[2].min_total = 10000;  // tea 10%
  promos[2].max_uses = 100;
  promos[3].min_qty = 2;     // minus 20 on cakes
  promos[5].code = "FLYER";  // regulars' 15%
  promos[6].max_uses_per_card = 3;
  rules.stamp_programs[1].min_qty = 1;
  rules.stamp_programs.pop_back();
  PointsProgram points;
  points.id = "cafe-points";
  points.name = "Café points";
  points.per_amount = 10000;
  points.threshold = 50;
  points.reward_amount = 15000;
  rules.points_programs = {points};
  return rules;
}

void BM_Price10LinesWith10RulesCodesMinimumsLimits(benchmark::State& state) {
  const Rules rules = ten_rules_with_offers();
  PricingRequest request = card_request();
  request.codes = {"vk2611", "FLYER"};
  request.uses = {{"tea-10", 42, 1}, {"card-holders", 500, 2}};
  request.card->balances.push_back({"cafe-points", 120, 0, 0});
  request.redeem = {"cafe-points"};
  for (auto _ : state) {
    auto priced = price_basket(request, rules);
    benchmark::DoNotOptimize(priced);
  }
}
BENCHMARK(BM_Price10LinesWith10RulesCodesMinimumsLimits);

void BM_Price10LinesNoRules(benchmark::State& state) {
  const Rules rules;
  const PricingRequest request = card_request();
  for (auto _ : state) {
    auto priced = price_basket(request, rules);
    benchmark::DoNotOptimize(priced);
  }
}
BENCHMARK(BM_Price10LinesNoRules);

}  // namespace
}  // namespace loyalpos::loyalty

BENCHMARK_MAIN();
