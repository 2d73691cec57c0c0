// The weekly reports, retention cohorts (sync/reports/cohorts.h) and
// lifecycle (sync/reports/lifecycle.h), against the fixture journey
// (journey_fixture.h), every number worked out by hand below, on SQLite and
// on PostgreSQL; and `journeyd report cohorts|lifecycle`'s output and
// refusals.
//
// The fixture's purchases with a card (day d of 2026 at 10:00 UTC; day 0 is
// Thursday January 1st), by card, and the till that made them:
//   C08  -100 M1, -90 M1, 15 M1, 60 M1
//   C01   -10 M1,   5 M2, 80 M1
//   C05     4 M1,  70 M2
//   C02     6 M1,  10 M1, 20 M1
//   C03     3 M1
//   C04    32 M1,  40 M1
//   C09    20 H1,  25 H1, 85 H1, 86 M1
//   C11    60 H1
//   C10    62 H1
//   C12    94 H1 (after every range below: never read)
// M1, M2 are Main St's tills, H1 Harbour's. C06 and C07 never bought.
//
// ISO weeks (Monday to Sunday, UTC) in days of 2026: W01 -3..3, W02 4..10,
// W03 11..17, W04 18..24, W05 25..31, W06 32..38, W07 39..45, W08 46..52,
// W09 53..59, W10 60..66, W11 67..73, W12 74..80, W13 81..87, W14 88..94.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/journeyd/commands.h"
#include "sync/reports/cohorts.h"
#include "sync/reports/lifecycle.h"
#include "sync/reports/utc_day.h"
#include "tests/reports/journey_fixture.h"
#include "tests/reports/report_command.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::reports {
namespace {

using loyalpos::testing::Backend;
using testing::kDay;
using testing::kJan1;

// {later week k, cards that bought again in it}; every other later week: 0.
using Returns = std::vector<std::pair<int, std::int64_t>>;

// A cohort: its week, its cards, how many later weeks it shows and which of
// them had cards buying again.
void expect_cohort(const Cohorts& c, const std::string& week, std::int64_t cards,
                   std::size_t later_weeks, const Returns& returns) {
  SCOPED_TRACE(week);
  auto it = std::find_if(c.cohorts.begin(), c.cohorts.end(),
                         [&](const Cohort& x) { return x.week == week; });
  ASSERT_NE(it, c.cohorts.end());
  EXPECT_EQ(it->cards, cards);
  ASSERT_EQ(it->later.size(), later_weeks);
  for (std::size_t k = 1; k <= later_weeks; ++k) {
    std::int64_t expected = 0;
    for (const auto& [week_after, n] : returns) {
      if (static_cast<std::size_t>(week_after) == k) expected = n;
    }
    const CohortWeek& w = it->later[k - 1];
    EXPECT_EQ(w.cards, expected) << "week +" << k;
    if (cards == 0) {
      EXPECT_FALSE(w.share) << "week +" << k;
    } else {
      ASSERT_TRUE(w.share) << "week +" << k;
      EXPECT_DOUBLE_EQ(*w.share, static_cast<double>(expected) / static_cast<double>(cards))
          << "week +" << k;
    }
  }
}

struct Week {
  const char* week;
  std::int64_t fresh, returning, resurrected, dormant;
};

void expect_weeks(const Lifecycle& l, const std::vector<Week>& expected) {
  ASSERT_EQ(l.weeks.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Week& e = expected[i];
    const LifecycleWeek& w = l.weeks[i];
    SCOPED_TRACE(e.week);
    EXPECT_EQ(w.week, e.week);
    EXPECT_EQ(w.fresh, e.fresh);
    EXPECT_EQ(w.returning, e.returning);
    EXPECT_EQ(w.resurrected, e.resurrected);
    EXPECT_EQ(w.dormant, e.dormant);
    EXPECT_EQ(w.active(), e.fresh + e.returning + e.resurrected);
    EXPECT_EQ(w.net(), e.fresh + e.resurrected - e.dormant);
  }
}

TEST(IsoWeeks, MondaysAndNames) {
  EXPECT_EQ(utc_day(iso_week_start(kJan1)), "2025-12-29");  // a Thursday
  EXPECT_EQ(iso_week_name(kJan1), "2026-W01");
  EXPECT_EQ(iso_week_name(kJan1 - 4 * kDay), "2025-W52");  // Sunday 2025-12-28
  EXPECT_EQ(iso_week_name(kJan1 + 4 * kDay), "2026-W02");  // Monday 2026-01-05
  EXPECT_EQ(iso_week_start(kJan1 + 4 * kDay), kJan1 + 4 * kDay);
  EXPECT_EQ(iso_week_start(kJan1 + 4 * kDay - 1), kJan1 - 3 * kDay);
  EXPECT_EQ(iso_week_name(kJan1 + 88 * kDay), "2026-W14");
  EXPECT_EQ(iso_week_name(1609459200), "2020-W53");  // 2021-01-01, a Friday
  EXPECT_EQ(utc_day(iso_week_start(0)), "1969-12-29");
}

class WeeklyReportsTest : public testing::ReportTest {
 protected:
  // `shop` over days [first, last] of 2026, "now" at its end; lapsing after
  // 60 days.
  static ReportRange range(const std::string& shop, int first, int last) {
    ReportRange r;
    r.shop = shop;
    r.from = kJan1 + first * kDay;
    r.until = kJan1 + (last + 1) * kDay;
    r.as_of = r.until;
    return r;
  }

  Cohorts cohorts_of(const ReportRange& r) {
    auto c = cohorts(*store_, r);
    EXPECT_TRUE(c.ok()) << c.error().message();
    return c.ok() ? *c : Cohorts{};
  }
  Lifecycle lifecycle_of(const ReportRange& r) {
    auto l = lifecycle(*store_, r);
    EXPECT_TRUE(l.ok()) << l.error().message();
    return l.ok() ? *l : Lifecycle{};
  }
};

// The chain, January 1st to March 31st (days 0..89), now = April 1st 00:00
// (day 90, a Wednesday): the weeks W01..W14, W14 not over.
// First purchases: C08 and C01 last year (no cohort here); C03 day 3 (W01);
// C05 day 4 and C02 day 6 (W02); C09 day 20 (W04); C04 day 32 (W06); C11
// day 60 and C10 day 62 (W10). Later purchases, as weeks after the cohort:
//   W01 C03: none.                         13 later weeks (W02..W14)
//   W02 C02: day 10 same week, day 20 W04 = +2; C05: day 70 W11 = +9.
//       +2: 1 of 2, +9: 1 of 2.            12 later weeks
//   W04 C09: day 25 W05 = +1; days 85, 86 both W13 = +9 (counted once).
//       +1: 1 of 1, +9: 1 of 1.            10 later weeks
//   W06 C04: day 40 W07 = +1: 1 of 1.      8 later weeks
//   W10 C11, C10: never again.             4 later weeks
//   W03, W05, W07..W09, W11..W14: no card (shares absent).
// The store reads only the sale.completed events with a card before April
// 1st: C08 4, C01 3, C05 2, C02 3, C03 1, C04 2, C09 4, C11 1, C10 1 = 21
// (C12's is after).
TEST_P(WeeklyReportsTest, CohortsOfTheChain) {
  const Cohorts c = cohorts_of(range("", 0, 89));
  ASSERT_EQ(c.cohorts.size(), 14u);
  EXPECT_EQ(c.cohorts.front().week, "2026-W01");
  EXPECT_EQ(c.cohorts.front().monday, kJan1 - 3 * kDay);
  EXPECT_EQ(c.cohorts.back().week, "2026-W14");
  EXPECT_TRUE(c.last_week_partial);
  EXPECT_EQ(c.facts_read, 21);
  expect_cohort(c, "2026-W01", 1, 13, {});
  expect_cohort(c, "2026-W02", 2, 12, {{2, 1}, {9, 1}});
  expect_cohort(c, "2026-W03", 0, 11, {});
  expect_cohort(c, "2026-W04", 1, 10, {{1, 1}, {9, 1}});
  expect_cohort(c, "2026-W06", 1, 8, {{1, 1}});
  expect_cohort(c, "2026-W10", 2, 4, {});
  expect_cohort(c, "2026-W14", 0, 0, {});
  std::int64_t cards = 0;
  for (const auto& cohort : c.cohorts) cards += cohort.cards;
  EXPECT_EQ(cards, 7);  // C03 C05 C02 C09 C04 C11 C10
}

// Main St alone (M1, M2): its first purchases are C03 (W01), C05 and C02
// (W02), C04 (W06) and C09, whose first purchase there was day 86 (W13);
// C09's Harbour purchases, C10 and C11 are not Main St's. C05's day 70 was
// at M2: still W02's +9.
TEST_P(WeeklyReportsTest, CohortsOfOneShop) {
  const Cohorts c = cohorts_of(range("Main St", 0, 89));
  ASSERT_EQ(c.cohorts.size(), 14u);
  expect_cohort(c, "2026-W02", 2, 12, {{2, 1}, {9, 1}});
  expect_cohort(c, "2026-W04", 0, 10, {});
  expect_cohort(c, "2026-W10", 0, 4, {});
  expect_cohort(c, "2026-W13", 1, 1, {});
  // Main St's card sales before April 1st: C08 4, C01 3, C05 2, C02 3, C03
  // 1, C04 2, C09 1.
  EXPECT_EQ(c.facts_read, 16);

  const Cohorts airport = cohorts_of(range("Airport", 0, 89));  // enrolled, never synced
  EXPECT_TRUE(airport.cohorts.size() == 14u);
  for (const auto& cohort : airport.cohorts) EXPECT_EQ(cohort.cards, 0) << cohort.week;
}

// February (days 31..58), now = March 1st 00:00 (day 59, a Sunday): whole
// weeks W05 (from Monday January 26th) to W09, W09 not over. Only C04's
// first purchase (day 32, W06) falls in them; it bought again on day 40
// (W07, +1); W08 and W09 nothing; its cohort shows 3 later weeks. C09's day
// 25 is in W05 but its first purchase was day 20 (W04): no cohort here.
TEST_P(WeeklyReportsTest, CohortsOfFebruary) {
  const Cohorts c = cohorts_of(range("", 31, 58));
  ASSERT_EQ(c.cohorts.size(), 5u);
  EXPECT_EQ(c.cohorts.front().week, "2026-W05");
  EXPECT_TRUE(c.last_week_partial);
  expect_cohort(c, "2026-W05", 0, 4, {});
  expect_cohort(c, "2026-W06", 1, 3, {{1, 1}});
  expect_cohort(c, "2026-W09", 0, 0, {});
}

// The chain, January 1st to March 31st, lapsing after 60 days. Each card's
// purchases in the weeks, as new (its first), returning (bought again
// within 60 days) or resurrected (more than 60 days after its last):
//   W01 C03 new
//   W02 C05 new, C02 new (day 6, again day 10), C01 returning (day 5, 15
//       days after day -10)
//   W03 C08 resurrected (day 15, 105 days after day -90)
//   W04 C02 returning, C09 new
//   W05 C09 returning
//   W06 C04 new
//   W07 C04 returning
//   W10 C08 returning (45 days), C11 new, C10 new
//   W11 C05 resurrected (day 70, 66 days after day 4)
//   W12 C01 resurrected (day 80, 75 days after day 5)
//   W13 C09 returning: day 85 is exactly 60 days after day 25, which is not
//       more than 60 (the tills did not count it lapsed either)
// Gone dormant: 60 days after a purchase with none in between (and before
// now): C08 on day -30 (before the weeks); C01 day 65 (W10), C05 day 64
// (W10), C03 day 63 (W10), C02 day 80 (W12). C04's would be day 92, after
// now; C09's day 85 at 10:00 is the very moment it bought again: not lapsed.
TEST_P(WeeklyReportsTest, LifecycleOfTheChain) {
  const Lifecycle l = lifecycle_of(range("", 0, 89));
  EXPECT_TRUE(l.last_week_partial);
  EXPECT_EQ(l.weeks.front().monday, kJan1 - 3 * kDay);
  expect_weeks(l, {{"2026-W01", 1, 0, 0, 0},
                   {"2026-W02", 2, 1, 0, 0},
                   {"2026-W03", 0, 0, 1, 0},
                   {"2026-W04", 1, 1, 0, 0},
                   {"2026-W05", 0, 1, 0, 0},
                   {"2026-W06", 1, 0, 0, 0},
                   {"2026-W07", 0, 1, 0, 0},
                   {"2026-W08", 0, 0, 0, 0},
                   {"2026-W09", 0, 0, 0, 0},
                   {"2026-W10", 2, 1, 0, 3},
                   {"2026-W11", 0, 0, 1, 0},
                   {"2026-W12", 0, 0, 1, 1},
                   {"2026-W13", 0, 1, 0, 0},
                   {"2026-W14", 0, 0, 0, 0}});
}

// Main St alone: no C09 at Harbour (W04 new, W05 and W13 returning), no C11
// nor C10 (W10 new); C09's first Main St purchase is day 86 (W13 new). Its
// lapse would run out on day 146: not dormant.
TEST_P(WeeklyReportsTest, LifecycleOfOneShop) {
  const Lifecycle l = lifecycle_of(range("Main St", 0, 89));
  expect_weeks(l, {{"2026-W01", 1, 0, 0, 0},
                   {"2026-W02", 2, 1, 0, 0},
                   {"2026-W03", 0, 0, 1, 0},
                   {"2026-W04", 0, 1, 0, 0},
                   {"2026-W05", 0, 0, 0, 0},
                   {"2026-W06", 1, 0, 0, 0},
                   {"2026-W07", 0, 1, 0, 0},
                   {"2026-W08", 0, 0, 0, 0},
                   {"2026-W09", 0, 0, 0, 0},
                   {"2026-W10", 0, 1, 0, 3},
                   {"2026-W11", 0, 0, 1, 0},
                   {"2026-W12", 0, 0, 1, 1},
                   {"2026-W13", 1, 0, 0, 0},
                   {"2026-W14", 0, 0, 0, 0}});
}

// February, now = March 1st: the weeks W05..W09. W05: C09 returning (day
// 25, before February 1st but in a week of the range: weeks are whole); W06
// C04 new; W07 C04 returning. Nobody's 60 days run out before March 1st
// (the first, C03's, on day 63).
// With 30 days instead (purchases from March 1st on are not read: C08's day
// 60, C01's day 80, C05's day 70, C09's days 85 and 86 are in the future):
// C03's lapse runs out on day 33 (W06), C05's on day 34 (W06), C01's on
// day 35 (W06), C08's on day 45 (W07), C02's on day 50 (W08), C09's on day
// 55 (W09); C04's (day 70) is after now.
TEST_P(WeeklyReportsTest, LifecycleOfFebruary) {
  ReportRange r = range("", 31, 58);
  const Lifecycle l = lifecycle_of(r);
  expect_weeks(l, {{"2026-W05", 0, 1, 0, 0},
                   {"2026-W06", 1, 0, 0, 0},
                   {"2026-W07", 0, 1, 0, 0},
                   {"2026-W08", 0, 0, 0, 0},
                   {"2026-W09", 0, 0, 0, 0}});
  r.lapsed_after_days = 30;
  expect_weeks(lifecycle_of(r), {{"2026-W05", 0, 1, 0, 0},
                                 {"2026-W06", 1, 0, 0, 3},
                                 {"2026-W07", 0, 1, 0, 1},
                                 {"2026-W08", 0, 0, 0, 1},
                                 {"2026-W09", 0, 0, 0, 1}});
}

INSTANTIATE_TEST_SUITE_P(Stores, WeeklyReportsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return loyalpos::testing::backend_name(param_info.param);
                         });

// The commands over a data folder whose journeyd.toml names a SQLite store
// holding the fixture; "now" is day 200.
// Two commands (cohorts and lifecycle): each test names the one it runs.
class WeeklyCommandTest : public testing::ReportCommandTest {
 protected:
  WeeklyCommandTest() : ReportCommandTest(journeyd::report_cohorts) {}

  // The library's numbers for the chain over January to March.
  std::unique_ptr<sync::Store> open() {
    auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
    EXPECT_TRUE(store.ok());
    return store.ok() ? std::move(*store) : nullptr;
  }
};

journeyd::RangeReportOptions first_quarter() {
  journeyd::RangeReportOptions o;
  o.from = "2026-01-01";
  o.to = "2026-03-31";
  return o;
}

ReportRange first_quarter_range() {
  ReportRange r;
  r.from = kJan1;
  r.until = kJan1 + 90 * kDay;
  r.as_of = r.until;
  return r;
}

TEST_F(WeeklyCommandTest, CohortsJsonMatchesTheLibrary) {
  auto o = first_quarter();
  o.json = true;
  ASSERT_EQ(run(journeyd::report_cohorts, o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["report"], "cohorts");
  EXPECT_TRUE(j["shop"].is_null());
  EXPECT_EQ(j["from"], "2026-01-01");
  EXPECT_EQ(j["to"], "2026-03-31");
  EXPECT_EQ(j["as_of"], kJan1 + 90 * kDay);
  EXPECT_EQ(j["last_week_partial"], true);

  auto store = open();
  ASSERT_TRUE(store);
  auto lib = cohorts(*store, first_quarter_range());
  ASSERT_TRUE(lib.ok());
  ASSERT_EQ(j["cohorts"].size(), lib->cohorts.size());
  for (std::size_t i = 0; i < lib->cohorts.size(); ++i) {
    const auto& jc = j["cohorts"][i];
    const Cohort& c = lib->cohorts[i];
    EXPECT_EQ(jc["week"], c.week);
    EXPECT_EQ(jc["monday"], utc_day(c.monday));
    EXPECT_EQ(jc["cards"], c.cards);
    ASSERT_EQ(jc["later"].size(), c.later.size());
    for (std::size_t k = 0; k < c.later.size(); ++k) {
      EXPECT_EQ(jc["later"][k]["week_after"], k + 1);
      EXPECT_EQ(jc["later"][k]["cards"], c.later[k].cards);
      if (c.later[k].share) {
        EXPECT_DOUBLE_EQ(jc["later"][k]["share"].get<double>(), *c.later[k].share);
      } else {
        EXPECT_TRUE(jc["later"][k]["share"].is_null());
      }
    }
  }
  EXPECT_EQ(j["cohorts"][1]["week"], "2026-W02");
  EXPECT_EQ(j["cohorts"][1]["later"][1]["share"], 0.5);
}

TEST_F(WeeklyCommandTest, LifecycleJsonMatchesTheLibrary) {
  auto o = first_quarter();
  o.json = true;
  o.shop = "Main St";
  ASSERT_EQ(run(journeyd::report_lifecycle, o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["report"], "lifecycle");
  EXPECT_EQ(j["shop"], "Main St");
  EXPECT_EQ(j["lapsed_after_days"], 60);
  auto store = open();
  ASSERT_TRUE(store);
  ReportRange r = first_quarter_range();
  r.shop = "Main St";
  auto lib = lifecycle(*store, r);
  ASSERT_TRUE(lib.ok());
  ASSERT_EQ(j["weeks"].size(), lib->weeks.size());
  for (std::size_t i = 0; i < lib->weeks.size(); ++i) {
    const auto& jw = j["weeks"][i];
    const LifecycleWeek& w = lib->weeks[i];
    EXPECT_EQ(jw["week"], w.week);
    EXPECT_EQ(jw["new"], w.fresh);
    EXPECT_EQ(jw["returning"], w.returning);
    EXPECT_EQ(jw["resurrected"], w.resurrected);
    EXPECT_EQ(jw["dormant"], w.dormant);
    EXPECT_EQ(jw["active"], w.active());
    EXPECT_EQ(jw["net"], w.net());
  }
  EXPECT_EQ(j["weeks"][9]["week"], "2026-W10");
  EXPECT_EQ(j["weeks"][9]["dormant"], 3);
  EXPECT_EQ(j["weeks"][9]["net"], -3);
}

TEST_F(WeeklyCommandTest, CsvHasAHeaderAndTheSameNumbers) {
  auto o = first_quarter();
  o.csv = true;
  ASSERT_EQ(run(journeyd::report_cohorts, o), 0) << err_.str();
  EXPECT_EQ(out_.str().rfind("week,monday,cards,week_after,returned,share\n", 0), 0u) << out_.str();
  EXPECT_NE(out_.str().find("\n2026-W02,2026-01-05,2,2,1,0.5000\n"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("\n2026-W03,2026-01-12,0,1,0,\n"), std::string::npos);
  EXPECT_NE(out_.str().find("\n2026-W14,2026-03-30,0,,,\n"), std::string::npos);

  ASSERT_EQ(run(journeyd::report_lifecycle, o), 0) << err_.str();
  EXPECT_EQ(out_.str().rfind("week,monday,new,returning,resurrected,dormant,active,net\n", 0), 0u)
      << out_.str();
  EXPECT_NE(out_.str().find("\n2026-W10,2026-03-02,2,1,0,3,3,-1\n"), std::string::npos)
      << out_.str();
}

TEST_F(WeeklyCommandTest, TextForAnOwner) {
  auto o = first_quarter();
  ASSERT_EQ(run(journeyd::report_cohorts, o), 0) << err_.str();
  EXPECT_NE(out_.str().find("Retention cohorts of the whole chain, 2026-01-01 to 2026-03-31"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("2026-W02   2026-01-05     2    0%   50%"), std::string::npos)
      << out_.str();
  o.shop = "Harbour";
  ASSERT_EQ(run(journeyd::report_lifecycle, o), 0) << err_.str();
  EXPECT_NE(out_.str().find("Lifecycle of Harbour, 2026-01-01 to 2026-03-31"), std::string::npos)
      << out_.str();
  // Harbour in W10: C11 and C10 new.
  EXPECT_NE(
      out_.str().find("2026-W10   2026-03-02     2         0           0       0      2    +2"),
      std::string::npos)
      << out_.str();
}

TEST_F(WeeklyCommandTest, RefusesBadInputWithExit2) {
  for (const Command command :
       {Command(journeyd::report_cohorts), Command(journeyd::report_lifecycle)}) {
    journeyd::RangeReportOptions o;
    o.shop = "Nowhere";
    expect_refused(command, o,
                   "no shop named \"Nowhere\" has enrolled a terminal (shops: \"Airport\", "
                   "\"Harbour\", \"Main St\")");
    o = {};
    o.from = "2026-02-30";
    expect_refused(command, o, "--from \"2026-02-30\" is not a date: write it as YYYY-MM-DD");
    o = {};
    o.to = "31/03/2026";
    expect_refused(command, o, "--to \"31/03/2026\" is not a date");
    o = {};
    o.from = "2026-03-02";
    o.to = "2026-03-01";
    expect_refused(command, o, "--from 2026-03-02 is after --to 2026-03-01");
    o = {};
    o.json = o.csv = true;
    expect_refused(command, o, "choose one of --json and --csv");
  }
}

}  // namespace
}  // namespace loyalpos::reports
