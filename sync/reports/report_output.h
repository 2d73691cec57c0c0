// What the weekly reports' outputs share: the range in words and in JSON,
// numbers as text, CSV fields.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sync/reports/report_range.h"

namespace loyalpos::reports::output {

// "the whole chain" or the shop's name.
std::string shop_words(const ReportRange& r);
// "2026-01-01 to 2026-03-31" ("the beginning to …" without a start).
std::string range_words(const ReportRange& r);
// {"report": NAME, "shop": null|NAME, "from": null|DAY, "to": DAY, "as_of",
//  "lapsed_after_days"}: the head of every report's JSON.
nlohmann::json json_head(const char* report, const ReportRange& r);
// v with `decimals` digits after the point ("0.5000").
std::string fixed(double v, int decimals);
// A share as JSON: four decimals, or null.
nlohmann::json share_json(const std::optional<double>& share);
// "50%", or "-" when absent.
std::string percent(const std::optional<double>& share);
std::string csv_field(const std::string& text);

}  // namespace loyalpos::reports::output
