// One-shot coupons (pos/coupons.h): a batch issued with its sheet or not at
// all, each coupon unlocking its promotion in one sale, and audit rebuilding
// the coupons' rows from their events.
#include "pos/ledger/coupons.h"

#include <cctype>
#include <set>

#include "loyalty/coupon_code.h"
#include "pos/ledger/audit.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class CouponsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    loyalty::Promotion p;
    p.id = "flyer";
    p.name = "Flyer: half-price pastry";
    p.kind = loyalty::PromotionKind::kPercentOff;
    p.percent = 50;
    p.items.categories = {"pastry"};
    p.coupons = true;
    config_.rules.promotions.push_back(p);  // the service prices with config_.rules
  }

  // Deterministic bits: a counter through a mixing step.
  std::function<Result<std::uint64_t>()> bits() {
    return [this]() -> Result<std::uint64_t> {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      return state_ >> 7U;
    };
  }

  std::vector<std::string> issue(int count) {
    auto codes = issue_coupons(*ledger_, "flyer", count, clock_.now_unix(), bits(),
                               [](const std::vector<std::string>&) { return ok_status(); });
    EXPECT_TRUE(codes.ok()) << codes.error().message();
    return codes.ok() ? *codes : std::vector<std::string>{};
  }

  Result<SaleRecord> sell_with(const std::string& code) {
    SaleRequest request;
    request.items = {{"CROISSANT", 1}};
    request.codes = {code};
    return sales_->sell(request);
  }

  std::uint64_t state_ = 42;
};

TEST_F(CouponsTest, ABatchIsNUniqueCodesWithOneEvent) {
  const auto codes = issue(25);
  ASSERT_EQ(codes.size(), 25u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 25u);
  for (const auto& code : codes) EXPECT_TRUE(loyalty::is_coupon_code(code)) << code;
  EXPECT_EQ(count("coupons"), 25);
  EXPECT_EQ(count("events WHERE type = 'coupon.issued'"), 1);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(CouponsTest, ASheetThatCannotBeWrittenIssuesNoCoupons) {
  const auto events = count("events");
  auto codes = issue_coupons(
      *ledger_, "flyer", 5, clock_.now_unix(), bits(),
      [](const std::vector<std::string>&) -> Status { return Error::io("the folder is missing"); });
  ASSERT_FALSE(codes.ok());
  EXPECT_EQ(codes.error().message(), "the folder is missing");
  EXPECT_EQ(count("coupons"), 0);
  EXPECT_EQ(count("events"), events);
}

TEST_F(CouponsTest, WithoutACouponThePromotionDoesNotApply) {
  auto plain = sell({{"CROISSANT", 1}});
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  EXPECT_EQ(plain->priced.discount, 0);
}

TEST_F(CouponsTest, ACouponAppliesOnceAndASecondUseIsRefusedAndRecordsNothing) {
  const auto codes = issue(2);
  // Any case, as typed.
  std::string typed = codes[0];
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto first = sell_with(typed);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->priced.discount, 7500);
  EXPECT_EQ(first->priced.promotions_applied, std::vector<std::string>{"flyer"});
  auto coupon = find_coupon(*ledger_, codes[0]);
  ASSERT_TRUE(coupon.ok() && *coupon);
  EXPECT_EQ((*coupon)->used_sale.value_or(0), first->sale_id);

  const auto sales = count("sales");
  const auto events = count("events");
  auto again = sell_with(codes[0]);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), "coupon " + codes[0] + " was already used (sale " +
                                         std::to_string(first->sale_id) + ")");
  EXPECT_EQ(count("sales"), sales);
  EXPECT_EQ(count("events"), events);
  // The counter's quote refuses it too.
  auto lines = sales_->resolve_items({{"CROISSANT", 1}});
  ASSERT_TRUE(lines.ok());
  EXPECT_FALSE(sales_->quote(*lines, std::nullopt, {}, {codes[0]}).ok());

  // The other coupon of the batch still works, typed as printed.
  auto second =
      sell_with(codes[1].substr(0, 4) + " " + codes[1].substr(4, 4) + " " + codes[1].substr(8));
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(second->priced.discount, 7500);
}

TEST_F(CouponsTest, AnUnknownCouponIsRefusedAndRecordsNothing) {
  issue(1);
  const std::string unknown = loyalty::encode_coupon_code(12345);
  const auto events = count("events");
  auto sale = sell_with(unknown);
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().message(), "unknown code \"" + unknown + "\"");
  EXPECT_EQ(count("sales"), 0);
  EXPECT_EQ(count("events"), events);
  EXPECT_EQ(count("coupons WHERE used_sale IS NOT NULL"), 0);
}

TEST_F(CouponsTest, AuditPassesAfterCouponsAreUsedAndRefundedAndCatchesAnEditedRow) {
  const auto codes = issue(3);
  auto used = sell_with(codes[0]);
  ASSERT_TRUE(used.ok()) << used.error().message();
  ASSERT_TRUE(sell({{"LATTE", 1}}).ok());
  // A refund leaves the coupon used.
  ASSERT_TRUE(sales_->refund(used->sale_id).ok());
  EXPECT_FALSE(sell_with(codes[0]).ok());
  auto clean = audit_ledger(*ledger_);
  ASSERT_TRUE(clean.ok()) << clean.error().message();

  ASSERT_TRUE(ledger_->db().exec("UPDATE coupons SET used_sale = NULL").ok());
  auto cleared = audit_ledger(*ledger_);
  ASSERT_FALSE(cleared.ok());
  EXPECT_NE(cleared.error().message().find("coupon a sale lists is not marked used by it: coupon " +
                                           codes[0]),
            std::string::npos)
      << cleared.error().message();

  ASSERT_TRUE(ledger_->db()
                  .exec("UPDATE coupons SET used_sale = " + std::to_string(used->sale_id + 1) +
                        " WHERE code = '" + codes[0] + "'")
                  .ok());
  auto moved = audit_ledger(*ledger_);
  ASSERT_FALSE(moved.ok());

  ASSERT_TRUE(ledger_->db()
                  .exec("UPDATE coupons SET used_sale = " + std::to_string(used->sale_id) +
                        " WHERE code = '" + codes[0] + "'")
                  .ok());
  ASSERT_TRUE(audit_ledger(*ledger_).ok());
  ASSERT_TRUE(ledger_->db().exec("DELETE FROM coupons WHERE code = '" + codes[2] + "'").ok());
  auto deleted = audit_ledger(*ledger_);
  ASSERT_FALSE(deleted.ok());
  EXPECT_NE(deleted.error().message().find(codes[2]), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos
