// What head office ingests over the sync protocol (docs/sync-protocol.md):
// the real `journeyd serve` processes on 127.0.0.1, mutual TLS, keep-alive,
// fed by net's HTTPS client (the sync agent's) in batches per request, never
// per row. The head office helpers are in head_office.h; the drain from a
// terminal's ledger and the sale during it in sync_drain_bench.cc.
//
// BM_HttpsIngestVsRaw (SQLite; PostgreSQL, a throwaway cluster with fsync
// on): one terminal's chain pushed in 500-event batches beside the raw floor
// in the same run: the
// same rows, the same batching, straight into SQLite / through libpq without
// HTTP (journey_chain.h, store_bench's baseline). Each iteration pushes one
// batch and inserts one raw batch, taking turns going first, so drift in the
// disk's fsync latency falls on both. Goal: https / raw events/s >= 0.5.
// The HTTPS time runs from sending the request to the ack read, journeyd's
// whole part: TLS, HTTP, JSON parse, checks, the store's transaction. The
// body is made as the agent makes it (sync/wire) just before, untimed: that
// is the terminal's CPU, not head office's (encode_ms says how much).
//
// BM_TerminalsAtOnce: 200 enrolled terminals, each on its own keep-alive
// connection and its own client thread (blocked on its socket all but the
// moment it writes), claim, then all push at once 4 batches of 250 events.
// Sustained events/s (all events over the wall time from the start to the
// last ack) and the ack latency of a batch (p50/p99/max), on one journeyd
// (SQLite, PostgreSQL) and on two sharing one PostgreSQL (terminals split
// between them). The bodies are made before the start: a terminal's JSON is
// its own CPU, not head office's, and this machine has two cores. Then the
// store is checked: each terminal's events exactly 1..N, no gap, no
// duplicate, its head the last event pushed. journeyd_cpu is the share of one
// core the journeyd processes used during the run.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <latch>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/durable_bench.h"
#include "tests/bench/head_office.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::sync::bench {
namespace {

using pos::durable_bench::percentile;
using SteadyClock = std::chrono::steady_clock;

// CPU seconds (user + system) process `pid` has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A head office in `dir/data`, one of `state`'s kind; nullptr (the benchmark
// skipped) if it cannot start.
std::unique_ptr<HeadOffice> head_office(benchmark::State& state, const testing::TempDir& dir) {
  auto head = HeadOffice::init(dir.file("data"), static_cast<StoreKind>(state.range(0)));
  if (!head.ok()) {
    state.SkipWithError(head.error().message().c_str());
    return nullptr;
  }
  return std::move(*head);
}

// --------------------------------------------------------------------------
// One terminal over HTTPS against the raw floor.

constexpr std::size_t kBatch = 500;
constexpr int kBatches = 40;

void BM_HttpsIngestVsRaw(benchmark::State& state) {
  testing::TempDir dir("sync-bench-ingest");
  auto head = head_office(state, dir);
  if (!head) return;
  std::unique_ptr<Baseline> baseline;
  if (static_cast<StoreKind>(state.range(0)) == StoreKind::kPostgres) {
    auto url = fresh_pg_database();
    if (!url.ok()) return state.SkipWithError(url.error().message().c_str());
    // The baseline's table is a copy of the store's: a store made there first.
    if (auto s = make_store(*url); !s.ok()) return state.SkipWithError(s.error().message().c_str());
    baseline = std::make_unique<PgBaseline>(*url, kBatch);
  } else {
    baseline = std::make_unique<SqliteBaseline>(dir.file("baseline.db"));
  }
  auto port = head->serve();
  if (!port.ok()) return state.SkipWithError(port.error().message().c_str());
  auto enrollment = head->enroll("ingest", *port);
  if (!enrollment.ok()) return state.SkipWithError(enrollment.error().message().c_str());
  const std::string terminal = journeyd::random_hex(16);
  Pusher pusher(*enrollment);
  if (auto s = pusher.claim(terminal); !s.ok()) {
    return state.SkipWithError(s.error().message().c_str());
  }
  const std::vector<Row> rows = make_chain(terminal, kBatch * kBatches);

  std::vector<double> https_s, raw_s;
  double encode_s = 0;
  int i = 0;
  for (auto _ : state) {
    const Row* batch = &rows[static_cast<std::size_t>(i) * kBatch];
    std::string why;
    const auto https_turn = [&] {
      const auto encoding = SteadyClock::now();
      std::string body = push_body(terminal, batch, kBatch);
      encode_s += seconds_since(encoding);
      const auto start = SteadyClock::now();
      auto ack = pusher.push(std::move(body));
      https_s.push_back(seconds_since(start));
      if (!ack.ok()) why = ack.error().message();
      if (ack.ok() && *ack != batch[kBatch - 1].wire.seq) {
        why = "acknowledged " + std::to_string(*ack);
      }
      return why.empty();
    };
    const auto raw_turn = [&] {
      const auto start = SteadyClock::now();
      const bool ok = baseline->insert(batch, kBatch, &why);
      raw_s.push_back(seconds_since(start));
      return ok;
    };
    if (!(i % 2 ? raw_turn() && https_turn() : https_turn() && raw_turn())) {
      return state.SkipWithError(why.c_str());
    }
    ++i;
  }
  const double events = static_cast<double>(i) * kBatch;
  const double https_total = std::accumulate(https_s.begin(), https_s.end(), 0.0);
  const double raw_total = std::accumulate(raw_s.begin(), raw_s.end(), 0.0);
  std::sort(https_s.begin(), https_s.end());
  std::sort(raw_s.begin(), raw_s.end());
  state.counters["https_events_per_s"] = events / https_total;
  state.counters["raw_events_per_s"] = events / raw_total;
  state.counters["ratio"] = raw_total / https_total;
  state.counters["https_p50_ms"] = percentile(https_s, 50) * 1e3;
  state.counters["raw_p50_ms"] = percentile(raw_s, 50) * 1e3;
  // What the terminal spends making a batch's body, outside the timing.
  state.counters["encode_ms"] = encode_s / i * 1e3;
  state.counters["batch"] = kBatch;
}
BENCHMARK(BM_HttpsIngestVsRaw)
    ->ArgName("store")  // 0 SQLite, 1 PostgreSQL
    ->Arg(0)
    ->Arg(1)
    ->Iterations(kBatches)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// --------------------------------------------------------------------------
// 200 terminals at once.

constexpr int kTerminals = 200;
constexpr std::size_t kTerminalBatch = 250;
constexpr int kTerminalBatches = 4;

// One simulated terminal: its enrollment, chain and bodies, and how its pushes went.
struct SimTerminal {
  Enrollment enrollment;
  std::string id;
  std::vector<Row> rows;
  std::vector<std::string> bodies;
  std::vector<double> latencies_s;
  SteadyClock::time_point done;
  std::string error;

  void run(std::latch& ready, std::latch& go) {
    rows = make_chain(id, static_cast<std::int64_t>(kTerminalBatch) * kTerminalBatches);
    for (int b = 0; b < kTerminalBatches; ++b) {
      bodies.push_back(push_body(id, &rows[b * kTerminalBatch], kTerminalBatch));
    }
    Pusher pusher(enrollment);
    if (auto s = pusher.claim(id); !s.ok()) error = s.error().message();
    ready.count_down();
    go.wait();
    for (int b = 0; b < kTerminalBatches && error.empty(); ++b) {
      const auto start = SteadyClock::now();
      auto ack = pusher.push(std::move(bodies[b]));
      latencies_s.push_back(seconds_since(start));
      if (!ack.ok()) error = ack.error().message();
      if (ack.ok() && *ack != rows[(b + 1) * kTerminalBatch - 1].wire.seq) {
        error = "acknowledged " + std::to_string(*ack);
      }
    }
    done = SteadyClock::now();
  }
};

void BM_TerminalsAtOnce(benchmark::State& state) {
  const int servers = static_cast<int>(state.range(1));
  testing::TempDir dir("sync-bench-terminals");
  auto head = head_office(state, dir);
  if (!head) return;
  std::vector<std::uint16_t> ports;
  for (int s = 0; s < servers; ++s) {
    auto port = head->serve();
    if (!port.ok()) return state.SkipWithError(port.error().message().c_str());
    ports.push_back(*port);
  }
  const auto setup_start = SteadyClock::now();
  std::vector<SimTerminal> terminals(kTerminals);
  for (int t = 0; t < kTerminals; ++t) {
    auto e = head->enroll("till-" + std::to_string(t), ports[t % servers]);
    if (!e.ok()) return state.SkipWithError(e.error().message().c_str());
    terminals[t].enrollment = std::move(*e);
    terminals[t].id = journeyd::random_hex(16);
  }

  std::latch ready(kTerminals), go(1);
  std::vector<std::thread> threads;
  for (auto& t : terminals) threads.emplace_back([&] { t.run(ready, go); });
  ready.wait();
  const double setup_s = seconds_since(setup_start);
  for (auto _ : state) {
    std::vector<double> cpu0;
    for (int s = 0; s < servers; ++s) cpu0.push_back(cpu_seconds(head->server_pid(s)));
    const auto start = SteadyClock::now();
    go.count_down();
    for (auto& th : threads) th.join();
    SteadyClock::time_point last = start;
    std::vector<double> latencies;
    for (const auto& t : terminals) {
      if (!t.error.empty()) return state.SkipWithError(("till: " + t.error).c_str());
      last = std::max(last, t.done);
      latencies.insert(latencies.end(), t.latencies_s.begin(), t.latencies_s.end());
    }
    const double wall = std::chrono::duration<double>(last - start).count();
    double cpu = 0;
    for (int s = 0; s < servers; ++s) cpu += cpu_seconds(head->server_pid(s)) - cpu0[s];
    std::sort(latencies.begin(), latencies.end());
    const double events = static_cast<double>(kTerminals) * kTerminalBatch * kTerminalBatches;
    state.counters["events_per_s"] = events / wall;
    state.counters["ack_p50_ms"] = percentile(latencies, 50) * 1e3;
    state.counters["ack_p99_ms"] = percentile(latencies, 99) * 1e3;
    state.counters["ack_max_ms"] = latencies.back() * 1e3;
    state.counters["journeyd_cpu"] = cpu / wall;
  }
  std::map<std::string, WireEvent> expected;
  for (const auto& t : terminals) expected[t.id] = t.rows.back().wire;
  const std::string wrong = check_stored(head->store(), expected);
  if (!wrong.empty()) return state.SkipWithError(("store check: " + wrong).c_str());
  state.counters["verified"] = 1;
  state.counters["terminals"] = kTerminals;
  state.counters["batch"] = kTerminalBatch;
  state.counters["setup_s"] = setup_s;
}
BENCHMARK(BM_TerminalsAtOnce)
    ->ArgNames({"store", "journeyd"})  // store 0 SQLite, 1 PostgreSQL
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace loyalpos::sync::bench
