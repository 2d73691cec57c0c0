#include "sync/reports/lifecycle.h"

#include <cstdio>
#include <sstream>

#include "sync/reports/card_purchases.h"
#include "sync/reports/report_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

namespace {

enum Kind : int { kNone, kReturning, kResurrected, kNew };

void add(LifecycleWeek& w, Kind kind) {
  if (kind == kNew) ++w.fresh;
  if (kind == kResurrected) ++w.resurrected;
  if (kind == kReturning) ++w.returning;
}

}  // namespace

Result<Lifecycle> lifecycle(sync::Store& store, const ReportRange& range,
                            const ReportProgress& progress) {
  auto purchases = read_card_purchases(store, range, progress);
  if (!purchases.ok()) return purchases.error();
  const std::vector<std::int64_t> weeks = report_weeks(range, *purchases);
  Lifecycle out;
  out.options = range;
  out.facts_read = purchases->facts_read;
  if (weeks.empty()) return out;
  for (const std::int64_t monday : weeks) {
    LifecycleWeek w;
    w.week = iso_week_name(monday);
    w.monday = monday;
    out.weeks.push_back(std::move(w));
  }
  const std::int64_t first = weeks.front();
  const auto n = static_cast<std::int64_t>(weeks.size());
  const auto week_of = [&](std::int64_t at) -> LifecycleWeek* {
    const std::int64_t i = (iso_week_start(at) - first) / kSecondsPerWeek;
    return at >= first && i < n ? &out.weeks[static_cast<std::size_t>(i)] : nullptr;
  };
  const std::int64_t lapse = static_cast<std::int64_t>(range.lapsed_after_days) * kSecondsPerDay;
  for (const auto& [card, times] : purchases->times) {
    // A card's purchases of one week are consecutive: count the week once,
    // as the strongest kind among them.
    LifecycleWeek* week = nullptr;
    Kind kind = kNone;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const Kind now = i == 0 ? kNew : times[i] - times[i - 1] > lapse ? kResurrected : kReturning;
      LifecycleWeek* w = week_of(times[i]);
      if (w != week) {
        if (week != nullptr) add(*week, kind);
        week = w;
        kind = kNone;
      }
      kind = std::max(kind, now);
      // Gone dormant when the lapse ran out before the next purchase (or
      // before now), in the week it ran out.
      const std::int64_t runs_out = times[i] + lapse;
      const bool lapsed = i + 1 < times.size() ? times[i + 1] > runs_out : runs_out < range.as_of;
      if (lapsed) {
        if (LifecycleWeek* d = week_of(runs_out)) ++d->dormant;
      }
    }
    if (week != nullptr) add(*week, kind);
  }
  out.last_week_partial = range.as_of < weeks.back() + kSecondsPerWeek;
  return out;
}

std::string lifecycle_json(const Lifecycle& l) {
  using nlohmann::json;
  json doc = output::json_head("lifecycle", l.options);
  doc["last_week_partial"] = l.last_week_partial;
  auto list = json::array();
  for (const auto& w : l.weeks) {
    list.push_back({{"week", w.week},
                    {"monday", utc_day(w.monday)},
                    {"new", w.fresh},
                    {"returning", w.returning},
                    {"resurrected", w.resurrected},
                    {"dormant", w.dormant},
                    {"active", w.active()},
                    {"net", w.net()}});
  }
  doc["weeks"] = std::move(list);
  return doc.dump(2) + "\n";
}

std::string lifecycle_csv(const Lifecycle& l) {
  std::string out = "week,monday,new,returning,resurrected,dormant,active,net\n";
  for (const auto& w : l.weeks) {
    out += w.week + "," + utc_day(w.monday);
    for (const std::int64_t v :
         {w.fresh, w.returning, w.resurrected, w.dormant, w.active(), w.net()}) {
      out += "," + std::to_string(v);
    }
    out += "\n";
  }
  return out;
}

std::string lifecycle_text(const Lifecycle& l) {
  std::ostringstream out;
  out << "Lifecycle of " << output::shop_words(l.options) << ", " << output::range_words(l.options)
      << " (ISO weeks, UTC)\n"
      << "A card lapses after " << l.options.lapsed_after_days << " days without a purchase.\n\n";
  if (l.weeks.empty()) {
    out << "No purchases with a card in the range.\n";
    return out.str();
  }
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %-10s %5s %9s %11s %7s %6s %5s\n", "week", "monday",
                "new", "returning", "resurrected", "dormant", "active", "net");
  out << line;
  for (const auto& w : l.weeks) {
    std::snprintf(line, sizeof line, "%-10s %-10s %5lld %9lld %11lld %7lld %6lld %+5lld\n",
                  w.week.c_str(), utc_day(w.monday).c_str(), static_cast<long long>(w.fresh),
                  static_cast<long long>(w.returning), static_cast<long long>(w.resurrected),
                  static_cast<long long>(w.dormant), static_cast<long long>(w.active()),
                  static_cast<long long>(w.net()));
    out << line;
  }
  out << "\nnew: first purchase; returning: bought again; resurrected: bought again after "
         "lapsing;\ndormant: lapsed that week; active: cards that bought; net: new + resurrected "
         "- dormant.\n";
  if (l.last_week_partial) out << "The last week is not over yet.\n";
  return out.str();
}

}  // namespace loyalpos::reports
