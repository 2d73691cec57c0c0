// Lifecycle (issue 18, docs/journeyd.md "Reports: lifecycle"): per ISO week
// (UTC), the cards that bought for the first time (new), bought again
// (returning), bought again after lapsing (resurrected: no purchase for more
// than the rules' lapsed_after_days before, as the journey map counts a
// lapse) and lapsed (gone dormant: their lapsed_after_days without a
// purchase ran out that week), so the owner sees whether the base grows or
// leaks. A card that bought in a week counts once there: new before
// resurrected before returning. A shop's lifecycle is what its own tills
// sold. Cards that never bought are not in it (the journey map counts them).
//
// The weeks are the whole weeks holding a day of the range, up to the week
// of "now" (`last_week_partial` when it is not over). Read in one pass over
// the card sales (card_purchases.h).
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

struct LifecycleWeek {
  std::string week;         // "2026-W02"
  std::int64_t monday = 0;  // unix seconds, its Monday 00:00 UTC
  std::int64_t fresh = 0;   // new: the card's first purchase
  std::int64_t returning = 0;
  std::int64_t resurrected = 0;
  std::int64_t dormant = 0;
  // Cards that bought this week: fresh + returning + resurrected.
  std::int64_t active() const { return fresh + returning + resurrected; }
  // What the base of cards still buying gained: fresh + resurrected - dormant.
  std::int64_t net() const { return fresh + resurrected - dormant; }
};

struct Lifecycle {
  ReportRange options;
  std::vector<LifecycleWeek> weeks;  // ascending, every week, empty ones too
  bool last_week_partial = false;
  std::int64_t facts_read = 0;
};

Result<Lifecycle> lifecycle(sync::Store& store, const ReportRange& range,
                            const ReportProgress& progress = {});

// {"report": "lifecycle", "shop", "from", "to", "as_of", "lapsed_after_days",
//  "last_week_partial", "weeks": [{"week", "monday": DAY, "new", "returning",
//  "resurrected", "dormant", "active", "net"}]}
std::string lifecycle_json(const Lifecycle& l);
// week,monday,new,returning,resurrected,dormant,active,net
std::string lifecycle_csv(const Lifecycle& l);
std::string lifecycle_text(const Lifecycle& l);

}  // namespace loyalpos::reports
