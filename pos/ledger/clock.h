// Time enters the terminal here and is passed down; loyalty never reads a
// clock. LOYALPOS_NOW (ISO 8601 local time "2026-11-21T10:30:00" or unix
// seconds) fixes the clock for tests and demos; docs/cli.md says so.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

#include "loyalty/schedule.h"

namespace loyalpos::pos {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_unix() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_unix() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t unix) : unix_(unix) {}
  std::int64_t now_unix() const override { return unix_; }

 private:
  std::int64_t unix_;
};

// "2026-11-21T10:30:00" (local time) or a number of unix seconds.
Result<std::int64_t> parse_time(const std::string& text);
// The terminal's local calendar date, "YYYY-MM-DD".
std::string local_date(std::int64_t unix);
// "2026-11-21 10:30" local time, for receipts.
std::string local_time_text(std::int64_t unix);
bool is_valid_date(const std::string& date);
// The moment in the terminal's local time (the config's time zone, applied
// with use_time_zone at start-up), for promotion schedules.
loyalty::LocalTime local_time(std::int64_t unix);
// Makes local time mean the store's zone for this process ("" keeps the
// system's). Called once at start-up, before any clock is read.
void use_time_zone(const std::string& iana_name);

}  // namespace loyalpos::pos
