// Helpers for tests that need a real ledger file: a temporary directory that
// cleans up after itself, and a ledger made in it with the sample catalog
// and a few cards. Header-only; every helper returns a Result so a test can
// report why its setup failed.
#pragma once

#include <loyalpos/result.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "pos/config/config.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/random.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::pos::test_ledger {

using loyalpos::testing::TempDir;

inline constexpr int kTestBusyTimeoutMs = 5000;
// 2026-11-21 10:30 UTC: a fixed "now" for deterministic ledgers.
inline constexpr std::int64_t kTestNow = 1795257000;

// Creates a ledger at `path` and imports the shipped sample catalog.
inline Result<Ledger> make_ledger(const std::string& path, std::int64_t now = kTestNow) {
  auto terminal_id = random_terminal_id();
  if (!terminal_id.ok()) return terminal_id.error();
  auto ledger = Ledger::create(
      path, InitRequest{"Test café", "Counter 1", "RUB", *terminal_id, now}, kTestBusyTimeoutMs);
  if (!ledger.ok()) return ledger.error();
  auto products = parse_catalog_csv(default_catalog_csv(), ledger->terminal().currency);
  if (!products.ok()) return products.error();
  if (auto s = ledger->import_products(*products); !s.ok()) return s.error();
  return ledger;
}

// Issues `count` new cards with random ids.
inline Result<std::vector<Card>> issue_cards(Ledger& ledger, int count,
                                             std::int64_t now = kTestNow) {
  std::vector<Card> cards;
  for (int i = 0; i < count; ++i) {
    auto id = random_card_id();
    if (!id.ok()) return id.error();
    auto card = ledger.issue_card(*id, now);
    if (!card.ok()) return card.error();
    cards.push_back(std::move(*card));
  }
  return cards;
}

// The built-in rules (the shipped config: every 5th pastry free).
inline Result<loyalty::Rules> default_rules() {
  auto config = parse_config(default_config_text(), "built-in");
  if (!config.ok()) return config.error();
  return config->rules;
}

}  // namespace loyalpos::pos::test_ledger
