// The purchases of each card, as the weekly reports (cohorts, lifecycle)
// read them: the times of the sales with the card, by the shop's tills (or
// every till), before the report's "now". A refunded sale still counts, as
// in the journey map.
//
// One query over the sale.completed events alone (the database filters by
// type, shop and time); memory is a map of the cards, each with its
// purchase times (8 bytes a purchase), never the events.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

struct CardPurchases {
  // Card id -> its purchase times (unix seconds), ascending.
  std::unordered_map<std::string, std::vector<std::int64_t>> times;
  std::int64_t facts_read = 0;
};

Result<CardPurchases> read_card_purchases(sync::Store& store, const ReportRange& range,
                                          const ReportProgress& progress);

// The ISO weeks a weekly report shows: every week holding a day of the
// range, up to the week of "now"; a range from the beginning starts at the
// week of the first purchase. Mondays (unix seconds), ascending; empty when
// there is nothing to show.
std::vector<std::int64_t> report_weeks(const ReportRange& range, const CardPurchases& purchases);

}  // namespace loyalpos::reports
