// `journeyd report journey` (docs/journeyd.md "Reports: the journey map"):
// the journey map of a shop or the chain over a range of UTC days, as text
// for an owner, --json or --csv.
#include <iostream>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/report_scope.h"
#include "sync/reports/journey_map.h"
#include "sync/reports/journey_map_output.h"

namespace loyalpos::journeyd {

int report_journey(const JourneyReportOptions& o, std::ostream& out, std::ostream& err) {
  auto opened = open_range_report(o, err);
  if (!opened.ok()) return command_failed(err, opened.error());
  auto map = reports::journey_map(*opened->store, opened->range, [&](std::int64_t read) {
    err << "read " << read << " journey events\n";
  });
  if (!map.ok()) return command_failed(err, map.error());
  if (o.json) {
    out << reports::journey_map_json(*map);
  } else if (o.csv) {
    out << reports::journey_map_csv(*map);
  } else {
    out << reports::journey_map_text(*map);
  }
  return 0;
}

}  // namespace loyalpos::journeyd
