// Offers at the sale: promotion codes recorded with their touchpoints in
// sale.completed, and usage limits counted from the ledger's events.
#include "pos/ledger/audit.h"
#include "pos/ledger/sale_service.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class SaleOffersTest : public LedgerTest {
 protected:
  // The service prices with config_.rules, by reference.
  void add(loyalty::Promotion promo) { config_.rules.promotions.push_back(std::move(promo)); }

  static loyalty::Promotion half_price_pastry(const std::string& id) {
    loyalty::Promotion p;
    p.id = id;
    p.name = id;
    p.kind = loyalty::PromotionKind::kPercentOff;
    p.percent = 50;
    p.items.categories = {"pastry"};
    return p;
  }

  Result<SaleRecord> sell_with(std::vector<ItemRequest> items, std::vector<std::string> codes,
                               const std::optional<Card>& card = {}) {
    SaleRequest request;
    request.items = std::move(items);
    request.codes = std::move(codes);
    if (card) request.card_token = card->token;
    return sales_->sell(request);
  }

  std::string payload_of_sale(std::int64_t sale_id, const std::string& path) {
    auto stmt = ledger_->db().prepare(
        "SELECT json_extract(payload, ?2) FROM events WHERE type = 'sale.completed'"
        " AND sale_id = ?1");
    EXPECT_TRUE(stmt.ok());
    stmt->bind(1, sale_id).bind(2, path);
    auto row = stmt->step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->column_text(0);
  }
};

TEST_F(SaleOffersTest, ACodeUnlocksItsPromotionAndTheSaleRecordsItsSource) {
  auto promo = half_price_pastry("vk-post");
  promo.code = "VK2611";
  promo.source = "vk-post-2026-11";
  add(promo);
  auto plain = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->priced.discount, 0);
  EXPECT_EQ(payload_of_sale(plain->sale_id, "$.codes"), "[]");

  auto coded = sell_with({{"CROISSANT", 1}}, {"vk2611"});
  ASSERT_TRUE(coded.ok()) << coded.error().message();
  EXPECT_EQ(coded->priced.discount, 7500);
  EXPECT_EQ(payload_of_sale(coded->sale_id, "$.codes"),
            R"([{"code":"VK2611","source":"vk-post-2026-11"}])");
  EXPECT_EQ(payload_of_sale(coded->sale_id, "$.promotions"), R"(["vk-post"])");
  auto audit = audit_ledger(*ledger_);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(SaleOffersTest, AnUnknownCodeIsRefusedAndRecordsNothing) {
  auto promo = half_price_pastry("vk-post");
  promo.code = "VK2611";
  add(promo);
  const auto events = count("events");
  auto sale = sell_with({{"CROISSANT", 1}}, {"VK2612"});
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().message(), "unknown code \"VK2612\"");
  EXPECT_EQ(count("sales"), 0);
  EXPECT_EQ(count("events"), events);
}

TEST_F(SaleOffersTest, UsesAreCountedFromTheLedgerAndARefundGivesOneBack) {
  auto promo = half_price_pastry("first-2");
  promo.max_uses = 2;
  add(promo);
  auto first = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->priced.discount, 7500);
  ASSERT_TRUE(sell({{"COFFEE", 1}}).ok());  // not a use: no pastry
  auto second = sell({{"SIMIT", 1}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->priced.discount, 4500);
  auto third = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->priced.discount, 0);  // the limit is reached
  EXPECT_TRUE(third->priced.promotions_applied.empty());

  ASSERT_TRUE(sales_->refund(first->sale_id).ok());
  auto again = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->priced.discount, 7500);  // the refunded use came back
  auto over = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->priced.discount, 0);
}

TEST_F(SaleOffersTest, APerCardLimitCountsEachCardApart) {
  auto promo = half_price_pastry("welcome-once");
  promo.max_uses_per_card = 1;
  add(promo);
  const Card anna = new_card();
  const Card boris = new_card();
  auto anonymous = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->priced.discount, 0);  // a per-card offer needs a card
  auto a1 = sell({{"COFFEE", 1}, {"CROISSANT", 1}}, anna);
  ASSERT_TRUE(a1.ok());
  EXPECT_EQ(a1->priced.discount, 7500);
  auto a2 = sell({{"CROISSANT", 1}}, anna);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->priced.discount, 0);
  auto b1 = sell({{"CROISSANT", 1}}, boris);
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(b1->priced.discount, 7500);
  // The counter's running basket is priced the same way.
  auto lines = sales_->resolve_items({{"CROISSANT", 1}});
  ASSERT_TRUE(lines.ok());
  auto quote = sales_->quote(*lines, boris);
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->discount, 0);
}

}  // namespace
}  // namespace loyalpos::pos
