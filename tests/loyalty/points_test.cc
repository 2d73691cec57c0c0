// Points cards: earned on what was paid, one per full per_amount, spent a
// threshold at a time on an amount off a later order.
#include "loyalty/points.h"

#include <gtest/gtest.h>

#include "loyalty/pricing.h"
#include "tests/loyalty/rules_fixture.h"

namespace loyalpos::loyalty::testing {
namespace {

// 1 point per 10.00 paid; 50 points buy 150.00 off.
PointsProgram points_card() {
  PointsProgram p;
  p.id = "points";
  p.name = "Café points";
  p.per_amount = 1000;
  p.threshold = 50;
  p.reward_amount = 15000;
  return p;
}

Rules points_rules() {
  Rules rules;
  rules.points_programs.push_back(points_card());
  return rules;
}

PricingRequest points_basket(std::vector<BasketLine> lines, std::int64_t points,
                             bool redeem = false) {
  PricingRequest r = basket(std::move(lines));
  r.card = CardState{"card", {{"points", points, 0, 0}}, {}, false};
  if (redeem) r.redeem = {"points"};
  return r;
}

const PointsChange& only_change(const PricedBasket& priced) {
  EXPECT_EQ(priced.points.size(), 1u);
  return priced.points.front();
}

TEST(Points, OnePointPerFullPerAmountPaidRoundedDown) {
  const Rules rules = points_rules();
  // 150.00 + 80.00 = 230.00: 23 points; 90.00: 9; 9.99 alone: none.
  auto priced = price_basket(points_basket({{kCroissant, 1}, {kTea, 1}}, 0), rules);
  ASSERT_TRUE(priced.ok()) << priced.error().message();
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 23);
  EXPECT_EQ(only_change(*priced).outcome.after.stamps, 23);
  EXPECT_EQ(priced->messages.back(), "23 points — 50 for 150.00 off");

  const Product cheap = product("MINT", "candy", 999);
  priced = price_basket(points_basket({{cheap, 1}}, 7), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 0);
  EXPECT_EQ(only_change(*priced).outcome.after.stamps, 7);
  priced = price_basket(points_basket({{cheap, 2}}, 7), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 1) << "19.98 holds one full 10.00";
}

TEST(Points, ADiscountedItemEarnsOnWhatWasPaid) {
  Rules rules = points_rules();
  Promotion half = promotion("half", PromotionKind::kPercentOff);
  half.items.categories = {"drink"};
  half.percent = 50;
  rules.promotions.push_back(half);
  // Coffee 170.00 at half price: 85.00 paid, 8 points (not 17).
  auto priced = price_basket(points_basket({{kCoffee, 1}}, 0), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->total, 8500);
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 8);
}

TEST(Points, OnlyTheProgramsItemsEarn) {
  Rules rules = points_rules();
  rules.points_programs[0].items.categories = {"drink"};
  auto priced = price_basket(points_basket({{kCroissant, 2}, {kTea, 1}}, 0), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 8);
}

TEST(Points, ARedeemAtTheThresholdTakesTheRewardOffTheOrder) {
  const Rules rules = points_rules();
  // 50 points: 150.00 off 170.00 + 80.00, spread over both; 100.00 paid
  // earns 10 points after the 50 are spent.
  auto priced = price_basket(points_basket({{kCoffee, 1}, {kTea, 1}}, 50, true), rules);
  ASSERT_TRUE(priced.ok()) << priced.error().message();
  EXPECT_EQ(priced->discount, 15000);
  EXPECT_EQ(priced->total, 10000);
  const auto& change = only_change(*priced);
  EXPECT_EQ(change.discount, 15000);
  EXPECT_EQ(change.outcome.rewards_used, 1);
  EXPECT_EQ(change.outcome.points_spent, 50);
  EXPECT_EQ(change.outcome.points_earned, 10);
  EXPECT_EQ(change.outcome.after.stamps, 10);
  for (const auto& line : priced->lines) {
    ASSERT_EQ(line.discounts.size(), 1u);
    EXPECT_EQ(line.reason(), "Café points");
    EXPECT_EQ(line.discounts[0].source, "points");
  }
}

TEST(Points, OneRewardPerRedeemEvenWithPointsForMore) {
  const Rules rules = points_rules();
  auto priced = price_basket(points_basket({{kCoffee, 2}}, 160, true), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, 15000);
  EXPECT_EQ(only_change(*priced).outcome.after.stamps, 160 - 50 + 19);
}

TEST(Points, TheRewardIsClippedAtTheTotal) {
  const Rules rules = points_rules();
  auto priced = price_basket(points_basket({{kTea, 1}}, 50, true), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, 8000);
  EXPECT_EQ(priced->total, 0);
  EXPECT_EQ(priced->lines[0].net(), 0);
  EXPECT_EQ(only_change(*priced).outcome.after.stamps, 0) << "nothing paid, nothing earned";
}

TEST(Points, ARedeemBelowTheThresholdIsRefused) {
  const Rules rules = points_rules();
  auto priced = price_basket(points_basket({{kCoffee, 1}}, 49, true), rules);
  ASSERT_FALSE(priced.ok());
  EXPECT_EQ(priced.error().message(),
            "the card holds 49 points of \"Café points\"; a reward needs 50");
}

TEST(Points, PointsEarnedInASaleCannotBeSpentInIt) {
  const Rules rules = points_rules();
  // 10 coffees earn 170 points, but the card held none before the sale.
  auto priced = price_basket(points_basket({{kCoffee, 10}}, 0, true), rules);
  ASSERT_FALSE(priced.ok());
  priced = price_basket(points_basket({{kCoffee, 10}}, 0), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, 0);
  EXPECT_EQ(only_change(*priced).outcome.after.stamps, 170);
}

TEST(Points, StampCardsComeFirstAndTheirFreeItemEarnsNothing) {
  Rules rules = points_rules();
  rules.stamp_programs.push_back(pastry_card());
  PricingRequest request = points_basket({{kCroissant, 1}}, 0);
  request.card->balances.push_back({"pastry", 4, 0, 0});
  auto priced = price_basket(request, rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->total, 0);
  EXPECT_EQ(only_change(*priced).outcome.points_earned, 0);
}

// The floor makes points depend on how a purchase is split: documented in
// docs/config.md, shown here.
TEST(Points, AreNotSplitInvariant) {
  const Rules rules = points_rules();
  const Product bun = product("BUN", "pastry", 600);
  auto one = price_basket(points_basket({{bun, 2}}, 0), rules);
  auto half = price_basket(points_basket({{bun, 1}}, 0), rules);
  ASSERT_TRUE(one.ok() && half.ok());
  EXPECT_EQ(only_change(*one).outcome.points_earned, 1);
  EXPECT_EQ(2 * only_change(*half).outcome.points_earned, 0);
}

TEST(Points, NoCardNoPoints) {
  auto priced = price_basket(basket({{kCoffee, 3}}), points_rules());
  ASSERT_TRUE(priced.ok());
  EXPECT_TRUE(priced->points.empty());
}

TEST(PointsText, InEnglishAndRussian) {
  PointsProgram p = points_card();
  EXPECT_EQ(points_progress_text(p, {"points", 120, 0, 0}), "120 points — 50 for 150.00 off");
  EXPECT_EQ(points_progress_text(p, {"points", 1, 0, 0}), "1 point — 50 for 150.00 off");
  EXPECT_EQ(points_progress_text(p, {"points", 120, 0, 0}, Language::kRussian),
            "120 баллов — 50 за скидку 150.00");
  EXPECT_EQ(points_progress_text(p, {"points", 21, 0, 0}, Language::kRussian),
            "21 балл — 50 за скидку 150.00");
  EXPECT_EQ(points_progress_text(p, {"points", 3, 0, 0}, Language::kRussian),
            "3 балла — 50 за скидку 150.00");
  EXPECT_EQ(points_progress_text(p, {"points", 12, 0, 0}, Language::kRussian),
            "12 баллов — 50 за скидку 150.00");
}

}  // namespace
}  // namespace loyalpos::loyalty::testing
