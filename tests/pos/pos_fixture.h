// A fresh ledger in a temporary folder with the sample café catalog and
// rules, for the pos tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "pos/config/config.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/random.h"
#include "pos/ledger/sale_service.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::pos::testing {

using loyalpos::testing::TempDir;

inline Config default_config() { return *parse_config(default_config_text(), "built-in"); }

// The sale's units, one each, shuffled and cut into random consecutive
// parts: a partial refund of each part, in order, returns the whole sale.
inline std::vector<std::vector<ItemRequest>> random_refund_parts(const SaleRecord& sale,
                                                                 std::mt19937& rng) {
  std::vector<std::string> units;
  for (const auto& line : sale.priced.lines) {
    for (std::int64_t i = 0; i < line.qty; ++i) units.push_back(line.product.sku);
  }
  std::shuffle(units.begin(), units.end(), rng);
  std::vector<std::vector<ItemRequest>> parts;
  std::size_t at = 0;
  while (at < units.size()) {
    const std::size_t take = 1 + rng() % (units.size() - at);
    std::vector<ItemRequest> part;
    for (std::size_t i = at; i < at + take; ++i) part.push_back({units[i], 1});
    at += take;
    parts.push_back(std::move(part));
  }
  return parts;
}

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
