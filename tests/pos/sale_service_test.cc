#include "pos/ledger/sale_service.h"

#include "pos/ledger/audit.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class SaleServiceTest : public LedgerTest {};

TEST_F(SaleServiceTest, ACardSaleWritesSaleLinesBalanceAndEventsTogether) {
  const Card card = new_card();
  auto sale = sell({{"CROISSANT", 2}, {"COFFEE", 1}}, card);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->priced.total, 2 * 15000 + 17000);
  EXPECT_EQ(count("sales"), 1);
  EXPECT_EQ(count("sale_lines_json WHERE json_array_length(lines) = 2"), 1);
  ASSERT_TRUE(sale->card);
  EXPECT_EQ(sale->card->visits, 1);
  ASSERT_EQ(sale->card->balances.size(), 1u);
  EXPECT_EQ(sale->card->balances[0].stamps, 2);
  auto audit = audit_ledger(*ledger_);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  // terminal.initialized, card.issued, sale.completed, card.stamps, card.stage
  EXPECT_EQ(audit->events, 5);
}

TEST_F(SaleServiceTest, FivePastriesOverThreeVisitsMakeTheFifthFree) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  ASSERT_TRUE(sell({{"SIMIT", 1}, {"TEA", 1}}, card).ok());
  auto third = sell({{"ECLAIR", 1}, {"BAKLAVA", 1}}, card);
  ASSERT_TRUE(third.ok());
  // Stamps were 3: the two pastries are the 4th and the 5th; the cheaper (eclair) is free.
  EXPECT_EQ(third->priced.discount, 16000);
  EXPECT_EQ(third->priced.lines[0].reason(), "5th free — Pastry card");
  EXPECT_EQ(third->card->balances[0].stamps, 0);
  EXPECT_EQ(third->card->visits, 3);
}

TEST_F(SaleServiceTest, ASaleWithoutACardEarnsNothing) {
  auto sale = sell({{"CROISSANT", 5}});
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(sale->priced.discount, 0);
  EXPECT_FALSE(sale->card);
  EXPECT_EQ(count("card_programs"), 0);
}

TEST_F(SaleServiceTest, BarcodesAndLowerCaseSkusFindProducts) {
  auto sale = sell({{"4600000000039", 1}, {"coffee", 1}});
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->priced.lines[0].product.sku, "CROISSANT");
  EXPECT_EQ(sale->priced.lines[1].product.sku, "COFFEE");
}

TEST_F(SaleServiceTest, UnknownProductIsAnErrorAndRecordsNothing) {
  auto sale = sell({{"CROISSANT", 1}, {"PIZZA", 1}});
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(sale.error().message().find("PIZZA"), std::string::npos);
  EXPECT_EQ(count("sales"), 0);
  EXPECT_EQ(count("events"), 1);
}

// A misread card is refused; a well-formed one this ledger never issued is a
// card from another shop (peer_events_test.cc has the rest).
TEST_F(SaleServiceTest, MisreadCardIsAnErrorAndRecordsNothing) {
  const Card card = new_card();
  std::string misread = card.token;
  misread[5] = misread[5] == 'A' ? 'B' : 'A';
  auto bad = sell({{"CROISSANT", 1}}, Card{card.card_id, misread, 0, std::nullopt});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("check"), std::string::npos);
  EXPECT_EQ(count("sales"), 0);
  EXPECT_EQ(count("cards"), 1);
  auto elsewhere = sales_->resolve_card(loyalty::encode_token(*random_card_id()));
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.error().message();
  EXPECT_EQ(count("cards"), 2);
}

TEST_F(SaleServiceTest, PaymentMustBeCashOrCard) {
  auto sale = sell({{"CROISSANT", 1}}, std::nullopt, "bitcoin");
  ASSERT_FALSE(sale.ok());
  EXPECT_NE(sale.error().message().find("cash or card"), std::string::npos);
  EXPECT_EQ(count("sales"), 0);
}

TEST_F(SaleServiceTest, RefundTakesBackStampsItEarned) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 1}}, card).ok());
  auto sale = sell({{"CROISSANT", 2}}, card);
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(sale->card->balances[0].stamps, 3);
  auto refund = sales_->refund(sale->sale_id);
  ASSERT_TRUE(refund.ok()) << refund.error().message();
  EXPECT_EQ(refund->amount, 30000);
  EXPECT_EQ(refund->stamps_taken_back, 2);
  EXPECT_EQ(refund->card->balances[0].stamps, 1);
  EXPECT_EQ(refund->card->visits, 1);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
}

TEST_F(SaleServiceTest, RefundGivesBackTheRewardItUsed) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 4}}, card).ok());
  auto free_one = sell({{"SIMIT", 1}}, card);
  ASSERT_TRUE(free_one.ok());
  EXPECT_EQ(free_one->priced.total, 0);
  auto refund = sales_->refund(free_one->sale_id);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->rewards_given_back, 1);
  EXPECT_EQ(refund->card->balances[0].stamps, 4);  // the four stamps the free one used
  // The given-back reward makes the next pastry free, as before the refund.
  auto again = sell({{"ECLAIR", 1}}, card);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->priced.total, 0);
  EXPECT_EQ(again->card->balances[0].stamps, 0);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
}

TEST_F(SaleServiceTest, ASaleIsRefundedOnceAndUnknownSalesAreErrors) {
  auto sale = sell({{"COFFEE", 1}});
  ASSERT_TRUE(sale.ok());
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  auto twice = sales_->refund(sale->sale_id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  auto unknown = sales_->refund(999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(count("refunds"), 1);
}

TEST(ParseItem, ReadsSkuAndQuantity) {
  EXPECT_EQ(parse_item("CROISSANT")->qty, 1);
  auto three = parse_item("CROISSANT*3");
  EXPECT_EQ(three->code, "CROISSANT");
  EXPECT_EQ(three->qty, 3);
  for (const char* bad : {"CROISSANT*0", "CROISSANT*-1", "CROISSANT*1000", "CROISSANT*", "*2",
                          "CROISSANT*x", "CROISSANT*99999999999999999999"}) {
    EXPECT_FALSE(parse_item(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace loyalpos::pos
