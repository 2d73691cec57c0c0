// A points card in the ledger: its balance is kept like a stamp card's
// (card_programs row, card.stamps events), so redeeming, refunds and the
// audit work on it unchanged.
#include <gtest/gtest.h>

#include <random>

#include "pos/ledger/audit.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/report.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos::testing {
namespace {

// 1 point per 10 ₽; 50 points buy 150 ₽ off.
constexpr const char* kPointsConfig = R"(
[[points]]
id = "points"
name = "Café points"
per_amount = "10"
threshold = 50
reward_amount = "150"
)";

class PointsSale : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    auto config = parse_config(std::string(default_config_text()) + kPointsConfig, "test");
    ASSERT_TRUE(config.ok()) << config.error().message();
    config_ = std::move(*config);
    sales_ = std::make_unique<SaleService>(*ledger_, config_.rules, clock_);
  }

  Result<SaleRecord> redeem(std::vector<ItemRequest> items, const Card& card) {
    SaleRequest request;
    request.items = std::move(items);
    request.card_token = card.token;
    request.redeem = {"points"};
    return sales_->sell(request);
  }

  std::int64_t points(const Card& card) {
    auto balances = ledger_->balances(card.card_id);
    EXPECT_TRUE(balances.ok());
    for (const auto& b : *balances) {
      if (b.program_id == "points") return b.stamps;
    }
    return 0;
  }

  // What the card's card.stamps events of the points program add up to.
  std::int64_t points_from_events(const Card& card) {
    auto stmt = ledger_->db().prepare(
        "SELECT TOTAL(json_extract(payload, '$.stamps')), TOTAL(json_extract(payload, "
        "'$.rewards')) FROM events WHERE type = 'card.stamps' AND card_id = ?1"
        " AND json_extract(payload, '$.program') = 'points'");
    EXPECT_TRUE(stmt.ok());
    stmt->bind(1, card.card_id);
    EXPECT_TRUE(*stmt->step());
    EXPECT_EQ(stmt->column_int(1), 0) << "a points card has no rewards column";
    return stmt->column_int(0);
  }

  void expect_audit_ok() {
    auto audit = audit_ledger(*ledger_);
    EXPECT_TRUE(audit.ok()) << audit.error().message();
  }
};

TEST_F(PointsSale, ASaleEarnsPointsAsCardStampsEvents) {
  auto card = new_card();
  // 2 croissants, 300 ₽: 30 points.
  auto sale = sell({{"CROISSANT", 2}}, card);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(points(card), 30);
  EXPECT_EQ(points_from_events(card), 30);
  EXPECT_EQ(sale->priced.messages.back(), "30 points — 50 for 150.00 off");
  const auto json = card_json(*sale->card, config_.rules);
  const auto& entry = json["programs"].back();
  EXPECT_EQ(entry["id"], "points");
  EXPECT_EQ(entry["mode"], "points");
  EXPECT_EQ(entry["points"], 30);
  EXPECT_EQ(entry["progress"], "30 points — 50 for 150.00 off");
  expect_audit_ok();
}

// The sale path writes its answers as text (JsonObject): the same bytes
// nlohmann's tree would dump, for a stamp and a points program, a card
// before its first visit and after, and a sale with no card.
TEST_F(PointsSale, JsonTextIsWhatTheTreeWouldDump) {
  auto canonical = [](const std::string& text) { return dump_json(nlohmann::json::parse(text)); };
  auto card = new_card();
  auto before = sales_->history(card);
  ASSERT_TRUE(before.ok()) << before.error().message();
  const std::string fresh = card_json_text(*before, config_.rules);
  EXPECT_EQ(fresh, canonical(fresh));
  EXPECT_TRUE(nlohmann::json::parse(fresh)["first_visit"].is_null());
  auto sale = sell({{"CROISSANT", 2}, {"LATTE", 1}}, card);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  const std::string text = sale_json_text(*sale, ledger_->terminal(), config_.rules);
  EXPECT_EQ(text, canonical(text));
  EXPECT_EQ(sale_json(*sale, ledger_->terminal(), config_.rules)["card"]["programs"].size(),
            config_.rules.stamp_programs.size() + 1);
  const std::string quote =
      quote_json_text(sale->priced, *before, ledger_->terminal(), config_.rules);
  EXPECT_EQ(quote, canonical(quote));
  auto anonymous = sell({{"SIMIT", 1}});
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message();
  const std::string plain = sale_json_text(*anonymous, ledger_->terminal(), config_.rules);
  EXPECT_EQ(plain, canonical(plain));
  EXPECT_TRUE(nlohmann::json::parse(plain)["card"].is_null());
}

TEST_F(PointsSale, RedeemSpendsTheThresholdOnALaterSale) {
  auto card = new_card();
  ASSERT_TRUE(sell({{"COFFEE", 3}}, card).ok());  // 510 ₽: 51 points
  ASSERT_EQ(points(card), 51);
  auto sale = redeem({{"CROISSANT", 1}}, card);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->priced.discount, 15000);
  EXPECT_EQ(sale->priced.total, 0);
  EXPECT_EQ(sale->priced.lines[0].reason(), "Café points");
  EXPECT_EQ(points(card), 1);
  EXPECT_EQ(points_from_events(card), 1);
  auto day = day_report(*ledger_, clock_.local_date(clock_.now_unix()));
  ASSERT_TRUE(day.ok()) << day.error().message();
  EXPECT_EQ(day->rewards_redeemed, 1) << "the day report counts a points reward";

  const auto sales_before = count("sales");
  auto refused = redeem({{"CROISSANT", 1}}, card);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(),
            "the card holds 1 points of \"Café points\"; a reward needs 50");
  EXPECT_EQ(count("sales"), sales_before) << "a refused redeem sells nothing";
  EXPECT_EQ(points(card), 1);
  expect_audit_ok();
}

TEST_F(PointsSale, PointsEarnedInASaleAreNotSpentInIt) {
  auto card = new_card();
  auto sale = redeem({{"COFFEE", 6}}, card);  // would earn 102 points
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(points(card), 0);
  EXPECT_EQ(count("sales"), 0);
}

TEST_F(PointsSale, RedeemingNeedsACard) {
  SaleRequest request;
  request.items = {{"COFFEE", 1}};
  request.redeem = {"points"};
  auto sale = sales_->sell(request);
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().message(), "redeeming points needs the customer's card");
}

TEST_F(PointsSale, AWholeRefundTakesThePointsBack) {
  auto card = new_card();
  auto sale = sell({{"COFFEE", 3}}, card);
  ASSERT_TRUE(sale.ok());
  ASSERT_EQ(points(card), 51);
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(points(card), 0);
  EXPECT_EQ(points_from_events(card), 0);
  expect_audit_ok();
}

TEST_F(PointsSale, ARefundOfARedeemGivesThePointsBack) {
  auto card = new_card();
  ASSERT_TRUE(sell({{"COFFEE", 3}}, card).ok());  // 51
  auto sale = redeem({{"COFFEE", 2}}, card);      // 340 - 150 = 190 ₽: -50 + 19
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  ASSERT_EQ(points(card), 20);
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(points(card), 51);
  expect_audit_ok();
}

TEST_F(PointsSale, APartialRefundTakesBackItsShareAndTheRestTheRemainder) {
  auto card = new_card();
  // 2 croissants and a coffee, 470 ₽: 47 points.
  auto sale = sell({{"CROISSANT", 2}, {"COFFEE", 1}}, card);
  ASSERT_TRUE(sale.ok());
  ASSERT_EQ(points(card), 47);
  ASSERT_TRUE(sales_->refund(sale->sale_id, {{"CROISSANT", 1}}).ok());
  const std::int64_t left = points(card);
  EXPECT_GT(left, 0);
  EXPECT_LT(left, 47);
  EXPECT_EQ(points_from_events(card), left);
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(points(card), 0);
  expect_audit_ok();
}

TEST_F(PointsSale, ARefundWeighsPointsOverTheLinesThatEarnThem) {
  auto config = parse_config(
      std::string(default_config_text()) + kPointsConfig + "categories = [\"drink\"]\n", "test");
  ASSERT_TRUE(config.ok()) << config.error().message();
  config_ = std::move(*config);
  sales_ = std::make_unique<SaleService>(*ledger_, config_.rules, clock_);
  auto card = new_card();
  // Only the coffee earns: 17 points; the croissant going back takes none.
  auto sale = sell({{"CROISSANT", 1}, {"COFFEE", 1}}, card);
  ASSERT_TRUE(sale.ok());
  ASSERT_EQ(points(card), 17);
  ASSERT_TRUE(sales_->refund(sale->sale_id, {{"CROISSANT", 1}}).ok());
  EXPECT_EQ(points(card), 17);
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(points(card), 0);
  expect_audit_ok();
}

// Random sales, redeems and refunds in parts: the balance is always the sum
// of its card.stamps events, the parts of a refund add up to the whole (the
// money, and the points back to where they were), and the audit passes.
TEST_F(PointsSale, BalancesAreTheirEventsAndRefundPartsAddUpToTheWhole) {
  const char* skus[] = {"CROISSANT", "COFFEE", "BAKLAVA", "TEA", "SIMIT", "ECLAIR"};
  std::mt19937 rng(20261130);
  auto card = new_card();
  for (int round = 0; round < 30; ++round) {
    ASSERT_TRUE(sell({{skus[rng() % 6], 1 + static_cast<std::int64_t>(rng() % 5)}}, card).ok());
    const std::int64_t before = points(card);
    ASSERT_EQ(points_from_events(card), before) << "round " << round;
    std::vector<ItemRequest> items;
    for (int n = 1 + static_cast<int>(rng() % 4); n > 0; --n) {
      items.push_back({skus[rng() % 6], 1 + static_cast<std::int64_t>(rng() % 7)});
    }
    auto sale = before >= 50 && rng() % 2 == 0 ? redeem(items, card) : sell(items, card);
    ASSERT_TRUE(sale.ok()) << sale.error().message();
    EXPECT_EQ(points_from_events(card), points(card)) << "round " << round;
    std::int64_t refunded_total = 0;
    for (const auto& part : random_refund_parts(*sale, rng)) {
      auto refund = sales_->refund(sale->sale_id, part);
      ASSERT_TRUE(refund.ok()) << refund.error().message();
      refunded_total += refund->amount;
      EXPECT_EQ(points_from_events(card), points(card)) << "round " << round;
    }
    EXPECT_EQ(refunded_total, sale->priced.total) << "round " << round;
    EXPECT_EQ(points(card), before) << "round " << round;
  }
  expect_audit_ok();
}

}  // namespace
}  // namespace loyalpos::pos::testing
