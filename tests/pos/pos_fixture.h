// A fresh ledger in a temporary folder with the sample café catalog and
// rules, for the pos tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "pos/config/config.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/random.h"
#include "pos/ledger/sale_service.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::pos::testing {

using loyalpos::testing::TempDir;

inline Config default_config() { return *parse_config(default_config_text(), "built-in"); }

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = default_config();
    auto ledger =
        Ledger::create(path(), InitRequest{"Café", "counter-1", "RUB", *random_terminal_id(), 1000},
                       config_.busy_timeout_ms);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message();
    ledger_.emplace(std::move(*ledger));
    auto products = parse_catalog_csv(default_catalog_csv(), ledger_->terminal().currency);
    ASSERT_TRUE(products.ok());
    ASSERT_TRUE(ledger_->import_products(*products).ok());
    sales_ = std::make_unique<SaleService>(*ledger_, config_.rules, clock_);
  }

  std::string path() const { return dir_.path() + "/ledger.db"; }

  Card new_card() {
    auto card = ledger_->issue_card(*random_card_id(), clock_.now_unix());
    EXPECT_TRUE(card.ok());
    return *card;
  }

  Result<SaleRecord> sell(std::vector<ItemRequest> items, const std::optional<Card>& card = {},
                          const std::string& payment = "cash") {
    SaleRequest request;
    request.items = std::move(items);
    if (card) request.card_token = card->token;
    request.payment = payment;
    return sales_->sell(request);
  }

  std::int64_t count(const std::string& table) {
    auto stmt = ledger_->db().prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_int(0);
  }

  TempDir dir_;
  Config config_;
  FixedClock clock_{1795430000};
  std::optional<Ledger> ledger_;
  std::unique_ptr<SaleService> sales_;
};

}  // namespace loyalpos::pos::testing
