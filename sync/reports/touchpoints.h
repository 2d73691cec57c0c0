// Touchpoints (issue 18, docs/journeyd.md "Reports: touchpoints"): which
// join sources bring customers who come back. The cards that joined in the
// range (got a card, or were first seen, as the journey map's interest),
// grouped by what brought them, ranked by the share that reached retention
// (bought again: the tills' stage retention or loyalty) by "now".
//
// What brought a card, as the events record it (a till's card.issued event
// carries only its referrer; a code's touchpoint comes with the sale that
// used it):
//   "join page NAME"          issued on head office's join page from the
//                             link /join?src=NAME (a poster's QR, a flyer's)
//   "source NAME"             else: the first code given at the card's first
//                             purchase whose promotion names a touchpoint
//                             (a poster's or flyer's code, `source` in the
//                             rules)
//   "referred by a card"      else: issued with a referrer's card
//   "issued at the counter"   else: issued without one
//   "card from another shop"  else: a card first seen here
// A shop's report is its own tills' events, as the journey map's.
//
// One pass over the journey facts; memory bounded by the cards.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

struct TouchpointRow {
  std::string source;
  std::int64_t joined = 0;    // cards that joined in the range
  std::int64_t bought = 0;    // of them, cards that made a purchase by now
  std::int64_t retained = 0;  // of them, cards that reached retention by now
  double retained_share() const {
    return joined == 0 ? 0 : static_cast<double>(retained) / static_cast<double>(joined);
  }
  double bought_share() const {
    return joined == 0 ? 0 : static_cast<double>(bought) / static_cast<double>(joined);
  }
};

struct Touchpoints {
  ReportRange options;
  // Highest retained share first, then most cards, then by name.
  std::vector<TouchpointRow> sources;
  std::int64_t facts_read = 0;
};

Result<Touchpoints> touchpoints(sync::Store& store, const ReportRange& range,
                                const ReportProgress& progress = {});

// {"report": "touchpoints", "shop", "from", "to", "as_of",
//  "lapsed_after_days", "sources": [{"source", "joined", "bought",
//  "retained", "bought_share", "retained_share"}]}
std::string touchpoints_json(const Touchpoints& t);
// rank,source,joined,bought,retained,bought_share,retained_share
std::string touchpoints_csv(const Touchpoints& t);
std::string touchpoints_text(const Touchpoints& t);

}  // namespace loyalpos::reports
