// The counter's `code CODE` line: a promotion code from a poster or a post.
#include <sstream>

#include "pos/app/counter.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class CounterCodesTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    loyalty::Promotion p;
    p.id = "vk-post";
    p.name = "VK post: second pastry free";
    p.kind = loyalty::PromotionKind::kBuyXGetY;
    p.items.categories = {"pastry"};
    p.code = "VK2611";
    p.source = "vk-post-2026-11";
    config_.rules.promotions.push_back(p);
  }
  std::string say(Counter& counter, const std::string& line) {
    out_.str("");
    counter.handle(line);
    return out_.str();
  }
  std::ostringstream out_;
  Counter::Reload reload_ = [this]() { return Result<Config>(config_); };
};

TEST_F(CounterCodesTest, ACodeLineUnlocksThePromotionForTheSale) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  say(counter, "CROISSANT*2");
  const std::string given = say(counter, "code vk2611");
  EXPECT_NE(given.find("Code VK2611 given: VK post: second pastry free."), std::string::npos)
      << given;
  EXPECT_NE(given.find("TOTAL RUB"), std::string::npos);
  EXPECT_NE(given.find("150.00"), std::string::npos) << given;
  const std::string paid = say(counter, "pay cash");
  EXPECT_NE(paid.find("Sale 1 recorded"), std::string::npos) << paid;
  auto stmt = ledger_->db().prepare(
      "SELECT json_extract(payload, '$.codes') FROM events WHERE type = 'sale.completed'");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->step().ok());
  EXPECT_EQ(stmt->column_text(0), R"([{"code":"VK2611","source":"vk-post-2026-11"}])");
  // The next sale starts without the code.
  say(counter, "CROISSANT*2");
  EXPECT_NE(say(counter, "pay cash").find("300.00"), std::string::npos);
}

TEST_F(CounterCodesTest, AnUnknownCodeIsRefusedAndNeverTakenForASku) {
  Counter counter(*sales_, *ledger_, config_, reload_, out_);
  say(counter, "CROISSANT*2");
  EXPECT_EQ(say(counter, "code VK2612"), "! unknown code \"VK2612\"\n");
  EXPECT_EQ(say(counter, "code"), "! say code CODE, e.g. code VK2611\n");
  // A code typed alone is a SKU lookup, which fails: codes need "code".
  EXPECT_EQ(say(counter, "VK2611"), "! unknown product \"VK2611\"\n");
  const std::string paid = say(counter, "pay cash");
  EXPECT_NE(paid.find("300.00"), std::string::npos) << paid;
}

}  // namespace
}  // namespace loyalpos::pos
