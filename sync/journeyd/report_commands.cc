// `journeyd report journey|cohorts|lifecycle|stamps|promotions|touchpoints`
// (docs/journeyd.md "Reports"): a shop's or the chain's numbers over a range
// of UTC days, as text for an owner, --json or --csv (named_reports.h).
#include <iostream>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/named_reports.h"
#include "sync/journeyd/report_scope.h"

namespace loyalpos::journeyd {

namespace {

int report_command(std::string_view name, const RangeReportOptions& o, std::ostream& out,
                   std::ostream& err) {
  auto zone = report_zone(o.time_zone, "--tz");
  if (!zone.ok()) return command_failed(err, zone.error());
  auto opened = open_range_report(o, err);
  if (!opened.ok()) return command_failed(err, opened.error());
  const char* read_what = name == "promotions" ? " sales\n"
                          : name == "journey"  ? " journey events\n"
                                               : " events\n";
  const ReportFormat format = o.json  ? ReportFormat::kJson
                              : o.csv ? ReportFormat::kCsv
                                      : ReportFormat::kText;
  auto text = run_report(name, *opened->store, {opened->range, opened->rules, *zone}, format,
                         [&](std::int64_t read) { err << "read " << read << read_what; });
  if (!text.ok()) return command_failed(err, text.error());
  out << *text;
  return 0;
}

}  // namespace

int report_journey(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("journey", o, out, err);
}

int report_cohorts(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("cohorts", o, out, err);
}

int report_lifecycle(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("lifecycle", o, out, err);
}

int report_stamps(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("stamps", o, out, err);
}

int report_promotions(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("promotions", o, out, err);
}

int report_touchpoints(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  return report_command("touchpoints", o, out, err);
}

}  // namespace loyalpos::journeyd
