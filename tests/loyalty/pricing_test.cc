#include "loyalty/pricing.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "loyalty/messages.h"

namespace loyalpos::loyalty {
namespace {

Product product(const std::string& sku, const std::string& category, std::int64_t price) {
  return Product{sku, sku, category, price, ""};
}

const Product kCroissant = product("CROISSANT", "pastry", 15000);
const Product kSimit = product("SIMIT", "pastry", 9000);
const Product kBaklava = product("BAKLAVA", "pastry", 18000);
const Product kCoffee = product("COFFEE", "drink", 17000);

Rules cafe_rules() {
  Rules rules;
  StampProgram pastry;
  pastry.id = "pastry";
  pastry.name = "Pastry card";
  pastry.items.categories = {"pastry"};
  pastry.every = 5;
  rules.stamp_programs.push_back(pastry);
  return rules;
}

PricingRequest with_card(std::vector<BasketLine> lines, std::int64_t stamps,
                         std::int64_t rewards = 0) {
  PricingRequest r;
  r.lines = std::move(lines);
  r.card = CardState{"card", {{"pastry", stamps, rewards, 0}}, {}, false};
  return r;
}

TEST(PriceBasket, WithoutACardNothingIsFree) {
  PricingRequest r;
  r.lines = {{kCroissant, 5}, {kCoffee, 1}};
  auto priced = price_basket(r, cafe_rules());
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->subtotal, 5 * 15000 + 17000);
  EXPECT_EQ(priced->discount, 0);
  EXPECT_EQ(priced->total, priced->subtotal);
  EXPECT_TRUE(priced->programs.empty());
}

TEST(PriceBasket, FifthPastryOfTheCardIsFreeWithItsReason) {
  auto priced = price_basket(with_card({{kCroissant, 1}, {kCoffee, 1}}, 4), cafe_rules());
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, 15000);
  EXPECT_EQ(priced->total, 17000);
  EXPECT_EQ(priced->lines[0].reason(), "5th free — Pastry card");
  EXPECT_EQ(priced->lines[1].discount, 0);
  ASSERT_EQ(priced->programs.size(), 1u);
  EXPECT_EQ(priced->programs[0].outcome.after.stamps, 0);
}

TEST(PriceBasket, TheCheapestQualifyingPastryIsTheFreeOne) {
  auto priced =
      price_basket(with_card({{kBaklava, 1}, {kSimit, 1}, {kCroissant, 1}}, 3), cafe_rules());
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->discount, kSimit.price);
  EXPECT_EQ(priced->lines[1].discount, kSimit.price);
}

TEST(PriceBasket, FreeUnitsComeOutOfAMultiUnitLine) {
  auto priced = price_basket(with_card({{kCroissant, 10}}, 0), cafe_rules());
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->lines[0].discount, 2 * 15000);
  EXPECT_EQ(priced->lines[0].discounts[0].units, 2);
  EXPECT_EQ(priced->programs[0].outcome.stamps_earned, 8);
  EXPECT_EQ(priced->programs[0].outcome.after.stamps, 0);
}

TEST(PriceBasket, RejectsBadQuantitiesAndEmptyBaskets) {
  for (std::int64_t qty : std::vector<std::int64_t>{0, -1, 1000, INT64_MAX}) {
    PricingRequest r;
    r.lines = {{kCroissant, qty}};
    auto priced = price_basket(r, cafe_rules());
    ASSERT_FALSE(priced.ok()) << qty;
    EXPECT_NE(priced.error().message().find("CROISSANT"), std::string::npos);
  }
  EXPECT_FALSE(price_basket(PricingRequest{}, cafe_rules()).ok());
}

TEST(PriceBasket, AnOverflowingBasketIsAnErrorNotAWrap) {
  PricingRequest r;
  r.lines = {{product("GOLD", "x", INT64_MAX / 2), 999}};
  auto priced = price_basket(r, cafe_rules());
  ASSERT_FALSE(priced.ok());
  EXPECT_EQ(priced.error().code(), ErrorCode::kOverflow);
  r.lines = {{product("GOLD", "x", INT64_MAX / 3), 2}, {product("GOLD2", "x", INT64_MAX / 3), 2}};
  EXPECT_EQ(price_basket(r, cafe_rules()).error().code(), ErrorCode::kOverflow);
}

TEST(ProgressText, SaysHowManyMoreForAFreeOne) {
  const auto program = cafe_rules().stamp_programs[0];
  EXPECT_EQ(progress_text(program, {"pastry", 3, 0, 0}), "Pastry card 3/5 — 2 more for a free one");
  EXPECT_EQ(progress_text(program, {"pastry", 4, 0, 0}), "Pastry card 4/5 — the next one is free");
  EXPECT_EQ(progress_text(program, {"pastry", 0, 1, 0}), "Pastry card 0/5 — 1 free one waiting");
  EXPECT_EQ(progress_text(program, {"pastry", 3, 0, 0}, Language::kRussian),
            "Pastry card 3/5 — ещё 2, и один бесплатно");
}

}  // namespace
}  // namespace loyalpos::loyalty
