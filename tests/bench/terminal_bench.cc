// What a durable card sale costs through the embedded public API
// (loyalpos/terminal.h): the same 3-line card sale as sale_bench's
// BM_CardSaleVsBaseline (rotating over 100 cards), rung up with
// Terminal::sell, against the same bare SQLite commit of as many bytes,
// interleaved the same way (durable_bench.h, run_interleaved). The ratio
// (goal >= 0.8) is what the facade, its conversions and its mutex add to
// SaleService beside the floor any durable sale pays. scripts/bench prints it.
#include <benchmark/benchmark.h>
#include <loyalpos/terminal.h>

#include <optional>
#include <string>
#include <vector>

#include "pos/ledger/sqlite.h"
#include "tests/bench/durable_bench.h"

namespace loyalpos::pos {
namespace {

using namespace durable_bench;  // NOLINT: the shared rigs and counters

// A Terminal made in `home` as an embedding POS makes it, with `card_count`
// cards; run_one() sells the benchmarked sale for the next card in turn.
struct TerminalRig {
  std::string home;
  std::optional<loyalpos::Terminal> terminal;
  std::vector<loyalpos::Basket> baskets;
  std::size_t next = 0;

  Status open(const std::string& folder, int card_count) {
    home = folder;
    auto made = loyalpos::Terminal::create({home, "", support::kTestNow, ""}, "Bench café",
                                           {"bench", "RUB", true});
    if (!made.ok()) return made.error();
    terminal.emplace(std::move(*made));
    for (int i = 0; i < card_count; ++i) {
      auto card = terminal->issue_card();
      if (!card.ok()) return card.error();
      loyalpos::Basket basket;
      for (const auto& item : card_sale(card->token).items) basket.items.push_back({item.code, 1});
      basket.card = card->token;
      basket.cashier = "bench";
      baskets.push_back(std::move(basket));
    }
    return ok_status();
  }
  Result<loyalpos::Sale> run_one() {
    return terminal->sell(baskets[next++ % baskets.size()], loyalpos::Payment::kCard);
  }
  // One sale outside the timing, counted on a connection of our own (the
  // Terminal does not hand out its own).
  Result<std::int64_t> wal_pages() {
    const std::string path = home + "/ledger.db";
    auto db = Database::open(path, Database::Mode::kOpenExisting, support::kTestBusyTimeoutMs);
    if (!db.ok()) return db.error();
    return wal_pages_of(*db, path, [&]() -> Status {
      LOYALPOS_TRY(run_one());
      return ok_status();
    });
  }
};

void BM_TerminalSaleVsBaseline(benchmark::State& state) {
  run_against_baseline<TerminalRig>(state, "loyalpos-bench-terminal", "home");
}
BENCHMARK(BM_TerminalSaleVsBaseline)
    ->ArgName("cards")
    ->Arg(100)
    ->Iterations(kDurableIterations)
    ->UseRealTime()  // a sale waits on fsync: wall time is what counts
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace loyalpos::pos

int main(int argc, char** argv) { return loyalpos::pos::durable_bench::run_main(argc, argv); }
