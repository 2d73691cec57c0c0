// What head office decides, end to end with real processes on loopback:
// rules and a catalog published with `journeyd publish` reach the tills at
// their next sync and price their next sale; a file that does not read is
// refused before any till sees it; and a banked reward redeemed offline in
// two shops is listed by `journeyd report conflicts` and left owing on the
// card, paid off by its next purchases.
#include <gtest/gtest.h>

#include <fstream>

#include "sync/store/store.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/journeyd/till.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

// The café's pastry card, banked, every third pastry.
constexpr const char* kBankEveryThird = R"toml(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 3
reward = "bank"
)toml";

class HeadOffice : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    data_ = tmp_.file("data");
    const std::string listen = "127.0.0.1:" + std::to_string(free_port());
    ASSERT_EQ(run_journeyd({"init", "--data", data_, "--listen", listen}).status, 0);
    server_ = std::make_unique<Server>(data_, "", listen);
    ASSERT_NE(server_->port(), 0) << server_->first_line();
  }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
  }

  std::unique_ptr<Till> enrolled_till(const std::string& store, const std::string& name) {
    const std::string bundle = tmp_.file(name + ".json");
    auto r = run_journeyd(
        {"enroll", "--data", data_, "--store", store, "--terminal", name, "--out", bundle});
    EXPECT_EQ(r.status, 0) << r.out;
    auto till = std::make_unique<Till>(name);
    auto joined = till->run({"enroll", bundle});
    EXPECT_EQ(joined.code, 0) << joined.err;
    return till;
  }

  std::string file(const std::string& name, const std::string& text) {
    const std::string path = tmp_.file(name);
    std::ofstream(path) << text;
    return path;
  }

  CommandRun publish(const std::string& path) {
    return run_journeyd({"publish", "--data", data_, path});
  }

  static nlohmann::json synced(const Till& till) {
    auto r = till.run({"sync"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? r.json() : nlohmann::json();
  }

  testing::TempDir tmp_{"head-office"};
  std::string data_;
  std::unique_ptr<Server> server_;
};

TEST_F(HeadOffice, PublishedRulesAndCatalogPriceTheTillsNextSale) {
  auto till = enrolled_till("Main St", "till-1");
  const std::string card = till->run({"card", "issue"}).json()["token"];

  // A rules file with a typo, or with the shop's own settings, is refused
  // at head office and reaches no till.
  auto typo = publish(file("typo.toml", "[[stamp_card]]\nid = \"pastry\"\nevery = three\n"));
  EXPECT_EQ(typo.status, 2) << typo.out;
  EXPECT_NE(typo.out.find("typo.toml:3"), std::string::npos) << typo.out;
  auto own = publish(file("own.toml", "[printer]\ntype = \"none\"\n"));
  EXPECT_EQ(own.status, 2) << own.out;
  auto bad_csv = publish(file("bad.csv", "sku,name,category,price\nTEA,Tea,drinks,abc\n"));
  EXPECT_EQ(bad_csv.status, 2) << bad_csv.out;
  EXPECT_NE(bad_csv.out.find("line 2"), std::string::npos) << bad_csv.out;
  auto nothing = synced(*till);
  EXPECT_EQ(nothing["rules_version"], 0);
  EXPECT_EQ(nothing["catalog_version"], 0);

  auto rules = publish(file("rules.toml", kBankEveryThird));
  ASSERT_EQ(rules.status, 0) << rules.out;
  EXPECT_NE(rules.out.find("1 stamp card"), std::string::npos) << rules.out;
  auto catalog = publish(file("catalog.csv",
                              "sku,name,category,price\n"
                              "CROISSANT,Croissant,pastry,155\n"
                              "KOMPOT,Kompot,drinks,90\n"));
  ASSERT_EQ(catalog.status, 0) << catalog.out;

  auto got = synced(*till);
  EXPECT_GT(got["rules_version"].get<std::int64_t>(), 0) << got.dump();
  EXPECT_GT(got["catalog_version"].get<std::int64_t>(), 0);
  EXPECT_EQ(got["catalog_products"], 2);

  // The next sale: the new price, and every third pastry banks a reward.
  auto sale = till->run({"sale", "--card", card, "CROISSANT*3", "KOMPOT"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_EQ(sale.json()["total"], 3 * 15500 + 9000) << sale.json().dump();
  EXPECT_EQ(sale.json()["card"]["programs"][0]["mode"], "bank");
  EXPECT_EQ(sale.json()["card"]["programs"][0]["rewards_available"], 1);

  // Nothing new: the next sync receives nothing again.
  auto again = synced(*till);
  EXPECT_EQ(again["rules_version"], 0);
  EXPECT_EQ(again["catalog_version"], 0);
}

TEST_F(HeadOffice, RulesThatDoNotReadOnTheTillAreRefusedThereAndChangeNothing) {
  auto till = enrolled_till("Main St", "till-1");
  // Straight into the store, as an older journeyd without the check could.
  {
    auto store = sync::make_store("sqlite:" + data_ + "/journey.db");
    ASSERT_TRUE(store.ok()) << store.error().message();
    ASSERT_TRUE((*store)->publish("rules", "[[stamp_card]]\nid = \"pastry\"\nevery = 1\n").ok());
  }
  auto r = till->run({"sync"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("head office's rules version"), std::string::npos) << r.err;
  auto status = till->run({"sync", "status"});
  EXPECT_NE(status.json()["last_error"].get<std::string>().find("rules"), std::string::npos);
  // The till sells with its own rules.
  auto sale = till->run({"sale", "CROISSANT"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_EQ(sale.json()["total"], 15000);
}

TEST_F(HeadOffice, ARewardRedeemedInTwoShopsOfflineIsListedAndOwed) {
  ASSERT_EQ(publish(file("rules.toml", kBankEveryThird)).status, 0);
  auto first = enrolled_till("Main St", "till-1");
  auto second = enrolled_till("Station Rd", "till-2");
  synced(*second);

  const std::string card = first->run({"card", "issue"}).json()["token"];
  synced(*first);  // the rules
  ASSERT_EQ(first->run({"sale", "--card", card, "CROISSANT*3"}).code, 0);
  synced(*first);
  synced(*second);  // the card's reward reaches the second shop
  EXPECT_EQ(second->card(card)["programs"][0]["rewards_available"], 1);

  // No sync in between: each shop redeems the one reward.
  for (const Till* till : {first.get(), second.get()}) {
    auto redeemed = till->run({"sale", "--card", card, "--redeem", "pastry", "CROISSANT"});
    ASSERT_EQ(redeemed.code, 0) << redeemed.err;
    EXPECT_EQ(redeemed.json()["total"], 0) << redeemed.json().dump();
  }
  for (int round = 0; round < 2; ++round) {
    synced(*first);
    synced(*second);
  }
  // Both shops agree the card owes the reward.
  for (const Till* till : {first.get(), second.get()}) {
    const auto shown = till->card(card)["programs"][0];
    EXPECT_EQ(shown["rewards_available"], -1) << shown.dump();
    EXPECT_EQ(shown["stamps"], 1);  // left from the three that earned the reward
  }

  auto report = run_journeyd({"report", "conflicts", "--data", data_, "--json"});
  ASSERT_EQ(report.status, 0) << report.out;
  const auto listed = nlohmann::json::parse(report.out.substr(report.out.find('{')));
  ASSERT_EQ(listed["conflicts"].size(), 1u) << listed.dump();
  const auto& conflict = listed["conflicts"][0];
  EXPECT_EQ(conflict["card_id"], first->card(card)["card_id"]);
  EXPECT_EQ(conflict["program"], "pastry");
  EXPECT_EQ(conflict["rewards_now"], -1);
  ASSERT_EQ(conflict["spends"].size(), 2u);
  EXPECT_NE(conflict["spends"][0]["terminal"], conflict["spends"][1]["terminal"]);
  EXPECT_EQ(conflict["spends"][0]["overdrew"], false);
  EXPECT_EQ(conflict["spends"][1]["overdrew"], true);

  // A card owing a reward has none to redeem: the pastry is paid for, and
  // its stamp with the one left over pays the reward back (a reward is
  // every - 1 = 2 stamps).
  auto paying = first->run({"sale", "--card", card, "--redeem", "pastry", "CROISSANT"});
  ASSERT_EQ(paying.code, 0) << paying.err;
  EXPECT_EQ(paying.json()["total"], 15000);
  synced(*first);
  synced(*second);
  for (const Till* till : {first.get(), second.get()}) {
    const auto shown = till->card(card)["programs"][0];
    EXPECT_EQ(shown["rewards_available"], 0) << shown.dump();
    EXPECT_EQ(shown["stamps"], 0);
  }
  auto text = run_journeyd({"report", "conflicts", "--data", data_});
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("1 card spent in two shops"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("paid off since"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Main St / till-1"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Station Rd / till-2"), std::string::npos) << text.out;
}

TEST_F(HeadOffice, NoConflictsIsSaidInWords) {
  auto text = run_journeyd({"report", "conflicts", "--data", data_});
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("No conflicts"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace loyalpos::journeyd
