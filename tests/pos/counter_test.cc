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
};

TEST_F(CounterTest, AFullSaleWithACardFromScannedLines) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 4}}, card).ok());
  Counter counter(*sales_, *ledger_, config_, out_);
  EXPECT_NE(say(counter, "4600000000022\r").find("Simit"), std::string::npos);  // barcode
  EXPECT_NE(say(counter, "COFFEE*2").find("340.00"), std::string::npos);
  const std::string attached = say(counter, "https://loyal.example/c/" + card.token);
  EXPECT_NE(attached.find("Card attached"), std::string::npos) << attached;
  EXPECT_NE(attached.find("5th free — Pastry card"), std::string::npos) << attached;
  EXPECT_NE(attached.find(two_columns("TOTAL RUB", "340.00", 48)), std::string::npos)
      << attached;
  const std::string paid = say(counter, "pay card");
  EXPECT_NE(paid.find("Sale 2 recorded"), std::string::npos) << paid;
  EXPECT_NE(paid.find("Pastry card 0/5"), std::string::npos) << paid;
  EXPECT_EQ(count("sales"), 2);
}

TEST_F(CounterTest, BadLinesGetOneLineErrorsAndChangeNothing) {
  Counter counter(*sales_, *ledger_, config_, out_);
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
  Counter counter(*sales_, *ledger_, config_, out_);
  say(counter, "TEA");
  say(counter, "LATTE");
  const std::string after_void = say(counter, "void");
  EXPECT_NE(after_void.find("Turkish tea"), std::string::npos);
  EXPECT_EQ(after_void.find("Latte"), std::string::npos);
  EXPECT_EQ(say(counter, "cancel"), "Basket cancelled.\n");
  EXPECT_EQ(say(counter, "pay cash"), "! the basket is empty\n");
  EXPECT_NE(say(counter, "help").find("pay cash"), std::string::npos);
}

TEST_F(CounterTest, RunReadsLinesUntilQuit) {
  Counter counter(*sales_, *ledger_, config_, out_);
  std::istringstream in("TEA\npay cash\nquit\nCOFFEE\npay cash\n");
  counter.run(in);
  EXPECT_EQ(count("sales"), 1);
}

}  // namespace
}  // namespace loyalpos::pos
