// What a durable sale costs. BM_CardSaleVsBaseline is the figure that counts:
// in one loop it rings up a 3-line card sale through SaleService::sell on a
// real ledger file (WAL, synchronous=FULL, as the ledger sets them; the sales
// rotate over 100 cards) and commits one transaction of one INSERT of as many
// bytes as a card sale stores on a bare SQLite file beside it with the same
// pragmas: the floor any durable sale has to pay. The two alternate, and take
// turns going first (sale, raw, raw, sale, ...), so a drift in the disk's fsync
// latency, which on a VM swings by half over tens of seconds, falls on both
// alike and their ratio holds still from run to run. Each is timed on its own:
// sales_per_s / baseline_per_s (1 / mean latency), sale_ / baseline_ p50_us,
// p99_us, max_us, their ratio, the WAL pages each writes and the baseline's
// bytes_per_tx. For a sale the time is the whole sell() the counter waits for
// (lookups, pricing, the transaction and its commit, the card's history read
// after it); for the baseline, BEGIN..COMMIT.
//
// BM_CardSale (100 cards, and 1 card whose history grows to 2000 visits) and
// BM_RawSqliteBaseline run each alone, for reference; their latencies are
// p50_us / p99_us / max_us and their rate items_per_second. Run one after the
// other, their ratio moves with the disk. BM_PriceBasket times the pure pricing
// function alone.
//
// Files go to /tmp, which must be a real disk (the context line says which
// file system it is): on tmpfs fsync is free and the figures mean nothing.
// scripts/bench builds this in Release and prints the summary.
#include <benchmark/benchmark.h>

#include <string>

#include "loyalty/pricing.h"
#include "pos/ledger/catalog_csv.h"
#include "tests/bench/durable_bench.h"

namespace loyalpos::pos {
namespace {

using namespace durable_bench;  // NOLINT: the shared rigs and counters

// The argument is how many cards the sales rotate over: 100 is a café's
// regulars (20 visits each by the end); 1 is one card whose history grows to
// 2000 visits, which shows what sell() pays per visit the card already has.
void BM_CardSale(benchmark::State& state) {
  support::TempDir dir("loyalpos-bench");
  SaleRig sale;
  if (!check(state, sale.open(dir.file("ledger.db"), static_cast<int>(state.range(0))))) return;
  run_alone(state, sale);
}
BENCHMARK(BM_CardSale)
    ->ArgName("cards")
    ->Arg(100)
    ->Arg(1)
    ->Iterations(kDurableIterations)
    ->UseRealTime()  // a sale waits on fsync: wall time is what counts
    ->Unit(benchmark::kMicrosecond);

void BM_RawSqliteBaseline(benchmark::State& state) {
  auto bytes = measure_card_sale_bytes();
  if (!check(state, bytes)) return;
  support::TempDir dir("loyalpos-bench-raw");
  BaselineRig base;
  if (!check(state, base.open(dir.file("raw.db"), *bytes))) return;
  run_alone(state, base);
  state.counters["bytes_per_tx"] = static_cast<double>(*bytes);
}
BENCHMARK(BM_RawSqliteBaseline)
    ->Iterations(kDurableIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// A card sale and a baseline transaction in every iteration, interleaved
// (durable_bench.h, run_interleaved).
void BM_CardSaleVsBaseline(benchmark::State& state) {
  run_against_baseline<SaleRig>(state, "loyalpos-bench-vs", "ledger.db");
}
BENCHMARK(BM_CardSaleVsBaseline)
    ->ArgName("cards")
    ->Arg(100)
    ->Iterations(kDurableIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_PriceBasket(benchmark::State& state) {
  auto rules = support::default_rules();
  auto currency = loyalty::find_currency("RUB");
  if (!rules.ok() || !currency.ok()) {
    state.SkipWithError("cannot load the built-in rules");
    return;
  }
  auto products = parse_catalog_csv(default_catalog_csv(), *currency);
  if (!products.ok()) {
    state.SkipWithError(products.error().message().c_str());
    return;
  }
  loyalty::PricingRequest request;
  for (const char* sku : {"CROISSANT", "SIMIT", "LATTE"}) {
    for (const auto& p : *products) {
      if (p.sku == sku) request.lines.push_back({p, 1});
    }
  }
  // Three stamps: the second pastry is the fifth, so the free-item path runs.
  loyalty::ProgramBalance pastry;
  pastry.program_id = "pastry";
  pastry.stamps = 3;
  loyalty::CardState card;
  card.card_id = "bench-card";
  card.balances.push_back(pastry);
  request.card = card;
  request.now_unix = support::kTestNow;
  for (auto _ : state) {
    auto priced = loyalty::price_basket(request, *rules);
    benchmark::DoNotOptimize(priced);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PriceBasket)->Unit(benchmark::kNanosecond);

}  // namespace
}  // namespace loyalpos::pos

int main(int argc, char** argv) { return loyalpos::pos::durable_bench::run_main(argc, argv); }
