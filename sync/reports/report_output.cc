#include "sync/reports/report_output.h"

#include <cmath>
#include <cstdio>

#include "sync/reports/utc_day.h"

namespace loyalpos::reports::output {

std::string shop_words(const ReportRange& r) { return r.shop.empty() ? "the whole chain" : r.shop; }

std::string range_words(const ReportRange& r) {
  return (r.from == 0 ? std::string("the beginning") : utc_day(r.from)) + " to " +
         utc_day(r.until - 1);
}

nlohmann::json json_head(const char* report, const ReportRange& r) {
  using nlohmann::json;
  return json{{"report", report},
              {"shop", r.shop.empty() ? json(nullptr) : json(r.shop)},
              {"from", r.from == 0 ? json(nullptr) : json(utc_day(r.from))},
              {"to", utc_day(r.until - 1)},
              {"as_of", r.as_of},
              {"lapsed_after_days", r.lapsed_after_days}};
}

std::string fixed(double v, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

nlohmann::json share_json(const std::optional<double>& share) {
  if (!share) return nullptr;
  return std::round(*share * 1e4) / 1e4;
}

std::string percent(const std::optional<double>& share) {
  return share ? fixed(*share * 100, 0) + "%" : "-";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace loyalpos::reports::output
