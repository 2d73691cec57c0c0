// Partial refunds: some items of a sale back, money and card changes pro
// rata, and any sequence of parts adding up to exactly the whole refund.
#include <gtest/gtest.h>

#include <random>

#include "pos/ledger/audit.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos::testing {
namespace {

class PartialRefund : public LedgerTest {
 protected:
  loyalty::ProgramBalance pastry(const Card& card) {
    auto balances = ledger_->balances(card.card_id);
    EXPECT_TRUE(balances.ok());
    for (const auto& b : *balances) {
      if (b.program_id == "pastry") return b;
    }
    return {"pastry", 0, 0, 0};
  }

  bool refunded(std::int64_t sale_id) {
    auto stmt = ledger_->db().prepare("SELECT refunded FROM sales WHERE sale_id = " +
                                      std::to_string(sale_id));
    EXPECT_TRUE(*stmt->step());
    return stmt->column_int(0) == 1;
  }

  void expect_audit_ok() {
    auto audit = audit_ledger(*ledger_);
    EXPECT_TRUE(audit.ok()) << audit.error().message();
  }
};

TEST_F(PartialRefund, SomeItemsBackThenTheRest) {
  auto card = new_card();
  auto sale = sell({{"CROISSANT", 3}, {"COFFEE", 1}}, card);
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(pastry(card).stamps, 3);

  auto one = sales_->refund(sale->sale_id, {{"croissant", 1}});
  ASSERT_TRUE(one.ok()) << one.error().message();
  EXPECT_EQ(one->amount, 15000);
  EXPECT_FALSE(one->complete);
  ASSERT_EQ(one->lines.size(), 1u);
  EXPECT_EQ(one->lines[0].sku, "CROISSANT");
  EXPECT_EQ(one->lines[0].qty, 1);
  EXPECT_EQ(pastry(card).stamps, 2) << "the returned croissant's stamp goes back";
  EXPECT_FALSE(refunded(sale->sale_id)) << "still a visit";
  expect_audit_ok();

  auto rest = sales_->refund(sale->sale_id);
  ASSERT_TRUE(rest.ok()) << rest.error().message();
  EXPECT_EQ(rest->amount, 2 * 15000 + 17000);
  EXPECT_TRUE(rest->complete);
  EXPECT_EQ(pastry(card).stamps, 0);
  EXPECT_TRUE(refunded(sale->sale_id));
  expect_audit_ok();

  auto again = sales_->refund(sale->sale_id, {{"COFFEE", 1}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
}

TEST_F(PartialRefund, NeverMoreThanTheSaleHad) {
  auto sale = sell({{"CROISSANT", 2}});
  ASSERT_TRUE(sale.ok());
  auto too_many = sales_->refund(sale->sale_id, {{"CROISSANT", 3}});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().message(), "sale 1 has 2 CROISSANT left to refund, not 3");
  auto other = sales_->refund(sale->sale_id, {{"TEA", 1}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message(), "sale 1 has no TEA");
  EXPECT_EQ(count("refunds"), 0) << "a refused refund changes nothing";
  ASSERT_TRUE(sales_->refund(sale->sale_id, {{"CROISSANT", 2}}).ok());
  EXPECT_TRUE(refunded(sale->sale_id)) << "every unit back: the sale is refunded";
  EXPECT_FALSE(sales_->refund(sale->sale_id, {{"CROISSANT", 1}}).ok());
}

TEST_F(PartialRefund, AReferrersBonusGoesBackWithTheLastUnit) {
  config_.rules.referral = {"pastry", 2};
  auto referrer = new_card();
  auto card = ledger_->issue_card(*random_card_id(), clock_.now_unix(), referrer);
  ASSERT_TRUE(card.ok());
  auto sale = sell({{"CROISSANT", 2}}, *card);
  ASSERT_TRUE(sale.ok());
  const auto bonus = pastry(referrer).stamps;
  ASSERT_GT(bonus, 0);
  ASSERT_TRUE(sales_->refund(sale->sale_id, {{"CROISSANT", 1}}).ok());
  EXPECT_EQ(pastry(referrer).stamps, bonus) << "the first purchase still stands";
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(pastry(referrer).stamps, 0);
  expect_audit_ok();
}

// Any sale, split into any parts returned in any order: the parts add up to
// the sale's total and undo exactly what the sale did to the card.
TEST_F(PartialRefund, PartsInAnyOrderAddUpToTheWholeRefund) {
  const char* skus[] = {"CROISSANT", "COFFEE", "BAKLAVA", "TEA", "SIMIT", "ECLAIR"};
  std::mt19937 rng(20261130);
  for (int round = 0; round < 40; ++round) {
    auto card = new_card();
    // Some history first, so the card holds stamps and maybe a reward.
    ASSERT_TRUE(sell({{"CROISSANT", 1 + static_cast<std::int64_t>(rng() % 6)}}, card).ok());
    const auto before = pastry(card);
    std::vector<ItemRequest> items;
    for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
      items.push_back({skus[rng() % 6], 1 + static_cast<std::int64_t>(rng() % 7)});
    }
    auto sale = sell(items, card);
    ASSERT_TRUE(sale.ok()) << sale.error().message();
    // The units, one entry each, shuffled, cut into random parts.
    const auto parts = random_refund_parts(*sale, rng);
    std::int64_t refunded_total = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& part = parts[i];
      auto refund = sales_->refund(sale->sale_id, part);
      ASSERT_TRUE(refund.ok()) << refund.error().message();
      EXPECT_EQ(refund->complete, i + 1 == parts.size());
      refunded_total += refund->amount;
      EXPECT_LE(refunded_total, sale->priced.total);
    }
    EXPECT_EQ(refunded_total, sale->priced.total) << "round " << round;
    const auto after = pastry(card);
    EXPECT_EQ(after.stamps, before.stamps) << "round " << round;
    EXPECT_EQ(after.rewards, before.rewards) << "round " << round;
    EXPECT_TRUE(refunded(sale->sale_id));
  }
  expect_audit_ok();
}

}  // namespace
}  // namespace loyalpos::pos::testing
