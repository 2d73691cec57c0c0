#include "sync/reports/utc_day.h"

#include <cstdio>
#include <ctime>

namespace loyalpos::reports {

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Result<std::int64_t> parse_utc_day(const std::string& text, const std::string& what) {
  const auto bad = [&] {
    return Error::invalid(what + " \"" + text + "\" is not a date: write it as YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return bad();
  }
  const int y = std::stoi(text.substr(0, 4));
  const int m = std::stoi(text.substr(5, 2));
  const int d = std::stoi(text.substr(8, 2));
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in(y, m)) return bad();
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * kSecondsPerDay;
}

std::string utc_time(std::int64_t unix_seconds, const char* strftime_format) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, strftime_format, &tm);
  return std::string(text, n);
}

std::string utc_day(std::int64_t unix_seconds) {
  // civil_from_days (Howard Hinnant), for days since 1970-01-01.
  std::int64_t z =
      (unix_seconds >= 0 ? unix_seconds : unix_seconds - kSecondsPerDay + 1) / kSecondsPerDay +
      719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return text;
}

std::int64_t iso_week_start(std::int64_t unix_seconds) {
  const std::int64_t day =
      unix_seconds >= 0 ? unix_seconds / kSecondsPerDay : (unix_seconds + 1) / kSecondsPerDay - 1;
  // 1970-01-01 was a Thursday: day + 3 counts from a Monday.
  const std::int64_t since_monday = ((day + 3) % 7 + 7) % 7;
  return (day - since_monday) * kSecondsPerDay;
}

std::string iso_week_name(std::int64_t unix_seconds) {
  const std::int64_t thursday = iso_week_start(unix_seconds) + 3 * kSecondsPerDay;
  const std::string day = utc_day(thursday);
  const int year = std::stoi(day.substr(0, 4));
  const std::int64_t jan1 = days_from_civil(year, 1, 1) * kSecondsPerDay;
  const std::int64_t week = (thursday - jan1) / kSecondsPerWeek + 1;
  char text[32];
  std::snprintf(text, sizeof text, "%04d-W%02lld", year, static_cast<long long>(week));
  return text;
}

}  // namespace loyalpos::reports
