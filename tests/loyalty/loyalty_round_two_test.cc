// "Loyalty, round two — wrong today": stamps on the paid units of a
// promotion, partial buy-x-get-y groups, bonus stamps that are normalised
// and lapse like any others, and a card holding `every` stamps or more.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>

#include "loyalty/messages.h"
#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

constexpr std::int64_t kDay = 86400;

Rules pastry_rules(std::vector<Promotion> promotions, int every = 5) {
  Rules rules;
  rules.promotions = std::move(promotions);
  rules.stamp_programs.push_back(pastry_card(every));
  return rules;
}

Promotion two_for_one() {
  auto promo = promotion("weekend", PromotionKind::kNForM);
  promo.n = 2;
  promo.m = 1;
  return promo;
}

Promotion buy_get(int buy, int get) {
  auto promo = promotion("buy-get", PromotionKind::kBuyXGetY);
  promo.buy = buy;
  promo.get = get;
  return promo;
}

std::int64_t stamps_earned(const Rules& rules, std::vector<BasketLine> lines) {
  auto priced = price_basket(card_basket(std::move(lines), 0), rules);
  EXPECT_TRUE(priced.ok());
  return priced->programs[0].outcome.stamps_earned;
}

// --- 1. The paid units of a promotion earn their stamps ---------------------

TEST(RoundTwo, ThePaidCroissantOfATwoForOneEarnsAStamp) {
  const Rules rules = pastry_rules({two_for_one()});
  EXPECT_EQ(stamps_earned(rules, {{kCroissant, 2}}), 1);  // pays for one
  EXPECT_EQ(stamps_earned(rules, {{kCroissant, 3}}), 2);  // pays for two
  EXPECT_EQ(stamps_earned(rules, {{kCroissant, 4}}), 2);
}

TEST(RoundTwo, TheUndiscountedItemOfABundleEarnsItsStamp) {
  auto bundle = promotion("breakfast", PromotionKind::kBundle);
  bundle.items = {};
  // The discount comes off the coffee first; it is large enough to take it
  // all from the coffee, so the croissant is not made cheaper.
  bundle.components = {ProductSet{{"drink"}, {}}, ProductSet{{"pastry"}, {}}};
  bundle.amount = kCroissant.price + 1000;
  const Rules rules = pastry_rules({bundle});
  auto priced = price_basket(card_basket({{kCroissant, 1}, {kCoffee, 1}}, 0), rules);
  ASSERT_TRUE(priced.ok());
  ASSERT_EQ(priced->lines[0].discount, 0);
  EXPECT_EQ(priced->lines[1].discount, kCoffee.price - 1000);
  EXPECT_EQ(priced->programs[0].outcome.stamps_earned, 1);
  // Made cheaper by the bundle, the croissant loses its stamp.
  auto cheap = bundle;
  cheap.amount = 1000;
  EXPECT_EQ(stamps_earned(pastry_rules({cheap}), {{kCroissant, 1}, {kCoffee, 1}}), 0);
}

TEST(RoundTwo, ANonCombinablePromotionsPaidUnitsEarnStampsButAreNeverCardFreebies) {
  auto promo = two_for_one();
  promo.combinable = false;
  const Rules rules = pastry_rules({promo});
  // Four stamps: the next is the card's fifth, but both croissants belong to
  // the promotion; the paid one earns a stamp and the reward waits.
  auto priced = price_basket(card_basket({{kCroissant, 2}}, 4), rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->total, kCroissant.price);
  EXPECT_EQ(priced->programs[0].outcome.free_units, 0);
  EXPECT_EQ(priced->programs[0].outcome.after.rewards, 1);
}

// Paid units of a promotion earn stamps exactly as the same units bought
// without it: the stamp card sees the units the promotion left paid.
RC_GTEST_PROP(RoundTwoProperty, PaidUnitsOfAPromotionEarnLikeUndiscountedOnes, ()) {
  const int every = *rc::gen::inRange(2, 8);
  const std::int64_t stamps = *rc::gen::inRange<std::int64_t>(-3, every);
  const std::int64_t rewards = *rc::gen::inRange<std::int64_t>(0, 3);
  const std::int64_t qty = *rc::gen::inRange<std::int64_t>(1, 30);
  Promotion promo;
  if (*rc::gen::arbitrary<bool>()) {
    promo = buy_get(*rc::gen::inRange(1, 5), *rc::gen::inRange(1, 5));
  } else {
    promo = promotion("n-for-m", PromotionKind::kNForM);
    promo.n = *rc::gen::inRange(2, 6);
    promo.m = *rc::gen::inRange(1, promo.n);
  }
  Rules with_promo = pastry_rules({promo}, every);
  auto request = card_basket({{kCroissant, qty}}, stamps);
  request.card->balances[0].rewards = rewards;
  const auto promoted = price_basket(request, with_promo);
  RC_ASSERT(promoted.ok());
  const std::int64_t paid = promoted->total / kCroissant.price +
                            promoted->programs[0].outcome.free_units;  // before the card

  auto plain = card_basket({{kCroissant, paid}}, stamps);
  plain.card->balances[0].rewards = rewards;
  if (paid == 0) {
    RC_ASSERT(promoted->programs[0].outcome.stamps_earned == 0);
    return;
  }
  const auto without = price_basket(plain, pastry_rules({}, every));
  RC_ASSERT(without.ok());
  RC_ASSERT(promoted->programs[0].outcome.stamps_earned ==
            without->programs[0].outcome.stamps_earned);
  RC_ASSERT(promoted->programs[0].outcome.free_units == without->programs[0].outcome.free_units);
  RC_ASSERT(promoted->programs[0].outcome.after == without->programs[0].outcome.after);
}

// --- 2. Buy x get y: partial groups give the free units taken -----------------

std::int64_t free_croissants(int buy, int get, std::int64_t qty) {
  auto priced = price_basket(basket({{kCroissant, qty}}), pastry_rules({buy_get(buy, get)}));
  EXPECT_TRUE(priced.ok());
  return priced->discount / kCroissant.price;
}

TEST(RoundTwo, BuyTwoGetThreeGivesTheFreeUnitsTakenInAPartialGroup) {
  EXPECT_EQ(free_croissants(2, 3, 2), 0);
  EXPECT_EQ(free_croissants(2, 3, 3), 1);
  EXPECT_EQ(free_croissants(2, 3, 4), 2);
  EXPECT_EQ(free_croissants(2, 3, 5), 3);
  EXPECT_EQ(free_croissants(2, 3, 6), 3);  // the second group is only paid for
  EXPECT_EQ(free_croissants(2, 3, 7), 3);
  EXPECT_EQ(free_croissants(2, 3, 8), 4);
  EXPECT_EQ(free_croissants(1, 1, 3), 1);  // buy 1 get 1: unchanged
}

TEST(RoundTwo, APartialGroupPaysForItsDearestBuyUnits) {
  // Dearest first: baklava and eclair are paid, croissant and simit free.
  auto priced = price_basket(basket({{kSimit, 1}, {kCroissant, 1}, {kBaklava, 1}, {kEclair, 1}}),
                             pastry_rules({buy_get(2, 3)}));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->total, kBaklava.price + kEclair.price);
  EXPECT_EQ(priced->lines[0].discounts.at(0).units, 1);  // simit
  EXPECT_EQ(priced->lines[1].discounts.at(0).units, 1);  // croissant
}

// Free units of buy x get y for q equal items: full groups give `get` each,
// and a last partial group gives what it holds beyond `buy`, up to `get`.
RC_GTEST_PROP(RoundTwoProperty, BuyXGetYFreeUnitsFollowTheFormula, ()) {
  const int buy = *rc::gen::inRange(1, 8);
  const int get = *rc::gen::inRange(1, 8);
  const std::int64_t qty = *rc::gen::inRange<std::int64_t>(1, 80);
  const std::int64_t group = buy + get;
  const std::int64_t expected =
      qty / group * get + std::clamp<std::int64_t>(qty % group - buy, 0, get);
  RC_ASSERT(free_croissants(buy, get, qty) == expected);
}

// --- 4./5. Bonus stamps are normalised like any stamps ------------------------

TEST(RoundTwo, ABankCardsReferralBonusBecomesARewardAtOnce) {
  Rules rules = pastry_rules({}, 2);
  rules.stamp_programs[0].mode = RewardMode::kBank;
  rules.referral = {"pastry", 1};
  auto request = card_basket({{kCoffee, 1}}, 0);
  request.card->referral_pending = true;
  auto priced = price_basket(request, rules);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->programs[0].outcome.after.stamps, 0);
  EXPECT_EQ(priced->programs[0].outcome.after.rewards, 1);
  for (const auto& text : priced->messages) {
    EXPECT_EQ(text.find("0 more"), std::string::npos) << text;
  }
}

TEST(RoundTwo, AnApplyNowCardsBonusBeyondEveryIsNotLost) {
  Rules rules = pastry_rules({}, 3);
  rules.referral = {"pastry", 2};
  auto first = card_basket({{kCroissant, 1}}, 0);
  first.card->referral_pending = true;
  auto priced = price_basket(first, rules);
  ASSERT_TRUE(priced.ok());
  // One bought, two bonus: three stamps are a reward and one stamp.
  ProgramBalance balance = priced->programs[0].outcome.after;
  EXPECT_EQ(balance.stamps + 2 * balance.rewards, 3);
  for (const auto& text : priced->messages) {
    EXPECT_EQ(text.find("3/3"), std::string::npos) << text;
  }
  // A tea, then pastry by pastry: free, paid, free.
  std::vector<std::int64_t> totals;
  for (const auto& product : {kTea, kCroissant, kCroissant, kCroissant}) {
    auto request = card_basket({{product, 1}}, 0);
    request.card->balances[0] = balance;
    auto sale = price_basket(request, rules);
    ASSERT_TRUE(sale.ok());
    if (product.sku != kTea.sku) totals.push_back(sale->total);
    balance = sale->programs[0].outcome.after;
  }
  EXPECT_EQ(totals, (std::vector<std::int64_t>{0, kCroissant.price, 0}));
}

TEST(RoundTwo, ACardHoldingEveryStampsOrMoreLosesNone) {
  const auto program = pastry_card(3);
  // Three stamps on an every-3 card: the next is free and a stamp is left.
  std::vector<std::int64_t> free;
  ProgramBalance balance{"pastry", 3, 0, 0};
  auto tea = apply_stamp_card(program, balance, StampInput{0, 0, false, 0});
  balance = tea.after;
  for (int i = 0; i < 3; ++i) {
    auto o = apply_stamp_card(program, balance, StampInput{1, 1, false, 0});
    free.push_back(o.free_units);
    balance = o.after;
  }
  EXPECT_EQ(free, (std::vector<std::int64_t>{1, 0, 1}));
}

TEST(RoundTwo, ProgressNeverSaysZeroMoreNorEveryOfEvery) {
  auto bank = pastry_card(2);
  bank.mode = RewardMode::kBank;
  EXPECT_EQ(progress_text(bank, {"pastry", 1, 0, 0}), "Pastry card 0/2 — 1 free one waiting");
  EXPECT_EQ(progress_text(pastry_card(3), {"pastry", 3, 0, 0}),
            "Pastry card 1/3 — 1 free one waiting");
  EXPECT_EQ(progress_text(pastry_card(3), {"pastry", 2, 0, 0}),
            "Pastry card 2/3 — the next one is free");
}

// Any balance, however many stamps it holds (a bonus can bring it to every
// or beyond): no stamp is lost. A reward is worth every-1 stamps; a visit's
// pastry is free exactly when the card holds a reward's worth, and the card
// is back to a normal balance after every visit.
RC_GTEST_PROP(RoundTwoProperty, NoBalanceLosesAStamp, ()) {
  const int every = *rc::gen::inRange(2, 10);
  auto program = pastry_card(every);
  const bool bank = *rc::gen::arbitrary<bool>();
  if (bank) program.mode = RewardMode::kBank;
  const std::int64_t per_reward = every - 1;
  const std::int64_t stamps = *rc::gen::inRange<std::int64_t>(0, 5 * every);
  const std::int64_t rewards = *rc::gen::inRange<std::int64_t>(0, 3);
  const std::int64_t visits = *rc::gen::inRange<std::int64_t>(0, 4 * every);
  auto value = [&](const ProgramBalance& b) { return b.stamps + per_reward * b.rewards; };
  ProgramBalance balance{"pastry", stamps, rewards, 0};
  for (std::int64_t v = 0; v <= visits; ++v) {
    const std::int64_t units = v == 0 ? 0 : 1;  // a tea first, then pastry by pastry
    auto o = apply_stamp_card(program, balance, StampInput{units, units, bank, 0});
    RC_ASSERT(o.after.stamps - balance.stamps == o.stamps_earned - o.stamps_spent);
    RC_ASSERT(o.after.rewards - balance.rewards == o.rewards_banked - o.rewards_used);
    RC_ASSERT(o.free_units == (units == 1 && value(balance) >= per_reward ? 1 : 0));
    RC_ASSERT(o.stamps_earned == units - o.free_units);
    RC_ASSERT(value(o.after) == value(balance) + o.stamps_earned - per_reward * o.free_units);
    RC_ASSERT(o.after.stamps >= 0);
    RC_ASSERT(o.after.stamps < (bank ? per_reward : every));
    balance = o.after;
  }
}

// --- 7. Bonus stamps lapse like others -----------------------------------------

TEST(RoundTwo, ReferralBonusStampsLapseLikeOthers) {
  Rules rules = pastry_rules({}, 5);
  rules.stamp_programs[0].stamps_expire_after_days = 1;
  rules.referral = {"pastry", 1};
  auto first = card_basket({{kCoffee, 1}}, 0);
  first.now_unix = 100 * kDay;
  first.card->referral_pending = true;
  auto priced = price_basket(first, rules);
  ASSERT_TRUE(priced.ok());
  const ProgramBalance after = priced->programs[0].outcome.after;
  EXPECT_EQ(after.stamps, 1);
  EXPECT_EQ(after.last_stamp_at, 100 * kDay);
  auto later = card_basket({{kCoffee, 1}}, 0);
  later.now_unix = 130 * kDay;
  later.card->balances[0] = after;
  auto lapsed = price_basket(later, rules);
  ASSERT_TRUE(lapsed.ok());
  EXPECT_EQ(lapsed->programs[0].outcome.after.stamps, 0);
  EXPECT_EQ(lapsed->programs[0].outcome.stamps_expired, 1);
}

// --- Stacking: a later group promotion counts what an earlier one made free --

TEST(RoundTwo, ThreeForOneAfterTwoForOneCountsTheFreeCroissant) {
  const Product croissant = product("CROISSANT", "pastry", 600);
  const Product eclair = product("ECLAIR", "pastry", 1000);
  auto two = two_for_one();
  two.id = "a-2for1";
  two.items = {{}, {"CROISSANT"}};
  two.priority = 1;
  auto three = promotion("b-3for1", PromotionKind::kNForM);
  three.n = 3;
  three.m = 1;
  // 2 croissants and an eclair: 2-for-1 frees a croissant; the three
  // pastries are then 3-for-1: the eclair is paid, 10.00.
  auto priced = price_basket(basket({{croissant, 2}, {eclair, 1}}), pastry_rules({two, three}));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->total, 1000);
  EXPECT_EQ(priced->promotions_applied, (std::vector<std::string>{"a-2for1", "b-3for1"}));
  // Items it made free never make a later promotion apply on their own.
  auto alone = price_basket(basket({{croissant, 2}}), pastry_rules({two, three}));
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->total, 600);
  EXPECT_EQ(alone->promotions_applied, (std::vector<std::string>{"a-2for1"}));
}

}  // namespace
}  // namespace loyalpos::loyalty
