#include "sync/reports/cohorts.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "sync/reports/card_purchases.h"
#include "sync/reports/report_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

Result<Cohorts> cohorts(sync::Store& store, const ReportRange& range,
                        const ReportProgress& progress) {
  auto purchases = read_card_purchases(store, range, progress);
  if (!purchases.ok()) return purchases.error();
  const std::vector<std::int64_t> weeks = report_weeks(range, *purchases);
  Cohorts out;
  out.options = range;
  out.facts_read = purchases->facts_read;
  if (weeks.empty()) return out;
  const std::int64_t first = weeks.front();
  const auto index = [&](std::int64_t at) {
    return (iso_week_start(at) - first) / kSecondsPerWeek;
  };
  const auto n = static_cast<std::int64_t>(weeks.size());
  for (std::int64_t i = 0; i < n; ++i) {
    Cohort c;
    c.week = iso_week_name(weeks[i]);
    c.monday = weeks[i];
    c.later.resize(static_cast<std::size_t>(n - 1 - i));
    out.cohorts.push_back(std::move(c));
  }
  for (const auto& [card, times] : purchases->times) {
    const std::int64_t cohort = index(times.front());
    if (cohort < 0 || cohort >= n) continue;  // first bought before the range's weeks
    Cohort& c = out.cohorts[static_cast<std::size_t>(cohort)];
    ++c.cards;
    std::int64_t counted = cohort;  // each later week once per card
    for (const std::int64_t at : times) {
      const std::int64_t w = index(at);
      if (w <= counted || w >= n) continue;
      ++c.later[static_cast<std::size_t>(w - cohort - 1)].cards;
      counted = w;
    }
  }
  for (auto& c : out.cohorts) {
    if (c.cards == 0) continue;
    for (auto& w : c.later) w.share = static_cast<double>(w.cards) / static_cast<double>(c.cards);
  }
  out.last_week_partial = range.as_of < weeks.back() + kSecondsPerWeek;
  return out;
}

std::string cohorts_json(const Cohorts& c) {
  using nlohmann::json;
  json doc = output::json_head("cohorts", c.options);
  doc["last_week_partial"] = c.last_week_partial;
  auto list = json::array();
  for (const auto& cohort : c.cohorts) {
    auto later = json::array();
    for (std::size_t k = 0; k < cohort.later.size(); ++k) {
      later.push_back({{"week_after", k + 1},
                       {"cards", cohort.later[k].cards},
                       {"share", output::share_json(cohort.later[k].share)}});
    }
    list.push_back({{"week", cohort.week},
                    {"monday", utc_day(cohort.monday)},
                    {"cards", cohort.cards},
                    {"later", std::move(later)}});
  }
  doc["cohorts"] = std::move(list);
  return doc.dump(2) + "\n";
}

std::string cohorts_csv(const Cohorts& c) {
  std::string out = "week,monday,cards,week_after,returned,share\n";
  for (const auto& cohort : c.cohorts) {
    const std::string head =
        cohort.week + "," + utc_day(cohort.monday) + "," + std::to_string(cohort.cards) + ",";
    if (cohort.later.empty()) out += head + ",,\n";
    for (std::size_t k = 0; k < cohort.later.size(); ++k) {
      const auto& w = cohort.later[k];
      out += head + std::to_string(k + 1) + "," + std::to_string(w.cards) + "," +
             (w.share ? output::fixed(*w.share, 4) : "") + "\n";
    }
  }
  return out;
}

std::string cohorts_text(const Cohorts& c) {
  std::ostringstream out;
  out << "Retention cohorts of " << output::shop_words(c.options) << ", "
      << output::range_words(c.options) << " (ISO weeks, UTC)\n"
      << "Cards by the week of their first purchase; then, week by week after it, the share of "
         "them\nthat bought again in that week.\n\n";
  if (c.cohorts.empty()) {
    out << "No purchases with a card in the range.\n";
    return out.str();
  }
  std::size_t widest = 0;
  for (const auto& cohort : c.cohorts) widest = std::max(widest, cohort.later.size());
  char cell[64];
  std::snprintf(cell, sizeof cell, "%-10s %-10s %5s", "week", "monday", "cards");
  out << cell;
  for (std::size_t k = 1; k <= widest; ++k) {
    std::snprintf(cell, sizeof cell, " %5s", ("+" + std::to_string(k)).c_str());
    out << cell;
  }
  out << "\n";
  for (const auto& cohort : c.cohorts) {
    std::snprintf(cell, sizeof cell, "%-10s %-10s %5lld", cohort.week.c_str(),
                  utc_day(cohort.monday).c_str(), static_cast<long long>(cohort.cards));
    out << cell;
    for (const auto& w : cohort.later) {
      std::snprintf(cell, sizeof cell, " %5s", output::percent(w.share).c_str());
      out << cell;
    }
    out << "\n";
  }
  out << "\n+k: the k-th week after the cohort's week; \"-\": the cohort has no cards.\n";
  if (c.last_week_partial) out << "The last week is not over yet: its shares can still grow.\n";
  return out.str();
}

}  // namespace loyalpos::reports
