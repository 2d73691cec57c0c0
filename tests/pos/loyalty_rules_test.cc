// The rules wired through the ledger: referrals, journey stages, tiers and
// bank-mode redemption, as a sale records them.
#include <gtest/gtest.h>

#include "pos/ledger/audit.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

constexpr const char* kRules = R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5

[[stamp_card]]
id = "coffee"
name = "Coffee card"
categories = ["drink"]
every = 3
reward = "bank"

[[tier]]
id = "regular"
name = "Regular"
visits = 3
window_days = 30

[[promotion]]
id = "regulars"
name = "Regulars: 10% off"
kind = "percent_off"
categories = ["pastry"]
percent = 10
audience = "tier"
tier = "regular"

[referral]
program = "pastry"
bonus_stamps = 1

[journey]
lapsed_after_days = 30
)";

class LoyaltyRulesTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    auto config = parse_config(kRules, "rules.toml");
    ASSERT_TRUE(config.ok()) << config.error().message();
    config_ = *config;
    sales_ = std::make_unique<SaleService>(*ledger_, config_.rules, clock_);
  }

  std::vector<std::string> event_types(const std::string& card_id) {
    auto stmt = ledger_->db().prepare("SELECT type FROM events WHERE card_id = ?1 ORDER BY seq");
    stmt->bind(1, card_id);
    std::vector<std::string> out;
    while (*stmt->step()) out.push_back(stmt->column_text(0));
    return out;
  }

  std::int64_t stamps(const Card& card, const std::string& program) {
    auto history = sales_->history(card);
    for (const auto& b : history->balances) {
      if (b.program_id == program) return b.stamps;
    }
    return 0;
  }
};

TEST_F(LoyaltyRulesTest, AReferredCardsFirstPurchaseGivesBothCardsABonusStamp) {
  const Card friend_card = new_card();
  ASSERT_TRUE(sell({{"TEA", 1}}, friend_card).ok());
  EXPECT_EQ(sales_->history(friend_card)->stage, "purchase");
  auto referred = ledger_->issue_card(*random_card_id(), clock_.now_unix(), friend_card);
  ASSERT_TRUE(referred.ok());
  auto sale = sell({{"CROISSANT", 1}}, *referred);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(stamps(*referred, "pastry"), 2);  // one bought, one bonus
  EXPECT_EQ(stamps(friend_card, "pastry"), 1);
  EXPECT_EQ(sales_->history(friend_card)->stage, "loyalty");  // referred someone
  // Only the first purchase counts.
  ASSERT_TRUE(sell({{"CROISSANT", 1}}, *referred).ok());
  EXPECT_EQ(stamps(friend_card, "pastry"), 1);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
  // A refund of the first purchase takes both bonuses back.
  ASSERT_TRUE(sales_->refund(sale->sale_id).ok());
  EXPECT_EQ(stamps(friend_card, "pastry"), 0);
  EXPECT_EQ(stamps(*referred, "pastry"), 1);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
}

TEST_F(LoyaltyRulesTest, JourneyStageChangesAreJourneyEvents) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"TEA", 1}}, card).ok());
  EXPECT_EQ(sales_->history(card)->stage, "purchase");
  ASSERT_TRUE(sell({{"TEA", 1}}, card).ok());
  EXPECT_EQ(sales_->history(card)->stage, "retention");
  auto third = sell({{"TEA", 1}}, card);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->card->stage, "loyalty");  // three visits in 30 days: regular
  EXPECT_EQ(third->card->tier, "regular");
  auto types = event_types(card.card_id);
  EXPECT_EQ(std::count(types.begin(), types.end(), "card.stage"), 3);

  FixedClock later(clock_.now_unix() + 40 * 86400);
  SaleService sales_later(*ledger_, config_.rules, later);
  EXPECT_EQ(sales_later.history(card)->stage, "lapsed");
  SaleRequest back;
  back.items = {{"TEA", 1}};
  back.card_token = card.token;
  ASSERT_TRUE(sales_later.sell(back).ok());
  auto stage = ledger_->db().prepare(
      "SELECT payload FROM events WHERE type = 'card.stage' ORDER BY seq DESC LIMIT 1");
  ASSERT_TRUE(*stage->step());
  EXPECT_EQ(stage->column_text(0),
            R"({"card":")" + card.card_id + R"(","from":"lapsed","to":"retention"})");
}

TEST_F(LoyaltyRulesTest, RegularsGetTheirOfferFromTheirThirdVisit) {
  const Card card = new_card();
  EXPECT_EQ(sell({{"CROISSANT", 1}}, card)->priced.discount, 0);
  EXPECT_EQ(sell({{"CROISSANT", 1}}, card)->priced.discount, 0);
  auto third = sell({{"CROISSANT", 1}}, card);
  EXPECT_EQ(third->priced.discount, 1500);
  EXPECT_EQ(third->priced.lines[0].reason(), "Regulars: 10% off");
}

TEST_F(LoyaltyRulesTest, BankedRewardsAreRedeemedOnlyWhenAsked) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"COFFEE", 2}}, card).ok());  // two stamps: a reward
  auto history = sales_->history(card);
  const auto coffee = std::find_if(history->balances.begin(), history->balances.end(),
                                   [](const auto& b) { return b.program_id == "coffee"; });
  ASSERT_NE(coffee, history->balances.end());
  EXPECT_EQ(coffee->rewards, 1);
  EXPECT_EQ(sell({{"TEA", 1}}, card)->priced.discount, 0);

  SaleRequest redeem;
  redeem.items = {{"TEA", 1}, {"LATTE", 1}};
  redeem.card_token = card.token;
  redeem.redeem = {"coffee"};
  auto sale = sales_->sell(redeem);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->priced.discount, 8000);  // the cheaper drink
  redeem.redeem = {"pastry"};
  auto wrong = sales_->sell(redeem);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("applies its rewards by itself"), std::string::npos);
  redeem.redeem = {"cake"};
  EXPECT_EQ(sales_->sell(redeem).error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace loyalpos::pos
