#include "pos/ledger/clock.h"

#include <chrono>
#include <cstdio>

namespace loyalpos::pos {

std::int64_t SystemClock::now_unix() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::int64_t> Clock::parse_time(const std::string& text) const {
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits && text.size() <= 12) return static_cast<std::int64_t>(std::stoll(text));
  LocalFields f;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &f.year, &f.month, &f.day, &f.hour,
                  &f.minute, &f.second, &consumed) != 6 ||
      static_cast<std::size_t>(consumed) != text.size()) {
    return Error::invalid("time \"" + text + "\" is not like 2026-11-21T10:30:00");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(f.year),
                                        std::chrono::month(static_cast<unsigned>(f.month)),
                                        std::chrono::day(static_cast<unsigned>(f.day))};
  if (!ymd.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) {
    return Error::invalid("time \"" + text + "\" is invalid");
  }
  return zone().unix_of(f);
}

std::string Clock::local_date(std::int64_t unix) const { return pos::local_date(zone(), unix); }

std::string Clock::local_time_text(std::int64_t unix) const {
  return pos::local_time_text(zone(), unix);
}

std::string local_date(const TimeZone& zone, std::int64_t unix) {
  return format_local_date(zone.local(unix));
}

std::string local_time_text(const TimeZone& zone, std::int64_t unix) {
  const LocalFields f = zone.local(unix);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d", f.year, f.month, f.day, f.hour,
                f.minute);
  return buffer;
}

loyalty::LocalTime Clock::local_time(std::int64_t unix) const {
  const LocalFields f = zone().local(unix);
  return loyalty::make_local_time(f.year, f.month, f.day, f.hour, f.minute);
}

Result<TimeZone> store_time_zone(const std::string& iana_name) {
  if (iana_name.empty()) return TimeZone::system();
  return TimeZone::named(iana_name);
}

bool is_valid_date(const std::string& date) {
  int y = 0, m = 0, d = 0, consumed = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &consumed) != 3 ||
      consumed != 10) {
    return false;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  return ymd.ok();
}

}  // namespace loyalpos::pos
