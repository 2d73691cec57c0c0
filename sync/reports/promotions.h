// Promotions (issue 18, docs/journeyd.md "Reports: promotions"): per
// promotion of the published rules, the units and revenue of its products
// sold inside its windows in the range, beside the same weekdays and hours
// in the four weeks before (the uplift, as a ratio and a difference), so the
// owner sees whether "two for one this weekend" paid.
//
// The baseline of a moment inside a window is the average, over the four
// weeks before (7, 14, 21 and 28 days earlier), of what sold at the same
// moment, when that moment was not itself inside one of the promotion's
// windows. Summed over the windows: a sale made outside the windows counts a
// quarter for each of the four weeks after it that falls in a window in the
// range. A promotion that runs every week at those hours has no "before"
// (baseline 0, no ratio). Every sale counts, with a card or not; refunds do
// not take anything back.
//
// The rules carry no hypothesis: the report shows the promotion's name and
// what it does (a description made from the rules) in its place.
//
// What the report needs of the rules comes as plain data and predicates
// (sync/reports does not read the rules): journeyd makes them from the
// published rules and the shops' time zone. One pass over the sales from
// four weeks before the range to its end (the database takes out their
// promotions and lines); memory: the promotions' totals.
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

struct PromotionRule {
  std::string id;
  std::string name;         // the receipt's reason
  std::string description;  // what it does, in words
  // Whether the moment (unix seconds) is inside one of its windows: its
  // dates, weekdays and hours, in the shops' local time.
  std::function<bool(std::int64_t)> in_window;
  // Whether a line sold (its SKU, its category) is one of its products.
  std::function<bool(const std::string& sku, const std::string& category)> covers;
};

struct PromotionsOptions {
  ReportRange range;
  std::vector<PromotionRule> promotions;
  std::string time_zone;  // the zone the windows are read in, as shown to the owner
};

struct PromotionRow {
  std::string id, name, description;
  std::int64_t sales_applied = 0;  // sales in the range that the promotion applied in
  // Its products, inside its windows in the range: units and revenue (minor
  // units, after every discount).
  std::int64_t units = 0;
  std::int64_t revenue = 0;
  // The same, the same weekdays and hours in the four weeks before (a week's average).
  double base_units = 0;
  double base_revenue = 0;
  std::optional<double> units_ratio;    // units / base_units; absent when the base is 0
  std::optional<double> revenue_ratio;  // revenue / base_revenue
  double units_difference() const { return static_cast<double>(units) - base_units; }
  double revenue_difference() const { return static_cast<double>(revenue) - base_revenue; }
};

struct Promotions {
  PromotionsOptions options;
  std::vector<PromotionRow> promotions;  // in the rules' order
  std::int64_t sales_read = 0;
};

inline constexpr const char* kNoHypothesis =
    "the rules carry no hypothesis for a promotion: its name and what it does stand in its place";

Result<Promotions> promotions(sync::Store& store, const PromotionsOptions& options,
                              const ReportProgress& progress = {});

// {"report": "promotions", "shop", "from", "to", "as_of", "lapsed_after_days",
//  "time_zone", "hypothesis_absent", "promotions": [{"promotion", "name",
//  "description", "hypothesis": null, "sales_applied", "units", "revenue",
//  "base_units", "base_revenue", "units_ratio", "revenue_ratio",
//  "units_difference", "revenue_difference"}]} (revenue in minor units;
//  ratios null without a base)
std::string promotions_json(const Promotions& p);
// promotion,name,description,sales_applied,units,revenue,base_units,
// base_revenue,units_ratio,revenue_ratio,units_difference,revenue_difference
std::string promotions_csv(const Promotions& p);
std::string promotions_text(const Promotions& p);

}  // namespace loyalpos::reports
