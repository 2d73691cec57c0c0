// The owner's reports by name (journey, cohorts, lifecycle, stamps,
// promotions, touchpoints; docs/journeyd.md "Reports"), run over an open
// store and written as text, JSON or CSV: one path for `journeyd report
// NAME` and for the dashboard's pages and JSON API (owner_pages.h).
#pragma once

#include <loyalpos/result.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "base/time_zone.h"
#include "loyalty/rules.h"
#include "sync/reports/journey_map.h"
#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

inline constexpr std::array<std::string_view, 6> kReportNames = {
    "journey", "cohorts", "lifecycle", "stamps", "promotions", "touchpoints"};

bool is_report_name(std::string_view name);

enum class ReportFormat { kText, kJson, kCsv };

// What a report reads beside the store: its range and lapse, the rules head
// office published last (stamp programs, promotions), and the zone the
// promotions' hours are read in.
struct ReportInput {
  reports::ReportRange range;
  std::optional<loyalty::Rules> rules;
  TimeZone zone = TimeZone::utc();
};

// Runs report `name` (one of kReportNames; else kNotFound) and writes it in
// `format`. `progress` is told how many events (sales, for promotions) it
// has read, now and then.
Result<std::string> run_report(std::string_view name, sync::Store& store, const ReportInput& input,
                               ReportFormat format, const reports::ReportProgress& progress = {});

// The zone a --tz or ?tz= names ("" is UTC); kInvalidInput otherwise.
Result<TimeZone> report_zone(const std::string& name, const std::string& what);

}  // namespace loyalpos::journeyd
