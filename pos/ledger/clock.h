// Time enters the terminal here and is passed down; loyalty never reads a
// clock. A Clock is the terminal's environment for time: the moment now and
// the store's time zone (base/time_zone.h), per instance — nothing reads or
// sets the process's TZ, so two terminals in one process keep their own zones.
// Tests fix both (FixedClock); the CLI's test build reads LOYALPOS_NOW.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

#include "base/time_zone.h"
#include "loyalty/schedule.h"

namespace loyalpos::pos {

class Clock {
 public:
  explicit Clock(TimeZone zone) : zone_(std::move(zone)) {}
  virtual ~Clock() = default;
  virtual std::int64_t now_unix() const = 0;

  const TimeZone& zone() const { return zone_; }
  // The store's local calendar date, "YYYY-MM-DD".
  std::string local_date(std::int64_t unix) const;
  // "2026-11-21 10:30" local time, for receipts.
  std::string local_time_text(std::int64_t unix) const;
  // The moment in the store's local time, for promotion schedules.
  loyalty::LocalTime local_time(std::int64_t unix) const;
  // "2026-11-21T10:30:00" (local time in this zone) or a number of unix seconds.
  Result<std::int64_t> parse_time(const std::string& text) const;

 private:
  TimeZone zone_;
};

class SystemClock final : public Clock {
 public:
  explicit SystemClock(TimeZone zone = TimeZone::system()) : Clock(std::move(zone)) {}
  std::int64_t now_unix() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t unix, TimeZone zone = TimeZone::system())
      : Clock(std::move(zone)), unix_(unix) {}
  std::int64_t now_unix() const override { return unix_; }

 private:
  std::int64_t unix_;
};

// The same for any zone.
std::string local_date(const TimeZone& zone, std::int64_t unix);
std::string local_time_text(const TimeZone& zone, std::int64_t unix);

// The config's zone ("" keeps the system's).
Result<TimeZone> store_time_zone(const std::string& iana_name);
bool is_valid_date(const std::string& date);

}  // namespace loyalpos::pos
