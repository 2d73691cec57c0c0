#include "sync/reports/journey_map_output.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/reports/report_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

namespace {

// Conversions to four decimals (0.8333), days to one (2.5).
double rounded(double v, double scale) { return std::round(v * scale) / scale; }

std::string touchpoint_list(const StageRow& row, const char* between, const char* separator) {
  std::string out;
  for (const auto& t : row.touchpoints) {
    if (!out.empty()) out += separator;
    out += t.name + between + std::to_string(t.cards);
  }
  return out;
}

std::string cards(std::int64_t n) { return std::to_string(n) + (n == 1 ? " card" : " cards"); }

}  // namespace

std::string journey_map_json(const JourneyMap& map) {
  using nlohmann::json;
  const auto& o = map.options;
  auto stages = json::array();
  for (const auto& row : map.stages) {
    json s{{"stage", row.stage}, {"absent", nullptr}};
    if (!row.absent.empty()) {
      s["absent"] = row.absent;
      for (const char* key :
           {"now", "entered", "conversion", "median_days", "dropped", "touchpoints"}) {
        s[key] = nullptr;
      }
    } else {
      s["now"] = row.now;
      s["entered"] = row.entered;
      s["conversion"] = row.conversion ? json(rounded(*row.conversion, 1e4)) : json(nullptr);
      s["median_days"] = row.median_days ? json(rounded(*row.median_days, 10)) : json(nullptr);
      s["dropped"] = row.dropped;
      auto touch = json::array();
      for (const auto& t : row.touchpoints) touch.push_back({{"name", t.name}, {"cards", t.cards}});
      s["touchpoints"] = std::move(touch);
    }
    s["feedback_stars"] =
        row.feedback_stars ? json(rounded(*row.feedback_stars, 100)) : json(nullptr);
    stages.push_back(std::move(s));
  }
  const json doc{{"shop", o.shop.empty() ? json(nullptr) : json(o.shop)},
                 {"from", o.from == 0 ? json(nullptr) : json(utc_day(o.from))},
                 {"to", utc_day(o.until - 1)},
                 {"as_of", o.as_of},
                 {"lapsed_after_days", o.lapsed_after_days},
                 {"lapsed_now", map.lapsed_now},
                 {"came_back", map.came_back},
                 {"stages", std::move(stages)}};
  return doc.dump(2) + "\n";
}

std::string journey_map_csv(const JourneyMap& map) {
  std::string out =
      "stage,now,entered,conversion,median_days,dropped,touchpoints,feedback_stars,absent\n";
  for (const auto& row : map.stages) {
    out += row.stage;
    if (!row.absent.empty()) {
      out += ",,,,,,,," + output::csv_field(row.absent) + "\n";
      continue;
    }
    out += "," + std::to_string(row.now) + "," + std::to_string(row.entered) + ",";
    out += row.conversion ? output::fixed(*row.conversion, 4) : "";
    out += ",";
    out += row.median_days ? output::fixed(*row.median_days, 1) : "";
    out += "," + std::to_string(row.dropped) + "," +
           output::csv_field(touchpoint_list(row, "=", "; "));
    out += ",";
    out += row.feedback_stars ? output::fixed(*row.feedback_stars, 1) : "";
    out += ",\n";
  }
  return out;
}

std::string journey_map_text(const JourneyMap& map) {
  const auto& o = map.options;
  std::ostringstream out;
  out << "Journey map of " << output::shop_words(o) << ", " << output::range_words(o)
      << " (UTC days)\n"
      << "A card lapses after " << o.lapsed_after_days
      << " days without a purchase (or, never having bought, that long after it got its card).\n\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %7s %8s %11s %12s %8s\n", "stage", "now", "reached",
                "conversion", "median days", "dropped");
  out << line;
  for (const auto& row : map.stages) {
    if (!row.absent.empty()) {
      std::snprintf(line, sizeof line, "%-14s %7s\n", row.stage.c_str(), "not measured yet");
      out << line;
      continue;
    }
    std::snprintf(line, sizeof line, "%-14s %7lld %8lld %11s %12s %8lld\n", row.stage.c_str(),
                  static_cast<long long>(row.now), static_cast<long long>(row.entered),
                  output::percent(row.conversion).c_str(),
                  row.median_days ? output::fixed(*row.median_days, 1).c_str() : "-",
                  static_cast<long long>(row.dropped));
    out << line;
  }
  out << "\nnow: cards in the stage at the end of the range; reached: cards that reached it in "
         "the range;\nconversion: of the cards that reached the stage before in the range, those "
         "that reached this one;\nmedian days: from the stage before; dropped: cards lapsed now "
         "whose last stage it was.\n";
  out << "\nWhat the cards that reached each stage in the range met there:\n";
  for (const auto& row : map.stages) {
    if (!row.absent.empty()) continue;
    const std::string list = touchpoint_list(row, " ", ", ");
    out << "  " << row.stage << ": " << (list.empty() ? "-" : list) << "\n";
  }
  out << "\nBack after lapsing, in the range: " << cards(map.came_back)
      << ". Lapsed now: " << cards(map.lapsed_now) << ".\n\nNot measured yet:\n";
  for (const auto& row : map.stages) {
    if (!row.absent.empty()) out << "  " << row.stage << ": " << row.absent << "\n";
  }
  std::string stars;
  for (const auto& row : map.stages) {
    if (row.feedback_stars)
      stars += "  " + row.stage + ": " + output::fixed(*row.feedback_stars, 1) + "\n";
  }
  out << "\nFeedback stars (the card page, 1 to 5), by the stage the card was in:\n"
      << (stars.empty() ? std::string("  none in the range\n") : stars);
  return out.str();
}

}  // namespace loyalpos::reports
