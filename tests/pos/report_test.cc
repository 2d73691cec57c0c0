#include "pos/ledger/report.h"

#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class ReportTest : public LedgerTest {};

TEST_F(ReportTest, SumsTheDayByPaymentWithStampsRewardsAndRefunds) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 5}}, card, "card").ok());  // 4 stamps, 1 free
  ASSERT_TRUE(sell({{"COFFEE", 1}}, std::nullopt, "cash").ok());
  auto refunded = sell({{"TEA", 1}}, std::nullopt, "cash");
  ASSERT_TRUE(refunded.ok());
  ASSERT_TRUE(sales_->refund(refunded->sale_id).ok());

  auto day = day_report(*ledger_, clock_.local_date(clock_.now_unix()));
  ASSERT_TRUE(day.ok()) << day.error().message();
  EXPECT_EQ(day->sales, 3);
  EXPECT_EQ(day->revenue, 4 * 15000 + 17000 + 8000);
  EXPECT_EQ(day->discounts, 15000);
  EXPECT_EQ(day->stamps_given, 4);
  EXPECT_EQ(day->rewards_redeemed, 1);
  EXPECT_EQ(day->refunds, 1);
  EXPECT_EQ(day->refunded, 8000);
  EXPECT_EQ(day->by_payment["card"].sales, 1);
  EXPECT_EQ(day->by_payment["cash"].revenue, 17000 + 8000);
}

TEST_F(ReportTest, AnotherDayIsEmpty) {
  ASSERT_TRUE(sell({{"COFFEE", 1}}).ok());
  auto day = day_report(*ledger_, "2001-01-01");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 0);
  EXPECT_EQ(day->revenue, 0);
}

}  // namespace
}  // namespace loyalpos::pos
