// A terminal's backlog drained to head office by the real sync agent
// (sync/agent), and what a durable sale costs meanwhile.
//
// The terminal: a ledger of the sample café with the 100 cards the measured
// sales rotate over (as sale_bench's) and a backlog of 100 000 journey events
// rung up as real card sales (SaleService, the benchmarked 3-line sale) over
// 1 000 other cards, so the measured cards' history is as short as in
// sale_bench. It is made once per run with synchronous=OFF (those fsyncs are
// not what is measured) and copied for each benchmark, since a drain moves
// its anchor.
//
// BM_Drain100k: SyncAgent::run_once (claim, push in batches of up to 1000
// events, pull) from the copy to one `journeyd serve` over SQLite or
// PostgreSQL (fsync on). drain_s is its wall time (goal < 10 s); the agent
// runs in this process, whose resident memory is sampled every 10 ms during
// the drain: rss_start_mb, rss_peak_mb, rss_end_mb, and the heap in use
// (heap_start_mb, heap_peak_mb: what the RSS of a process that already freed
// memory can hide). Flat means peak - start is about a batch, whatever the
// backlog: the outbox is read one batch at a time. journeyd_hwm_mb is
// journeyd's own peak. Then head office's store is checked:
// seq 1..N once each, its head the terminal's anchor.
//
// BM_CardSaleDuringDrain: durable_bench.h's interleaved card sale vs bare
// SQLite commit (sale_bench's BM_CardSaleVsBaseline, the same rigs and loop)
// on a copy of the terminal, while a SyncAgent drains that same ledger (its
// own connection, another thread) to journeyd: the outbox reads, the ack
// writes and the JSON compete with the sales for the ledger, the disk and
// the two cores. Head office is not on a real terminal: its store is on
// /dev/shm (its fsyncs are not the terminal's disk's) and journeyd runs at
// nice 19 (it takes the CPU the terminal leaves idle). The measurement starts
// once the first batch is acknowledged; drain_cover is the share of it the
// drain was still running (1: all of it). BM_CardSaleQuiet is the same on the
// same ledger without a drain, so the drain's own cost reads as the
// difference. Goal: ratio >= 0.75.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "pos/ledger/sync_outbox.h"
#include "sync/agent/sync_agent.h"
#include "tests/bench/durable_bench.h"
#include "tests/bench/head_office.h"

namespace loyalpos::sync::bench {
namespace {

namespace fs = std::filesystem;
namespace durable = pos::durable_bench;
using SteadyClock = std::chrono::steady_clock;

constexpr std::int64_t kBacklog = 100000;
constexpr int kMeasuredCards = 100;
constexpr int kBacklogCards = 1000;
// Sales and baseline commits interleaved during the drain: they must fit in
// it (drain_cover says whether they did).
constexpr benchmark::IterationCount kDuringDrainIterations = 1000;

// A /proc/PID/status field in MB ("VmRSS", "VmHWM"), 0 if unreadable.
double status_mb(const std::string& pid, const std::string& field) {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

// Heap bytes in use (malloc'd, not yet freed) in MB: unlike the RSS, not
// hidden by memory an earlier benchmark of the process freed.
double heap_mb() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / (1 << 20);
}

// This process's resident and heap memory from construction to stop(),
// sampled every 10 ms: where it started, its peak, where it ended.
class MemorySampler {
 public:
  MemorySampler()
      : rss_start(status_mb("self", "VmRSS")),
        heap_start(heap_mb()),
        rss_peak(rss_start),
        heap_peak(heap_start),
        thread_([this] {
          while (!stopping_) {
            rss_peak = std::max(rss_peak, status_mb("self", "VmRSS"));
            heap_peak = std::max(heap_peak, heap_mb());
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }) {}
  ~MemorySampler() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    thread_.join();
    rss_end = status_mb("self", "VmRSS");
  }

  const double rss_start;
  const double heap_start;
  double rss_peak;  // written by the thread until stop()
  double heap_peak;
  double rss_end = 0;

 private:
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The terminal with its backlog, made once; each benchmark copies `path`.
struct Backlog {
  testing::TempDir dir{"sync-bench-backlog"};
  std::string path;
  std::vector<pos::Card> measured_cards;
  std::int64_t events = 0;
  double made_s = 0;
  std::string error;
};

Status ring_up(Backlog& b) {
  durable::SaleRig rig;
  LOYALPOS_TRY(rig.open(b.path, kMeasuredCards));
  LOYALPOS_TRY(rig.ledger->db().exec("PRAGMA synchronous=OFF"));
  auto others = durable::support::issue_cards(*rig.ledger, kBacklogCards);
  if (!others.ok()) return others.error();
  for (std::size_t i = 0;; ++i) {
    if (i % 500 == 0) {
      auto waiting = pos::unsent_count(*rig.ledger);
      if (!waiting.ok()) return waiting.error();
      b.events = *waiting;
      if (b.events >= kBacklog) break;
    }
    auto sold = rig.service->sell(durable::card_sale((*others)[i % others->size()].token));
    if (!sold.ok()) return sold.error();
  }
  LOYALPOS_TRY(rig.ledger->db().exec("PRAGMA synchronous=FULL"));
  b.measured_cards = rig.cards;
  return ok_status();
}

const Backlog& backlog() {
  static Backlog b;
  static std::once_flag made;
  std::call_once(made, [] {
    b.path = b.dir.file("terminal.db");
    const auto start = SteadyClock::now();
    if (Status s = ring_up(b); !s.ok()) b.error = s.error().message();
    b.made_s = seconds_since(start);
  });
  return b;
}

// A copy of the backlog terminal at `path` (the ledger closed its WAL into the file).
Status copy_backlog(const std::string& path) {
  if (!backlog().error.empty()) return Error::internal("the backlog: " + backlog().error);
  std::error_code ec;
  fs::copy_file(backlog().path, path, ec);
  if (ec) return Error::io("cannot copy the backlog ledger: " + ec.message());
  return ok_status();
}

// The agent's last acknowledgement as the store should hold it.
Result<std::map<std::string, WireEvent>> expected_head(pos::Ledger& ledger) {
  auto a = pos::anchor(ledger);
  if (!a.ok()) return a.error();
  WireEvent last;
  last.seq = a->seq;
  last.hash = a->hash;
  return std::map<std::string, WireEvent>{{ledger.terminal().terminal_id, last}};
}

// --------------------------------------------------------------------------

void BM_Drain100k(benchmark::State& state) {
  testing::TempDir dir("sync-bench-drain");
  const std::string ledger_path = dir.file("terminal.db");
  if (Status s = copy_backlog(ledger_path); !s.ok()) {
    return state.SkipWithError(s.error().message().c_str());
  }
  auto head = HeadOffice::init(dir.file("data"), static_cast<StoreKind>(state.range(0)));
  if (!head.ok()) return state.SkipWithError(head.error().message().c_str());
  auto port = (*head)->serve();
  if (!port.ok()) return state.SkipWithError(port.error().message().c_str());
  auto enrollment = (*head)->enroll("drain", *port);
  if (!enrollment.ok()) return state.SkipWithError(enrollment.error().message().c_str());
  auto ledger = pos::Ledger::open(ledger_path, durable::support::kTestBusyTimeoutMs);
  if (!ledger.ok()) return state.SkipWithError(ledger.error().message().c_str());
  const pos::FixedClock clock(durable::support::kTestNow);
  SyncAgent agent(*ledger, *enrollment, clock);

  Result<SyncReport> report = Error::internal("the drain did not run");
  double drain_s = 0;
  MemorySampler memory;
  for (auto _ : state) {
    const auto start = SteadyClock::now();
    report = agent.run_once();
    drain_s = seconds_since(start);
  }
  memory.stop();
  if (!report.ok()) return state.SkipWithError(report.error().message().c_str());
  auto expected = expected_head(*ledger);
  if (!expected.ok()) return state.SkipWithError(expected.error().message().c_str());
  if (expected->begin()->second.seq != backlog().events || report->unsent != 0) {
    return state.SkipWithError("the drain stopped short of the backlog");
  }
  const std::string wrong = check_stored((*head)->store(), *expected);
  if (!wrong.empty()) return state.SkipWithError(("store check: " + wrong).c_str());
  state.counters["drain_s"] = drain_s;
  state.counters["events"] = static_cast<double>(report->pushed);
  state.counters["events_per_s"] = static_cast<double>(report->pushed) / drain_s;
  state.counters["rss_start_mb"] = memory.rss_start;
  state.counters["rss_peak_mb"] = memory.rss_peak;
  state.counters["rss_end_mb"] = memory.rss_end;
  state.counters["heap_start_mb"] = memory.heap_start;
  state.counters["heap_peak_mb"] = memory.heap_peak;
  state.counters["journeyd_hwm_mb"] = status_mb(std::to_string((*head)->server_pid(0)), "VmHWM");
  state.counters["backlog_made_s"] = backlog().made_s;
  state.counters["backlog_mb"] = static_cast<double>(fs::file_size(backlog().path)) / (1 << 20);
  state.counters["verified"] = 1;
}
BENCHMARK(BM_Drain100k)
    ->ArgName("store")  // 0 SQLite, 1 PostgreSQL
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// --------------------------------------------------------------------------

// A SyncAgent draining `ledger_path` on a thread of its own: started() once
// it has the first batch acknowledged; finish() joins it.
class BackgroundDrain {
 public:
  BackgroundDrain(std::string ledger_path, Enrollment enrollment)
      : thread_(
            [this, path = std::move(ledger_path), e = std::move(enrollment)] { run(path, e); }) {}
  ~BackgroundDrain() { finish(); }

  void wait_started() {
    while (!started_ && !ended_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::int64_t done() const { return done_; }
  // When the drain ended (now if it has not).
  SteadyClock::time_point end() const {
    std::lock_guard lock(mutex_);
    return ended_ ? end_ : SteadyClock::now();
  }
  // The drain's outcome; empty if it drained everything.
  std::string finish() {
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  void run(const std::string& path, const Enrollment& e) {
    auto ledger = pos::Ledger::open(path, durable::support::kTestBusyTimeoutMs);
    if (ledger.ok()) {
      const pos::FixedClock clock(durable::support::kTestNow);
      SyncAgent agent(*ledger, e, clock);
      auto report = agent.run_once([&](std::int64_t done, std::int64_t) {
        done_ = done;
        started_ = true;
      });
      if (!report.ok()) error_ = report.error().message();
    } else {
      error_ = ledger.error().message();
    }
    std::lock_guard lock(mutex_);
    end_ = SteadyClock::now();
    ended_ = true;
  }

  std::atomic<bool> started_{false};
  std::atomic<std::int64_t> done_{0};
  mutable std::mutex mutex_;
  bool ended_ = false;
  SteadyClock::time_point end_;
  std::string error_;
  std::thread thread_;
};

// The interleaved sale vs baseline on a copy of the backlog terminal; with
// `drain`, while a SyncAgent drains it.
void sale_on_backlog(benchmark::State& state, bool drain) {
  auto bytes = durable::measure_card_sale_bytes();
  if (!durable::check(state, bytes)) return;
  testing::TempDir dir("sync-bench-sale");
  const std::string ledger_path = dir.file("terminal.db");
  if (!durable::check(state, copy_backlog(ledger_path))) return;
  durable::SaleRig sale;
  durable::BaselineRig base;
  if (!durable::check(state, sale.reopen(ledger_path, backlog().measured_cards)) ||
      !durable::check(state, base.open(dir.file("raw.db"), *bytes))) {
    return;
  }
  if (!drain) return durable::run_interleaved(state, sale, base, *bytes);

  // Head office on tmpfs (see the top of the file).
  testing::TempDir shm_root("sync-bench-ho");
  const std::string data = "/dev/shm/" + fs::path(shm_root.path()).filename().string();
  struct RemoveAll {
    std::string path;
    ~RemoveAll() { fs::remove_all(path); }
  } remove_data{data};
  auto head = HeadOffice::init(data, StoreKind::kSqlite);
  if (!head.ok()) return state.SkipWithError(head.error().message().c_str());
  auto port = (*head)->serve();
  if (!port.ok()) return state.SkipWithError(port.error().message().c_str());
  setpriority(PRIO_PROCESS, static_cast<id_t>((*head)->server_pid(0)), 19);
  auto enrollment = (*head)->enroll("drain", *port);
  if (!enrollment.ok()) return state.SkipWithError(enrollment.error().message().c_str());

  BackgroundDrain agent(ledger_path, *enrollment);
  agent.wait_started();
  const auto start = SteadyClock::now();
  const std::int64_t done_at_start = agent.done();
  durable::run_interleaved(state, sale, base, *bytes);
  const auto stop = SteadyClock::now();
  const std::int64_t done_at_stop = agent.done();
  const auto drain_end = agent.end();
  const std::string error = agent.finish();
  if (!error.empty()) return state.SkipWithError(("the drain: " + error).c_str());
  const double measured = std::chrono::duration<double>(stop - start).count();
  state.counters["drain_cover"] =
      std::min(1.0, std::chrono::duration<double>(drain_end - start).count() / measured);
  state.counters["drain_events_per_s"] =
      static_cast<double>(done_at_stop - done_at_start) / measured;
}

void BM_CardSaleDuringDrain(benchmark::State& state) { sale_on_backlog(state, true); }
BENCHMARK(BM_CardSaleDuringDrain)
    ->Iterations(kDuringDrainIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_CardSaleQuiet(benchmark::State& state) { sale_on_backlog(state, false); }
BENCHMARK(BM_CardSaleQuiet)
    ->Iterations(kDuringDrainIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace loyalpos::sync::bench

int main(int argc, char** argv) { return loyalpos::pos::durable_bench::run_main(argc, argv); }
