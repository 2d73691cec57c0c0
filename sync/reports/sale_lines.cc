#include "sync/reports/sale_lines.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "sync/store/json_members.h"

namespace loyalpos::reports {

namespace {

// A JSON string's text (raw: with its quotes), or "" when it is not a
// string. Escapes are rare in a sku or category: nlohmann reads those.
std::string string_value(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"') return {};
  const std::string_view inner = raw.substr(1, raw.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  const auto parsed = nlohmann::json::parse(raw, nullptr, false);
  return parsed.is_string() ? parsed.get<std::string>() : std::string();
}

// A JSON number's whole part, or 0 when it is not a number.
std::int64_t integer_value(std::string_view raw) {
  std::int64_t v = 0;
  const char* end = raw.data() + raw.size();
  if (const auto [p, ec] = std::from_chars(raw.data(), end, v); ec == std::errc() && p == end) {
    return v;
  }
  double d = 0;
  if (const auto [p, ec] = std::from_chars(raw.data(), end, d);
      ec == std::errc() && p == end && std::abs(d) < 9e18) {
    return static_cast<std::int64_t>(d);
  }
  return 0;
}

}  // namespace

std::vector<SaleLine> sale_lines(const std::string& text) {
  if (text.empty() || text.front() != '[') return {};
  static constexpr std::string_view kKeys[] = {"sku", "category", "qty", "unit_price", "discount"};
  std::vector<SaleLine> lines;
  const bool read = sync::detail::json_elements(text, [&](std::string_view element) {
    std::string_view values[std::size(kKeys)];
    if (element.front() != '{' ||
        !sync::detail::json_members(element, kKeys, values, std::size(kKeys))) {
      return;
    }
    SaleLine line;
    line.sku = string_value(values[0]);
    line.category = string_value(values[1]);
    line.qty = integer_value(values[2]);
    // Overflow (no real line comes near it) reads as nothing sold.
    std::int64_t gross = 0;
    if (__builtin_mul_overflow(line.qty, integer_value(values[3]), &gross) ||
        __builtin_sub_overflow(gross, integer_value(values[4]), &line.net)) {
      line.qty = line.net = 0;
    }
    lines.push_back(std::move(line));
  });
  if (!read) return {};
  return lines;
}

}  // namespace loyalpos::reports
