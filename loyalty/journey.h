// Where a card is in the customer journey, derived from its history:
// purchase (one visit), retention (came back), loyalty (reached a tier or
// referred someone), lapsed (no visit for a while). And its tier.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "loyalty/rules.h"

namespace loyalpos::loyalty {

enum class Stage { kNew, kPurchase, kRetention, kLoyalty, kLapsed };

const char* stage_name(Stage stage);

struct CardJourney {
  std::int64_t visits = 0;                  // visits so far
  std::optional<std::int64_t> last_visit;   // unix seconds
  std::vector<std::int64_t> recent_visits;  // unix seconds, at least the tiers' windows
  bool referred_someone = false;
};

// The highest tier (by visits required) the card is in at `now`, counting
// `extra_visit_now` as a visit at `now` (the sale being priced).
const Tier* card_tier(const Rules& rules, const CardJourney& card, std::int64_t now,
                      bool extra_visit_now);

Stage journey_stage(const Rules& rules, const CardJourney& card, std::int64_t now);

}  // namespace loyalpos::loyalty
