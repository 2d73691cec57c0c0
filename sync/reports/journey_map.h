// The journey map (issue 18, docs/journeyd.md "Reports: the journey map"):
// for a shop or the whole chain and a range of UTC days, each stage of the
// customer journey with the cards in it now, the cards that reached it in the
// range, the conversion from the stage before, the median days between the
// two, the cards that dropped off there, and what they met on the way.
//
// The owner's stages (awareness → interest → consideration → purchase →
// retention → loyalty) against what the terminals record today:
//   awareness      not recorded: the events hold cards, not passers-by
//   interest       a card issued (on the join page: touchpoint "join page
//                  NAME"; at the counter), or first seen from another shop
//   consideration  not recorded: no event of what customers look at
//   purchase       the terminal's stage "purchase" (card.stage: one visit)
//   retention      "retention" (came back: the rules' retention_visits)
//   loyalty        "loyalty" (in a tier, or referred someone who bought)
// and "lapsed" is the drop-off: no purchase for lapsed_after_days. The
// unmeasured stages are reported absent, with the reason, never as zeros;
// each stage's feedback stars (the card page's card.feedback, in the stage
// the card had reached when it gave them) are empty when there were none.
//
// Counting, in short (docs/journeyd.md has it in an owner's words): a card
// reached a stage the first time any till in scope recorded it there or in a
// later stage (the funnel never widens; a stale record from a till that had
// not synced changes nothing); it is "now" in the furthest stage it reached
// since it last came back from lapsed, unless lapsed at as_of; a shop's map
// is what that shop's tills recorded. Refunds do not take a card back a
// stage here, and a refunded sale still counts as a visit.
//
// Read from the store alone, in one pass over the journey facts (the few
// event types and payload fields it needs, filtered by the database), with
// memory bounded by the cards and the terminals.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

using JourneyMapOptions = ReportRange;

// What the cards met on the way into a stage, and how many cards.
struct Touchpoint {
  std::string name;  // "promotion two-for-one", "stamp card coffee", "referral", …
  std::int64_t cards = 0;
};

struct StageRow {
  std::string stage;         // awareness, interest, consideration, purchase, retention, loyalty
  std::string absent;        // non-empty: not measured, why; every number below is then empty
  std::int64_t now = 0;      // cards in this stage at as_of (not lapsed)
  std::int64_t entered = 0;  // cards that reached this stage, for the first time, in the range
  std::optional<double> conversion;     // of the cards that reached the stage before in the range,
                                        // the share that reached this one by as_of
  std::optional<double> median_days;    // from the stage before to this one, over `entered`
  std::int64_t dropped = 0;             // cards lapsed at as_of whose last stage was this one
  std::vector<Touchpoint> touchpoints;  // of the `entered` cards, most cards first
  // The average stars of the card page's feedback given in the range by
  // cards in this stage then; empty when there was none.
  std::optional<double> feedback_stars;
};

struct JourneyMap {
  JourneyMapOptions options;
  std::vector<StageRow> stages;  // the six stages, in journey order
  std::int64_t lapsed_now = 0;   // every card lapsed at as_of (the sum of `dropped`)
  std::int64_t came_back = 0;    // cards back from lapsed (a purchase) in the range
  std::int64_t facts_read = 0;
};

Result<JourneyMap> journey_map(sync::Store& store, const JourneyMapOptions& options,
                               const ReportProgress& progress = {});

}  // namespace loyalpos::reports
