#include "loyalty/schedule.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace loyalpos::loyalty {

namespace {

std::int32_t days_from_civil(int year, int month, int day) {
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  return static_cast<std::int32_t>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

std::uint8_t weekday_bit(std::int32_t days) {
  return static_cast<std::uint8_t>(1u << (weekday_of(days) - 1));
}

}  // namespace

int weekday_of(std::int32_t days) {
  // 1970-01-01 was a Thursday (4).
  const int offset = static_cast<int>(((days % 7) + 7) % 7);
  return (3 + offset) % 7 + 1;
}

LocalTime make_local_time(int year, int month, int day, int hour, int minute) {
  LocalTime t;
  t.days = days_from_civil(year, month, day);
  t.weekday = weekday_of(t.days);
  t.minute_of_day = hour * 60 + minute;
  return t;
}

Result<std::int32_t> parse_date(const std::string& text) {
  int y = 0, m = 0, d = 0, consumed = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &m, &d, &consumed) != 3 ||
      consumed != 10 || text[4] != '-' || text[7] != '-') {
    return Error::invalid("\"" + text + "\" is not a date like 2026-11-21");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return Error::invalid("\"" + text + "\" is not a day of the calendar");
  return days_from_civil(y, m, d);
}

std::string format_date(std::int32_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

bool Schedule::active(const LocalTime& now) const {
  return now.days >= from_day && now.days <= to_day &&
         (weekdays & (1u << (now.weekday - 1))) != 0 && now.minute_of_day >= start_minute &&
         now.minute_of_day < end_minute;
}

bool Schedule::ever_occurs() const {
  if (weekdays == 0 || start_minute >= end_minute || from_day > to_day) return false;
  if (static_cast<std::int64_t>(to_day) - from_day >= 6) return true;
  for (std::int32_t d = from_day; d <= to_day; ++d) {
    if (weekdays & weekday_bit(d)) return true;
  }
  return false;
}

bool Schedule::overlaps(const Schedule& other) const {
  Schedule both;
  both.from_day = std::max(from_day, other.from_day);
  both.to_day = std::min(to_day, other.to_day);
  both.weekdays = weekdays & other.weekdays;
  both.start_minute = std::max(start_minute, other.start_minute);
  both.end_minute = std::min(end_minute, other.end_minute);
  return both.ever_occurs();
}

}  // namespace loyalpos::loyalty
