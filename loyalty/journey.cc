#include "loyalty/journey.h"

namespace loyalpos::loyalty {

namespace {
constexpr std::int64_t kSecondsPerDay = 86400;
}

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kNew:
      return "new";
    case Stage::kPurchase:
      return "purchase";
    case Stage::kRetention:
      return "retention";
    case Stage::kLoyalty:
      return "loyalty";
    case Stage::kLapsed:
      return "lapsed";
  }
  return "new";
}

const Tier* card_tier(const Rules& rules, const CardJourney& card, std::int64_t now,
                      bool extra_visit_now) {
  const Tier* best = nullptr;
  for (const auto& tier : rules.tiers) {
    const std::int64_t since = now - static_cast<std::int64_t>(tier.window_days) * kSecondsPerDay;
    std::int64_t visits = extra_visit_now ? 1 : 0;
    for (auto t : card.recent_visits) {
      if (t > since && t <= now) ++visits;
    }
    if (visits >= tier.visits && (best == nullptr || tier.visits > best->visits)) best = &tier;
  }
  return best;
}

Stage journey_stage(const Rules& rules, const CardJourney& card, std::int64_t now) {
  if (card.visits == 0) return Stage::kNew;
  if (card.last_visit &&
      now - *card.last_visit >
          static_cast<std::int64_t>(rules.journey.lapsed_after_days) * kSecondsPerDay) {
    return Stage::kLapsed;
  }
  if (card.referred_someone || card_tier(rules, card, now, false) != nullptr)
    return Stage::kLoyalty;
  if (card.visits >= rules.journey.retention_visits) return Stage::kRetention;
  return Stage::kPurchase;
}

}  // namespace loyalpos::loyalty
