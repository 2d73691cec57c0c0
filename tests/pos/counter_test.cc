#include "pos/counter.h"

#include <sstream>

#include "pos/receipt_text.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class CounterTest : public LedgerTest {
 protected:
  std::string say(Counter& counter, const std::string& line) {
    out_.str("");
    counter.handle(line);
    return out_.str();
  }
  std::ostringstream out_;
  std::string next_config_ = std::string(default_config_text());
  Counter::Reload reload_ = [this]() { return parse_config(next_config_, "config.toml"); };
};

TEST_F(CounterTest, AFullSaleWithACardFromScannedLines) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 4}}, card).ok());
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  EXPECT_NE(say(counter, "4600000000022\r").find("Simit"), std::string::npos);  // barcode
  EXPECT_NE(say(counter, "COFFEE*2").find("340.00"), std::string::npos);
  const std::string attached = say(counter, "https://loyal.example/c/" + card.token);
  EXPECT_NE(attached.find("Card attached"), std::string::npos) << attached;
  EXPECT_NE(attached.find("5th free — Pastry card"), std::string::npos) << attached;
  EXPECT_NE(attached.find(two_columns("TOTAL RUB", "340.00", 48)), std::string::npos) << attached;
  const std::string paid = say(counter, "pay card");
  EXPECT_NE(paid.find("Sale 2 recorded"), std::string::npos) << paid;
  EXPECT_NE(paid.find("Pastry card 0/5"), std::string::npos) << paid;
  EXPECT_EQ(count("sales"), 2);
}

TEST_F(CounterTest, BadLinesGetOneLineErrorsAndChangeNothing) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  EXPECT_EQ(say(counter, "PIZZA"), "! unknown product \"PIZZA\"\n");
  EXPECT_EQ(say(counter, "COFFEE*0").rfind("! quantity", 0), 0u);
  std::string misread = new_card().token;
  misread[0] = misread[0] == '1' ? '2' : '1';
  EXPECT_EQ(say(counter, misread).rfind("! card code failed its check", 0), 0u);
  EXPECT_EQ(say(counter, "pay cash"), "! the basket is empty\n");
  EXPECT_EQ(say(counter, "pay gold"), "! say pay cash or pay card\n");
  EXPECT_EQ(count("sales"), 0);
}

TEST_F(CounterTest, VoidRemovesTheLastItemAndCancelEmptiesTheBasket) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  say(counter, "TEA");
  say(counter, "LATTE");
  const std::string after_void = say(counter, "void");
  EXPECT_NE(after_void.find("Turkish tea"), std::string::npos);
  EXPECT_EQ(after_void.find("Latte"), std::string::npos);
  EXPECT_EQ(say(counter, "cancel"), "Basket cancelled.\n");
  EXPECT_EQ(say(counter, "pay cash"), "! the basket is empty\n");
  EXPECT_NE(say(counter, "help").find("pay cash"), std::string::npos);
}

TEST_F(CounterTest, ReloadAppliesAGoodConfigAndKeepsTheLastGoodOneOnAnError) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  next_config_ = "[[stamp_card]]\nid = \"pastry\"\ncategories = [\"pastry\"]\nevery = 1\n";
  EXPECT_EQ(say(counter, "reload"),
            "! config not reloaded, still using the last good one: config.toml:4: \"every\" must "
            "be from 2 to 1000, got 1\n");
  EXPECT_EQ(config_.rules.stamp_programs[0].every, 5);
  next_config_ = "[[stamp_card]]\nid = \"pastry\"\ncategories = [\"pastry\"]\nevery = 2\n";
  EXPECT_EQ(say(counter, "reload"), "Config reloaded.\n");
  const Card card = new_card();
  say(counter, card.token);
  const std::string basket = say(counter, "CROISSANT*2");
  EXPECT_NE(basket.find("2nd free — pastry"), std::string::npos) << basket;
}

TEST_F(CounterTest, ASkuTypedUnderTheRussianLayoutIsFound) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  // "TEA" typed on a Russian keyboard layout.
  EXPECT_NE(say(counter, "ЕУФ").find("Turkish tea"), std::string::npos) << out_.str();
}

TEST_F(CounterTest, RunReadsLinesUntilQuit) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  std::istringstream in("TEA\npay cash\nquit\nCOFFEE\npay cash\n");
  counter.run(in);
  EXPECT_EQ(count("sales"), 1);
}

}  // namespace
}  // namespace loyalpos::pos
