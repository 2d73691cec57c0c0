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

constexpr int kMinutesPerDay = 24 * 60;

// Whether a day in [from, to] is one of `weekdays`.
bool some_day(std::int64_t from, std::int64_t to, std::uint8_t weekdays) {
  if (weekdays == 0 || from > to) return false;
  if (to - from >= 6) return true;
  for (std::int64_t d = from; d <= to; ++d) {
    if (weekdays & weekday_bit(static_cast<std::int32_t>(d))) return true;
  }
  return false;
}

// The weekdays w such that w + shift days is in `weekdays`.
std::uint8_t shifted(std::uint8_t weekdays, int shift) {
  if (shift > 0) return static_cast<std::uint8_t>((weekdays >> 1) | ((weekdays & 1) << 6));
  if (shift < 0) return static_cast<std::uint8_t>(((weekdays << 1) & 0x7f) | (weekdays >> 6));
  return weekdays;
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

bool Schedule::starts_on(std::int32_t days, int weekday) const {
  return days >= from_day && days <= to_day && (weekdays & (1u << (weekday - 1))) != 0;
}

bool Schedule::active(const LocalTime& now) const {
  const int minute = now.minute_of_day;
  if (start_minute < end_minute) {
    return minute >= start_minute && minute < end_minute && starts_on(now.days, now.weekday);
  }
  // Across midnight: the evening is today's window, the small hours are
  // the window that started yesterday.
  if (minute >= start_minute) return starts_on(now.days, now.weekday);
  if (minute < end_minute) return starts_on(now.days - 1, now.weekday == 1 ? 7 : now.weekday - 1);
  return false;
}

bool Schedule::ever_occurs() const {
  return start_minute != end_minute && some_day(from_day, to_day, weekdays);
}

bool Schedule::overlaps(const Schedule& other) const {
  if (!ever_occurs() || !other.ever_occurs()) return false;
  // Each window is [start, end) minutes from the midnight of the day it
  // starts, end past 24:00 when it runs across midnight; a window of this
  // schedule on day d and one of the other's on day d + shift can meet only
  // for shift -1, 0 or 1.
  auto span_end = [](const Schedule& s) {
    return s.end_minute > s.start_minute ? s.end_minute : s.end_minute + kMinutesPerDay;
  };
  for (int shift = -1; shift <= 1; ++shift) {
    const int other_start = other.start_minute + shift * kMinutesPerDay;
    const int other_end = span_end(other) + shift * kMinutesPerDay;
    if (std::max(start_minute, other_start) >= std::min(span_end(*this), other_end)) continue;
    // Some day d of this schedule with d + shift a day of the other's.
    const std::int64_t from =
        std::max<std::int64_t>(from_day, std::int64_t{other.from_day} - shift);
    const std::int64_t to = std::min<std::int64_t>(to_day, std::int64_t{other.to_day} - shift);
    if (some_day(from, to, static_cast<std::uint8_t>(weekdays & shifted(other.weekdays, shift)))) {
      return true;
    }
  }
  return false;
}

}  // namespace loyalpos::loyalty
