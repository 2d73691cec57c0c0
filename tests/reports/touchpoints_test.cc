// The touchpoints report (sync/reports/touchpoints.h) against the fixture
// journey (journey_fixture.h), every number worked out by hand below, on
// SQLite and on PostgreSQL; and `journeyd report touchpoints`'s output and
// refusals.
//
// What brought each card of the fixture (its first card.issued or card.seen,
// and the codes of its first purchase), and whether it reached retention
// (the stage retention or loyalty) by April 1st:
//   C01  card day -10 (before every range below)
//   C02  day 2, first purchase day 6 with the flyer's code      retention day 10
//        (its receipt-link code on day 10 was not its first purchase)
//   C03  day 3, first purchase day 3 with the flyer's code      never came back
//   C04  day 30, referred by C05; no code                       retention day 40
//   C05  day 1, at the counter                                  loyalty day 32
//   C06  day 50, at the counter, never bought
//   C07  day 12, at the counter (till M2), never bought
//   C08  card day -100 (before every range)
//   C09  day 20 at Harbour, first purchase day 20 with a typed code (no
//        touchpoint) and the harbour poster's code               retention day 25
//        At Main St: first seen day 86, bought day 86, no stage beyond purchase.
//   C10  day 61, referred by C11; bought day 62                 never came back
//   C11  day 60, at the counter                                 loyalty day 62
//   C12  day 94: after the ranges.
#include "sync/reports/touchpoints.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/head_office_chain.h"
#include "sync/reports/journey_map.h"
#include "tests/reports/journey_fixture.h"
#include "tests/reports/report_command.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::reports {
namespace {

using loyalpos::testing::Backend;
using testing::kDay;
using testing::kJan1;

struct Expected {
  const char* source;
  std::int64_t joined, bought, retained;
};

void expect_sources(const Touchpoints& t, const std::vector<Expected>& expected) {
  ASSERT_EQ(t.sources.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Expected& e = expected[i];
    const TouchpointRow& row = t.sources[i];
    SCOPED_TRACE(e.source);
    EXPECT_EQ(row.source, e.source);
    EXPECT_EQ(row.joined, e.joined);
    EXPECT_EQ(row.bought, e.bought);
    EXPECT_EQ(row.retained, e.retained);
    EXPECT_DOUBLE_EQ(row.retained_share(),
                     static_cast<double>(e.retained) / static_cast<double>(e.joined));
  }
}

ReportRange days(const std::string& shop, int first, int last) {
  ReportRange r;
  r.shop = shop;
  r.from = kJan1 + first * kDay;
  r.until = r.as_of = kJan1 + (last + 1) * kDay;
  return r;
}

class TouchpointsTest : public testing::ReportTest {
 protected:
  Touchpoints report(const ReportRange& r) {
    auto t = touchpoints(*store_, r);
    EXPECT_TRUE(t.ok()) << t.error().message();
    return t.ok() ? *t : Touchpoints{};
  }
};

// The chain, January to March: 9 cards joined (the journey map's interest).
//   source harbour-poster  C09                    1 joined, 1 bought, 1 back: 100%
//   issued at the counter  C05 C06 C07 C11        4, 2 bought (C05 C11), 2 back: 50%
//   referred by a card     C04 C10                2, 2, 1 back (C04): 50%
//   source flyer-jan       C02 C03                2, 2, 1 back (C02): 50%
// Ties at 50%: the most cards first, then by name.
TEST_P(TouchpointsTest, TheChainFromJanuaryToMarch) {
  const Touchpoints t = report(days("", 0, 89));
  expect_sources(t, {{"source harbour-poster", 1, 1, 1},
                     {"issued at the counter", 4, 2, 2},
                     {"referred by a card", 2, 2, 1},
                     {"source flyer-jan", 2, 2, 1}});
}

// Main St: C09 joined there as a card from another shop (first seen day 86)
// and its Main St tills never saw it come back; C10, C11 are Harbour's.
//   referred by a card      C04           1, 1, 1: 100%
//   source flyer-jan        C02 C03       2, 2, 1: 50%
//   issued at the counter   C05 C06 C07   3, 1, 1: 33%
//   card from another shop  C09           1, 1, 0: 0%
TEST_P(TouchpointsTest, OneShop) {
  const Touchpoints t = report(days("Main St", 0, 89));
  expect_sources(t, {{"referred by a card", 1, 1, 1},
                     {"source flyer-jan", 2, 2, 1},
                     {"issued at the counter", 3, 1, 1},
                     {"card from another shop", 1, 1, 0}});
}

// February (now March 1st): only C06 joined (C04's card was January 31st).
TEST_P(TouchpointsTest, February) {
  expect_sources(report(days("", 31, 58)), {{"issued at the counter", 1, 0, 0}});
}

// Two cards from the join page's link ?src=window-poster (head office's own
// chain), beside the fixture: J1 joins day 40, is first seen at Main St's
// till-3 on day 42 and buys there (purchase), buys again day 50
// (retention); J2 joins day 41 and never buys. The join page is what
// brought them, not the till that first saw J1:
//   join page window-poster   2 joined, 1 bought, 1 back: 50%
// It ties at 50% with the counter (4 cards: first), the referred and
// flyer-jan (2 each): by name, "join page …" comes before them.
TEST_P(TouchpointsTest, JoinPageSourcesAreTouchpoints) {
  journeyd::HeadOfficeChain head_office(*store_);
  const std::string j1 = std::string(31, 'e') + "1", j2 = std::string(31, 'e') + "2";
  for (const auto& [card, d] : {std::pair{j1, 40}, std::pair{j2, 41}}) {
    pos::NewEvent e{"card.issued", testing::day(d), card, std::nullopt,
                    R"({"card":")" + card + R"(","source":"window-poster"})"};
    ASSERT_TRUE(head_office.append(e).ok());
  }
  ASSERT_TRUE(store_->add_terminal("Main St", "till-3", "M3", "x").ok());
  testing::FixtureTill till(*store_, "M3");
  till.seen(j1, 42);
  till.sale(j1, 42, {}, {"coffee"}, "interest", "purchase");
  till.sale(j1, 50, {}, {"coffee"}, "purchase", "retention");
  till.flush();
  const Touchpoints t = report(days("", 0, 89));
  ASSERT_EQ(t.sources.size(), 5u);
  EXPECT_EQ(t.sources[1].source, "issued at the counter");
  const TouchpointRow& row = t.sources[2];
  EXPECT_EQ(row.source, "join page window-poster");
  EXPECT_EQ(row.joined, 2);
  EXPECT_EQ(row.bought, 1);
  EXPECT_EQ(row.retained, 1);
}

// The journey map names the same join: J1 and J2 entered interest through
// "join page window-poster" (the till's later sighting of J1 changes nothing:
// the earliest counts).
TEST_P(TouchpointsTest, TheJourneyMapsInterestNamesTheJoinPage) {
  journeyd::HeadOfficeChain head_office(*store_);
  for (const auto& [card, d] :
       {std::pair{std::string(31, 'e') + "1", 40}, std::pair{std::string(31, 'e') + "2", 41}}) {
    pos::NewEvent e{"card.issued", testing::day(d), card, std::nullopt,
                    R"({"card":")" + card + R"(","source":"window-poster"})"};
    ASSERT_TRUE(head_office.append(e).ok());
  }
  auto map = journey_map(*store_, days("", 35, 45));
  ASSERT_TRUE(map.ok()) << map.error().message();
  const StageRow& interest = map->stages[1];
  ASSERT_EQ(interest.stage, "interest");
  bool found = false;
  for (const auto& t : interest.touchpoints) {
    if (t.name == "join page window-poster") found = t.cards == 2;
  }
  EXPECT_TRUE(found);
}

INSTANTIATE_TEST_SUITE_P(Stores, TouchpointsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return loyalpos::testing::backend_name(param_info.param);
                         });

class TouchpointsCommandTest : public testing::ReportCommandTest {
 protected:
  TouchpointsCommandTest() : ReportCommandTest(journeyd::report_touchpoints) {}
};

TEST_F(TouchpointsCommandTest, JsonMatchesTheLibraryCsvAndText) {
  journeyd::RangeReportOptions o;
  o.from = "2026-01-01";
  o.to = "2026-03-31";
  o.json = true;
  ASSERT_EQ(run(o), 0) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["report"], "touchpoints");
  auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
  ASSERT_TRUE(store.ok());
  auto lib = touchpoints(**store, days("", 0, 89));
  ASSERT_TRUE(lib.ok());
  ASSERT_EQ(j["sources"].size(), lib->sources.size());
  for (std::size_t i = 0; i < lib->sources.size(); ++i) {
    const auto& row = lib->sources[i];
    const auto& js = j["sources"][i];
    EXPECT_EQ(js["source"], row.source);
    EXPECT_EQ(js["joined"], row.joined);
    EXPECT_EQ(js["bought"], row.bought);
    EXPECT_EQ(js["retained"], row.retained);
    EXPECT_DOUBLE_EQ(js["retained_share"].get<double>(), row.retained_share());
  }
  EXPECT_EQ(j["sources"][0]["source"], "source harbour-poster");
  EXPECT_EQ(j["sources"][1]["retained_share"], 0.5);

  o.json = false;
  o.csv = true;
  o.shop = "Main St";
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "rank,source,joined,bought,retained,bought_share,retained_share\n"
            "1,referred by a card,1,1,1,1.0000,1.0000\n"
            "2,source flyer-jan,2,2,1,1.0000,0.5000\n"
            "3,issued at the counter,3,1,1,0.3333,0.3333\n"
            "4,card from another shop,1,1,0,1.0000,0.0000\n");

  o.csv = false;
  ASSERT_EQ(run(o), 0) << err_.str();
  EXPECT_NE(out_.str().find("Touchpoints of Main St, 2026-01-01 to 2026-03-31"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("3.   issued at the counter                  3     33%       33%"),
            std::string::npos)
      << out_.str();
}

TEST_F(TouchpointsCommandTest, RefusesBadInputWithExit2) {
  journeyd::RangeReportOptions o;
  o.shop = "Nowhere";
  expect_refused(o, "no shop named \"Nowhere\"");
  o = {};
  o.to = "2026-02-29";
  expect_refused(o, "--to \"2026-02-29\" is not a date");
  o = {};
  o.json = o.csv = true;
  expect_refused(o, "choose one of --json and --csv");
}

}  // namespace
}  // namespace loyalpos::reports
