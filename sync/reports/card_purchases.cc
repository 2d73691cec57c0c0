#include "sync/reports/card_purchases.h"

#include <algorithm>
#include <limits>

#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

namespace {
constexpr std::int64_t kProgressEvery = 100000;
}  // namespace

Result<CardPurchases> read_card_purchases(sync::Store& store, const ReportRange& range,
                                          const ReportProgress& progress) {
  CardPurchases out;
  sync::JourneyFactQuery query{range.shop, range.as_of, "sale.completed"};
  LOYALPOS_TRY(store.each_journey_fact(query, [&](const sync::JourneyFact& f) {
    out.times[f.card_id].push_back(f.at);
    if (++out.facts_read % kProgressEvery == 0 && progress) progress(out.facts_read);
  }));
  // Each terminal's sales come in its order; the tills' clocks interleave.
  for (auto& entry : out.times) std::sort(entry.second.begin(), entry.second.end());
  return out;
}

std::vector<std::int64_t> report_weeks(const ReportRange& range, const CardPurchases& purchases) {
  std::int64_t start = range.from;
  if (start == 0) {
    start = std::numeric_limits<std::int64_t>::max();
    for (const auto& entry : purchases.times) start = std::min(start, entry.second.front());
  }
  const std::int64_t end = std::min(range.until, range.as_of);  // exclusive
  std::vector<std::int64_t> weeks;
  if (start >= end) return weeks;
  for (std::int64_t w = iso_week_start(start); w < end; w += kSecondsPerWeek) weeks.push_back(w);
  return weeks;
}

}  // namespace loyalpos::reports
