// Time zones per clock, never per process: two terminals in one process in
// different zones each see their own local time, and nothing sets TZ.
#include "pos/ledger/clock.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <thread>

#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos {
namespace {

TimeZone zone(const char* name) {
  auto z = TimeZone::named(name);
  EXPECT_TRUE(z.ok()) << z.error().message();
  return *z;
}

// 2026-11-21 22:30 UTC: already the 22nd in Moscow (UTC+3), still the 21st in Berlin (UTC+1).
constexpr std::int64_t kLateSaturdayUtc = 1795300200;

TEST(Clock, EachClockReadsItsOwnZone) {
  const FixedClock moscow(kLateSaturdayUtc, zone("Europe/Moscow"));
  const FixedClock berlin(kLateSaturdayUtc, zone("Europe/Berlin"));
  EXPECT_EQ(moscow.local_time_text(kLateSaturdayUtc), "2026-11-22 01:30");
  EXPECT_EQ(berlin.local_time_text(kLateSaturdayUtc), "2026-11-21 23:30");
  EXPECT_EQ(moscow.local_time(kLateSaturdayUtc).weekday, 7);  // Sunday
  EXPECT_EQ(berlin.local_time(kLateSaturdayUtc).weekday, 6);  // Saturday
  EXPECT_EQ(getenv("TZ"), nullptr) << "reading a zone must not set TZ";
}

TEST(Clock, LocalTimesAcrossDaylightSavingSwitches) {
  const FixedClock berlin(0, zone("Europe/Berlin"));
  // 29 March 2026: 02:00 CET jumps to 03:00 CEST.
  auto before = berlin.parse_time("2026-03-29T01:59:59");
  auto after = berlin.parse_time("2026-03-29T03:00:00");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*after - *before, 1);
  // A time the clocks skipped reads as if they had not: 02:30 CET is 03:30 CEST.
  auto skipped = berlin.parse_time("2026-03-29T02:30:00");
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(berlin.local_time_text(*skipped), "2026-03-29 03:30");
  // 25 October 2026: 02:30 happens twice; the first (CEST) is taken.
  auto twice = berlin.parse_time("2026-10-25T02:30:00");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(berlin.local_time_text(*twice), "2026-10-25 02:30");
  EXPECT_EQ(berlin.local_time_text(*twice + 3600), "2026-10-25 02:30");
}

TEST(Clock, ZonesReadFromSeveralThreadsAtOnce) {
  const FixedClock moscow(0, zone("Europe/Moscow"));
  const FixedClock berlin(0, zone("Europe/Berlin"));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const Clock& clock = t % 2 == 0 ? static_cast<const Clock&>(moscow) : berlin;
      const std::string expected = t % 2 == 0 ? "2026-11-22" : "2026-11-21";
      for (int i = 0; i < 2000; ++i) {
        if (clock.local_date(kLateSaturdayUtc) != expected) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Clock, AnUnknownZoneIsAClearError) {
  auto z = TimeZone::named("Mars/Olympus_Mons");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().message(),
            "unknown time zone \"Mars/Olympus_Mons\" (use a name like Europe/Moscow)");
}

// Two terminals in one process, one in Moscow and one in Berlin, ring a sale
// at the same moment: each records its own local date.
TEST(Clock, TwoTerminalsInOneProcessRecordTheirOwnLocalDates) {
  testing::TempDir dir;
  const auto config = testing::default_config();
  auto products = parse_catalog_csv(default_catalog_csv(), kDefaultCurrency);
  ASSERT_TRUE(products.ok());
  std::vector<std::string> dates;
  for (const char* name : {"Europe/Moscow", "Europe/Berlin"}) {
    const FixedClock clock(kLateSaturdayUtc, zone(name));
    auto ledger = Ledger::create(dir.path() + "/" + std::string(name).substr(7) + ".db",
                                 InitRequest{"Café", "counter", "RUB", *random_terminal_id(), 0},
                                 config.busy_timeout_ms);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message();
    ASSERT_TRUE(ledger->import_products(*products).ok());
    SaleService sales(*ledger, config.rules, clock);
    SaleRequest request;
    request.items = {{"COFFEE", 1}};
    auto sale = sales.sell(request);
    ASSERT_TRUE(sale.ok()) << sale.error().message();
    auto stmt = ledger->db().prepare("SELECT local_date FROM sales");
    ASSERT_TRUE(stmt.ok() && *stmt->step());
    dates.push_back(stmt->column_text(0));
  }
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-11-22", "2026-11-21"}));
}

}  // namespace
}  // namespace loyalpos::pos
