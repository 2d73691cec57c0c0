// The stamp programs report (sync/reports/stamps.h) against a small fixture
// of its own whose stamp arithmetic is written out as the tills write it,
// every number worked out by hand below, on SQLite and on PostgreSQL; and
// `journeyd report stamps`'s output and refusals.
//
// The rules: "coffee" a stamp card, every 5th coffee free at once (a reward
// is worth 4 stamps); "beans" every 3rd bag, banked (2 stamps a reward);
// "pts" a points program (not in the report). Lapsing after 60 days.
// Day d of 2026 at 10:00 UTC (day 0 = January 1st). Each sale: the stamps
// it earned and units it gave free, then each program's change (stamps,
// banked rewards), and the balance after:
//
// Main St, till M1:
//   day -30 S5  2 coffees: earned 2             coffee +2         S5 2
//   day  -5 S1  2 coffees: earned 2             coffee +2         S1 2
//   day   1 S2  5 coffees: 4 earn, the 5th free: earned 4, free 1, coffee 0
//               (4 stamps made a reward, used at once)            S2 0
//   day   2 S2  3 coffees: earned 3; pts redeemed   coffee +3     S2 3
//   day   3 S1  3 coffees: 2 earn (2 -> 4), the 3rd free: earned 2, free 1,
//               coffee -2                                         S1 0
//   day   5 S3  a bag: earned 1                 beans +1          S3 1
//   day  10 S1  a coffee: earned 1 (and points) coffee +1         S1 1
//   day  12 S3  a bag: earned 1: 2 stamps bank a reward: beans -1, +1 reward
//   day  15 S6  a coffee: earned 1              coffee +1         S6 1
//               S6 was referred by S5: S5's bonus coffee +1       S5 3
//   day  20 S3  redeems the banked bag and buys another: earned 1, free 1,
//               beans +1, -1 reward                               S3 1
//   day  30 S3  a bag and a coffee in one sale: earned 2, beans -1 (+1
//               reward), coffee +1: a split sale (two programs)
// Harbour, till H1:
//   day  20 S7  2 coffees: earned 2             coffee +2         S7 2
//   day  40 S4  3 coffees: earned 3             coffee +3         S4 3
//   day  45 S4  a coffee: earned 1              coffee +1         S4 4
//   day  80 S4  its 4 stamps lapsed (-4), then a coffee: earned 1  S4 1
#include "sync/reports/stamps.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

void write_stamp_fixture(sync::Store& store) {
  ASSERT_TRUE(store.add_terminal("Main St", "till-1", "M1", "x").ok());
  ASSERT_TRUE(store.add_terminal("Harbour", "till-1", "H1", "x").ok());
  FixtureTill m1(store, "M1"), h1(store, "H1");
  m1.stamp_sale("S5", -30, 2, 0, {{"coffee", 2, 0}});
  m1.stamp_sale("S1", -5, 2, 0, {{"coffee", 2, 0}});
  m1.stamp_sale("S2", 1, 4, 1, {{"coffee", 0, 0}});
  m1.stamp_sale("S2", 2, 3, 0, {{"coffee", 3, 0}, {"pts", -50, 0, "redeem"}});
  m1.stamp_sale("S1", 3, 2, 1, {{"coffee", -2, 0}});
  m1.stamp_sale("S3", 5, 1, 0, {{"beans", 1, 0}});
  m1.stamp_sale("S1", 10, 1, 0, {{"coffee", 1, 0}, {"pts", 12, 0}});
  m1.stamp_sale("S3", 12, 1, 0, {{"beans", -1, 1}});
  m1.stamp_sale("S6", 15, 1, 0, {{"coffee", 1, 0}});
  m1.bonus("S5", 15, "coffee", 1, 0);
  m1.stamp_sale("S3", 20, 1, 1, {{"beans", 1, -1}});
  m1.stamp_sale("S3", 30, 2, 0, {{"beans", -1, 1}, {"coffee", 1, 0}});
  h1.stamp_sale("S7", 20, 2, 0, {{"coffee", 2, 0}});
  h1.stamp_sale("S4", 40, 3, 0, {{"coffee", 3, 0}});
  h1.stamp_sale("S4", 45, 1, 0, {{"coffee", 1, 0}});
  h1.stamp_sale("S4", 80, 1, 0, {{"coffee", -4, 0, "lapsed"}, {"coffee", 1, 0}});
  m1.flush();
  h1.flush();
}

const std::vector<ProgramRule> kRules = {{"coffee", "Coffee card", 5, false},
                                         {"beans", "Beans card", 3, false},
                                         {"pts", "Points", 0, true}};

// What one program should show; median days < 0 and stalled < 0: absent.
struct Expected {
  const char* program;
  int every;  // 0: absent
  std::int64_t given, lapsed, earned, redeemed, cards;
  double median_days;
  std::int64_t one_short, two_short;
};

void expect_program(const StampPrograms& s, const Expected& e) {
  SCOPED_TRACE(e.program);
  auto row = std::find_if(s.programs.begin(), s.programs.end(),
                          [&](const StampProgramRow& r) { return r.program == e.program; });
  ASSERT_NE(row, s.programs.end());
  if (e.every == 0) {
    EXPECT_FALSE(row->every);
  } else {
    EXPECT_EQ(row->every, e.every);
  }
  EXPECT_EQ(row->stamps_given, e.given);
  EXPECT_EQ(row->stamps_lapsed, e.lapsed);
  EXPECT_EQ(row->rewards_earned, e.earned);
  EXPECT_EQ(row->rewards_redeemed, e.redeemed);
  EXPECT_EQ(row->cards, e.cards);
  if (e.median_days < 0) {
    EXPECT_FALSE(row->median_days_to_reward);
  } else {
    ASSERT_TRUE(row->median_days_to_reward);
    EXPECT_DOUBLE_EQ(*row->median_days_to_reward, e.median_days);
  }
  if (e.one_short < 0) {
    EXPECT_FALSE(row->stalled_one_short);
    EXPECT_FALSE(row->stalled_two_short);
  } else {
    EXPECT_EQ(row->stalled_one_short, e.one_short);
    EXPECT_EQ(row->stalled_two_short, e.two_short);
  }
}

std::vector<std::string> program_ids(const StampPrograms& s) {
  std::vector<std::string> out;
  for (const auto& p : s.programs) out.push_back(p.program);
  return out;
}

class StampsTest : public testing::ReportTest {
 protected:
  void write(sync::Store& store) override { write_stamp_fixture(store); }

  // `shop` over days [first, last] of 2026, "now" at its end.
  StampPrograms report(const std::string& shop, int first, int last,
                       const std::vector<ProgramRule>& rules = kRules) {
    StampsOptions o;
    o.range.shop = shop;
    o.range.from = kJan1 + first * kDay;
    o.range.until = kJan1 + (last + 1) * kDay;
    o.range.as_of = o.range.until;
    o.programs = rules;
    auto s = stamp_programs(*store_, o);
    EXPECT_TRUE(s.ok()) << s.error().message();
    return s.ok() ? *s : StampPrograms{};
  }
};

// The chain, January 1st to March 31st (days 0..89), now = April 1st.
// coffee, given in the range: S2 4 + 3, S1 2 + 1, S6 1, S5's referral
// bonus 1, S3 1 (the split sale), S7 2, S4 3 + 1 + 1 = 20 stamps, to 7
// cards (S1..S7). Rewards: S2's on day 1 (earned 4 = the 4 stamps of its
// reward, and used at once: the sale's free unit) and S1's on day 3 (2
// earned + its 2 old ones made 4, used at once): 2 earned, 2 redeemed. The
// split sale's coffee change (+1) needs no reward. Lapsed: S4's 4.
// Days from first stamp to first reward: S1 day -5 to 3 = 8, S2 day 1 to 1
// = 0: median 4. Stalled now (no purchase for over 60 days): S2 holds 3
// (one short of 4), last bought day 2; S5 holds 3, last bought day -30
// (its bonus is not a purchase); S7 holds 2 (two short), last day 20. S1
// (1), S6 (1), S4 (1) are further; S3 bought on day 30 (59.6 days ago).
// beans: given 1 (day 5) + 1 (day 12) + 1 (day 20) + 1 (day 30, split: its
// -1 and +1 reward are one reward of 2 stamps, 1 of them new) = 4, to S3.
// Rewards earned: day 12's (0 banked before, +1 now) and day 30's = 2;
// redeemed: day 20's free bag = 1. First stamp day 5, first reward day 12:
// 7 days. S3's beans balance is 0: not stalled.
// pts is a points program: not in the report.
TEST_P(StampsTest, TheChainFromJanuaryToMarch) {
  const StampPrograms s = report("", 0, 89);
  EXPECT_EQ(program_ids(s), (std::vector<std::string>{"beans", "coffee"}));
  expect_program(s, {"coffee", 5, 20, 4, 2, 2, 7, 4, 2, 1});
  expect_program(s, {"beans", 3, 4, 0, 2, 1, 1, 7, 0, 0});
  EXPECT_EQ(s.split_sales, 1);
  EXPECT_EQ(s.programs[1].name, "Coffee card");
}

// Main St (M1) alone: no S4, S7. coffee: S2 7, S1 3, S6 1, S5 1, S3 1 = 13
// to 5 cards; the same 2 rewards; nothing lapsed; stalled S2 and S5.
TEST_P(StampsTest, OneShop) {
  const StampPrograms s = report("Main St", 0, 89);
  expect_program(s, {"coffee", 5, 13, 0, 2, 2, 5, 4, 2, 0});
  expect_program(s, {"beans", 3, 4, 0, 2, 1, 1, 7, 0, 0});
  EXPECT_EQ(s.split_sales, 1);
}

// February (days 31..58), now = March 1st: coffee: S4's 3 + 1 = 4 stamps
// to 1 card, no reward (no median). Stalled on March 1st: S5 (3 stamps,
// last bought 89 days before); S2 bought 57 days before, S7 39: not yet.
// beans: nothing in February. Day 30's split sale was in January.
TEST_P(StampsTest, February) {
  const StampPrograms s = report("", 31, 58);
  expect_program(s, {"coffee", 5, 4, 0, 0, 0, 1, -1, 1, 0});
  expect_program(s, {"beans", 3, 0, 0, 0, 0, 0, -1, 0, 0});
  EXPECT_EQ(s.split_sales, 0);
}

// Without published rules: no names, no `every`, no stalled cards; pts is
// known for a points program by its redemption on day 2. The split sale
// can only be read as the fewest stamps: beans' -1 stamp and +1 reward is
// 1 reward and no new stamp (3 given, a lower bound); coffee's +1 is 1.
TEST_P(StampsTest, WithoutRules) {
  const StampPrograms s = report("", 0, 89, {});
  EXPECT_EQ(program_ids(s), (std::vector<std::string>{"beans", "coffee"}));
  expect_program(s, {"coffee", 0, 20, 4, 2, 2, 7, 4, -1, -1});
  expect_program(s, {"beans", 0, 3, 0, 2, 1, 1, 7, -1, -1});
  EXPECT_TRUE(s.programs[1].name.empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, StampsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return loyalpos::testing::backend_name(param_info.param);
                         });

// The command over a data folder whose store holds the fixture and the
// published rules; "now" is day 200.
class StampsCommandTest : public testing::ReportCommandTest {
 protected:
  StampsCommandTest() : ReportCommandTest(journeyd::report_stamps) {}

  void write(sync::Store& store) override {
    write_stamp_fixture(store);
    ASSERT_TRUE(store
                    .publish("rules",
                             "[[stamp_card]]\nid = \"coffee\"\nname = \"Coffee card\"\n"
                             "categories = [\"coffee\"]\nevery = 5\n\n"
                             "[[stamp_card]]\nid = \"beans\"\nname = \"Beans card\"\n"
                             "categories = [\"beans\"]\nevery = 3\nreward = \"bank\"\n\n"
                             "[[points]]\nid = \"pts\"\nname = \"Points\"\n"
                             "per_amount = \"100\"\nthreshold = 50\nreward_amount = \"150\"\n")
                    .ok());
  }

  static journeyd::RangeReportOptions first_quarter() {
    journeyd::RangeReportOptions o;
    o.from = "2026-01-01";
    o.to = "2026-03-31";
    return o;
  }
};

// The JSON holds the library's numbers (the chain test's, above), with the
// published rules' names and `every`.
TEST_F(StampsCommandTest, JsonMatchesTheLibrary) {
  auto o = first_quarter();
  o.json = true;
  ASSERT_EQ(run(o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["report"], "stamps");
  EXPECT_EQ(j["rules_published"], true);
  EXPECT_EQ(j["split_sales"], 1);
  ASSERT_EQ(j["programs"].size(), 2u);
  const auto& coffee = j["programs"][1];
  EXPECT_EQ(coffee["program"], "coffee");
  EXPECT_EQ(coffee["name"], "Coffee card");
  EXPECT_EQ(coffee["every"], 5);
  EXPECT_EQ(coffee["stamps_given"], 20);
  EXPECT_EQ(coffee["stamps_lapsed"], 4);
  EXPECT_EQ(coffee["rewards_earned"], 2);
  EXPECT_EQ(coffee["rewards_redeemed"], 2);
  EXPECT_EQ(coffee["cards"], 7);
  EXPECT_EQ(coffee["median_days_to_reward"], 4.0);
  EXPECT_EQ(coffee["stalled_one_short"], 2);
  EXPECT_EQ(coffee["stalled_two_short"], 1);
  EXPECT_EQ(j["programs"][0]["program"], "beans");
  EXPECT_EQ(j["programs"][0]["stamps_given"], 4);

  // And the same as the library's, field by field.
  auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
  ASSERT_TRUE(store.ok());
  StampsOptions lo;
  lo.range.from = kJan1;
  lo.range.until = lo.range.as_of = kJan1 + 90 * kDay;
  lo.programs = kRules;
  auto lib = stamp_programs(**store, lo);
  ASSERT_TRUE(lib.ok());
  ASSERT_EQ(lib->programs.size(), j["programs"].size());
  for (std::size_t i = 0; i < lib->programs.size(); ++i) {
    const auto& p = lib->programs[i];
    const auto& jp = j["programs"][i];
    EXPECT_EQ(jp["program"], p.program);
    EXPECT_EQ(jp["stamps_given"], p.stamps_given);
    EXPECT_EQ(jp["rewards_earned"], p.rewards_earned);
    EXPECT_EQ(jp["rewards_redeemed"], p.rewards_redeemed);
    EXPECT_EQ(jp["cards"], p.cards);
    EXPECT_EQ(jp["stalled_one_short"], *p.stalled_one_short);
  }
}

TEST_F(StampsCommandTest, CsvAndText) {
  auto o = first_quarter();
  o.csv = true;
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "program,name,every,stamps_given,stamps_lapsed,rewards_earned,rewards_redeemed,cards,"
            "median_days_to_reward,stalled_one_short,stalled_two_short\n"
            "beans,Beans card,3,4,0,2,1,1,7.0,0,0\n"
            "coffee,Coffee card,5,20,4,2,2,7,4.0,2,1\n");
  o.csv = false;
  o.shop = "Harbour";
  ASSERT_EQ(run(o), 0) << err_.str();
  // Harbour: S7 2, S4 3 + 1 + 1 = 7 stamps to 2 cards, S4's 4 lapsed; S7
  // stalled two short.
  EXPECT_NE(out_.str().find("Stamp programs of Harbour, 2026-01-01 to 2026-03-31"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("stamps given:        7 to 2 cards; lapsed unused: 4"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("0 one stamp short, 1 two short (no purchase for over 60 days)"),
            std::string::npos)
      << out_.str();
}

TEST_F(StampsCommandTest, RefusesBadInputWithExit2) {
  journeyd::RangeReportOptions o;
  o.shop = "Nowhere";
  expect_refused(
      o, "no shop named \"Nowhere\" has enrolled a terminal (shops: \"Harbour\", \"Main St\")");
  o = {};
  o.from = "2026-13-01";
  expect_refused(o, "--from \"2026-13-01\" is not a date");
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
