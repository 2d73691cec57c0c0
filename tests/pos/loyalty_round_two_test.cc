// "Loyalty, round two — wrong today", as a sale records it: referral bonuses
// that become rewards and lapse, a card holding every stamps or more, the
// time of the last stamp, a redemption that must not follow another card at
// the counter, and SKU lists against category lists in the config.
#include <gtest/gtest.h>

#include <sstream>

#include "pos/app/counter.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/receipt_text.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

constexpr std::int64_t kDay = 86400;

class SteppingClock final : public Clock {
 public:
  explicit SteppingClock(std::int64_t unix) : Clock(TimeZone::system()), unix_(unix) {}
  std::int64_t now_unix() const override { return unix_; }
  void advance_days(std::int64_t days) { unix_ += days * kDay; }

 private:
  std::int64_t unix_;
};

class RoundTwoTest : public LedgerTest {
 protected:
  void use_rules(const std::string& toml) {
    auto config = parse_config(toml, "rules.toml");
    ASSERT_TRUE(config.ok()) << config.error().message();
    config_ = *config;
    sales_ = std::make_unique<SaleService>(*ledger_, config_.rules, clock_);
  }

  Result<SaleRecord> sell_at(std::vector<ItemRequest> items, const Card& card,
                             std::vector<std::string> redeem = {}) {
    SaleService sales(*ledger_, config_.rules, now_);
    SaleRequest request;
    request.items = std::move(items);
    request.card_token = card.token;
    request.payment = "cash";
    request.redeem = std::move(redeem);
    return sales.sell(request);
  }

  loyalty::ProgramBalance balance(const Card& card, const std::string& program = "pastry") {
    auto history = sales_->history(card);
    EXPECT_TRUE(history.ok());
    for (const auto& b : history->balances) {
      if (b.program_id == program) return b;
    }
    return {program, 0, 0, 0};
  }

  Card referred_by(const Card& referrer) {
    auto card = ledger_->issue_card(*random_card_id(), now_.now_unix(), referrer);
    EXPECT_TRUE(card.ok());
    return *card;
  }

  SteppingClock now_{1795430000};
};

// --- 4. A bank card's referral bonus can be redeemed -------------------------

TEST_F(RoundTwoTest, ABankCardsReferralBonusIsARewardTheNextDay) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 2
reward = "bank"

[referral]
program = "pastry"
bonus_stamps = 1
)");
  const Card a = new_card();
  const Card b = referred_by(a);
  auto coffee = sell_at({{"COFFEE", 1}}, b);
  ASSERT_TRUE(coffee.ok()) << coffee.error().message();
  for (const auto& text : coffee->priced.messages) {
    EXPECT_EQ(text.find("0 more"), std::string::npos) << text;
  }
  EXPECT_EQ(balance(b).rewards, 1);
  EXPECT_EQ(balance(b).stamps, 0);
  EXPECT_EQ(balance(a).rewards, 1);  // the referrer's card the same
  EXPECT_EQ(balance(a).stamps, 0);

  now_.advance_days(1);
  auto pastry = sell_at({{"CROISSANT", 1}}, b, {"pastry"});
  ASSERT_TRUE(pastry.ok()) << pastry.error().message();
  EXPECT_EQ(pastry->priced.total, 0);
  EXPECT_EQ(balance(b).rewards, 0);  // spent; the free croissant earns no stamp
  EXPECT_EQ(balance(b).stamps, 0);
  auto referrer = sell_at({{"CROISSANT", 1}}, a, {"pastry"});
  ASSERT_TRUE(referrer.ok()) << referrer.error().message();
  EXPECT_EQ(referrer->priced.total, 0);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// --- 5. An apply_now card holding every stamps loses none ---------------------

TEST_F(RoundTwoTest, AnApplyNowBonusToEveryStampsGivesFreePaidFree) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 3

[referral]
program = "pastry"
bonus_stamps = 2
)");
  const Card a = new_card();
  const Card b = referred_by(a);
  auto first = sell_at({{"CROISSANT", 1}}, b);
  ASSERT_TRUE(first.ok()) << first.error().message();
  for (const auto& text : first->priced.messages) {
    EXPECT_EQ(text.find("3/3"), std::string::npos) << text;
  }
  ASSERT_TRUE(sell_at({{"TEA", 1}}, b).ok());
  std::vector<std::int64_t> totals;
  for (int i = 0; i < 3; ++i) {
    auto sale = sell_at({{"CROISSANT", 1}}, b);
    ASSERT_TRUE(sale.ok()) << sale.error().message();
    totals.push_back(sale->priced.total);
  }
  EXPECT_EQ(totals, (std::vector<std::int64_t>{0, 15000, 0}));
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// --- 6. Fresh stamps do not lapse early after old ones lapsed -----------------

TEST_F(RoundTwoTest, FreshStampsKeepTheirTimeWhenTheNetChangeIsZero) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5
stamps_expire_after_days = 5
)");
  const Card card = new_card();
  ASSERT_TRUE(sell_at({{"CROISSANT", 2}}, card).ok());
  now_.advance_days(10);
  auto again = sell_at({{"CROISSANT", 2}}, card);  // the old two lapse, two new
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->card->balances[0].stamps, 2);
  EXPECT_EQ(balance(card).last_stamp_at, now_.now_unix());
  now_.advance_days(1);
  auto tea = sell_at({{"TEA", 1}}, card);
  ASSERT_TRUE(tea.ok());
  EXPECT_EQ(balance(card).stamps, 2);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// --- 7. Referral bonus stamps lapse; a lapsed stamp does not come back ------

TEST_F(RoundTwoTest, ReferralBonusStampsLapseAndDoNotReviveTheReferrersLapsedOnes) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5
stamps_expire_after_days = 1

[referral]
program = "pastry"
bonus_stamps = 1
)");
  const Card a = new_card();
  ASSERT_TRUE(sell_at({{"CROISSANT", 1}}, a).ok());  // the referrer's own stamp
  now_.advance_days(5);                              // ... lapses
  const Card b = referred_by(a);
  ASSERT_TRUE(sell_at({{"TEA", 1}}, b).ok());
  EXPECT_EQ(balance(a).stamps, 1);  // the bonus only
  EXPECT_EQ(balance(a).last_stamp_at, now_.now_unix());
  EXPECT_EQ(balance(b).stamps, 1);
  EXPECT_EQ(balance(b).last_stamp_at, now_.now_unix());

  now_.advance_days(30);
  ASSERT_TRUE(sell_at({{"TEA", 1}}, b).ok());
  EXPECT_EQ(balance(b).stamps, 0);
  ASSERT_TRUE(sell_at({{"TEA", 1}}, a).ok());
  EXPECT_EQ(balance(a).stamps, 0);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// A refund takes back what its sale earned and gives back what it spent, but
// stamps that had lapsed before the sale stay lapsed.
TEST_F(RoundTwoTest, ARefundDoesNotBringBackStampsThatLapsedBeforeTheSale) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 5
stamps_expire_after_days = 5

[referral]
program = "pastry"
bonus_stamps = 1
)");
  const Card a = new_card();
  ASSERT_TRUE(sell_at({{"CROISSANT", 2}}, a).ok());
  now_.advance_days(10);
  auto again = sell_at({{"CROISSANT", 2}}, a);  // the old two lapse, two new
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(sales_->refund(again->sale_id).ok());
  EXPECT_EQ(balance(a).stamps, 0);

  now_.advance_days(10);  // a's stamps have lapsed again (none left anyway)
  ASSERT_TRUE(sell_at({{"CROISSANT", 1}}, a).ok());
  now_.advance_days(10);  // ... and this one too
  const Card b = referred_by(a);
  auto first = sell_at({{"TEA", 1}}, b);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(balance(a).stamps, 1);  // the bonus
  ASSERT_TRUE(sales_->refund(first->sale_id).ok());
  EXPECT_EQ(balance(a).stamps, 0);  // no bonus, and the lapsed stamp stays lapsed
  EXPECT_EQ(balance(b).stamps, 0);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// --- 3. A pending redemption does not carry over to the next card ------------

class RoundTwoCounterTest : public RoundTwoTest {
 protected:
  std::string say(Counter& counter, const std::string& line) {
    out_.str("");
    counter.handle(line);
    return out_.str();
  }
  std::ostringstream out_;
  Counter::Reload reload_ = [this]() { return Result<Config>(config_); };
};

TEST_F(RoundTwoCounterTest, ChangingTheCardDropsThePreviousCardsRedemptions) {
  use_rules(R"(
[[stamp_card]]
id = "pastry"
name = "Pastry card"
categories = ["pastry"]
every = 2
reward = "bank"
)");
  const Card a = new_card();
  const Card b = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 1}}, a).ok());
  ASSERT_TRUE(sell({{"CROISSANT", 1}}, b).ok());
  ASSERT_EQ(balance(b).rewards, 1);

  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  say(counter, "CROISSANT");
  say(counter, a.token);
  EXPECT_NE(say(counter, "redeem pastry").find("will be used"), std::string::npos);
  const std::string changed = say(counter, b.token);
  EXPECT_NE(changed.find("Card attached"), std::string::npos) << changed;
  EXPECT_NE(changed.find("not used"), std::string::npos) << changed;
  EXPECT_NE(changed.find(two_columns("TOTAL RUB", "150.00", 48)), std::string::npos) << changed;
  const std::string paid = say(counter, "pay cash");
  EXPECT_NE(paid.find("recorded"), std::string::npos) << paid;
  EXPECT_EQ(balance(b).rewards, 2);  // B's reward is still there, and one more
  EXPECT_EQ(balance(a).rewards, 1);

  // The same card scanned again keeps what it asked for.
  say(counter, "CROISSANT");
  say(counter, b.token);
  say(counter, "redeem pastry");
  const std::string again = say(counter, b.token);
  EXPECT_EQ(again.find("not used"), std::string::npos) << again;
  EXPECT_NE(say(counter, "pay cash").find("recorded"), std::string::npos);
  EXPECT_EQ(balance(b).rewards, 1);
}

// --- 8. A SKU list and a category list overlap only through the catalog ------

TEST(RoundTwoConfig, ASkuListAndACategoryListOfEqualPriorityAreNotRefusedBlindly) {
  const std::string two = R"(
[[promotion]]
id = "coffee-half"
kind = "percent_off"
percent = 50
skus = ["COFFEE"]
combinable = false

[[promotion]]
id = "pastry-2for1"
kind = "n_for_m"
n = 2
m = 1
categories = ["pastry"]
combinable = false
)";
  auto config = parse_config(two, "shop.toml");
  EXPECT_TRUE(config.ok()) << config.error().message();
  // Two category lists (or two SKU lists) that share one are still refused.
  std::string same = two;
  same.replace(same.find("skus = [\"COFFEE\"]"), 17, "categories = [\"pastry\"]");
  auto refused = parse_config(same, "shop.toml");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("both exclude others"), std::string::npos);
}

// --- Windows across midnight ----------------------------------------------

TEST(RoundTwoConfig, HoursMayRunPastMidnight) {
  const std::string late = R"(
[[promotion]]
id = "late"
kind = "percent_off"
percent = 20
categories = ["pastry"]
days = ["fri", "sat"]
hours = "22:00-02:00"
)";
  auto config = parse_config(late, "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  const auto& s = config->rules.promotions[0].schedule;
  EXPECT_TRUE(s.active(loyalty::make_local_time(2026, 11, 22, 1, 0)));   // Saturday's night
  EXPECT_FALSE(s.active(loyalty::make_local_time(2026, 11, 23, 1, 0)));  // Sunday's
  auto with_hours = [&](const std::string& hours) {
    std::string text = late;
    text.replace(text.find("22:00-02:00"), 11, hours);
    return parse_config(text, "shop.toml");
  };
  EXPECT_TRUE(with_hours("22:00-00:00").ok());
  auto empty = with_hours("22:00-22:00");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message().find("never occurs"), std::string::npos);
  auto from_24 = with_hours("24:00-02:00");
  ASSERT_FALSE(from_24.ok());
  EXPECT_NE(from_24.error().message().find("shop.toml:8"), std::string::npos)
      << from_24.error().message();
}

}  // namespace
}  // namespace loyalpos::pos
