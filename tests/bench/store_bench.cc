// What journeyd's store costs per event (sync/store/store.h): a terminal's
// chain appended in 500-event batches through Store::append (verification,
// head check, replay check, cursor, one transaction each) beside the raw
// floor measured in the same run: the same rows, the same batching, straight
// into a table of the same shape (SQLite: one prepared INSERT per row in one
// BEGIN IMMEDIATE…COMMIT; PostgreSQL: one prepared multi-row INSERT … ON
// CONFLICT DO NOTHING per batch), without any verification (the chain and
// the baselines: journey_chain.h, shared with sync_bench). Goal: ratio
// (store events/s over baseline events/s) >= 0.5 for each store.
//
// Both are durable: SQLite in WAL with synchronous=FULL in the temp dir,
// PostgreSQL a throwaway cluster (tests/sync/pg_cluster.h) with fsync on.
// Each iteration appends one store batch and one baseline batch, taking
// turns going first, so drift in the disk's fsync latency falls on both.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sync/store/store.h"
#include "tests/bench/journey_chain.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::sync {
namespace {

using bench::Baseline;
using bench::PgBaseline;
using bench::SqliteBaseline;

constexpr int kBatch = 500;
constexpr int kBatches = 40;
using Clock = std::chrono::steady_clock;

const std::vector<bench::Row>& chain() {
  static const std::vector<bench::Row> rows = bench::make_chain("B1", kBatch * kBatches);
  return rows;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void run_interleaved(benchmark::State& state, Store& store, Baseline& baseline) {
  if (!store.add_terminal("bench", "bench", "B1", "x").ok()) {
    state.SkipWithError("cannot enroll the bench terminal");
    return;
  }
  const auto batches = [] {
    std::vector<std::vector<WireEvent>> out;
    for (int i = 0; i < kBatches; ++i)
      out.push_back(bench::wire_events(chain(), i * kBatch, kBatch));
    return out;
  }();
  double store_s = 0;
  double baseline_s = 0;
  int i = 0;
  for (auto _ : state) {
    std::string why;
    const auto store_turn = [&] {
      const auto start = Clock::now();
      auto ack = store.append("B1", batches[i]);
      store_s += seconds_since(start);
      if (!ack.ok()) why = ack.error().message();
      return ack.ok();
    };
    const auto baseline_turn = [&] {
      const auto start = Clock::now();
      const bool ok = baseline.insert(&chain()[i * kBatch], kBatch, &why);
      baseline_s += seconds_since(start);
      return ok;
    };
    const bool ok = i % 2 ? (baseline_turn() && store_turn()) : (store_turn() && baseline_turn());
    if (!ok) {
      state.SkipWithError(why.c_str());
      return;
    }
    ++i;
  }
  const double events = static_cast<double>(i) * kBatch;
  state.counters["store_events_per_s"] = events / store_s;
  state.counters["baseline_events_per_s"] = events / baseline_s;
  state.counters["ratio"] = baseline_s / store_s;
  state.counters["batch"] = kBatch;
}

void BM_SqliteAppendVsBaseline(benchmark::State& state) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("journeyd-store-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    auto store = make_store("sqlite:" + (dir / "store.db").string());
    if (!store.ok()) {
      state.SkipWithError(store.error().message().c_str());
    } else {
      SqliteBaseline baseline((dir / "baseline.db").string());
      run_interleaved(state, **store, baseline);
    }
  }
  fs::remove_all(dir);
}

void BM_PgAppendVsBaseline(benchmark::State& state) {
  auto cluster = testing::PgCluster::start({.fsync = true});
  if (!cluster.ok()) {
    state.SkipWithError(cluster.error().message().c_str());
    return;
  }
  auto url = (*cluster)->create_database();
  if (!url.ok()) {
    state.SkipWithError(url.error().message().c_str());
    return;
  }
  auto store = make_store(*url);
  if (!store.ok()) {
    state.SkipWithError(store.error().message().c_str());
    return;
  }
  PgBaseline baseline(*url, kBatch);
  run_interleaved(state, **store, baseline);
}

BENCHMARK(BM_SqliteAppendVsBaseline)
    ->Iterations(kBatches)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PgAppendVsBaseline)
    ->Iterations(kBatches)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace loyalpos::sync

BENCHMARK_MAIN();
