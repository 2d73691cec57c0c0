// What the range reports' commands (journey, cohorts, lifecycle) share: the
// range read from the options, the shop checked against the store, and when
// a card lapses by the rules head office published.
#pragma once

#include <loyalpos/result.h>

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "loyalty/rules.h"
#include "sync/journeyd/commands.h"
#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

// The range and the moment "now" from the options; kInvalidInput names
// what is wrong (a date, --from after --to, --json with --csv) before the
// store is opened.
Result<reports::ReportRange> range_of(const RangeReportOptions& o);

// kInvalidInput when no terminal was enrolled for `shop` (empty: the chain).
Status check_shop(sync::Store& store, const std::string& shop);

// The rules head office published last (what the tills use), if any and
// readable; unreadable rules are said on `err`.
std::optional<loyalty::Rules> published_rules(sync::Store& store, std::ostream& err);

// The store of the options' data folder, its shop checked, the published
// rules and the range's lapse from them (else the terminal's default, 60
// days): what every range report opens with.
struct OpenedReport {
  std::unique_ptr<sync::Store> store;
  reports::ReportRange range;
  std::optional<loyalty::Rules> rules;
};
Result<OpenedReport> open_range_report(const RangeReportOptions& o, std::ostream& err);

}  // namespace loyalpos::journeyd
