// The `loyalpos` the end-to-end tests run: the product's command line, with
// a clock that LOYALPOS_NOW can fix ("2026-11-21T10:30:00" local time, or
// unix seconds) so a test can ring a Saturday sale on a Monday. Built for the
// tests only and never installed: the shipped binary reads the system clock.
#include <cstdlib>
#include <memory>

#include "pos/app/cli.h"

int main(int argc, char** argv) {
  using loyalpos::Result;
  using loyalpos::TimeZone;
  using loyalpos::pos::Clock;
  return loyalpos::pos::run_cli(
      argc, argv, [](const TimeZone& zone) -> Result<std::unique_ptr<Clock>> {
        const char* now = std::getenv("LOYALPOS_NOW");
        if (now == nullptr || *now == '\0') return loyalpos::pos::system_clock_source(zone);
        auto t = loyalpos::pos::FixedClock(0, zone).parse_time(now);
        if (!t.ok()) return t.error().with_context("LOYALPOS_NOW: ");
        return std::unique_ptr<Clock>(std::make_unique<loyalpos::pos::FixedClock>(*t, zone));
      });
}
