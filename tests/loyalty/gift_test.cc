// "Buy a coffee, get a simit free": kind = gift, with a trigger.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

Promotion coffee_gets_simit() {
  auto promo = promotion("coffee-simit", PromotionKind::kGift);
  promo.name = "Coffee + free simit";
  promo.trigger = ProductSet{{"drink"}, {}};
  promo.items = ProductSet{{}, {"SIMIT", "CROISSANT"}};
  return promo;
}

Rules rules_of(std::vector<Promotion> promotions) {
  Rules rules;
  rules.promotions = std::move(promotions);
  return rules;
}

TEST(Gift, TheGiftMustBeInTheBasket) {
  auto priced = price_basket(basket({{kCoffee, 1}}), rules_of({coffee_gets_simit()}));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, 0);
  EXPECT_TRUE(priced->promotions_applied.empty());
  auto no_coffee = price_basket(basket({{kSimit, 1}}), rules_of({coffee_gets_simit()}));
  ASSERT_TRUE(no_coffee.ok());
  EXPECT_EQ(no_coffee->discount, 0);
}

TEST(Gift, OneCheapestGiftPerTrigger) {
  auto one = price_basket(basket({{kCoffee, 1}, {kCroissant, 1}, {kSimit, 1}}),
                          rules_of({coffee_gets_simit()}));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->discount, kSimit.price);
  EXPECT_EQ(one->lines[2].reason(), "Coffee + free simit");
  auto two = price_basket(basket({{kCoffee, 1}, {kTea, 1}, {kCroissant, 1}, {kSimit, 1}}),
                          rules_of({coffee_gets_simit()}));
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->discount, kSimit.price + kCroissant.price);
  auto three_triggers =
      price_basket(basket({{kCoffee, 3}, {kSimit, 2}}), rules_of({coffee_gets_simit()}));
  ASSERT_TRUE(three_triggers.ok());
  EXPECT_EQ(three_triggers->discount, 2 * kSimit.price);
}

TEST(Gift, AUnitIsNeverItsOwnTrigger) {
  // "Buy a pastry, get a simit": one simit alone is not free; two are one free.
  auto promo = coffee_gets_simit();
  promo.trigger = ProductSet{{"pastry"}, {}};
  promo.items = ProductSet{{}, {"SIMIT"}};
  auto alone = price_basket(basket({{kSimit, 1}}), rules_of({promo}));
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->discount, 0);
  auto pair = price_basket(basket({{kSimit, 2}}), rules_of({promo}));
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->discount, kSimit.price);
  auto mixed = price_basket(basket({{kSimit, 3}, {kCroissant, 1}}), rules_of({promo}));
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->discount, 2 * kSimit.price);
}

// Free gifts are at most the triggers, at most the gifts in the basket,
// never a unit that triggers its own gift, and the order of lines never
// changes them.
RC_GTEST_PROP(Gift, BoundedByTriggersAndGiftsAndOrderIndependent, ()) {
  const std::vector<Product> products = {kCroissant, kSimit, kBaklava, kCoffee, kTea};
  std::vector<BasketLine> lines;
  const int n = *rc::gen::inRange(1, 6);
  for (int i = 0; i < n; ++i) {
    lines.push_back({products[*rc::gen::inRange<std::size_t>(0, products.size())],
                     *rc::gen::inRange<std::int64_t>(1, 4)});
  }
  auto promo = coffee_gets_simit();
  if (*rc::gen::arbitrary<bool>()) promo.trigger = ProductSet{{"pastry"}, {}};
  const Rules rules = rules_of({promo});
  auto request = basket(lines);
  auto reversed = request;
  std::reverse(reversed.lines.begin(), reversed.lines.end());
  auto a = price_basket(request, rules);
  auto b = price_basket(reversed, rules);
  RC_ASSERT(a.ok() && b.ok());
  std::int64_t triggers = 0, gifts = 0, either = 0, free = 0;
  for (const auto& line : a->lines) {
    const bool t = promo.trigger.contains(line.product), g = promo.items.contains(line.product);
    triggers += t ? line.qty : 0;
    gifts += g ? line.qty : 0;
    either += (t || g) ? line.qty : 0;
    for (const auto& d : line.discounts) free += d.units;
  }
  RC_ASSERT(free == std::min({triggers, gifts, either / 2}));
  RC_ASSERT(a->total == b->total);
}

}  // namespace
}  // namespace loyalpos::loyalty
