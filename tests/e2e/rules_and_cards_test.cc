// Through the real binary: the café's promotions with the clock set by
// LOYALPOS_NOW, card QR images and sheets that a real decoder reads, a
// referral, and a banked reward redeemed at the till.
#include <gtest/gtest.h>

#include "../hardware/test_support.h"
#include "cli_runner.h"

namespace loyalpos::e2e {
namespace {

constexpr const char* kWeekendRules = R"(
timezone = "Europe/Moscow"
card_base_url = "https://cafe.example"

[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5

[[stamp_card]]
id = "coffee"
name = "Coffee card"
skus = ["COFFEE", "LATTE"]
every = 3
reward = "bank"

[[promotion]]
id = "weekend"
name = "Weekend: 2 for 1"
kind = "n_for_m"
n = 2
m = 1
skus = ["CROISSANT"]
days = ["sat", "sun"]

[referral]
program = "pastry"
bonus_stamps = 1
)";

class RulesAndCards : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        cli_.run({"init", "--store", "Café Central", "--terminal", "t1", "--sample-catalog"}).code,
        0);
    std::ofstream(cli_.home() + "/config.toml") << kWeekendRules;
  }
  std::string issue(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"card", "issue", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli_.run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? r.json()["token"].get<std::string>() : "";
  }
  Cli cli_;
};

TEST_F(RulesAndCards, WeekendTwoForOneAndTheStampCardInOneBasket) {
  const std::string token = issue();
  cli_.set_env("LOYALPOS_NOW", "2026-11-20T18:00:00");                // Friday, Moscow time
  ASSERT_EQ(cli_.run({"sale", "--card", token, "SIMIT*4"}).code, 0);  // stamps 4

  cli_.set_env("LOYALPOS_NOW", "2026-11-21T10:30:00");  // Saturday
  auto r = cli_.run({"sale", "--card", token, "CROISSANT*2", "ECLAIR", "COFFEE", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto sale = r.json();
  // The paid croissant qualifies for the card like the eclair; the cheaper
  // of the two is the card's fifth, and the eclair earns a stamp.
  EXPECT_EQ(sale["lines"][0]["discount"], 2 * 15000);
  EXPECT_EQ(sale["lines"][0]["reason"], "Weekend: 2 for 1; 5th free — Pastry card");
  EXPECT_EQ(sale["lines"][1]["discount"], 0);
  EXPECT_EQ(sale["total"], 16000 + 17000);
  EXPECT_EQ(sale["promotions"], nlohmann::json::array({"weekend"}));
  EXPECT_EQ(sale["card"]["programs"][0]["stamps"], 1);
  EXPECT_EQ(sale["messages"][0], "Pastry card 1/5 — 4 more for a free one");

  cli_.set_env("LOYALPOS_NOW", "2026-11-23T10:30:00");  // Monday: no 2 for 1
  auto monday = cli_.run({"sale", "CROISSANT*2", "--json"});
  ASSERT_EQ(monday.code, 0) << monday.err;
  EXPECT_EQ(monday.json()["discount"], 0);
}

TEST_F(RulesAndCards, ABankedRewardIsUsedWhenTheCustomerSaysSo) {
  const std::string token = issue();
  auto earn = cli_.run({"sale", "--card", token, "COFFEE*2", "--json"});
  ASSERT_EQ(earn.code, 0) << earn.err;
  EXPECT_EQ(earn.json()["card"]["programs"][1]["rewards_available"], 1);
  auto use = cli_.run({"sale", "--card", token, "--redeem", "coffee", "LATTE", "--json"});
  ASSERT_EQ(use.code, 0) << use.err;
  EXPECT_EQ(use.json()["total"], 0);
  EXPECT_EQ(use.json()["card"]["programs"][1]["rewards_available"], 0);
  auto bad = cli_.run({"sale", "--card", token, "--redeem", "pastry", "CROISSANT"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("applies its rewards by itself"), std::string::npos);
}

TEST_F(RulesAndCards, AReferralGivesBothCardsABonusStamp) {
  const std::string friend_token = issue();
  const std::string token = issue({"--referrer", friend_token});
  ASSERT_EQ(cli_.run({"sale", "--card", token, "CROISSANT"}).code, 0);
  auto shown = cli_.run({"card", "show", friend_token, "--json"});
  EXPECT_EQ(shown.json()["programs"][0]["stamps"], 1);
  auto mine = cli_.run({"card", "show", token, "--json"});
  EXPECT_EQ(mine.json()["programs"][0]["stamps"], 2);
  EXPECT_EQ(mine.json()["stage"], "purchase");
  auto unknown = cli_.run({"card", "issue", "--referrer", "NOTACARD"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("--referrer"), std::string::npos);
}

// A bank card's referral bonus that makes a reward is a reward at once: on
// `card show`, on the receipt, and redeemable the next day, on both cards.
TEST_F(RulesAndCards, ABankCardsReferralBonusCanBeRedeemedTheNextDay) {
  std::ofstream(cli_.home() + "/config.toml") << R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 2
reward = "bank"

[referral]
program = "pastry"
bonus_stamps = 1
)";
  cli_.set_env("LOYALPOS_NOW", "2026-11-23T10:30:00");
  const std::string referrer = issue();
  const std::string token = issue({"--referrer", referrer});
  auto coffee = cli_.run({"sale", "--card", token, "COFFEE"});
  ASSERT_EQ(coffee.code, 0) << coffee.err;
  EXPECT_EQ(coffee.out.find("0 more"), std::string::npos) << coffee.out;
  for (const auto& card : {token, referrer}) {
    auto shown = cli_.run({"card", "show", card});
    EXPECT_NE(shown.out.find("Pastry card 0/2 — 1 free one waiting"), std::string::npos)
        << shown.out;
  }
  cli_.set_env("LOYALPOS_NOW", "2026-11-24T10:30:00");
  for (const auto& card : {token, referrer}) {
    auto pastry = cli_.run({"sale", "--card", card, "--redeem", "pastry", "CROISSANT", "--json"});
    ASSERT_EQ(pastry.code, 0) << pastry.err;
    EXPECT_EQ(pastry.json()["total"], 0);
  }
}

TEST_F(RulesAndCards, TheCardQrDecodesToItsUrl) {
  const std::string png = cli_.dir() + "/card.png";
  const std::string svg = cli_.dir() + "/card.svg";
  auto r = cli_.run({"card", "issue", "--png", png, "--svg", svg, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string url = r.json()["url"];
  EXPECT_EQ(url, "HTTPS://CAFE.EXAMPLE/C/" + r.json()["token"].get<std::string>());
  EXPECT_EQ(hardware::testing::zbar_decode(png), std::vector<std::string>{url});
  EXPECT_NE(slurp(svg).find("<svg"), std::string::npos);
  // The scanner reading that QR attaches the card at the counter.
  auto counter = cli_.run({"counter"}, url + "\r\nTEA\npay cash\n");
  EXPECT_NE(counter.out.find("Card attached"), std::string::npos) << counter.out;
}

TEST_F(RulesAndCards, ACardSheetPrintsCardsThatScan) {
  const std::string pdf = cli_.dir() + "/sheet.pdf";
  auto r = cli_.run({"card", "sheet", "--count", "3", "--out", pdf, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto issued = r.json();
  ASSERT_EQ(issued["tokens"].size(), 3u);
  const std::string page = cli_.dir() + "/page";
  ASSERT_EQ(hardware::testing::run_command("pdftoppm -r 150 -png -singlefile -f 1 -l 1 '" + pdf +
                                           "' '" + page + "'")
                .exit_code,
            0);
  auto found = hardware::testing::zbar_decode(page + ".png");
  std::sort(found.begin(), found.end());
  std::vector<std::string> expected;
  for (const auto& t : issued["tokens"])
    expected.push_back("HTTPS://CAFE.EXAMPLE/C/" + t.get<std::string>());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(found, expected);
  // Every card on the sheet is in the ledger.
  EXPECT_EQ(cli_.run({"card", "show", expected[0].substr(23)}).code, 0);
}

}  // namespace
}  // namespace loyalpos::e2e
