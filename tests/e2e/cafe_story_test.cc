// The café story through the real binary: a card, five pastries over three
// visits, the fifth free, stamps back to 0; a refund takes the stamps back.
#include <gtest/gtest.h>

#include "cli_runner.h"

namespace loyalpos::e2e {
namespace {

class CafeStory : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_.set_env("LOYALPOS_NOW", "2026-11-21T09:15:00");
    auto init = cli_.run({"init", "--store", "Café Central", "--terminal", "counter-1", "--json"});
    ASSERT_EQ(init.code, 0) << init.err;
    EXPECT_EQ(init.json()["currency"], "RUB");
    EXPECT_EQ(init.json()["terminal_id"].get<std::string>().size(), 32u);
    auto import =
        cli_.run({"catalog", "import",
                  std::string(LOYALPOS_SOURCE_DIR) + "/tests/e2e/data/cafe-catalog.csv", "--json"});
    ASSERT_EQ(import.code, 0) << import.err;
    EXPECT_EQ(import.json()["imported"], 8);
  }
  Cli cli_;
};

TEST_F(CafeStory, TheFifthPastryIsFreeAndARefundTakesTheStampsBack) {
  auto issued = cli_.run({"card", "issue", "--json"});
  ASSERT_EQ(issued.code, 0) << issued.err;
  const std::string token = issued.json()["token"];
  ASSERT_EQ(token.size(), 28u);

  // Visit 1: two croissants and a coffee.
  auto v1 =
      cli_.run({"sale", "--card", token, "--cashier", "Anna", "CROISSANT*2", "COFFEE", "--json"});
  ASSERT_EQ(v1.code, 0) << v1.err;
  auto s1 = v1.json();
  EXPECT_EQ(s1["total"], 2 * 15000 + 17000);
  EXPECT_EQ(s1["discount"], 0);
  EXPECT_EQ(s1["currency"], "RUB");
  EXPECT_EQ(s1["card"]["programs"][0]["stamps"], 2);
  EXPECT_EQ(s1["card"]["programs"][0]["every"], 5);

  // Visit 2: two pastries.
  cli_.set_env("LOYALPOS_NOW", "2026-11-22T10:00:00");
  auto v2 = cli_.run({"--json", "sale", "--card", token, "SIMIT", "BAKLAVA", "--pay", "card"});
  ASSERT_EQ(v2.code, 0) << v2.err;
  const std::int64_t second_sale = v2.json()["sale_id"];
  EXPECT_EQ(v2.json()["card"]["programs"][0]["stamps"], 4);

  // Visit 3: the fifth pastry is free.
  cli_.set_env("LOYALPOS_NOW", "2026-11-23T08:30:00");
  auto v3 = cli_.run({"sale", "--card", token, "ECLAIR", "TEA", "--json"});
  ASSERT_EQ(v3.code, 0) << v3.err;
  auto s3 = v3.json();
  EXPECT_EQ(s3["lines"][0]["sku"], "ECLAIR");
  EXPECT_EQ(s3["lines"][0]["discount"], 16000);
  EXPECT_EQ(s3["lines"][0]["reason"], "5th free — Pastry card");
  EXPECT_EQ(s3["discount"], 16000);
  EXPECT_EQ(s3["total"], 8000);
  EXPECT_EQ(s3["card"]["programs"][0]["stamps"], 0);

  auto shown = cli_.run({"card", "show", token, "--json"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(shown.json()["visits"], 3);
  EXPECT_EQ(shown.json()["programs"][0]["stamps"], 0);
  EXPECT_LT(shown.json()["first_visit"].get<std::int64_t>(),
            shown.json()["last_visit"].get<std::int64_t>());

  // The receipt text says why and how far along the card is.
  auto text = cli_.run({"sale", "--card", token, "CROISSANT"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("Café Central"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Pastry card 1/5 — 4 more for a free one"), std::string::npos)
      << text.out;

  // Refunding visit 2 takes back the two stamps it earned.
  auto refund = cli_.run({"refund", std::to_string(second_sale), "--json"});
  ASSERT_EQ(refund.code, 0) << refund.err;
  EXPECT_EQ(refund.json()["refunded"], 18000 + 9000);
  EXPECT_EQ(refund.json()["stamps_taken_back"], 2);
  EXPECT_EQ(refund.json()["card"]["programs"][0]["stamps"], -1);
  auto twice = cli_.run({"refund", std::to_string(second_sale)});
  EXPECT_EQ(twice.code, 1);
  EXPECT_NE(twice.err.find("already refunded"), std::string::npos);

  auto audit = cli_.run({"audit", "--json"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_EQ(audit.json()["sales"], 4);

  auto day = cli_.run({"report", "day", "--date", "2026-11-23", "--json"});
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_EQ(day.json()["sales"], 2);
  EXPECT_EQ(day.json()["rewards_redeemed"], 1);
  EXPECT_EQ(day.json()["stamps_given"], 1);
  EXPECT_EQ(day.json()["refunds"], 1);
  EXPECT_EQ(day.json()["by_payment"]["cash"]["sales"], 2);
}

TEST_F(CafeStory, TheCounterRingsUpScannedLines) {
  auto issued = cli_.run({"card", "issue"});
  ASSERT_EQ(issued.code, 0);
  const std::string token = issued.out.substr(0, 28);
  auto counter = cli_.run({"counter"}, "CROISSANT*5\r\n" + token + "\nvoid\nTEA\npay cash\n");
  ASSERT_EQ(counter.code, 0) << counter.err;
  EXPECT_NE(counter.out.find("Card attached"), std::string::npos) << counter.out;
  EXPECT_NE(counter.out.find("Sale 1 recorded"), std::string::npos) << counter.out;
  auto shown = cli_.run({"card", "show", token, "--json"});
  EXPECT_EQ(shown.json()["visits"], 1);
  EXPECT_EQ(shown.json()["programs"][0]["stamps"], 0);
}

TEST(FirstUse, RunningWithoutArgumentsCreatesTheSampleCafeAndOpensTheCounter) {
  Cli cli;
  auto first = cli.run({}, "COFFEE\npay card\n");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.err.find("sample café"), std::string::npos) << first.err;
  EXPECT_NE(first.out.find("Sale 1 recorded"), std::string::npos) << first.out;
  EXPECT_TRUE(std::filesystem::exists(cli.home() + "/config.toml"));
  auto list = cli.run({"catalog", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(list.json()["products"].size(), 8u);
}

}  // namespace
}  // namespace loyalpos::e2e
