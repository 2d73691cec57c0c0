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

inline constexpr std::int64_t kSecondsPerDay = 86400;

}  // namespace loyalpos::reports
