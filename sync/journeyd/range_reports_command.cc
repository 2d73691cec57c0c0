// `journeyd report cohorts`, `report lifecycle`, `report stamps` and
// `report touchpoints` (docs/journeyd.md "Reports: the weekly reports",
// "Reports: stamp programs", "Reports: touchpoints"): a shop's or the
// chain's numbers over a range of UTC days, as text for an owner, --json or
// --csv.
#include <iostream>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/report_scope.h"
#include "sync/reports/cohorts.h"
#include "sync/reports/lifecycle.h"
#include "sync/reports/stamps.h"
#include "sync/reports/touchpoints.h"

namespace loyalpos::journeyd {

namespace {

// Opens the store, runs `report` and prints what `json`, `csv` or `text`
// make of it.
template <typename Report, typename Json, typename Csv, typename Text>
int run_report(const RangeReportOptions& o, std::ostream& out, std::ostream& err, Report report,
               Json json, Csv csv, Text text) {
  auto opened = open_range_report(o, err);
  if (!opened.ok()) return command_failed(err, opened.error());
  auto result = report(*opened, [&](std::int64_t read) { err << "read " << read << " events\n"; });
  if (!result.ok()) return command_failed(err, result.error());
  out << (o.json ? json(*result) : o.csv ? csv(*result) : text(*result));
  return 0;
}

// The programs of the published rules, as the stamps report takes them.
std::vector<reports::ProgramRule> program_rules(const std::optional<loyalty::Rules>& rules) {
  std::vector<reports::ProgramRule> out;
  if (!rules) return out;
  for (const auto& p : rules->stamp_programs) out.push_back({p.id, p.name, p.every, false});
  for (const auto& p : rules->points_programs) out.push_back({p.id, p.name, 0, true});
  return out;
}

}  // namespace

int report_cohorts(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return run_report(
      o, out, err,
      [](OpenedReport& r, const reports::ReportProgress& p) {
        return reports::cohorts(*r.store, r.range, p);
      },
      reports::cohorts_json, reports::cohorts_csv, reports::cohorts_text);
}

int report_lifecycle(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return run_report(
      o, out, err,
      [](OpenedReport& r, const reports::ReportProgress& p) {
        return reports::lifecycle(*r.store, r.range, p);
      },
      reports::lifecycle_json, reports::lifecycle_csv, reports::lifecycle_text);
}

int report_stamps(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return run_report(
      o, out, err,
      [](OpenedReport& r, const reports::ReportProgress& p) {
        return reports::stamp_programs(*r.store, {r.range, program_rules(r.rules)}, p);
      },
      reports::stamp_programs_json, reports::stamp_programs_csv, reports::stamp_programs_text);
}

int report_touchpoints(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return run_report(
      o, out, err,
      [](OpenedReport& r, const reports::ReportProgress& p) {
        return reports::touchpoints(*r.store, r.range, p);
      },
      reports::touchpoints_json, reports::touchpoints_csv, reports::touchpoints_text);
}

}  // namespace loyalpos::journeyd
