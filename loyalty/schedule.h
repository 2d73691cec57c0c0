// When a promotion is on: a date range, days of the week and a time-of-day
// window, all in the store's local time. The caller converts its clock into
// a LocalTime with the store's time zone; nothing here reads a clock.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

namespace loyalpos::loyalty {

struct LocalTime {
  std::int32_t days = 0;  // days since 1970-01-01 (local calendar)
  int weekday = 1;        // 1 = Monday ... 7 = Sunday
  int minute_of_day = 0;  // 0 ... 1439
};

// Local calendar fields (as from localtime_r) to a LocalTime.
LocalTime make_local_time(int year, int month, int day, int hour, int minute);

// "2026-11-21" -> days since 1970-01-01; an error for anything else.
Result<std::int32_t> parse_date(const std::string& text);
std::string format_date(std::int32_t days);
int weekday_of(std::int32_t days);

struct Schedule {
  std::int32_t from_day = INT32_MIN;  // inclusive; INT32_MIN: no start
  std::int32_t to_day = INT32_MAX;    // inclusive; INT32_MAX: no end
  std::uint8_t weekdays = 0x7f;       // bit 0 = Monday ... bit 6 = Sunday
  // [start, end) from the start of a day. An end before the start runs
  // across midnight ("22:00-02:00"): the part after midnight belongs
  // to the day the window started, its weekday and its date range.
  int start_minute = 0;  // 0 .. 1439
  int end_minute = 24 * 60;

  bool active(const LocalTime& now) const;
  // False for a window that can never be on (empty days, start equal to
  // end, a short date range that holds none of its weekdays).
  bool ever_occurs() const;
  // Whether some moment is in both windows.
  bool overlaps(const Schedule& other) const;

 private:
  // Whether a window starts on that day.
  bool starts_on(std::int32_t days, int weekday) const;
};

}  // namespace loyalpos::loyalty
