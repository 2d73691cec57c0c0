// Every ledger schema ever released has a fixture ledger in
// tests/pos/fixtures, made by the loyalpos of that version
// (tests/pos/fixtures/make_fixture.sh, README.md there): the same café
// story each time. This build opens each one (migrating a copy), and the
// story is all there as it was made: the sales, the card's stamps and
// visits, the refund, every event's hash; the audit passes and the ledger
// sells on. A ledger from a newer loyalpos is refused and left untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "pos/ledger/schema.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/ledger_files.h"

namespace loyalpos::e2e {
namespace {

namespace fs = std::filesystem;

std::string fixture(int version, const std::string& ext) {
  return std::string(LOYALPOS_LEDGER_FIXTURES) + "/ledger-v" + std::to_string(version) + ext;
}

// What the story left in a ledger, read by SQL that every schema answers.
struct Story {
  std::string sales, refunds, stamps;
};
Story story_in(const std::string& ledger) {
  return {query_ledger(ledger,
                       "SELECT group_concat(sale_id || ':' || total || ':' || refunded "
                       "|| ':' || COALESCE(card_id, '-'), ' ') FROM "
                       "(SELECT * FROM sales ORDER BY sale_id)"),
          query_ledger(ledger, "SELECT group_concat(sale_id || ':' || amount, ' ') FROM refunds"),
          query_ledger(ledger,
                       "SELECT group_concat(program_id || ':' || stamps || ':' || rewards, "
                       "' ') FROM card_programs")};
}

class Upgrade : public ::testing::TestWithParam<int> {};

TEST_P(Upgrade, TheFixtureOpensMigratedWithItsStoryAndHashesAsMade) {
  const int version = GetParam();
  ASSERT_TRUE(fs::exists(fixture(version, ".db")))
      << "no fixture for schema " << version << ": make it with tests/pos/fixtures/make_fixture.sh";
  Cli cli;
  fs::create_directories(cli.home());
  const std::string ledger = cli.home() + "/ledger.db";
  fs::copy_file(fixture(version, ".db"), ledger);
  const std::string token = slurp(fixture(version, ".token")).substr(0, 28);

  ASSERT_EQ(query_ledger(ledger, "PRAGMA user_version"), std::to_string(version));
  const auto hashes = event_hashes(ledger);
  const Story made = story_in(ledger);
  ASSERT_EQ(query_ledger(ledger, "SELECT count(*) FROM sales"), "4");

  auto audit = cli.run({"--json", "audit"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_EQ(audit.json()["sales"], 4);
  EXPECT_EQ(audit.json()["cards"], 1);
  EXPECT_EQ(audit.json()["events"], static_cast<std::int64_t>(hashes.size()));
  EXPECT_EQ(query_ledger(ledger, "PRAGMA user_version"), std::to_string(pos::kSchemaVersion));
  EXPECT_EQ(event_hashes(ledger), hashes);  // existing ledgers keep verifying
  const Story now = story_in(ledger);
  EXPECT_EQ(now.sales, made.sales);
  EXPECT_EQ(now.refunds, made.refunds);
  ASSERT_EQ(now.refunds.rfind("3:", 0), 0u) << now.refunds;  // sale 3 (SIMIT, TEA), back whole
  EXPECT_NE(made.sales.find(" 3:" + now.refunds.substr(2) + ":1:-"), std::string::npos)
      << made.sales;
  EXPECT_EQ(now.stamps, made.stamps);

  auto card = cli.run({"--json", "card", "show", token});
  ASSERT_EQ(card.code, 0) << card.err;
  const nlohmann::json shown = card.json();
  EXPECT_EQ(shown["visits"], 3);
  const nlohmann::json& pastry = shown["programs"][0];
  EXPECT_EQ(pastry["id"], "pastry");
  EXPECT_EQ("pastry:" + std::to_string(pastry["stamps"].get<int>()) + ":" +
                std::to_string(pastry["rewards_available"].get<int>()),
            made.stamps);

  const std::string day = query_ledger(ledger, "SELECT local_date FROM sales WHERE sale_id = 1");
  auto report = cli.run({"--json", "report", "day", "--date", day});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_EQ(report.json()["sales"], 4);
  EXPECT_EQ(report.json()["refunds"], 1);
  EXPECT_EQ(report.json()["refunded"], std::stoll(now.refunds.substr(2)));

  // It sells on, and the chain still verifies.
  ASSERT_EQ(cli.run({"sale", "--card", token, "CROISSANT"}).code, 0);
  auto again = cli.run({"--json", "audit"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.json()["sales"], 5);
}

INSTANTIATE_TEST_SUITE_P(EverySchema, Upgrade, ::testing::Range(1, pos::kSchemaVersion + 1),
                         [](const auto& schema) { return "v" + std::to_string(schema.param); });

TEST(UpgradeRefusal, ALedgerFromANewerLoyalposIsRefusedAndLeftByteForByte) {
  Cli cli;
  ASSERT_EQ(cli.run({"init", "--store", "Café", "--terminal", "till-1"}).code, 0);
  const std::string ledger = cli.home() + "/ledger.db";
  ASSERT_EQ(
      change_ledger(ledger, "PRAGMA user_version = " + std::to_string(pos::kSchemaVersion + 1)),
      "");
  const std::string bytes = slurp(ledger);
  for (const auto& args : std::vector<std::vector<std::string>>{{"audit"}, {"sale", "LATTE"}}) {
    auto r = cli.run(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("was written by a newer loyalpos (schema " +
                         std::to_string(pos::kSchemaVersion + 1) + ", this one knows " +
                         std::to_string(pos::kSchemaVersion) + ")"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(slurp(ledger), bytes);
  EXPECT_FALSE(fs::exists(ledger + "-wal"));
}

}  // namespace
}  // namespace loyalpos::e2e
