// `journeyd report journey` (docs/journeyd.md "Reports: the journey map"):
// the journey map of a shop or the chain over a range of UTC days, as text
// for an owner, --json or --csv.
#include <ctime>
#include <iostream>

#include "pos/config/config.h"
#include "sync/journeyd/commands.h"
#include "sync/reports/journey_map.h"
#include "sync/reports/journey_map_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

Result<reports::JourneyMapOptions> journey_range(const JourneyReportOptions& o) {
  if (o.json && o.csv) return Error::invalid("choose one of --json and --csv");
  const std::int64_t now = o.now != 0 ? o.now : static_cast<std::int64_t>(std::time(nullptr));
  reports::JourneyMapOptions r;
  if (!o.from.empty()) {
    auto from = reports::parse_utc_day(o.from, "--from");
    if (!from.ok()) return from.error();
    r.from = *from;
  }
  std::int64_t last_day = now - now % reports::kSecondsPerDay;
  if (!o.to.empty()) {
    auto to = reports::parse_utc_day(o.to, "--to");
    if (!to.ok()) return to.error();
    last_day = *to;
  }
  if (r.from > last_day) {
    return Error::invalid("--from " + reports::utc_day(r.from) + " is after " +
                          (o.to.empty() ? "today, " : "--to ") + reports::utc_day(last_day));
  }
  r.until = last_day + reports::kSecondsPerDay;
  r.as_of = std::min(r.until, now);
  r.shop = o.shop;
  return r;
}

Status check_shop(sync::Store& store, const std::string& shop) {
  if (shop.empty()) return ok_status();
  auto shops = store.store_names();
  if (!shops.ok()) return shops.error();
  std::string known;
  for (const auto& name : *shops) {
    if (name == shop) return ok_status();
    known += (known.empty() ? "" : ", ") + ("\"" + name + "\"");
  }
  return Error::invalid(
      "no shop named \"" + shop + "\" has enrolled a terminal" +
      (known.empty() ? std::string(" (none has yet)") : " (shops: " + known + ")"));
}

int lapsed_after_days(sync::Store& store, std::ostream& err) {
  const loyalty::JourneySettings fallback;
  auto latest = store.latest("rules", 0);
  if (!latest.ok() || !*latest) return fallback.lapsed_after_days;
  const std::string name = "published rules version " + std::to_string((*latest)->version);
  auto rules = pos::parse_published_rules((*latest)->bytes, name, pos::kDefaultCurrency,
                                          loyalty::Language{});
  if (!rules.ok()) {
    err << "journeyd: " << rules.error().message() << "; counting lapses after "
        << fallback.lapsed_after_days << " days\n";
    return fallback.lapsed_after_days;
  }
  return rules->journey.lapsed_after_days;
}

int report_journey(const JourneyReportOptions& o, std::ostream& out, std::ostream& err) {
  auto range = journey_range(o);
  if (!range.ok()) return command_failed(err, range.error());
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return command_failed(err, store.error());
  if (Status s = check_shop(**store, o.shop); !s.ok()) return command_failed(err, s.error());
  range->lapsed_after_days = lapsed_after_days(**store, err);
  auto map = reports::journey_map(
      **store, *range, [&](std::int64_t read) { err << "read " << read << " journey events\n"; });
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
