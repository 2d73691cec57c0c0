#include "sync/journeyd/report_scope.h"

#include <algorithm>
#include <ctime>
#include <iostream>

#include "pos/config/config.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

Result<reports::ReportRange> range_of(const RangeReportOptions& o) {
  if (o.json && o.csv) return Error::invalid("choose one of --json and --csv");
  const std::int64_t now = o.now != 0 ? o.now : static_cast<std::int64_t>(std::time(nullptr));
  reports::ReportRange r;
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
  // as_of is the first second not counted: the events of this very second
  // count too (a sale synced a moment ago is in the report run right after).
  r.as_of = std::min(r.until, now + 1);
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

std::optional<loyalty::Rules> published_rules(sync::Store& store, std::ostream& err) {
  auto latest = store.latest("rules", 0);
  if (!latest.ok() || !*latest) return std::nullopt;
  const std::string name = "published rules version " + std::to_string((*latest)->version);
  auto rules = pos::parse_published_rules((*latest)->bytes, name, pos::kDefaultCurrency,
                                          loyalty::Language{});
  if (!rules.ok()) {
    err << "journeyd: " << rules.error().message() << "; counting lapses after "
        << loyalty::JourneySettings{}.lapsed_after_days << " days\n";
    return std::nullopt;
  }
  return std::move(*rules);
}

Result<OpenedReport> open_range_report(const RangeReportOptions& o, std::ostream& err) {
  auto range = range_of(o);
  if (!range.ok()) return range.error();
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return store.error();
  LOYALPOS_TRY(check_shop(**store, o.shop));
  auto rules = published_rules(**store, err);
  range->lapsed_after_days =
      rules ? rules->journey.lapsed_after_days : loyalty::JourneySettings{}.lapsed_after_days;
  return OpenedReport{std::move(*store), *range, std::move(rules)};
}

}  // namespace loyalpos::journeyd
