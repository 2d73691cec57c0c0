// An amount off the whole order (order_amount_off), and a cap on what a
// percent_off gives in one basket (max_discount).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

Promotion hundred_off() {
  auto promo = promotion("minus-100", PromotionKind::kOrderAmountOff);
  promo.name = "100 off the order";
  promo.items = {};  // the whole basket
  promo.amount = 10000;
  return promo;
}

Rules rules_of(std::vector<Promotion> promotions) {
  Rules rules;
  rules.promotions = std::move(promotions);
  return rules;
}

TEST(OrderAmountOff, TakesTheAmountOffTheWholeBasketSpreadByPrice) {
  auto priced =
      price_basket(basket({{kCroissant, 2}, {kCoffee, 1}, {kTea, 1}}), rules_of({hundred_off()}));
  ASSERT_TRUE(priced.ok()) << priced.error().message();
  EXPECT_EQ(priced->discount, 10000);
  EXPECT_EQ(priced->total, 2 * 15000 + 17000 + 8000 - 10000);
  // Of 55000: each croissant 2727, the coffee 3090, the tea 1454, rounded
  // down; the 2 left over go to the dearest units, the coffee and a croissant.
  EXPECT_EQ(priced->lines[0].discount, 2727 + 2727 + 1);
  EXPECT_EQ(priced->lines[1].discount, 3090 + 1);
  EXPECT_EQ(priced->lines[2].discount, 1454);
  for (const auto& line : priced->lines) EXPECT_EQ(line.reason(), "100 off the order");
}

TEST(OrderAmountOff, IsClippedAtTheTotal) {
  auto priced = price_basket(basket({{kTea, 1}}), rules_of({hundred_off()}));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, kTea.price);
  EXPECT_EQ(priced->total, 0);
}

TEST(OrderAmountOff, TakesOnlyWhatEarlierPromotionsLeft) {
  auto half = promotion("half", PromotionKind::kPercentOff);
  half.percent = 50;
  half.priority = 1;
  auto priced = price_basket(basket({{kCroissant, 1}}), rules_of({half, hundred_off()}));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, kCroissant.price);
  EXPECT_EQ(priced->total, 0);
}

TEST(MaxDiscount, CapsWhatAPercentOffGivesInOneBasket) {
  auto promo = promotion("twenty", PromotionKind::kPercentOff);
  promo.percent = 20;
  promo.max_discount = 5000;
  auto small = price_basket(basket({{kCroissant, 1}}), rules_of({promo}));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->discount, 3000);
  auto big = price_basket(basket({{kCroissant, 1}, {kBaklava, 1}}), rules_of({promo}));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->discount, 5000);
  // The dearest first: baklava 3600, then the croissant the 1400 left.
  EXPECT_EQ(big->lines[1].discount, 3600);
  EXPECT_EQ(big->lines[0].discount, 1400);
}

// Whatever the basket, its order, the amount or the cap: the discount is
// min(amount, total), no line goes below zero, and the order of lines never
// changes what each product is discounted.
RC_GTEST_PROP(OrderAmountOff, ExactClippedNeverNegativeAndOrderIndependent, ()) {
  const std::vector<Product> products = {kCroissant, kSimit, kBaklava,
                                         kCoffee,    kTea,   product("WATER", "drink", 0)};
  std::vector<BasketLine> lines;
  const int n = *rc::gen::inRange(1, 7);
  for (int i = 0; i < n; ++i) {
    lines.push_back({products[*rc::gen::inRange<std::size_t>(0, products.size())],
                     *rc::gen::inRange<std::int64_t>(1, 5)});
  }
  auto off = hundred_off();
  off.amount = *rc::gen::inRange<std::int64_t>(1, 200000);
  auto capped = promotion("capped", PromotionKind::kPercentOff);
  capped.percent = *rc::gen::inRange(1, 101);
  capped.max_discount = *rc::gen::inRange<std::int64_t>(1, 20000);
  capped.priority = 1;
  const Rules rules = rules_of({off, capped});
  auto request = basket(lines);
  auto reversed = request;
  std::reverse(reversed.lines.begin(), reversed.lines.end());
  auto a = price_basket(request, rules);
  auto b = price_basket(reversed, rules);
  RC_ASSERT(a.ok() && b.ok());
  std::int64_t capped_off = 0, order_off = 0;
  for (const auto& line : a->lines) {
    RC_ASSERT(line.net() >= 0);
    for (const auto& d : line.discounts)
      (d.source == "capped" ? capped_off : order_off) += d.amount;
  }
  RC_ASSERT(capped_off <= *capped.max_discount);
  RC_ASSERT(order_off == std::min(off.amount, a->subtotal - capped_off));
  RC_ASSERT(a->total == b->total);
  // Lines of one SKU are interchangeable: compare the discount per SKU.
  auto by_sku = [](const PricedBasket& p) {
    std::map<std::string, std::int64_t> out;
    for (const auto& line : p.lines) out[line.product.sku] += line.discount;
    return out;
  };
  RC_ASSERT(by_sku(*a) == by_sku(*b));
}

}  // namespace
}  // namespace loyalpos::loyalty
