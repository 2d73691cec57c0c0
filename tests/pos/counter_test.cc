#include "pos/app/counter.h"

#include <sstream>

#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/receipt_text.h"
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

TEST_F(CounterTest, AScanEndedByTabDoesNotRunIntoTheNextLine) {
  const Card card = new_card();
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  std::istringstream in("TEA\thttps://loyal.example/C/" + card.token + "\tpay cash\nquit\n");
  counter.run(in);
  EXPECT_NE(out_.str().find("Card attached"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Sale 1 recorded"), std::string::npos) << out_.str();
  auto history = sales_->history(card);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->visits, 1);
}

constexpr const char* kPastryPromotion =
    "\n[[promotion]]\nid = \"pastry10\"\nname = \"Pastry -10%\"\nkind = \"percent_off\"\n"
    "percent = 10\ncategories = [\"pastry\"]\n";

std::int64_t pastry_stamps(SaleService& sales, const Card& card) {
  auto history = sales.history(card);
  EXPECT_TRUE(history.ok());
  if (!history.ok()) return -1;
  for (const auto& b : history->balances) {
    if (b.program_id == "pastry") return b.stamps;
  }
  return 0;
}

TEST_F(CounterTest, SkipTakesAPromotionOffOneBasketForTheStampInstead) {
  const Card card = new_card();
  next_config_ += kPastryPromotion;
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  ASSERT_EQ(say(counter, "reload"), "Config reloaded.\n");
  say(counter, card.token);
  EXPECT_NE(say(counter, "CROISSANT").find("Pastry -10%"), std::string::npos) << out_.str();
  EXPECT_NE(say(counter, "skip PASTRY10").find("taken off this basket"), std::string::npos);
  say(counter, "cancel");
  say(counter, card.token);
  say(counter, "CROISSANT");
  EXPECT_EQ(say(counter, "skip weekend"),
            "! no promotion \"weekend\"; the promotions are: pastry10\n");
  EXPECT_EQ(say(counter, "skip"), "! say skip PROMOTION, e.g. skip pastry10\n");
  const std::string skipped = say(counter, "skip pastry10");
  EXPECT_NE(skipped.find("Pastry -10% taken off this basket."), std::string::npos) << skipped;
  EXPECT_NE(skipped.find("Skipped: Pastry -10% (pastry10)"), std::string::npos) << skipped;
  EXPECT_EQ(skipped.find("   Pastry -10%"), std::string::npos) << skipped;  // no discount line
  const std::string paid = say(counter, "pay cash");
  EXPECT_NE(paid.find("Sale 1 recorded"), std::string::npos) << paid;
  EXPECT_EQ(pastry_stamps(*sales_, card), 1);  // the stamp the customer wanted

  // The next basket has the promotion again, and cancel forgets a skip.
  EXPECT_NE(say(counter, "CROISSANT").find("   Pastry -10%"), std::string::npos) << out_.str();
  say(counter, "skip pastry10");
  say(counter, "cancel");
  const std::string again = say(counter, "CROISSANT");
  EXPECT_NE(again.find("   Pastry -10%"), std::string::npos) << again;
  EXPECT_EQ(again.find("Skipped"), std::string::npos) << again;
}

TEST_F(CounterTest, NocardDetachesTheCardAndKeepsTheBasket) {
  const Card card = new_card();
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  EXPECT_EQ(say(counter, "nocard"), "! no card is attached\n");
  say(counter, "TEA");
  say(counter, "CROISSANT*2");
  EXPECT_NE(say(counter, card.token).find("Card: "), std::string::npos) << out_.str();
  const std::string detached = say(counter, "nocard");
  EXPECT_EQ(detached.rfind("Card detached.\n", 0), 0u) << detached;
  EXPECT_NE(detached.find("Turkish tea"), std::string::npos) << detached;
  EXPECT_NE(detached.find("Croissant x2"), std::string::npos) << detached;
  EXPECT_EQ(detached.find("Card: "), std::string::npos) << detached;
  EXPECT_NE(say(counter, "pay cash").find("Sale 1 recorded"), std::string::npos) << out_.str();
  auto stmt = ledger_->db().prepare("SELECT card_id IS NULL, line_count FROM sales");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->column_int(0), 1);
  EXPECT_EQ(stmt->column_int(1), 2);
  EXPECT_EQ(pastry_stamps(*sales_, card), 0);
}

TEST_F(CounterTest, APhoneNumberFindsTheCardOfACustomerWhoForgotIt) {
  const Card card = new_card();
  ASSERT_TRUE(attach_phone(*ledger_, card, "+7 999 123-45-67", 1000).ok());
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  say(counter, "CROISSANT");
  EXPECT_EQ(say(counter, "phone 8 999 123-45-68"), "! no card\n");
  EXPECT_EQ(say(counter, "phone"), "! say phone NUMBER, e.g. phone 8 999 123-45-67\n");
  EXPECT_EQ(say(counter, "phone 12").rfind("! that is not a whole phone number", 0), 0u);
  const std::string attached = say(counter, "phone 89991234567");
  EXPECT_NE(attached.find("Card attached"), std::string::npos) << attached;
  EXPECT_EQ(attached.find("999"), std::string::npos) << attached;  // never shown back
  EXPECT_NE(say(counter, "pay cash").find("Sale 1 recorded"), std::string::npos) << out_.str();
  EXPECT_EQ(pastry_stamps(*sales_, card), 1);
}

}  // namespace
}  // namespace loyalpos::pos
