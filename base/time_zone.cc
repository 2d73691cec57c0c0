#include "base/time_zone.h"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace loyalpos {

namespace {

const date::time_zone* locate(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

Result<TimeZone> TimeZone::named(const std::string& iana_name) {
  const date::time_zone* zone = iana_name.empty() ? nullptr : locate(iana_name);
  if (zone == nullptr) {
    return Error::invalid("unknown time zone \"" + iana_name +
                          "\" (use a name like Europe/Moscow)");
  }
  return TimeZone(zone, iana_name);
}

TimeZone TimeZone::system() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    const std::string name = *tz == ':' ? tz + 1 : tz;
    if (const date::time_zone* zone = locate(name)) return TimeZone(zone, name);
  }
  try {
    const date::time_zone* zone = date::current_zone();
    return TimeZone(zone, std::string(zone->name()));
  } catch (const std::exception&) {
    return utc();
  }
}

TimeZone TimeZone::utc() {
  static const date::time_zone* const zone = locate("Etc/UTC");
  if (zone != nullptr) return TimeZone(zone, "Etc/UTC");
  // A system without zone files: a fixed UTC is all there is.
  return TimeZone(date::locate_zone("UTC"), "UTC");
}

LocalFields TimeZone::local(std::int64_t unix) const {
  const date::sys_seconds moment{std::chrono::seconds(unix)};
  const auto local = zone_->to_local(moment);
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - day};
  return LocalFields{int(ymd.year()),
                     static_cast<int>(unsigned(ymd.month())),
                     static_cast<int>(unsigned(ymd.day())),
                     static_cast<int>(time.hours().count()),
                     static_cast<int>(time.minutes().count()),
                     static_cast<int>(time.seconds().count())};
}

std::int64_t TimeZone::unix_of(const LocalFields& f) const {
  const date::local_days day{date::year{f.year} / f.month / f.day};
  const date::local_seconds local = day + std::chrono::hours(f.hour) +
                                    std::chrono::minutes(f.minute) + std::chrono::seconds(f.second);
  const auto info = zone_->get_info(local);
  std::chrono::seconds offset = info.first.offset;  // unique, or the first of two
  if (info.result == date::local_info::nonexistent) offset = info.first.offset;
  return (local.time_since_epoch() - offset).count();
}

std::string format_local_date(const LocalFields& local) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", local.year, local.month, local.day);
  return buffer;
}

}  // namespace loyalpos
