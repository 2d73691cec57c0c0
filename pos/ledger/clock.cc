#include "pos/ledger/clock.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace loyalpos::pos {

std::int64_t SystemClock::now_unix() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::int64_t> parse_time(const std::string& text) {
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits && text.size() <= 12) return static_cast<std::int64_t>(std::stoll(text));
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      static_cast<std::size_t>(consumed) != text.size()) {
    return Error::invalid("time \"" + text + "\" is not like 2026-11-21T10:30:00");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return Error::invalid("time \"" + text + "\" is invalid");
  return static_cast<std::int64_t>(t);
}

namespace {

std::string format_local(std::int64_t unix, const char* format) {
  const std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

}  // namespace

std::string local_date(std::int64_t unix) { return format_local(unix, "%Y-%m-%d"); }

std::string local_time_text(std::int64_t unix) { return format_local(unix, "%Y-%m-%d %H:%M"); }

loyalty::LocalTime local_time(std::int64_t unix) {
  const std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  localtime_r(&t, &tm);
  return loyalty::make_local_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                  tm.tm_min);
}

void use_time_zone(const std::string& iana_name) {
  if (iana_name.empty()) return;
  setenv("TZ", iana_name.c_str(), 1);
  tzset();
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
