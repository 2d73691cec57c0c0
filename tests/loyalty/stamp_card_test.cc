#include "loyalty/stamp_card.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

StampProgram pastry(int every = 5) { return testing::pastry_card(every); }

// All units may be given free; no redemption asked; no clock needed.
StampOutcome buy(const StampProgram& program, const ProgramBalance& before, std::int64_t units,
                 std::int64_t now = 0) {
  return apply_stamp_card(program, before, StampInput{units, units, false, now});
}

TEST(StampCard, FifthPastryIsFreeAndEarnsNoStamp) {
  auto o = buy(pastry(), {"pastry", 4, 0, 0}, 1);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.stamps_earned, 0);
  EXPECT_EQ(o.stamps_spent, 4);
  EXPECT_EQ(o.after.stamps, 0);
}

TEST(StampCard, PaidPastriesEarnOneStampEach) {
  auto o = buy(pastry(), {"pastry", 0, 0, 0}, 3);
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.stamps_earned, 3);
  EXPECT_EQ(o.after.stamps, 3);
}

TEST(StampCard, FiveInOneBasketGiveOneFree) {
  auto o = buy(pastry(), {"pastry", 0, 0, 0}, 5);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.stamps_earned, 4);
  EXPECT_EQ(o.after.stamps, 0);
}

TEST(StampCard, BankedRewardsAreUsedFirst) {
  auto o = buy(pastry(), {"pastry", 2, 1, 0}, 1);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.rewards_used, 1);
  EXPECT_EQ(o.after.rewards, 0);
  EXPECT_EQ(o.after.stamps, 2);
}

TEST(StampCard, ANegativeBalanceIsPaidOffBeforeAnythingIsFree) {
  auto o = buy(pastry(), {"pastry", -3, 0, 0}, 7);
  // -3 -> 0 after three, then 0..4 and the fifth of those (the 8th) would be free.
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.after.stamps, 4);
  auto next = buy(pastry(), o.after, 1);
  EXPECT_EQ(next.free_units, 1);
}

// Split invariance: q units in one basket or spread over many baskets give
// the same free units and the same final balance.
RC_GTEST_PROP(StampCardProperty, IsSplitInvariant, ()) {
  const int every = *rc::gen::inRange(2, 12);
  const auto start = ProgramBalance{"p", *rc::gen::inRange<std::int64_t>(-20, every),
                                    *rc::gen::inRange<std::int64_t>(0, 3), 0};
  const auto parts =
      *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(0, 30));
  auto program = pastry(every);
  if (*rc::gen::arbitrary<bool>()) program.mode = RewardMode::kBank;
  std::int64_t total_units = 0;
  std::int64_t free_split = 0;
  ProgramBalance balance = start;
  for (auto q : parts) {
    auto o = buy(program, balance, q);
    RC_ASSERT(o.after.stamps - balance.stamps == o.stamps_earned - o.stamps_spent);
    RC_ASSERT(o.after.rewards - balance.rewards == o.rewards_banked - o.rewards_used);
    RC_ASSERT(o.free_units <= q);
    free_split += o.free_units;
    balance = o.after;
    total_units += q;
  }
  auto once = buy(program, start, total_units);
  RC_ASSERT(once.free_units == free_split);
  RC_ASSERT(once.after.stamps == balance.stamps);
  RC_ASSERT(once.after.rewards == balance.rewards);
}

TEST(StampCard, ACapKeepsExtraRewardsOnTheCardForNextTime) {
  auto program = pastry();
  program.max_rewards_per_sale = 1;
  auto o = buy(program, {"pastry", 0, 0, 0}, 10);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.rewards_banked, 1);
  EXPECT_EQ(o.after.rewards, 1);
  EXPECT_EQ(o.stamps_earned, 8);
  auto next = buy(program, o.after, 1);
  EXPECT_EQ(next.free_units, 1);
  EXPECT_EQ(next.rewards_used, 1);
}

TEST(StampCard, BankModeKeepsRewardsUntilTheCustomerRedeems) {
  auto program = pastry();
  program.mode = RewardMode::kBank;
  auto o = buy(program, {"pastry", 0, 0, 0}, 5);
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.after.rewards, 1);  // four stamps make a reward
  EXPECT_EQ(o.after.stamps, 1);
  auto redeemed = apply_stamp_card(program, o.after, StampInput{2, 2, true, 0});
  EXPECT_EQ(redeemed.free_units, 1);
  EXPECT_EQ(redeemed.rewards_used, 1);
  EXPECT_EQ(redeemed.stamps_earned, 1);  // the free one earns no stamp
  EXPECT_EQ(redeemed.after.stamps, 2);
  EXPECT_EQ(redeemed.after.rewards, 0);
}

TEST(StampCard, ARewardEarnedInASaleIsNotSpentInTheSameSale) {
  auto program = pastry();
  program.mode = RewardMode::kBank;
  auto o = apply_stamp_card(program, {"pastry", 3, 0, 0}, StampInput{3, 3, true, 0});
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.after.rewards, 1);
}

TEST(StampCard, StampsExpireAfterDaysWithoutANewStamp) {
  auto program = pastry();
  program.stamps_expire_after_days = 30;
  const std::int64_t day = 86400;
  auto kept = buy(program, {"pastry", 3, 0, 100 * day}, 1, 129 * day);
  EXPECT_EQ(kept.stamps_expired, 0);
  EXPECT_EQ(kept.after.stamps, 4);
  EXPECT_EQ(kept.after.last_stamp_at, 129 * day);
  auto lost = buy(program, {"pastry", 3, 0, 100 * day}, 1, 131 * day);
  EXPECT_EQ(lost.stamps_expired, 3);
  EXPECT_EQ(lost.after.stamps, 1);
}

}  // namespace
}  // namespace loyalpos::loyalty
