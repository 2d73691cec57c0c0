// The journey map (sync/reports/journey_map.h) against the fixture journey
// (journey_fixture.h), every number worked out by hand below, on SQLite and
// on PostgreSQL; and `journeyd report journey`'s output and refusals.
#include "sync/reports/journey_map.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/head_office_chain.h"
#include "sync/reports/journey_map_output.h"
#include "tests/reports/journey_fixture.h"
#include "tests/reports/report_command.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::reports {
namespace {

using testing::kDay;
using testing::kJan1;
using Touches = std::vector<std::pair<std::string, std::int64_t>>;

using loyalpos::testing::Backend;

// What one stage should show; conversion and median days < 0: absent.
struct Expected {
  const char* stage;
  std::int64_t now, entered;
  double conversion, median_days;
  std::int64_t dropped;
  Touches touchpoints;
};

void expect_stage(const JourneyMap& map, const Expected& e) {
  SCOPED_TRACE(e.stage);
  auto row = std::find_if(map.stages.begin(), map.stages.end(),
                          [&](const StageRow& r) { return r.stage == e.stage; });
  ASSERT_NE(row, map.stages.end());
  EXPECT_TRUE(row->absent.empty());
  EXPECT_EQ(row->now, e.now);
  EXPECT_EQ(row->entered, e.entered);
  EXPECT_EQ(row->dropped, e.dropped);
  if (e.conversion < 0) {
    EXPECT_FALSE(row->conversion);
  } else {
    ASSERT_TRUE(row->conversion);
    EXPECT_NEAR(*row->conversion, e.conversion, 1e-9);
  }
  if (e.median_days < 0) {
    EXPECT_FALSE(row->median_days);
  } else {
    ASSERT_TRUE(row->median_days);
    EXPECT_DOUBLE_EQ(*row->median_days, e.median_days);
  }
  Touches touches;
  for (const auto& t : row->touchpoints) touches.emplace_back(t.name, t.cards);
  EXPECT_EQ(touches, e.touchpoints);
  EXPECT_FALSE(row->feedback_stars);
}

class JourneyMapTest : public testing::ReportTest {
 protected:
  // The map of `shop` over days [first, last] of 2026, "now" at its end.
  JourneyMap map(const std::string& shop, int first, int last) {
    JourneyMapOptions o;
    o.shop = shop;
    o.from = kJan1 + first * kDay;
    o.until = kJan1 + (last + 1) * kDay;
    o.as_of = o.until;
    auto m = journey_map(*store_, o);
    EXPECT_TRUE(m.ok()) << m.error().message();
    return m.ok() ? *m : JourneyMap{};
  }
};

// The chain, January 1st to March 31st (days 0..89), now = April 1st 00:00;
// a card lapses 60 days after its last purchase (or, never having bought,
// after getting its card). Each card's first day in each stage (interest,
// purchase, retention, loyalty; "reached" counts a later stage too) and
// where it is now:
//   C01  -10 -10   5   -    last purchase 80   retention
//   C02    2   6  10  20    last 20: 70 days   lapsed from loyalty
//   C03    3   3   -   -    last 3             lapsed from purchase
//   C04   30  32  40   -    last 40            retention
//   C05    1   4 (32) 32    last 70            loyalty (skipped retention)
//   C06   50   -   -   -    40 days, no buy    interest
//   C07   12   -   -   -    78 days, no buy    dropped at interest
//   C08 -100 -100 -90  -    back from lapsed on day 15, last 60: retention
//   C09   20  20  25   -    M1's stale "new -> purchase" on day 86 changes
//                           nothing: retention
//   C10   61  62   -   -    purchase
//   C11   60  60 (62) 62    loyalty (skipped retention)
//   C12   after the range: nowhere.
// Reached in the range: interest 9 (all but C01, C08), purchase 7 (C02 C03
// C04 C05 C09 C10 C11), retention 6 (C01 C02 C04 C05 C09 C11), loyalty 3
// (C02 C05 C11).
// Conversions: purchase 7 of the 9 = 7/9; retention: of those 7, C02 C04
// C05 C09 C11 = 5/7; loyalty: of the 6, C02 C05 C11 = 3/6.
// Median days: purchase - interest over the 7: 4 0 2 3 0 1 0 -> 1;
// retention - purchase over the 6: 15 4 8 28 5 2 -> (5+8)/2 = 6.5;
// loyalty - retention: 10 0 0 -> 0.
// Touchpoints: interest: 7 at the counter, C04 and C10 referred. Purchase
// (the sale that made it): coffee C02 C04 C05 C09 C10 C11, pastry C03,
// welcome C02 C04, happy hour C09 C11. Retention (only cards that entered it
// themselves: not C05, C11): coffee C01 C02 C04 C09, two-for-one C01, happy
// hour C09. Loyalty: C02 a tier, C05 and C11 referrals.
TEST_P(JourneyMapTest, TheChainFromJanuaryToMarch) {
  const JourneyMap m = map("", 0, 89);
  ASSERT_EQ(m.stages.size(), 6u);
  EXPECT_EQ(m.stages[0].stage, "awareness");
  EXPECT_FALSE(m.stages[0].absent.empty());
  EXPECT_EQ(m.stages[2].stage, "consideration");
  EXPECT_FALSE(m.stages[2].absent.empty());
  expect_stage(
      m, {"interest", 1, 9, -1, -1, 1, {{"issued at the counter", 7}, {"referred by a card", 2}}});
  expect_stage(m, {"purchase",
                   1,
                   7,
                   7.0 / 9,
                   1,
                   1,
                   {{"program coffee", 6},
                    {"promotion harbour-happy-hour", 2},
                    {"promotion welcome", 2},
                    {"program pastry", 1}}});
  expect_stage(
      m,
      {"retention",
       4,
       6,
       5.0 / 7,
       6.5,
       0,
       {{"program coffee", 4}, {"promotion harbour-happy-hour", 1}, {"promotion two-for-one", 1}}});
  expect_stage(m, {"loyalty", 2, 3, 0.5, 0, 1, {{"referral", 2}, {"tier", 1}}});
  EXPECT_EQ(m.lapsed_now, 3);  // C02, C03, C07
  EXPECT_EQ(m.came_back, 1);   // C08
}

// Main St (tills M1 and M2) alone: C10, C11 (Harbour's) are not there; C09
// is a card from another shop, first seen and first bought there on day 86.
//   reached: interest C02 C03 C04 C05 C06 C07 C09 = 7; purchase C02 C03 C04
//   C05 C09 = 5 (5/7); retention C01 C02 C04 C05 = 4, of the 5: C02 C04 C05
//   = 3/5; loyalty C02 C05 = 2, of the 4: 2/4.
//   median days: purchase 4 0 2 3 0 -> 2; retention 15 4 8 28 -> 11.5;
//   loyalty 10 0 -> 5.
//   now: interest C06, purchase C09, retention C01 C04 C08, loyalty C05;
//   dropped: C07 interest, C03 purchase, C02 loyalty.
TEST_P(JourneyMapTest, OneShop) {
  const JourneyMap m = map("Main St", 0, 89);
  expect_stage(
      m,
      {"interest",
       1,
       7,
       -1,
       -1,
       1,
       {{"issued at the counter", 5}, {"card from another shop", 1}, {"referred by a card", 1}}});
  expect_stage(m, {"purchase",
                   1,
                   5,
                   5.0 / 7,
                   2,
                   1,
                   {{"program coffee", 4}, {"promotion welcome", 2}, {"program pastry", 1}}});
  expect_stage(
      m,
      {"retention", 3, 4, 3.0 / 5, 11.5, 0, {{"program coffee", 3}, {"promotion two-for-one", 1}}});
  expect_stage(m, {"loyalty", 1, 2, 0.5, 5, 1, {{"referral", 1}, {"tier", 1}}});
  EXPECT_EQ(m.came_back, 1);

  const JourneyMap airport = map("Airport", 0, 89);  // enrolled, never synced
  for (const auto& row : airport.stages) {
    EXPECT_EQ(row.now + row.entered + row.dropped, 0) << row.stage;
    EXPECT_FALSE(row.conversion) << row.stage;
  }
}

// February (days 31..58), now = March 1st: nothing after it is read.
//   now: interest C06 (9 days) and C07 (47 days: not lapsed yet); purchase
//   C03 (56 days since its purchase); retention C01 (54) C04 C08 C09;
//   loyalty C02 C05. Nobody has lapsed; C10, C11 do not exist yet.
//   reached in February: interest C06 (C04's card was January 31st);
//   purchase C04; retention C04 and C05 (through loyalty); loyalty C05.
//   conversions: purchase 0 of C06 = 0; retention 1 of C04 = 1; loyalty:
//   of C04 C05, C05 = 0.5. C08 came back in January: 0.
TEST_P(JourneyMapTest, ARangeCutsBothWays) {
  const JourneyMap m = map("", 31, 58);
  expect_stage(m, {"interest", 2, 1, -1, -1, 0, {{"issued at the counter", 1}}});
  expect_stage(m, {"purchase", 1, 1, 0, 2, 0, {{"program coffee", 1}, {"promotion welcome", 1}}});
  expect_stage(m, {"retention", 4, 2, 1, 18, 0, {{"program coffee", 1}}});
  expect_stage(m, {"loyalty", 2, 1, 0.5, 0, 0, {{"referral", 1}}});
  EXPECT_EQ(m.lapsed_now, 0);
  EXPECT_EQ(m.came_back, 0);
}

// Feedback from the card page (card.feedback events in head office's chain,
// each naming the shop of the card's last visit), counted in the stage the
// card had reached when it was given:
//   C02 day 8, 4 stars: purchase (day 6; retention only on day 10)
//   C02 day 12, 5 stars: retention (day 10; loyalty on day 20)
//   C02 day 25, 3 stars: loyalty (day 20)
//   C03 day 5, 2 stars: purchase (day 3)
//   C07 day 95: after every range below.
// The chain, days 0..89: purchase (4 + 2) / 2 = 3, retention 5, loyalty 3,
// interest none. Days 9..89: retention 5, loyalty 3, purchase none. Main
// St (the visits' shop): as the chain; the Harbour: none.
TEST_P(JourneyMapTest, FeedbackStarsByTheStageTheCardWasIn) {
  journeyd::HeadOfficeChain head_office(*store_);
  for (const auto& [card, d, stars] :
       {std::tuple{"C02", 8, 4}, std::tuple{"C02", 12, 5}, std::tuple{"C02", 25, 3},
        std::tuple{"C03", 5, 2}, std::tuple{"C07", 95, 1}}) {
    const std::string payload = std::string(R"({"card":")") + card +
                                R"(","comment":"","sale":1,"shop":"Main St","stars":)" +
                                std::to_string(stars) + R"(,"terminal":"M1"})";
    ASSERT_TRUE(
        head_office.append({"card.feedback", testing::day(d), std::string(card), 1, payload}).ok());
  }
  auto stars = [](const JourneyMap& m) {
    std::map<std::string, double> out;
    for (const auto& row : m.stages) {
      if (row.feedback_stars) out[row.stage] = *row.feedback_stars;
    }
    return out;
  };
  using Stars = std::map<std::string, double>;
  EXPECT_EQ(stars(map("", 0, 89)),
            (Stars{{"purchase", 3.0}, {"retention", 5.0}, {"loyalty", 3.0}}));
  EXPECT_EQ(stars(map("", 9, 89)), (Stars{{"retention", 5.0}, {"loyalty", 3.0}}));
  EXPECT_EQ(stars(map("Main St", 0, 89)),
            (Stars{{"purchase", 3.0}, {"retention", 5.0}, {"loyalty", 3.0}}));
  EXPECT_TRUE(stars(map("Harbour", 0, 89)).empty());
  // The feedback changes no other number.
  const JourneyMap with = map("", 0, 89);
  EXPECT_EQ(with.stages[3].entered, 7);  // purchase, as TheChainFromJanuaryToMarch
}

INSTANTIATE_TEST_SUITE_P(Stores, JourneyMapTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return loyalpos::testing::backend_name(param_info.param);
                         });

// The command over a data folder whose journeyd.toml names a SQLite store
// holding the fixture.
class JourneyCommandTest : public testing::ReportCommandTest {
 protected:
  JourneyCommandTest() : ReportCommandTest(journeyd::report_journey) {}
};

TEST_F(JourneyCommandTest, PrintsJsonCsvAndText) {
  journeyd::JourneyReportOptions o;
  o.from = "2026-01-01";
  o.to = "2026-03-31";
  o.json = true;
  ASSERT_EQ(run(o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_TRUE(j["shop"].is_null());
  EXPECT_EQ(j["from"], "2026-01-01");
  EXPECT_EQ(j["to"], "2026-03-31");
  EXPECT_EQ(j["lapsed_after_days"], 60);
  EXPECT_EQ(j["stages"][0]["stage"], "awareness");
  EXPECT_TRUE(j["stages"][0]["now"].is_null());
  EXPECT_TRUE(j["stages"][0]["absent"].is_string());
  EXPECT_EQ(j["stages"][3]["stage"], "purchase");
  EXPECT_EQ(j["stages"][3]["conversion"], 0.7778);
  EXPECT_EQ(j["stages"][3]["entered"], 7);
  EXPECT_TRUE(j["stages"][3]["feedback_stars"].is_null());

  o.json = false;
  o.csv = true;
  o.shop = "Main St";
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_NE(out_.str().find("retention,3,4,0.6000,11.5,0,program coffee=3; promotion "
                            "two-for-one=1,,\n"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(out_.str().rfind("stage,now,entered,", 0), 0u);

  o.csv = false;
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_NE(out_.str().find("Journey map of Main St, 2026-01-01 to 2026-03-31"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("loyalty: referral 1, tier 1"), std::string::npos) << out_.str();
}

TEST_F(JourneyCommandTest, RefusesBadInputWithExit2) {
  journeyd::JourneyReportOptions o;
  o.shop = "Nowhere";
  expect_refused(o,
                 "no shop named \"Nowhere\" has enrolled a terminal (shops: \"Airport\", "
                 "\"Harbour\", \"Main St\")");
  o = {};
  o.from = "2026-02-30";
  expect_refused(o, "--from \"2026-02-30\" is not a date: write it as YYYY-MM-DD");
  o.from = "1.3.2026";
  expect_refused(o, "--from \"1.3.2026\" is not a date");
  o = {};
  o.from = "2026-03-02";
  o.to = "2026-03-01";
  expect_refused(o, "--from 2026-03-02 is after --to 2026-03-01");
  o = {};
  o.json = o.csv = true;
  expect_refused(o, "choose one of --json and --csv");
}

}  // namespace
}  // namespace loyalpos::reports
