// What head office publishes, on the terminal (pos/ledger/published.h): rules
// that replace the config's between sales and never inside one, catalogs
// imported whole or not at all, and files that do not read changing nothing.
#include "pos/ledger/published.h"

#include <gtest/gtest.h>

#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

// The sample café's pastry card, but every third pastry free.
constexpr const char* kEveryThird = R"toml(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 3
)toml";

TEST(PublishedRules, ReadOnlyTheLoyaltyTables) {
  auto rules = parse_published_rules(kEveryThird, "rules.toml", kDefaultCurrency,
                                     loyalty::Language::kRussian);
  ASSERT_TRUE(rules.ok()) << rules.error().message();
  ASSERT_EQ(rules->stamp_programs.size(), 1u);
  EXPECT_EQ(rules->stamp_programs[0].every, 3);
  EXPECT_EQ(rules->language, loyalty::Language::kRussian);  // the shop's own

  // The shop's own settings are not head office's to publish.
  auto printer = parse_published_rules("[printer]\ntype = \"none\"\n", "rules.toml",
                                       kDefaultCurrency, loyalty::Language::kEnglish);
  ASSERT_FALSE(printer.ok());
  EXPECT_NE(printer.error().message().find("rules.toml:1"), std::string::npos)
      << printer.error().message();
  EXPECT_NE(printer.error().message().find("\"printer\""), std::string::npos);

  auto broken = parse_published_rules("[[stamp_card]]\nid = \n", "rules.toml", kDefaultCurrency,
                                      loyalty::Language::kEnglish);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message().find("rules.toml:2"), std::string::npos)
      << broken.error().message();
}

class Published : public LedgerTest {
 protected:
  std::int64_t total(SaleService& sales, const Card& card) {
    SaleRequest request;
    request.items = {{"CROISSANT", 3}};
    request.card_token = card.token;
    auto sale = sales.sell(request);
    EXPECT_TRUE(sale.ok()) << sale.error().message();
    return sale.ok() ? sale->priced.total : -1;
  }
};

TEST_F(Published, NewerRulesReplaceTheConfigsAtTheNextSale) {
  SaleService following(*ledger_, config_.rules, clock_, parse_published_rules);
  const Card card = new_card();
  EXPECT_EQ(total(following, card), 45000);  // every fifth: nothing free yet

  ASSERT_TRUE(store_published_rules(*ledger_, 4, kEveryThird, clock_.now_unix()).ok());
  EXPECT_EQ(config_.rules.published_version, 0);   // nothing changes until the next sale
  EXPECT_EQ(total(following, new_card()), 30000);  // every third: one of three free
  EXPECT_EQ(config_.rules.published_version, 4);
  EXPECT_EQ(config_.rules.stamp_programs[0].every, 3);  // what the front end shows, too

  // An older or the same version changes nothing.
  ASSERT_TRUE(store_published_rules(*ledger_, 3, "", clock_.now_unix()).ok());
  ASSERT_TRUE(store_published_rules(*ledger_, 4, "", clock_.now_unix()).ok());
  auto held = published_after(*ledger_, "rules", 0);
  ASSERT_TRUE(held.ok() && *held);
  EXPECT_EQ((*held)->version, 4);
  EXPECT_EQ((*held)->text, kEveryThird);
}

TEST_F(Published, AServiceWithFixedRulesIgnoresThem) {
  ASSERT_TRUE(store_published_rules(*ledger_, 1, kEveryThird, clock_.now_unix()).ok());
  const Config fixed = config_;
  SaleService sales(*ledger_, fixed.rules, clock_);
  EXPECT_EQ(total(sales, new_card()), 45000);
}

TEST_F(Published, RulesThatNoLongerReadArePassedOverAndSalesGoOn) {
  SaleService following(*ledger_, config_.rules, clock_, parse_published_rules);
  ASSERT_TRUE(store_published_rules(*ledger_, 2, "[[stamp_card]]\nevery = 1\n", 0).ok());
  Status refreshed = following.refresh_published_rules();
  ASSERT_FALSE(refreshed.ok());
  EXPECT_NE(refreshed.error().message().find("head office's rules version 2"), std::string::npos)
      << refreshed.error().message();
  EXPECT_EQ(total(following, new_card()), 45000);         // the config's rules still price
  EXPECT_TRUE(following.refresh_published_rules().ok());  // not read again
  ASSERT_TRUE(store_published_rules(*ledger_, 3, kEveryThird, 0).ok());
  EXPECT_EQ(total(following, new_card()), 30000);  // a newer version that reads is taken
}

TEST_F(Published, ACatalogIsImportedWholeWithItsVersion) {
  const std::string csv =
      "sku,name,category,price\nCROISSANT,Croissant,pastry,155\nKOMPOT,Kompot,drinks,90\n";
  auto imported = apply_published_catalog(*ledger_, 7, csv, clock_.now_unix());
  ASSERT_TRUE(imported.ok()) << imported.error().message();
  EXPECT_EQ(*imported, 2u);
  auto croissant = ledger_->find_product("CROISSANT");
  ASSERT_TRUE(croissant.ok() && *croissant);
  EXPECT_EQ((*croissant)->price, 15500);
  EXPECT_EQ(*published_version(*ledger_, "catalog"), 7);
  ASSERT_TRUE(ledger_->find_product("SIMIT")->has_value());  // what it does not list stays

  // The same version again imports nothing.
  EXPECT_EQ(*apply_published_catalog(*ledger_, 7, csv, clock_.now_unix()), 0u);

  // A catalog with a bad line changes nothing, not even its first lines.
  const std::int64_t products = count("products");
  auto bad = apply_published_catalog(
      *ledger_, 8, "sku,name,category,price\nCROISSANT,Croissant,pastry,1\nTEA,Tea,drinks,abc\n",
      clock_.now_unix());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("head office's catalog version 8"), std::string::npos)
      << bad.error().message();
  EXPECT_EQ((*ledger_->find_product("CROISSANT"))->price, 15500);
  EXPECT_EQ(count("products"), products);
  EXPECT_EQ(*published_version(*ledger_, "catalog"), 7);

  // One that reads but cannot be imported (a barcode another product has)
  // is rolled back whole, with its version.
  auto clash = apply_published_catalog(*ledger_, 9,
                                       "sku,name,category,price,barcode\n"
                                       "CROISSANT,Croissant,pastry,1,\n"
                                       "BUN,Bun,pastry,100,4600000000015\n",
                                       clock_.now_unix());
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ((*ledger_->find_product("CROISSANT"))->price, 15500);
  EXPECT_EQ(count("products"), products);
  EXPECT_EQ(*published_version(*ledger_, "catalog"), 7);
}

}  // namespace
}  // namespace loyalpos::pos
