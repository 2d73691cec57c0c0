// What `loyalpos audit` costs on a busy terminal's ledger: 100 000 sales
// (two thirds with one of 1 000 cards, every tenth refunded, every fortieth in
// part) rebuilt from their journey events and the chain verified. Goal: under
// 5 s. Beside it, the hash chain walk alone (verify_chain), the part of audit
// that was there before it rebuilt rows from events.
//
// The ledger is made once per run in /tmp with synchronous=OFF (the fsyncs
// are not what is measured) and kept in LOYALPOS_AUDIT_BENCH_LEDGER if set, so
// repeated runs can skip the minute it takes to ring 100 000 sales.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "pos/ledger/audit.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/sale_service.h"
#include "tests/e2e/test_ledger.h"

namespace loyalpos::pos {
namespace {

namespace support = loyalpos::pos::test_ledger;

constexpr int kSales = 100000;

std::string ledger_path() {
  if (const char* kept = std::getenv("LOYALPOS_AUDIT_BENCH_LEDGER")) return kept;
  return (std::filesystem::temp_directory_path() / "loyalpos-audit-bench.db").string();
}

// The ledger to audit, rung up once.
Ledger& busy_ledger() {
  static std::optional<Ledger> ledger = [] {
    const std::string path = ledger_path();
    if (std::filesystem::exists(path)) {
      auto opened = Ledger::open(path, support::kTestBusyTimeoutMs);
      if (opened.ok()) return std::optional<Ledger>(std::move(*opened));
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto made = support::make_ledger(path);
    if (!made.ok()) std::abort();
    if (!made->db().exec("PRAGMA synchronous=OFF").ok()) std::abort();
    auto cards = support::issue_cards(*made, 1000);
    auto rules = support::default_rules();
    if (!cards.ok() || !rules.ok()) std::abort();
    FixedClock clock(support::kTestNow);
    SaleService sales(*made, *rules, clock);
    const char* skus[] = {"CROISSANT", "SIMIT", "LATTE", "TEA", "BAKLAVA"};
    for (int i = 0; i < kSales; ++i) {
      SaleRequest request;
      request.items = {{skus[i % 5], 1 + i % 3}, {skus[(i + 2) % 5], 1}};
      if (i % 3 != 0) request.card_token = (*cards)[static_cast<std::size_t>(i % 1000)].token;
      request.cashier = "bench";
      auto sold = sales.sell(request);
      if (!sold.ok()) std::abort();
      if (i % 10 == 0 && !sales.refund(sold->sale_id).ok()) std::abort();
      if (i % 40 == 5 && !sales.refund(sold->sale_id, {{skus[i % 5], 1}}).ok()) std::abort();
    }
    return std::optional<Ledger>(std::move(*made));
  }();
  return *ledger;
}

void BM_Audit100kSales(benchmark::State& state) {
  Ledger& ledger = busy_ledger();
  for (auto _ : state) {
    auto report = audit_ledger(ledger);
    if (!report.ok()) {
      state.SkipWithError(report.error().message().c_str());
      return;
    }
    state.counters["sales"] = static_cast<double>(report->sales);
    state.counters["events"] = static_cast<double>(report->events);
  }
}
BENCHMARK(BM_Audit100kSales)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_VerifyChainOnly(benchmark::State& state) {
  Ledger& ledger = busy_ledger();
  for (auto _ : state) {
    auto chain = verify_chain(ledger.db(), ledger.terminal().terminal_id);
    if (!chain.ok()) {
      state.SkipWithError(chain.error().message().c_str());
      return;
    }
  }
}
BENCHMARK(BM_VerifyChainOnly)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace loyalpos::pos

BENCHMARK_MAIN();
