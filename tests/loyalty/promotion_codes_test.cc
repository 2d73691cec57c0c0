// "Loyalty, round two — offers a café runs": promotions unlocked by a code
// from a poster or a post, minimums of amount and quantity, and usage limits
// in all and per card.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

// "Show this post: second pastry free today".
Promotion vk_post() {
  auto promo = promotion("vk-second-free", PromotionKind::kBuyXGetY);
  promo.buy = 1;
  promo.get = 1;
  promo.code = "VK2611";
  promo.source = "vk-post-2026-11";
  return promo;
}

Rules rules_of(std::vector<Promotion> promotions) {
  Rules rules;
  rules.promotions = std::move(promotions);
  return rules;
}

PricingRequest with_codes(PricingRequest request, std::vector<std::string> codes) {
  request.codes = std::move(codes);
  return request;
}

// --- 1. Codes -----------------------------------------------------------------

TEST(PromotionCodes, ACodedPromotionAppliesOnlyWhenItsCodeIsGiven) {
  const Rules rules = rules_of({vk_post()});
  auto without = price_basket(basket({{kCroissant, 2}}), rules);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->discount, 0);
  EXPECT_TRUE(without->codes.empty());

  auto with = price_basket(with_codes(basket({{kCroissant, 2}}), {"VK2611"}), rules);
  ASSERT_TRUE(with.ok()) << with.error().message();
  EXPECT_EQ(with->discount, kCroissant.price);
  EXPECT_EQ(with->promotions_applied, std::vector<std::string>{"vk-second-free"});
}

TEST(PromotionCodes, CodesAreCaseInsensitiveAndCountOnce) {
  const Rules rules = rules_of({vk_post()});
  auto priced =
      price_basket(with_codes(basket({{kCroissant, 2}}), {"vk2611", "Vk2611", "VK2611"}), rules);
  ASSERT_TRUE(priced.ok()) << priced.error().message();
  EXPECT_EQ(priced->discount, kCroissant.price);
  ASSERT_EQ(priced->codes.size(), 1u);
  EXPECT_EQ(priced->codes[0].code, "VK2611");
  EXPECT_EQ(priced->codes[0].source, "vk-post-2026-11");
}

TEST(PromotionCodes, AnUnknownCodeIsAnErrorNamingIt) {
  const Rules rules = rules_of({vk_post()});
  auto priced = price_basket(with_codes(basket({{kCroissant, 2}}), {"VK2612"}), rules);
  ASSERT_FALSE(priced.ok());
  EXPECT_EQ(priced.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(priced.error().message().find("VK2612"), std::string::npos);
  EXPECT_EQ(promotion_for_code(rules, "vk2611"), &rules.promotions[0]);
  EXPECT_EQ(promotion_for_code(rules, ""), nullptr);
}

TEST(PromotionCodes, AGivenCodeIsRecordedEvenWhenItsPromotionDoesNotApply) {
  // The touchpoint brought the customer even if the basket has no pastry.
  const Rules rules = rules_of({vk_post()});
  auto priced = price_basket(with_codes(basket({{kCoffee, 1}}), {"vk2611"}), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_TRUE(priced->promotions_applied.empty());
  ASSERT_EQ(priced->codes.size(), 1u);
  EXPECT_EQ(priced->codes[0].source, "vk-post-2026-11");
}

TEST(PromotionCodes, CodesAreSortedWhateverTheOrderGiven) {
  auto flyer = promotion("flyer", PromotionKind::kPercentOff);
  flyer.percent = 10;
  flyer.items = ProductSet{{"drink"}, {}};
  flyer.code = "FLYER";
  const Rules rules = rules_of({vk_post(), flyer});
  auto a =
      price_basket(with_codes(basket({{kCroissant, 2}, {kCoffee, 1}}), {"flyer", "vk2611"}), rules);
  auto b =
      price_basket(with_codes(basket({{kCoffee, 1}, {kCroissant, 2}}), {"VK2611", "FLYER"}), rules);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->codes.size(), 2u);
  EXPECT_EQ(a->codes[0].code, "FLYER");
  EXPECT_EQ(a->codes[1].code, "VK2611");
  EXPECT_EQ(b->codes[0].code, "FLYER");
  EXPECT_EQ(a->total, b->total);
}

// --- 2. Minimums --------------------------------------------------------------

TEST(Minimums, MinTotalIsTheBasketTotalLeftByTheRulesBefore) {
  auto ten = promotion("ten-off", PromotionKind::kPercentOff);
  ten.items = ProductSet{{"pastry", "drink"}, {}};
  ten.percent = 10;
  ten.min_total = 40000;
  // 15000 * 2 + 9000 = 39000: below.
  auto below = price_basket(basket({{kCroissant, 2}, {kSimit, 1}}), rules_of({ten}));
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(below->discount, 0);
  // 15000 * 2 + 17000 = 47000: at or above.
  auto above = price_basket(basket({{kCroissant, 2}, {kCoffee, 1}}), rules_of({ten}));
  ASSERT_TRUE(above.ok());
  EXPECT_EQ(above->discount, 4700);
  // A 2-for-1 applied first leaves 32000: below again.
  auto two_for_one = promotion("2for1", PromotionKind::kNForM);
  two_for_one.priority = 1;
  auto after = price_basket(basket({{kCroissant, 2}, {kCoffee, 1}}), rules_of({ten, two_for_one}));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->promotions_applied, std::vector<std::string>{"2for1"});
}

TEST(Minimums, MinQtyCountsTheRulesOwnItems) {
  auto three = promotion("three-pastries", PromotionKind::kAmountOff);
  three.amount = 1000;
  three.min_qty = 3;
  const Rules rules = rules_of({three});
  auto two = price_basket(basket({{kCroissant, 2}, {kCoffee, 5}}), rules);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->discount, 0);
  auto split = price_basket(basket({{kCroissant, 2}, {kSimit, 1}}), rules);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->discount, 3000);
}

TEST(Minimums, AStampCardBelowItsMinimumNeitherEarnsNorFrees) {
  Rules rules;
  auto card = pastry_card(5);
  card.min_total = 30000;
  rules.stamp_programs.push_back(card);
  auto small = price_basket(card_basket({{kCroissant, 1}}, 4), rules);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->discount, 0);
  EXPECT_EQ(small->programs[0].outcome.stamps_earned, 0);
  EXPECT_EQ(small->programs[0].outcome.after.stamps, 4);
  auto big = price_basket(card_basket({{kCroissant, 1}, {kBaklava, 1}}, 4), rules);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->discount, kCroissant.price);  // the fifth, the cheaper, is free
}

// --- 3. Usage limits ----------------------------------------------------------

Promotion first_hundred() {
  auto promo = promotion("first-100", PromotionKind::kPercentOff);
  promo.percent = 50;
  promo.max_uses = 100;
  return promo;
}

TEST(UsageLimits, APromotionStopsAtItsTotalLimit) {
  const Rules rules = rules_of({first_hundred()});
  auto request = basket({{kCroissant, 1}});
  request.uses = {{"first-100", 99, 0}};
  auto last = price_basket(request, rules);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->promotions_applied, std::vector<std::string>{"first-100"});
  request.uses = {{"first-100", 100, 0}};
  auto over = price_basket(request, rules);
  ASSERT_TRUE(over.ok());
  EXPECT_TRUE(over->promotions_applied.empty());
  EXPECT_EQ(over->discount, 0);
}

TEST(UsageLimits, APerCardLimitNeedsACardAndCountsThatCardsUses) {
  auto welcome = first_hundred();
  welcome.max_uses.reset();
  welcome.max_uses_per_card = 1;
  const Rules rules = rules_of({welcome});
  auto anonymous = price_basket(basket({{kCroissant, 1}}), rules);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->discount, 0);
  auto request = card_basket({{kCroissant, 1}}, 0);
  request.uses = {{"first-100", 40, 0}};  // others used it: this card may still
  auto first = price_basket(request, rules);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->discount, kCroissant.price / 2);
  request.uses = {{"first-100", 41, 1}};
  auto second = price_basket(request, rules);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->discount, 0);
}

// Sales one after another, each told the uses so far as the ledger would
// count them: the promotion never applies more than its limits allow, and
// applies exactly that often when every basket qualifies.
RC_GTEST_PROP(UsageLimits, APromotionNeverAppliesPastItsLimits, ()) {
  auto promo = first_hundred();
  promo.max_uses = *rc::gen::inRange<std::int64_t>(1, 30);
  const bool per_card = *rc::gen::arbitrary<bool>();
  if (per_card) promo.max_uses_per_card = *rc::gen::inRange<std::int64_t>(1, 5);
  promo.min_qty = *rc::gen::inRange(1, 3);
  const Rules rules = rules_of({promo});
  const int cards = *rc::gen::inRange(1, 4);
  const int sales = *rc::gen::inRange(1, 60);
  std::int64_t total = 0;
  std::vector<std::int64_t> by_card(static_cast<std::size_t>(cards), 0);
  for (int i = 0; i < sales; ++i) {
    const auto card = *rc::gen::inRange(-1, cards);  // -1: no card
    const auto qty = *rc::gen::inRange<std::int64_t>(1, 4);
    auto request = card < 0 ? basket({{kCroissant, qty}}) : card_basket({{kCroissant, qty}}, 0);
    const std::int64_t mine = card < 0 ? 0 : by_card[static_cast<std::size_t>(card)];
    request.uses = {{promo.id, total, mine}};
    auto priced = price_basket(request, rules);
    RC_ASSERT(priced.ok());
    const bool applied = !priced->promotions_applied.empty();
    const bool allowed =
        total < *promo.max_uses && qty >= *promo.min_qty &&
        (!promo.max_uses_per_card || (card >= 0 && mine < *promo.max_uses_per_card));
    RC_ASSERT(applied == allowed);
    if (applied) {
      ++total;
      if (card >= 0) ++by_card[static_cast<std::size_t>(card)];
    }
    RC_ASSERT(total <= *promo.max_uses);
    for (auto n : by_card) RC_ASSERT(!promo.max_uses_per_card || n <= *promo.max_uses_per_card);
  }
}

// Codes, minimums and limits look at the basket as a whole, never at the
// order it was scanned in.
RC_GTEST_PROP(PromotionCodes, TheOrderOfLinesNeverChangesTheResult, ()) {
  auto coded = vk_post();
  coded.min_total = *rc::gen::inRange<std::int64_t>(1, 60000);
  auto limited = first_hundred();
  limited.items = ProductSet{{"drink"}, {}};
  limited.min_qty = *rc::gen::inRange(1, 4);
  const Rules rules = rules_of({coded, limited});
  const std::vector<Product> products = {kCroissant, kSimit, kCoffee, kTea};
  std::vector<BasketLine> lines;
  const int n = *rc::gen::inRange(1, 6);
  for (int i = 0; i < n; ++i) {
    lines.push_back({products[*rc::gen::inRange<std::size_t>(0, products.size())],
                     *rc::gen::inRange<std::int64_t>(1, 4)});
  }
  auto request = with_codes(basket(lines), {"vk2611"});
  request.uses = {{"first-100", *rc::gen::inRange<std::int64_t>(95, 105), 0}};
  auto shuffled = request;
  std::reverse(shuffled.lines.begin(), shuffled.lines.end());
  auto a = price_basket(request, rules);
  auto b = price_basket(shuffled, rules);
  RC_ASSERT(a.ok() && b.ok());
  RC_ASSERT(a->total == b->total);
  auto sorted_ids = [](std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  RC_ASSERT(sorted_ids(a->promotions_applied) == sorted_ids(b->promotions_applied));
}

}  // namespace
}  // namespace loyalpos::loyalty
