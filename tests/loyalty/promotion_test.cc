// Table tests straight from the café story, one per promotion kind, and
// their combinations.
#include <gtest/gtest.h>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

using namespace testing;

Rules with(std::vector<Promotion> promotions, bool stamp_card = false) {
  Rules rules;
  rules.promotions = std::move(promotions);
  if (stamp_card) rules.stamp_programs.push_back(pastry_card());
  return rules;
}

TEST(Promotion, SecondPastryFreeTodayOnly) {
  auto promo = promotion("second-free", PromotionKind::kBuyXGetY);
  promo.name = "Second pastry free today";
  promo.buy = 1;
  promo.get = 1;
  promo.schedule.from_day = *parse_date("2026-11-23");
  promo.schedule.to_day = *parse_date("2026-11-23");
  const Rules rules = with({promo});
  auto today = price_basket(basket({{kCroissant, 1}, {kSimit, 1}, {kCoffee, 1}}), rules);
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->discount, kSimit.price);  // the cheaper of the pair
  EXPECT_EQ(today->lines[1].reason(), "Second pastry free today");
  auto tomorrow = price_basket(
      basket({{kCroissant, 1}, {kSimit, 1}}, make_local_time(2026, 11, 24, 9, 0)), rules);
  EXPECT_EQ(tomorrow->discount, 0);
}

TEST(Promotion, BuyOneGetOnePairsDearestFirst) {
  auto promo = promotion("b1g1", PromotionKind::kBuyXGetY);
  auto priced = price_basket(basket({{kBaklava, 1}, {kEclair, 1}, {kCroissant, 1}, {kSimit, 1}}),
                             with({promo}));
  // Pairs (baklava, eclair) and (croissant, simit): eclair and simit free.
  EXPECT_EQ(priced->discount, kEclair.price + kSimit.price);
}

TEST(Promotion, TwoForOneOnWeekendsOnly) {
  auto promo = promotion("weekend", PromotionKind::kNForM);
  promo.name = "Weekend: 2 for 1";
  promo.n = 2;
  promo.m = 1;
  promo.schedule.weekdays = 0b1100000;  // Saturday, Sunday
  const Rules rules = with({promo});
  auto sat = price_basket(basket({{kCroissant, 4}}, saturday()), rules);
  EXPECT_EQ(sat->discount, 2 * kCroissant.price);
  EXPECT_EQ(sat->lines[0].reason(), "Weekend: 2 for 1");
  EXPECT_EQ(sat->lines[0].discounts[0].units, 2);
  auto mon = price_basket(basket({{kCroissant, 4}}, monday()), rules);
  EXPECT_EQ(mon->discount, 0);
}

TEST(Promotion, ThreeForTwoLeavesTheRemainderAtFullPrice) {
  auto promo = promotion("3for2", PromotionKind::kNForM);
  promo.n = 3;
  promo.m = 2;
  auto priced = price_basket(basket({{kCroissant, 7}}), with({promo}));
  EXPECT_EQ(priced->discount, 2 * kCroissant.price);
}

TEST(Promotion, PercentOffACategoryRoundsHalfUp) {
  auto promo = promotion("tea20", PromotionKind::kPercentOff);
  promo.items = {{"drink"}, {}};
  promo.percent = 15;
  auto priced =
      price_basket(basket({{product("ODD", "drink", 333), 1}, {kCroissant, 1}}), with({promo}));
  EXPECT_EQ(priced->lines[0].discount, 50);  // 49.95 -> 50
  EXPECT_EQ(priced->lines[1].discount, 0);
}

TEST(Promotion, AmountOffNeverTakesALineBelowZero) {
  auto promo = promotion("minus", PromotionKind::kAmountOff);
  promo.items = {{}, {"TEA"}};
  promo.amount = 100000;
  auto priced = price_basket(basket({{kTea, 2}}), with({promo}));
  EXPECT_EQ(priced->lines[0].discount, 2 * kTea.price);
  EXPECT_EQ(priced->total, 0);
}

TEST(Promotion, BundleCoffeeAndPastryForAFixedPrice) {
  auto promo = promotion("breakfast", PromotionKind::kBundle);
  promo.name = "Breakfast: coffee + pastry 250";
  promo.components = {{{"drink"}, {}}, {{"pastry"}, {}}};
  promo.amount = 25000;
  auto one = price_basket(basket({{kCoffee, 1}, {kCroissant, 1}, {kSimit, 1}}), with({promo}));
  // Coffee 170 + croissant 150 = 320 -> 250: 70 off; the simit stays.
  EXPECT_EQ(one->discount, 7000);
  EXPECT_EQ(one->total, 25000 + kSimit.price);
  auto two = price_basket(basket({{kCoffee, 2}, {kCroissant, 2}}), with({promo}));
  EXPECT_EQ(two->discount, 2 * 7000);
  auto none = price_basket(basket({{kTea, 1}, {kSimit, 1}}), with({promo}));  // 170 < 250
  EXPECT_EQ(none->discount, 0);
}

TEST(Promotion, TimeOfDayWindow) {
  auto promo = promotion("morning", PromotionKind::kPercentOff);
  promo.percent = 10;
  promo.schedule.start_minute = 8 * 60;
  promo.schedule.end_minute = 11 * 60;
  const Rules rules = with({promo});
  EXPECT_GT(price_basket(basket({{kCroissant, 1}}, make_local_time(2026, 11, 23, 10, 59)), rules)
                ->discount,
            0);
  EXPECT_EQ(price_basket(basket({{kCroissant, 1}}, make_local_time(2026, 11, 23, 11, 0)), rules)
                ->discount,
            0);
  EXPECT_EQ(price_basket(basket({{kCroissant, 1}}, make_local_time(2026, 11, 23, 7, 59)), rules)
                ->discount,
            0);
}

TEST(Promotion, ANonCombinablePromotionKeepsItsItems) {
  auto b1g1 = promotion("b1g1", PromotionKind::kBuyXGetY);
  b1g1.combinable = false;
  b1g1.priority = 10;
  auto ten = promotion("ten", PromotionKind::kPercentOff);
  ten.percent = 10;
  auto priced = price_basket(basket({{kCroissant, 2}, {kSimit, 1}}), with({b1g1, ten}));
  // The croissant pair is b1g1's; only the simit gets 10 %.
  EXPECT_EQ(priced->discount, kCroissant.price + 900);
}

TEST(Promotion, CombinablePromotionsStackOnTheRemainingPrice) {
  auto a = promotion("a", PromotionKind::kPercentOff);
  a.percent = 50;
  a.priority = 2;
  auto b = promotion("b", PromotionKind::kAmountOff);
  b.amount = 5000;
  b.priority = 1;
  auto priced = price_basket(basket({{kCroissant, 1}}), with({a, b}));
  EXPECT_EQ(priced->discount, 7500 + 5000);
  EXPECT_EQ(priced->lines[0].reason(), "a; b");
  auto c = b;
  c.id = "c";
  c.amount = 100000;
  auto clipped = price_basket(basket({{kCroissant, 1}}), with({a, c}));
  EXPECT_EQ(clipped->total, 0);
}

TEST(Promotion, PriorityDecidesWhoGoesFirst) {
  auto half = promotion("half", PromotionKind::kPercentOff);
  half.percent = 50;
  half.combinable = false;
  auto free = promotion("b1g1", PromotionKind::kBuyXGetY);
  free.combinable = false;
  half.priority = 1;
  free.priority = 2;
  EXPECT_EQ(price_basket(basket({{kCroissant, 2}}), with({half, free}))->discount,
            kCroissant.price);
  half.priority = 3;
  EXPECT_EQ(price_basket(basket({{kCroissant, 2}}), with({half, free}))->discount,
            kCroissant.price);
  // 50 % of two croissants is also one croissant; check with three.
  EXPECT_EQ(price_basket(basket({{kCroissant, 3}}), with({half, free}))->discount,
            3 * kCroissant.price / 2);
}

TEST(Promotion, ItemsMadeFreeEarnNoStampsUnlessThePromotionSaysSo) {
  auto promo = promotion("weekend", PromotionKind::kNForM);
  const auto none = price_basket(card_basket({{kCroissant, 2}}, 0), with({promo}, true));
  EXPECT_EQ(none->programs[0].outcome.stamps_earned, 1);  // the paid one only
  promo.earns_stamps = true;
  const auto both = price_basket(card_basket({{kCroissant, 2}}, 0), with({promo}, true));
  EXPECT_EQ(both->programs[0].outcome.stamps_earned, 2);
}

TEST(Promotion, WeekendTwoForOneAndTheStampCardInOneBasket) {
  auto promo = promotion("weekend", PromotionKind::kNForM);
  promo.name = "Weekend: 2 for 1";
  promo.schedule.weekdays = 0b1100000;
  promo.items = {{}, {"CROISSANT"}};
  // Stamps at 4: croissants 2-for-1; the paid croissant and the eclair
  // qualify for the card, and the cheaper of them (the croissant) is its
  // fifth, free; the eclair earns a stamp.
  auto priced =
      price_basket(card_basket({{kCroissant, 2}, {kEclair, 1}, {kCoffee, 1}}, 4, saturday()),
                   with({promo}, true));
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->lines[0].discount, 2 * kCroissant.price);
  EXPECT_EQ(priced->lines[0].reason(), "Weekend: 2 for 1; 5th free — Pastry card");
  EXPECT_EQ(priced->lines[1].discount, 0);
  EXPECT_EQ(priced->total, kEclair.price + kCoffee.price);
  EXPECT_EQ(priced->programs[0].outcome.after.stamps, 1);
}

TEST(Promotion, CardHolderWelcomeAndTierOffers) {
  auto welcome = promotion("welcome", PromotionKind::kPercentOff);
  welcome.items = {{"drink"}, {}};
  welcome.percent = 100;
  welcome.audience = Audience::kWelcome;
  auto regulars = promotion("regulars", PromotionKind::kPercentOff);
  regulars.percent = 20;
  regulars.audience = Audience::kTier;
  regulars.tier = "regular";
  Rules rules = with({welcome, regulars}, true);
  rules.tiers.push_back(Tier{"regular", "Regular", 4, 30});

  EXPECT_EQ(price_basket(basket({{kCoffee, 1}}), rules)->discount, 0);  // no card
  auto first = card_basket({{kCoffee, 1}, {kCroissant, 1}}, 0);
  EXPECT_EQ(price_basket(first, rules)->discount, kCoffee.price);
  EXPECT_EQ(price_basket(first, rules)->tier, nullptr);

  const std::int64_t now = 1795430000;
  auto regular = card_basket({{kCoffee, 1}, {kCroissant, 1}}, 0);
  regular.now_unix = now;
  regular.card->journey.visits = 10;
  regular.card->journey.recent_visits = {now - 86400 * 3, now - 86400 * 10, now - 86400 * 20};
  auto priced = price_basket(regular, rules);
  ASSERT_NE(priced->tier, nullptr);
  EXPECT_EQ(priced->tier->id, "regular");
  EXPECT_EQ(priced->discount, kCroissant.price / 5);  // 20 % on the pastry; coffee not welcome
  regular.card->journey.recent_visits = {now - 86400 * 3, now - 86400 * 10, now - 86400 * 40};
  EXPECT_EQ(price_basket(regular, rules)->tier, nullptr);
}

TEST(Promotion, AReferredCardsFirstPurchaseGivesBothCardsBonusStamps) {
  Rules rules = with({}, true);
  rules.referral = {"pastry", 1};
  auto request = card_basket({{kCroissant, 1}}, 0);
  request.card->referral_pending = true;
  auto priced = price_basket(request, rules);
  EXPECT_EQ(priced->programs[0].outcome.after.stamps, 2);
  EXPECT_EQ(priced->referrer_bonus, 1);
  EXPECT_EQ(priced->referrer_program, "pastry");
}

TEST(Promotion, ReceiptsSpeakRussian) {
  Rules rules = with({}, true);
  rules.language = Language::kRussian;
  rules.stamp_programs[0].name = "Карта выпечки";
  auto priced = price_basket(card_basket({{kCroissant, 1}}, 4), rules);
  EXPECT_EQ(priced->lines[0].reason(), "5-й бесплатно — Карта выпечки");
  EXPECT_EQ(priced->messages[0], "Карта выпечки 0/5 — ещё 5, и один бесплатно");
}

TEST(Promotion, BankModeRedeemsOnlyWhenAsked) {
  Rules rules = with({}, true);
  rules.stamp_programs[0].mode = RewardMode::kBank;
  auto request = card_basket({{kCroissant, 1}, {kSimit, 1}}, 0);
  request.card->balances[0].rewards = 1;
  EXPECT_EQ(price_basket(request, rules)->discount, 0);
  request.redeem = {"pastry"};
  auto redeemed = price_basket(request, rules);
  EXPECT_EQ(redeemed->discount, kSimit.price);
  EXPECT_EQ(redeemed->programs[0].outcome.after.rewards, 0);
  rules.stamp_programs[0].free_item = FreeItem::kMostExpensive;
  EXPECT_EQ(price_basket(request, rules)->discount, kCroissant.price);
}

}  // namespace
}  // namespace loyalpos::loyalty
