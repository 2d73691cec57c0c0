// A time zone as a value: local calendar time for a moment, and the moment
// for a local calendar time, in one IANA zone. Thread-safe and per instance
// (Howard Hinnant's date/tz over the system's /usr/share/zoneinfo): nothing
// here reads or sets the process's TZ, so two terminals in one process (a
// test, a server) can each keep their own zone.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace loyalpos {

struct LocalFields {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

class TimeZone {
 public:
  // "Europe/Moscow". Errors: a name the system's zone database lacks.
  static Result<TimeZone> named(const std::string& iana_name);
  // The machine's zone: $TZ when it names a zone, else /etc/localtime, else UTC.
  static TimeZone system();
  static TimeZone utc();

  const std::string& name() const { return name_; }
  LocalFields local(std::int64_t unix) const;
  // The moment a local calendar time names. A time the clocks skipped
  // (spring forward) is read as if they had not; a time that happened twice
  // (fall back) is the first of the two.
  std::int64_t unix_of(const LocalFields& local) const;

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;  // owned by the date library's database; never null
  std::string name_;
};

// "2026-11-21" from local fields.
std::string format_local_date(const LocalFields& local);

}  // namespace loyalpos
