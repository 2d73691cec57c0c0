// Retention cohorts (issue 18, docs/journeyd.md "Reports: retention
// cohorts"): the cards grouped by the ISO week (UTC) of their first
// purchase, and for each later week the share of them that bought again in
// that week. A shop's cohorts are what its own tills sold: a card's first
// purchase there, its purchases there.
//
// The cohorts are the weeks holding a day of the range (whole weeks, Monday
// to Sunday); the later weeks run to the week of "now", which may not be
// over yet (`last_week_partial`). Read in one pass over the card sales
// (card_purchases.h).
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

struct CohortWeek {
  std::int64_t cards = 0;       // of the cohort, those that bought in this week
  std::optional<double> share;  // cards / the cohort's cards; absent for an empty cohort
};

struct Cohort {
  std::string week;               // "2026-W02"
  std::int64_t monday = 0;        // unix seconds, its Monday 00:00 UTC
  std::int64_t cards = 0;         // cards whose first purchase fell in this week
  std::vector<CohortWeek> later;  // later[k - 1]: the k-th week after, up to the week of now
};

struct Cohorts {
  ReportRange options;
  std::vector<Cohort> cohorts;     // ascending, one per week, empty weeks too
  bool last_week_partial = false;  // the week of "now" is not over at as_of
  std::int64_t facts_read = 0;
};

Result<Cohorts> cohorts(sync::Store& store, const ReportRange& range,
                        const ReportProgress& progress = {});

// {"report": "cohorts", "shop": null|NAME, "from": null|DAY, "to": DAY,
//  "as_of", "last_week_partial", "cohorts": [{"week", "monday": DAY,
//  "cards", "later": [{"week_after": k, "cards", "share": null|0..1}]}]}
std::string cohorts_json(const Cohorts& c);
// week,monday,cards,week_after,returned,share: one row per cohort and later
// week (a cohort without later weeks: one row with week_after empty).
std::string cohorts_csv(const Cohorts& c);
std::string cohorts_text(const Cohorts& c);

}  // namespace loyalpos::reports
