// Idempotent sales (SaleRequest::idempotency_key, table sale_keys of schema
// 7) and quotes committed as quoted (SaleRequest::expected_pricing).
#include <gtest/gtest.h>

#include "pos/ledger/audit.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/schema.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos::testing {
namespace {

class SaleKeysTest : public LedgerTest {
 protected:
  SaleRequest keyed(const std::string& key, const std::string& hash) {
    SaleRequest request;
    request.items = {{"CROISSANT", 2}};
    request.idempotency_key = key;
    request.request_hash = hash;
    return request;
  }
};

TEST_F(SaleKeysTest, TheSameKeyAndRequestAnswersWithTheFirstSale) {
  auto first = sales_->sell(keyed("k-1", "h1"));
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_FALSE(first->replayed);
  ASSERT_TRUE(first->recorded_json);
  EXPECT_EQ(*first->recorded_json,
            dump_json(sale_json(*first, ledger_->terminal(), config_.rules)));
  const auto sales = count("sales"), events = count("events");
  auto again = sales_->sell(keyed("k-1", "h1"));
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->sale_id, first->sale_id);
  EXPECT_EQ(*again->recorded_json, *first->recorded_json);
  EXPECT_EQ(count("sales"), sales);
  EXPECT_EQ(count("events"), events);
}

TEST_F(SaleKeysTest, TheSameKeyForAnotherRequestIsAConflict) {
  ASSERT_TRUE(sales_->sell(keyed("k-1", "h1")).ok());
  const auto sales = count("sales"), events = count("events");
  auto other = sales_->sell(keyed("k-1", "h2"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(count("sales"), sales);
  EXPECT_EQ(count("events"), events);
  // Another key is another sale.
  ASSERT_TRUE(sales_->sell(keyed("k-2", "h1")).ok());
  EXPECT_EQ(count("sales"), sales + 1);
}

// The key is no part of the journey: the events a keyed sale writes are
// those the same sale writes without one, and audit passes.
TEST_F(SaleKeysTest, KeysStayOutOfTheEvents) {
  ASSERT_TRUE(sales_->sell(keyed("a-very-distinctive-key", "h1")).ok());
  auto stmt = ledger_->db().prepare(
      "SELECT COUNT(*) FROM events WHERE instr(payload, 'distinctive') > 0"
      " OR instr(payload, 'h1') > 0");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->step().ok());
  EXPECT_EQ(stmt->column_int(0), 0);
  auto audit = audit_ledger(*ledger_);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, 1);
  // A row pointing at a sale that is gone is found.
  ASSERT_TRUE(ledger_->db().exec("PRAGMA foreign_keys=OFF").ok());
  ASSERT_TRUE(ledger_->db().exec("INSERT INTO sale_keys VALUES ('stray', 'h', 99, '{}')").ok());
  EXPECT_FALSE(audit_ledger(*ledger_).ok());
}

TEST_F(SaleKeysTest, AnExpectedPricingThatNoLongerHoldsRecordsNothing) {
  auto lines = sales_->resolve_items({{"CROISSANT", 2}});
  ASSERT_TRUE(lines.ok());
  auto quoted = sales_->quote(*lines, std::nullopt);
  ASSERT_TRUE(quoted.ok());
  SaleRequest request;
  request.items = {{"CROISSANT", 2}};
  request.expected_pricing = pricing_fingerprint(*quoted);
  request.expected_pricing->append("changed");
  const auto sales = count("sales"), events = count("events");
  auto sale = sales_->sell(request);
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(count("sales"), sales);
  EXPECT_EQ(count("events"), events);
  request.expected_pricing = pricing_fingerprint(*quoted);
  sale = sales_->sell(request);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(pricing_fingerprint(sale->priced), *request.expected_pricing);
}

// A schema 6 ledger (the last before keys) with a sale upgrades to schema 7,
// keeps its sale, takes keyed sales, and audits clean.
TEST(SaleKeysMigration, ASchema6LedgerUpgradesAndTakesKeys) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  Config config = default_config();
  FixedClock clock(1795430000);
  {
    auto ledger =
        Ledger::create(path, InitRequest{"Café", "T1", "RUB", std::string(32, 'b'), 1000}, 1000);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message();
    auto products = parse_catalog_csv(default_catalog_csv(), ledger->terminal().currency);
    ASSERT_TRUE(products.ok());
    ASSERT_TRUE(ledger->import_products(*products).ok());
    SaleService sales(*ledger, config.rules, clock);
    SaleRequest request;
    request.items = {{"LATTE", 1}};
    ASSERT_TRUE(sales.sell(request).ok());
    // Back to what schema 6 had: no sale_keys (nor the sync tables of 8 and 9).
    ASSERT_TRUE(ledger->db()
                    .exec("DROP TABLE sale_keys; DROP TABLE peer_events; DROP TABLE sync_state; "
                          "DROP TABLE published;"
                          " PRAGMA user_version=6")
                    .ok());
  }
  auto ledger = Ledger::open(path, 1000);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message();
  auto version = ledger->db().prepare("PRAGMA user_version");
  ASSERT_TRUE(version->step().ok());
  EXPECT_EQ(version->column_int(0), kSchemaVersion);
  SaleService sales(*ledger, config.rules, clock);
  SaleRequest request;
  request.items = {{"LATTE", 1}};
  request.idempotency_key = "after-upgrade";
  request.request_hash = "h";
  auto sale = sales.sell(request);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->sale_id, 2);
  auto audit = audit_ledger(*ledger);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, 2);
}

}  // namespace
}  // namespace loyalpos::pos::testing
