// The promotions report (sync/reports/promotions.h) against a small fixture
// of its own, every number worked out by hand below, on SQLite and on
// PostgreSQL; and `journeyd report promotions`'s output, time zones and
// refusals.
//
// Two promotions, their hours in Moscow's time (UTC+3 all year):
//   weekend-2for1  2 for the price of 1 on pastry, Saturdays and Sundays
//                  from March 7th to March 15th 2026 (the weekends of March
//                  7-8 and 14-15)
//   happy-hour     20% off coffee, every day 15:00-17:00
// The range is March 2026 (days 59..89 of 2026; March 1st is a Sunday), now
// April 1st. Sales, in Moscow time (croissant: pastry, 100.00 written as
// 100; coffee 150), at Main St's till M1 unless said:
//   s1  Sat Mar  7 12:00  2 croissants, 100 off (2 for 1)     weekend-2for1
//   s2  Sun Mar 15 10:00  4 croissants, 200 off; a coffee     weekend-2for1
//   s3  Mon Mar  9 01:00  a croissant (Sunday 22:00 in UTC)
//   s4  Sat Feb 28 12:00  a croissant
//   s5  Sun Feb 22 10:00  3 croissants
//   s6  Sat Feb  7 12:00  2 croissants
//   s7  Sat Feb 14 12:00  a coffee
//   s8  Tue Mar 10 15:30  2 coffees, 60 off, card P1           happy-hour
//   s9  Tue Mar 10 17:30  a coffee
//   h1  Sat Mar  7 11:00  Harbour's H1: 5 croissants, 200 off  weekend-2for1
#include "sync/reports/promotions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/time_zone.h"
#include "loyalty/schedule.h"
#include "sync/journeyd/commands.h"
#include "tests/reports/journey_fixture.h"
#include "tests/reports/report_command.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::reports {
namespace {

using loyalpos::testing::Backend;
using testing::FixtureTill;
using testing::kDay;
using testing::kJan1;

// Day d of 2026 at hour:minute in Moscow (UTC+3).
std::int64_t moscow(int d, int hour, int minute) {
  return kJan1 + d * kDay + (hour - 3) * 3600 + minute * 60;
}

void write_promotion_fixture(sync::Store& store) {
  ASSERT_TRUE(store.add_terminal("Main St", "till-1", "M1", "x").ok());
  ASSERT_TRUE(store.add_terminal("Harbour", "till-1", "H1", "x").ok());
  FixtureTill m1(store, "M1"), h1(store, "H1");
  const auto croissants = [](std::int64_t qty, std::int64_t discount) {
    return FixtureTill::BasketLine{"CRO", "pastry", qty, 100, discount};
  };
  const auto coffees = [](std::int64_t qty, std::int64_t discount) {
    return FixtureTill::BasketLine{"COF", "coffee", qty, 150, discount};
  };
  m1.basket_sale(moscow(37, 12, 0), {croissants(2, 0)});                                      // s6
  m1.basket_sale(moscow(44, 12, 0), {coffees(1, 0)});                                         // s7
  m1.basket_sale(moscow(52, 10, 0), {croissants(3, 0)});                                      // s5
  m1.basket_sale(moscow(58, 12, 0), {croissants(1, 0)});                                      // s4
  m1.basket_sale(moscow(65, 12, 0), {croissants(2, 100)}, {"weekend-2for1"});                 // s1
  m1.basket_sale(moscow(67, 1, 0), {croissants(1, 0)});                                       // s3
  m1.basket_sale(moscow(68, 15, 30), {coffees(2, 60)}, {"happy-hour"}, "P1");                 // s8
  m1.basket_sale(moscow(68, 17, 30), {coffees(1, 0)});                                        // s9
  m1.basket_sale(moscow(73, 10, 0), {croissants(4, 200), coffees(1, 0)}, {"weekend-2for1"});  // s2
  h1.basket_sale(moscow(65, 11, 0), {croissants(5, 200)}, {"weekend-2for1"});                 // h1
  m1.flush();
  h1.flush();
}

std::vector<PromotionRule> moscow_rules() {
  const TimeZone zone = *TimeZone::named("Europe/Moscow");
  loyalty::Schedule weekend;
  weekend.from_day = *loyalty::parse_date("2026-03-07");
  weekend.to_day = *loyalty::parse_date("2026-03-15");
  weekend.weekdays = 0x60;  // Saturday, Sunday
  loyalty::Schedule happy;
  happy.start_minute = 15 * 60;
  happy.end_minute = 17 * 60;
  const auto window = [zone](loyalty::Schedule s) {
    return [zone, s](std::int64_t at) {
      const LocalFields f = zone.local(at);
      return s.active(loyalty::make_local_time(f.year, f.month, f.day, f.hour, f.minute));
    };
  };
  const auto category = [](std::string c) {
    return [c](const std::string&, const std::string& sold) { return sold == c; };
  };
  return {{"weekend-2for1", "Weekend: 2 for 1", "2 for the price of 1 on pastry", window(weekend),
           category("pastry")},
          {"happy-hour", "Happy hour", "20% off on coffee", window(happy), category("coffee")}};
}

struct Expected {
  const char* id;
  std::int64_t applied, units, revenue;
  double base_units, base_revenue;
  double units_ratio, revenue_ratio;  // < 0: absent
};

void expect_promotion(const Promotions& p, const Expected& e) {
  SCOPED_TRACE(e.id);
  auto row = std::find_if(p.promotions.begin(), p.promotions.end(),
                          [&](const PromotionRow& r) { return r.id == e.id; });
  ASSERT_NE(row, p.promotions.end());
  EXPECT_EQ(row->sales_applied, e.applied);
  EXPECT_EQ(row->units, e.units);
  EXPECT_EQ(row->revenue, e.revenue);
  EXPECT_DOUBLE_EQ(row->base_units, e.base_units);
  EXPECT_DOUBLE_EQ(row->base_revenue, e.base_revenue);
  EXPECT_DOUBLE_EQ(row->units_difference(), static_cast<double>(e.units) - e.base_units);
  EXPECT_DOUBLE_EQ(row->revenue_difference(), static_cast<double>(e.revenue) - e.base_revenue);
  if (e.units_ratio < 0) {
    EXPECT_FALSE(row->units_ratio);
    EXPECT_FALSE(row->revenue_ratio);
  } else {
    ASSERT_TRUE(row->units_ratio);
    ASSERT_TRUE(row->revenue_ratio);
    EXPECT_DOUBLE_EQ(*row->units_ratio, e.units_ratio);
    EXPECT_DOUBLE_EQ(*row->revenue_ratio, e.revenue_ratio);
  }
}

class PromotionsTest : public testing::ReportTest {
 protected:
  void write(sync::Store& store) override { write_promotion_fixture(store); }

  Promotions march(const std::string& shop) {
    PromotionsOptions o;
    o.range.shop = shop;
    o.range.from = kJan1 + 59 * kDay;
    o.range.until = o.range.as_of = kJan1 + 90 * kDay;
    o.promotions = moscow_rules();
    o.time_zone = "Europe/Moscow";
    auto p = promotions(*store_, o);
    EXPECT_TRUE(p.ok()) << p.error().message();
    return p.ok() ? *p : Promotions{};
  }
};

// The chain in March, hours in Moscow.
// weekend-2for1: its windows are the Moscow days March 7, 8, 14, 15.
//   Inside: s1 (2 croissants, 200 - 100 = 100), s2 (4 croissants, 400 - 200
//   = 200; its coffee is not pastry), h1 (5, 500 - 200 = 300): 11 units,
//   600. s3 is Monday in Moscow (Sunday only in UTC): outside.
//   Before (outside the windows, a quarter for each of the 4 weeks after
//   that lands in a window): s4 (Feb 28) + 1 week = Mar 7, + 2 = Mar 14: 2
//   quarters of 1 croissant (100); s5 (Feb 22) + 2 = Mar 8, + 3 = Mar 15: 2
//   quarters of 3 (300); s6 (Feb 7) + 4 = Mar 7: 1 quarter of 2 (200); s7
//   sold no pastry. Base: (2 + 6 + 2) / 4 = 2.5 units, (200 + 600 + 200) /
//   4 = 250. Uplift: 11 / 2.5 = 4.4, 600 / 250 = 2.4; +8.5 units, +350.
//   Applied in s1, s2, h1: 3 sales.
// happy-hour: inside: s8 (2 coffees, 300 - 60 = 240); s9 at 17:30 is after
//   the hour, s2's coffee at 10:00 before it. It runs every day at those
//   hours, so the same hours in the weeks before were windows too: no base,
//   no ratio; +2 units, +240. Applied in s8.
TEST_P(PromotionsTest, TheChainInMarch) {
  const Promotions p = march("");
  ASSERT_EQ(p.promotions.size(), 2u);
  EXPECT_EQ(p.promotions[0].id, "weekend-2for1");  // the rules' order
  expect_promotion(p, {"weekend-2for1", 3, 11, 600, 2.5, 250, 4.4, 2.4});
  expect_promotion(p, {"happy-hour", 1, 2, 240, 0, 0, -1, -1});
  EXPECT_EQ(p.promotions[0].description, "2 for the price of 1 on pastry");
  // Sales from February 1st (four weeks before March 1st): all ten.
  EXPECT_EQ(p.sales_read, 10);
}

// Main St alone: no h1. weekend-2for1: 6 units, 300; the same base (all of
// s4..s6 were Main St's): 6 / 2.5 = 2.4, 300 / 250 = 1.2.
TEST_P(PromotionsTest, OneShop) {
  const Promotions p = march("Main St");
  expect_promotion(p, {"weekend-2for1", 2, 6, 300, 2.5, 250, 2.4, 1.2});
  expect_promotion(p, {"happy-hour", 1, 2, 240, 0, 0, -1, -1});
  EXPECT_EQ(p.sales_read, 9);
}

INSTANTIATE_TEST_SUITE_P(Stores, PromotionsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return loyalpos::testing::backend_name(param_info.param);
                         });

// The command over a data folder whose store holds the fixture and the
// published rules with the two promotions; "now" is day 200.
class PromotionsCommandTest : public testing::ReportCommandTest {
 protected:
  PromotionsCommandTest() : ReportCommandTest(journeyd::report_promotions) {}

  void write(sync::Store& store) override {
    write_promotion_fixture(store);
    ASSERT_TRUE(store
                    .publish("rules",
                             "[[promotion]]\nid = \"weekend-2for1\"\nname = \"Weekend: 2 for 1\"\n"
                             "kind = \"n_for_m\"\ncategories = [\"pastry\"]\nn = 2\nm = 1\n"
                             "days = [\"sat\", \"sun\"]\nfrom = \"2026-03-07\"\n"
                             "to = \"2026-03-15\"\n\n"
                             "[[promotion]]\nid = \"happy-hour\"\nname = \"Happy hour\"\n"
                             "kind = \"percent_off\"\ncategories = [\"coffee\"]\npercent = 20\n"
                             "hours = \"15:00-17:00\"\n")
                    .ok());
  }

  // March unless a test says otherwise.
  void fill(journeyd::RangeReportOptions& o) const override {
    o.from = o.from.empty() ? "2026-03-01" : o.from;
    o.to = o.to.empty() ? "2026-03-31" : o.to;
  }
};

// With --tz Europe/Moscow the published rules give the library test's
// numbers; field by field against the library with the same predicates.
TEST_F(PromotionsCommandTest, JsonInTheShopsZoneMatchesTheLibrary) {
  journeyd::RangeReportOptions o;
  o.json = true;
  o.time_zone = "Europe/Moscow";
  ASSERT_EQ(run(o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["report"], "promotions");
  EXPECT_EQ(j["time_zone"], "Europe/Moscow");
  EXPECT_TRUE(j["hypothesis_absent"].is_string());
  ASSERT_EQ(j["promotions"].size(), 2u);
  const auto& w = j["promotions"][0];
  EXPECT_EQ(w["promotion"], "weekend-2for1");
  EXPECT_EQ(w["name"], "Weekend: 2 for 1");
  EXPECT_EQ(w["description"], "2 for the price of 1 on pastry");
  EXPECT_TRUE(w["hypothesis"].is_null());
  EXPECT_EQ(w["sales_applied"], 3);
  EXPECT_EQ(w["units"], 11);
  EXPECT_EQ(w["revenue"], 600);
  EXPECT_EQ(w["base_units"], 2.5);
  EXPECT_EQ(w["base_revenue"], 250.0);
  EXPECT_EQ(w["units_ratio"], 4.4);
  EXPECT_EQ(w["revenue_ratio"], 2.4);
  EXPECT_EQ(w["units_difference"], 8.5);
  EXPECT_EQ(w["revenue_difference"], 350.0);
  const auto& h = j["promotions"][1];
  EXPECT_EQ(h["description"], "20% off on coffee");
  EXPECT_EQ(h["units"], 2);
  EXPECT_TRUE(h["units_ratio"].is_null());

  auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
  ASSERT_TRUE(store.ok());
  PromotionsOptions lo;
  lo.range.from = kJan1 + 59 * kDay;
  lo.range.until = lo.range.as_of = kJan1 + 90 * kDay;
  lo.promotions = moscow_rules();
  auto lib = promotions(**store, lo);
  ASSERT_TRUE(lib.ok());
  for (std::size_t i = 0; i < 2; ++i) {
    const PromotionRow& row = lib->promotions[i];
    const auto& jr = j["promotions"][i];
    EXPECT_EQ(jr["promotion"], row.id);
    EXPECT_EQ(jr["sales_applied"], row.sales_applied);
    EXPECT_EQ(jr["units"], row.units);
    EXPECT_EQ(jr["revenue"], row.revenue);
    EXPECT_DOUBLE_EQ(jr["base_units"].get<double>(), row.base_units);
  }
}

// Without --tz the hours are UTC's: s3 (Sunday 22:00 UTC) is inside the
// weekend, 12 units, 700; s8 (12:30 UTC) and s9 (14:30 UTC) are outside the
// happy hour: 0 units. The base is the same (s4, s5, s6 fall on the same
// days in UTC): 12 / 2.5 = 4.8, 700 / 250 = 2.8.
TEST_F(PromotionsCommandTest, CsvInUtcHasAHeader) {
  journeyd::RangeReportOptions o;
  o.csv = true;
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "promotion,name,description,sales_applied,units,revenue,base_units,base_revenue,"
            "units_ratio,revenue_ratio,units_difference,revenue_difference\n"
            "weekend-2for1,Weekend: 2 for 1,2 for the price of 1 on pastry,3,12,700,2.50,250.00,"
            "4.8000,2.8000,9.50,450.00\n"
            "happy-hour,Happy hour,20% off on coffee,1,0,0,0.00,0.00,,,0.00,0.00\n");
}

TEST_F(PromotionsCommandTest, TextForAnOwner) {
  journeyd::RangeReportOptions o;
  o.shop = "Main St";
  o.time_zone = "Europe/Moscow";
  ASSERT_EQ(run(o), 0) << err_.str();
  const std::string text = out_.str();
  EXPECT_NE(text.find("Promotions of Main St, 2026-03-01 to 2026-03-31 (UTC days; the "
                      "promotions' hours in Europe/Moscow)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("units:        6 inside its windows, 2.50 before: x2.40, +3.50"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("revenue:      3.00 inside, 2.50 before: x1.20, +0.50"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Hypothesis: the rules carry no hypothesis"), std::string::npos) << text;
}

TEST_F(PromotionsCommandTest, RefusesBadInputWithExit2) {
  journeyd::RangeReportOptions o;
  o.time_zone = "Mars/Olympus";
  expect_refused(o, "--tz \"Mars/Olympus\" is not a time zone");
  o = {};
  o.shop = "Nowhere";
  expect_refused(o, "no shop named \"Nowhere\"");
  o = {};
  o.from = "2026-3-1";
  expect_refused(o, "--from \"2026-3-1\" is not a date");
  o = {};
  o.from = "2026-04-02";
  expect_refused(o, "--from 2026-04-02 is after --to 2026-03-31");
}

}  // namespace
}  // namespace loyalpos::reports
