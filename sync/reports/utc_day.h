// A report's range is in whole UTC days ("2026-03-01"): the same days for
// every shop and journeyd, whatever the server's or a till's time zone.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

namespace loyalpos::reports {

// "YYYY-MM-DD" (a real date, years 1970..9999) to the unix second of its
// UTC midnight; kInvalidInput naming `what` (e.g. "--from") otherwise.
Result<std::int64_t> parse_utc_day(const std::string& text, const std::string& what);
// The UTC day of a unix second, as "YYYY-MM-DD".
std::string utc_day(std::int64_t unix_seconds);
// A unix second in UTC as `strftime_format` writes it ("%Y-%m-%d %H:%M UTC").
std::string utc_time(std::int64_t unix_seconds, const char* strftime_format);

inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr std::int64_t kSecondsPerWeek = 7 * kSecondsPerDay;

// The weekly reports' weeks are ISO weeks in UTC: Monday 00:00 to the next
// Monday, numbered by the year of their Thursday ("2026-W01" is 2025-12-29
// to 2026-01-04).
// The unix second of the Monday 00:00 UTC starting the week of `unix_seconds`.
std::int64_t iso_week_start(std::int64_t unix_seconds);
// "2026-W02" for the week holding `unix_seconds`.
std::string iso_week_name(std::int64_t unix_seconds);

}  // namespace loyalpos::reports
