#include "loyalty/journey.h"

#include <gtest/gtest.h>

namespace loyalpos::loyalty {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1795430000;

Rules rules() {
  Rules r;
  r.tiers = {Tier{"regular", "Regular", 4, 30}, Tier{"vip", "VIP", 8, 30}};
  r.journey = {2, 60};
  return r;
}

TEST(Journey, StagesFollowTheCustomersHistory) {
  CardJourney card;
  EXPECT_STREQ(stage_name(journey_stage(rules(), card, kNow)), "new");
  card.visits = 1;
  card.last_visit = kNow - kDay;
  card.recent_visits = {kNow - kDay};
  EXPECT_STREQ(stage_name(journey_stage(rules(), card, kNow)), "purchase");
  card.visits = 2;
  card.recent_visits.push_back(kNow - 2 * kDay);
  EXPECT_STREQ(stage_name(journey_stage(rules(), card, kNow)), "retention");
  card.visits = 4;
  card.recent_visits = {kNow - kDay, kNow - 2 * kDay, kNow - 3 * kDay, kNow - 4 * kDay};
  EXPECT_STREQ(stage_name(journey_stage(rules(), card, kNow)), "loyalty");
  EXPECT_STREQ(stage_name(journey_stage(rules(), card, kNow + 61 * kDay)), "lapsed");
}

TEST(Journey, ReferringSomeoneIsLoyalty) {
  CardJourney card;
  card.visits = 1;
  card.last_visit = kNow;
  card.referred_someone = true;
  EXPECT_EQ(journey_stage(rules(), card, kNow), Stage::kLoyalty);
}

TEST(Journey, TheHighestTierReachedCountsTheVisitBeingMade) {
  CardJourney card;
  for (int i = 1; i <= 7; ++i) card.recent_visits.push_back(kNow - i * kDay);
  EXPECT_EQ(card_tier(rules(), card, kNow, false)->id, "regular");
  EXPECT_EQ(card_tier(rules(), card, kNow, true)->id, "vip");
  card.recent_visits = {kNow - 31 * kDay, kNow - 32 * kDay, kNow - 33 * kDay, kNow - 34 * kDay};
  EXPECT_EQ(card_tier(rules(), card, kNow, true), nullptr);
}

}  // namespace
}  // namespace loyalpos::loyalty
