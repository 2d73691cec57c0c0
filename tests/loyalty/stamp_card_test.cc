#include "loyalty/stamp_card.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace loyalpos::loyalty {
namespace {

StampProgram pastry(int every = 5) { return StampProgram{"pastry", "Pastry card", {"pastry"}, {}, every}; }

TEST(StampCard, FifthPastryIsFreeAndEarnsNoStamp) {
  auto o = apply_stamp_card(pastry(), {"pastry", 4, 0}, 1);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.stamps_earned, 0);
  EXPECT_EQ(o.stamps_spent, 4);
  EXPECT_EQ(o.after.stamps, 0);
}

TEST(StampCard, PaidPastriesEarnOneStampEach) {
  auto o = apply_stamp_card(pastry(), {"pastry", 0, 0}, 3);
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.stamps_earned, 3);
  EXPECT_EQ(o.after.stamps, 3);
}

TEST(StampCard, FiveInOneBasketGiveOneFree) {
  auto o = apply_stamp_card(pastry(), {"pastry", 0, 0}, 5);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.stamps_earned, 4);
  EXPECT_EQ(o.after.stamps, 0);
}

TEST(StampCard, BankedRewardsAreUsedFirst) {
  auto o = apply_stamp_card(pastry(), {"pastry", 2, 1}, 1);
  EXPECT_EQ(o.free_units, 1);
  EXPECT_EQ(o.rewards_used, 1);
  EXPECT_EQ(o.after.rewards, 0);
  EXPECT_EQ(o.after.stamps, 2);
}

TEST(StampCard, ANegativeBalanceIsPaidOffBeforeAnythingIsFree) {
  auto o = apply_stamp_card(pastry(), {"pastry", -3, 0}, 7);
  // -3 -> 0 after three, then 0..4 and the fifth of those (the 8th) would be free.
  EXPECT_EQ(o.free_units, 0);
  EXPECT_EQ(o.after.stamps, 4);
  auto next = apply_stamp_card(pastry(), o.after, 1);
  EXPECT_EQ(next.free_units, 1);
}

// Split invariance: q units in one basket or spread over many baskets give
// the same free units and the same final balance.
RC_GTEST_PROP(StampCardProperty, IsSplitInvariant, ()) {
  const int every = *rc::gen::inRange(2, 12);
  const auto start = ProgramBalance{"p", *rc::gen::inRange<std::int64_t>(-20, every),
                                    *rc::gen::inRange<std::int64_t>(0, 3)};
  const auto parts = *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(0, 30));
  const auto program = pastry(every);
  std::int64_t total_units = 0;
  std::int64_t free_split = 0;
  ProgramBalance balance = start;
  for (auto q : parts) {
    auto o = apply_stamp_card(program, balance, q);
    RC_ASSERT(o.after.stamps - balance.stamps == o.stamps_earned - o.stamps_spent);
    RC_ASSERT(o.free_units <= q);
    free_split += o.free_units;
    balance = o.after;
    total_units += q;
  }
  auto once = apply_stamp_card(program, start, total_units);
  RC_ASSERT(once.free_units == free_split);
  RC_ASSERT(once.after == balance);
}

}  // namespace
}  // namespace loyalpos::loyalty
