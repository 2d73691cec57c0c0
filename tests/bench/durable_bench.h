// What the durable-sale benchmarks share (sale_bench.cc, terminal_bench.cc):
// the benchmarked card sale, latency counters, WAL page counts, the bare
// SQLite baseline measured as many bytes as a card sale stores, and the
// interleaved sale-vs-baseline loop whose ratio is the figure that counts.
// Header-only, for benchmarks alone.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"
#include "pos/ledger/sqlite.h"
#include "tests/e2e/test_ledger.h"

namespace loyalpos::pos::durable_bench {

namespace support = loyalpos::pos::test_ledger;
using SteadyClock = std::chrono::steady_clock;

// Each durable transaction waits for at least one fsync; a fixed count keeps
// the whole run well under a minute and the benchmarks comparable.
inline constexpr benchmark::IterationCount kDurableIterations = 2000;

// The benchmarked sale: two pastries (so the stamp card moves every time)
// and a drink.
inline SaleRequest card_sale(const std::string& token) {
  SaleRequest request;
  request.items = {{"CROISSANT", 1}, {"SIMIT", 1}, {"LATTE", 1}};
  request.card_token = token;
  request.cashier = "bench";
  request.payment = "card";
  return request;
}

// Nearest-rank percentile of an ascending vector.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Sets the `prefix`p50_us, p99_us and max_us counters; returns the calls per
// second of the wall time spent in them (1 / mean latency).
inline double report_latencies(benchmark::State& state, const std::string& prefix,
                               std::vector<double> latencies_us) {
  std::sort(latencies_us.begin(), latencies_us.end());
  state.counters[prefix + "p50_us"] = percentile(latencies_us, 50);
  state.counters[prefix + "p99_us"] = percentile(latencies_us, 99);
  state.counters[prefix + "max_us"] = latencies_us.empty() ? 0 : latencies_us.back();
  const double total_us = std::accumulate(latencies_us.begin(), latencies_us.end(), 0.0);
  return total_us > 0 ? static_cast<double>(latencies_us.size()) * 1e6 / total_us : 0;
}

inline double micros_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count();
}

// Whether `result` succeeded; if not, the benchmark is skipped with its error.
template <typename R>
inline bool check(benchmark::State& state, const R& result) {
  if (!result.ok()) state.SkipWithError(result.error().message().c_str());
  return result.ok();
}

// Calls `fn` and adds its wall time to `latencies_us`; false if it failed.
template <typename Fn>
inline bool timed(benchmark::State& state, std::vector<double>& latencies_us, Fn&& fn) {
  const auto start = SteadyClock::now();
  auto result = fn();
  latencies_us.push_back(micros_since(start));
  return check(state, result);
}

inline Result<std::int64_t> query_int(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::internal("no row for " + sql);
  return stmt->column_int(0);
}

// WAL pages one transaction writes: empty the WAL, run it once, and count
// the frames in the file. Said beside the rates, it explains most of the gap
// between a sale and the one-row baseline.
template <typename Fn>
inline Result<std::int64_t> wal_pages_of(Database& db, const std::string& path, Fn&& transaction) {
  LOYALPOS_TRY(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  LOYALPOS_TRY(transaction());
  auto page_size = query_int(db, "PRAGMA page_size");
  if (!page_size.ok()) return page_size.error();
  struct stat st {};
  if (::stat((path + "-wal").c_str(), &st) != 0) return Error::io("no WAL file at " + path);
  constexpr std::int64_t kWalHeader = 32;
  constexpr std::int64_t kFrameHeader = 24;
  return (static_cast<std::int64_t>(st.st_size) - kWalHeader) / (*page_size + kFrameHeader);
}

// A ledger of the sample café with `card_count` cards issued.
struct LedgerWithCards {
  std::optional<loyalty::Rules> rules;
  std::optional<Ledger> ledger;
  std::vector<Card> cards;
  const FixedClock clock{support::kTestNow};

  Status open_ledger(const std::string& path, int card_count) {
    auto loaded = support::default_rules();
    if (!loaded.ok()) return loaded.error();
    rules.emplace(std::move(*loaded));
    auto made = support::make_ledger(path);
    if (!made.ok()) return made.error();
    ledger.emplace(std::move(*made));
    auto issued = support::issue_cards(*ledger, card_count);
    if (!issued.ok()) return issued.error();
    cards = std::move(*issued);
    return ok_status();
  }

  // The same over a ledger made beforehand (a copy of a prepared one) whose
  // `issued` cards are the ones to use.
  Status reopen_ledger(const std::string& path, std::vector<Card> issued) {
    auto loaded = support::default_rules();
    if (!loaded.ok()) return loaded.error();
    rules.emplace(std::move(*loaded));
    auto opened = Ledger::open(path, support::kTestBusyTimeoutMs);
    if (!opened.ok()) return opened.error();
    ledger.emplace(std::move(*opened));
    cards = std::move(issued);
    return ok_status();
  }
};

// A fresh ledger with `card_count` cards and a SaleService on it; run_one()
// rings up the benchmarked sale for the next card in turn. Made in place: the
// service holds references into it.
struct SaleRig : LedgerWithCards {
  std::vector<SaleRequest> requests;
  std::optional<SaleService> service;
  std::size_t next = 0;

  SaleRig() = default;
  SaleRig(const SaleRig&) = delete;
  SaleRig& operator=(const SaleRig&) = delete;

  Status open(const std::string& path, int card_count) {
    LOYALPOS_TRY(open_ledger(path, card_count));
    return start_selling();
  }
  // On a ledger made beforehand, selling to its cards `sold_to`.
  Status reopen(const std::string& path, std::vector<Card> sold_to) {
    LOYALPOS_TRY(reopen_ledger(path, std::move(sold_to)));
    return start_selling();
  }
  Result<SaleRecord> run_one() { return service->sell(requests[next++ % requests.size()]); }
  // The benchmarked sale for each card, and the service to ring them up.
  Status start_selling() {
    for (const auto& card : cards) requests.push_back(card_sale(card.token));
    service.emplace(*ledger, *rules, clock);
    return ok_status();
  }
  // One sale outside the timing: prepares the cached statements, and counts
  // the pages a sale writes.
  Result<std::int64_t> wal_pages() {
    return wal_pages_of(ledger->db(), ledger->path(), [&]() -> Status {
      LOYALPOS_TRY(run_one());
      return ok_status();
    });
  }
};

// A bare SQLite file with the ledger's connection pragmas (pos/schema.cc) and
// one table; run_one() commits one transaction as the ledger makes them:
// BEGIN IMMEDIATE, one INSERT of `bytes` random bytes, COMMIT.
struct BaselineRig {
  std::string path;
  std::optional<Database> db;
  std::vector<std::uint8_t> payload;

  Status open(const std::string& file, std::int64_t bytes) {
    path = file;
    auto opened = Database::open(path, Database::Mode::kCreate, support::kTestBusyTimeoutMs);
    if (!opened.ok()) return opened.error();
    db.emplace(std::move(*opened));
    LOYALPOS_TRY(
        db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                 " CREATE TABLE blobs(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);"));
    payload.resize(static_cast<std::size_t>(bytes));
    std::mt19937 rng(1);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    return ok_status();
  }
  Status run_one() {
    auto tx = Transaction::begin(*db);
    if (!tx.ok()) return tx.error();
    auto stmt = db->cached("INSERT INTO blobs(payload) VALUES (?1)");
    if (!stmt.ok()) return stmt.error();
    (*stmt)->bind(1, payload);
    LOYALPOS_TRY((*stmt)->run());
    return tx->commit();
  }
  // One transaction outside the timing, counting the pages it writes.
  Result<std::int64_t> wal_pages() {
    return wal_pages_of(*db, path, [&] { return run_one(); });
  }
};

// The column values of `table`'s rows matching `where`, summed as
// length(): characters of text, bytes of blobs, digits of numbers (NULL
// counts 0). The columns come from the schema, so a new column is counted.
inline Result<std::int64_t> stored_bytes(Database& db, const std::string& table,
                                         const std::string& where) {
  auto columns = db.prepare("SELECT name FROM pragma_table_info('" + table + "')");
  if (!columns.ok()) return columns.error();
  std::string sum;
  for (;;) {
    auto row = columns->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    sum +=
        (sum.empty() ? "" : " + ") + ("COALESCE(length(\"" + columns->column_text(0) + "\"), 0)");
  }
  if (sum.empty()) return Error::not_found("no table " + table);
  return query_int(db, "SELECT COALESCE(SUM(" + sum + "), 0) FROM " + table + " WHERE " + where);
}

// Tables with a column named `column`, read from the schema.
inline Result<std::vector<std::string>> tables_with_column(Database& db,
                                                           const std::string& column) {
  auto stmt = db.prepare(
      "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
      " WHERE m.type = 'table' AND c.name = ?1 ORDER BY m.name");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, column);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(stmt->column_text(0));
  }
  return out;
}

// How many bytes one card sale stores, measured rather than guessed: on a
// scratch ledger, ring up the benchmarked sale for one full stamp cycle (5
// sales: the sale that gets a pastry free writes a longer reason) and sum
// length() of every column of every row each sale wrote: the rows of every
// table with a sale_id column that name the sale (sales, sale_lines,
// sale_programs, its journey events: sale.completed, card.stamps, ...) and
// the card's card_programs rows it upserts; then average. That is the
// payload; SQLite's record headers, b-tree pages and index entries are not
// counted, since the baseline pays its own.
inline Result<std::int64_t> measure_card_sale_bytes() {
  support::TempDir dir("loyalpos-bench-size");
  if (!dir.ok()) return Error::io("cannot make a temporary directory");
  SaleRig rig;
  LOYALPOS_TRY(rig.open(dir.file("ledger.db"), 1));
  Database& db = rig.ledger->db();
  auto sale_tables = tables_with_column(db, "sale_id");
  if (!sale_tables.ok()) return sale_tables.error();
  const std::string by_card = "card_id = '" + rig.cards.front().card_id + "'";
  constexpr int kCycle = 5;
  std::int64_t total = 0;
  for (int i = 0; i < kCycle; ++i) {
    auto sale = rig.run_one();
    if (!sale.ok()) return sale.error();
    const std::string by_sale = "sale_id = " + std::to_string(sale->sale_id);
    for (const auto& table : *sale_tables) {
      auto bytes = stored_bytes(db, table, by_sale);
      if (!bytes.ok()) return bytes.error();
      total += *bytes;
    }
    auto balance = stored_bytes(db, "card_programs", by_card);
    if (!balance.ok()) return balance.error();
    total += *balance;
  }
  return (total + kCycle / 2) / kCycle;
}

// Times `rig`'s transaction alone, once per iteration.
template <typename Rig>
inline void run_alone(benchmark::State& state, Rig& rig) {
  auto pages = rig.wal_pages();
  if (!check(state, pages)) return;
  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    if (!timed(state, latencies_us, [&] { return rig.run_one(); })) break;
  }
  report_latencies(state, "", std::move(latencies_us));
  state.SetItemsProcessed(state.iterations());
  state.counters["wal_pages_per_tx"] = static_cast<double>(*pages);
}

// Names the file system the durable benchmarks write to.
inline std::string tmp_file_system() {
  struct statfs fs {};
  if (::statfs("/tmp", &fs) != 0) return "unknown";
  constexpr decltype(fs.f_type) kTmpfsMagic = 0x01021994;
  if (fs.f_type == kTmpfsMagic) return "tmpfs: fsync is free, durable figures are meaningless";
  char text[64];
  std::snprintf(text, sizeof text, "disk (statfs f_type 0x%llx)",
                static_cast<unsigned long long>(fs.f_type));
  return text;
}

// A card sale (`sale.run_one()`, any rig with run_one() and wal_pages()) and
// a baseline transaction in every iteration, on two files in one directory,
// taking turns going first (ABBA), each timed on its own: both see the same
// disk at the same moments, so their ratio is not at the mercy of fsync
// latency drifting between two runs. Sets sales_per_s, baseline_per_s,
// ratio, the p50/p99/max of each, their WAL pages and bytes_per_tx.
template <typename SaleRigT>
void run_interleaved(benchmark::State& state, SaleRigT& sale, BaselineRig& base,
                     std::int64_t bytes) {
  auto sale_pages = sale.wal_pages();
  if (!check(state, sale_pages)) return;
  auto base_pages = base.wal_pages();
  if (!check(state, base_pages)) return;

  std::vector<double> sale_us;
  std::vector<double> base_us;
  sale_us.reserve(static_cast<std::size_t>(state.max_iterations));
  base_us.reserve(static_cast<std::size_t>(state.max_iterations));
  auto one_sale = [&] { return timed(state, sale_us, [&] { return sale.run_one(); }); };
  auto one_base = [&] { return timed(state, base_us, [&] { return base.run_one(); }); };
  for (auto _ : state) {
    const bool sale_first = sale_us.size() % 2 == 0;
    if (!(sale_first ? one_sale() && one_base() : one_base() && one_sale())) break;
  }
  const double sales_per_s = report_latencies(state, "sale_", std::move(sale_us));
  const double baseline_per_s = report_latencies(state, "baseline_", std::move(base_us));
  state.counters["sales_per_s"] = sales_per_s;
  state.counters["baseline_per_s"] = baseline_per_s;
  state.counters["ratio"] = baseline_per_s > 0 ? sales_per_s / baseline_per_s : 0;
  state.counters["sale_wal_pages_per_tx"] = static_cast<double>(*sale_pages);
  state.counters["baseline_wal_pages_per_tx"] = static_cast<double>(*base_pages);
  state.counters["bytes_per_tx"] = static_cast<double>(bytes);
}

// The whole benchmark of a sale rig against the bare commit: measures the
// card sale's bytes, opens both rigs in one temporary folder (the sale's at
// `sale_file` in it: a ledger file or a home folder) and runs them
// interleaved.
template <typename SaleRigT>
void run_against_baseline(benchmark::State& state, const char* dir_name, const char* sale_file) {
  auto bytes = measure_card_sale_bytes();
  if (!check(state, bytes)) return;
  support::TempDir dir(dir_name);
  SaleRigT sale;
  BaselineRig base;
  if (!check(state, sale.open(dir.file(sale_file), static_cast<int>(state.range(0)))) ||
      !check(state, base.open(dir.file("raw.db"), *bytes))) {
    return;
  }
  run_interleaved(state, sale, base, *bytes);
}

// A durable benchmark binary's main: Google Benchmark's, noting which file
// system /tmp (where the ledgers go) is on, since fsync is what is measured.
inline int run_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("ledger_dir", "/tmp, " + tmp_file_system());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace loyalpos::pos::durable_bench
