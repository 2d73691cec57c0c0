// What a durable sale costs. BM_CardSale rings up a 3-line card sale through
// SaleService::sell on a real ledger file (WAL, synchronous=FULL, as the ledger
// sets them); BM_RawSqliteBaseline commits the same number of transactions of
// one INSERT of as many bytes as a card sale stores, on a bare SQLite file
// with the same pragmas: the floor any durable sale has to pay. Both report
// sales (transactions) per second as items_per_second and the latency of
// each call as p50_us / p99_us / max_us: for a sale, the whole sell() the
// counter waits for (lookups, pricing, the transaction and its commit, the
// card's history read after it); for the baseline, BEGIN..COMMIT.
// BM_PriceBasket times the pure pricing function alone, for reference.
//
// Files go to /tmp, which must be a real disk (the context line says which
// file system it is): on tmpfs fsync is free and the figures mean nothing.
// scripts/bench builds this in Release and prints the summary.
#include <benchmark/benchmark.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "loyalty/pricing.h"
#include "pos/catalog_csv.h"
#include "pos/clock.h"
#include "pos/ledger.h"
#include "pos/sale_service.h"
#include "pos/sqlite.h"
#include "tests/e2e/test_ledger.h"

namespace loyalpos::pos {
namespace {

namespace support = loyalpos::pos::test_ledger;
using Clock = std::chrono::steady_clock;

// Each durable transaction waits for at least one fsync; a fixed count keeps
// the whole run well under a minute and the benchmarks comparable.
constexpr benchmark::IterationCount kDurableIterations = 2000;

// The benchmarked sale: two pastries (so the stamp card moves every time)
// and a drink.
SaleRequest card_sale(const std::string& token) {
  SaleRequest request;
  request.items = {{"CROISSANT", 1}, {"SIMIT", 1}, {"LATTE", 1}};
  request.card_token = token;
  request.cashier = "bench";
  request.payment = "card";
  return request;
}

// Nearest-rank percentile of an ascending vector.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void report_latencies(benchmark::State& state, std::vector<double> latencies_us) {
  std::sort(latencies_us.begin(), latencies_us.end());
  state.counters["p50_us"] = percentile(latencies_us, 50);
  state.counters["p99_us"] = percentile(latencies_us, 99);
  state.counters["max_us"] = latencies_us.empty() ? 0 : latencies_us.back();
  state.SetItemsProcessed(state.iterations());
}

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Result<std::int64_t> query_int(Database& db, const std::string& sql) {
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
Result<std::int64_t> wal_pages_of(Database& db, const std::string& path, Fn&& transaction) {
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

// The column values of `table`'s rows matching `where`, summed as
// length(): characters of text, bytes of blobs, digits of numbers (NULL
// counts 0). The columns come from the schema, so a new column is counted.
Result<std::int64_t> stored_bytes(Database& db, const std::string& table,
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
Result<std::vector<std::string>> tables_with_column(Database& db, const std::string& column) {
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
Result<std::int64_t> measure_card_sale_bytes(const loyalty::Rules& rules) {
  support::TempDir dir("loyalpos-bench-size");
  if (!dir.ok()) return Error::io("cannot make a temporary directory");
  auto ledger = support::make_ledger(dir.file("ledger.db"));
  if (!ledger.ok()) return ledger.error();
  auto cards = support::issue_cards(*ledger, 1);
  if (!cards.ok()) return cards.error();
  auto sale_tables = tables_with_column(ledger->db(), "sale_id");
  if (!sale_tables.ok()) return sale_tables.error();
  const Card& card = cards->front();
  const FixedClock clock(support::kTestNow);
  SaleService service(*ledger, rules, clock);
  constexpr int kCycle = 5;
  std::int64_t total = 0;
  for (int i = 0; i < kCycle; ++i) {
    auto sale = service.sell(card_sale(card.token));
    if (!sale.ok()) return sale.error();
    const std::string by_sale = "sale_id = " + std::to_string(sale->sale_id);
    for (const auto& table : *sale_tables) {
      auto bytes = stored_bytes(ledger->db(), table, by_sale);
      if (!bytes.ok()) return bytes.error();
      total += *bytes;
    }
    auto balance = stored_bytes(ledger->db(), "card_programs", "card_id = '" + card.card_id + "'");
    if (!balance.ok()) return balance.error();
    total += *balance;
  }
  return (total + kCycle / 2) / kCycle;
}

// The argument is how many cards the sales rotate over: 100 is a café's
// regulars (20 visits each by the end); 1 is one card whose history grows to
// 2000 visits, which shows what sell() pays per visit the card already has.
void BM_CardSale(benchmark::State& state) {
  support::TempDir dir("loyalpos-bench");
  const std::string path = dir.file("ledger.db");
  auto rules = support::default_rules();
  auto ledger = support::make_ledger(path);
  if (!rules.ok() || !ledger.ok()) {
    state.SkipWithError("cannot make the ledger");
    return;
  }
  auto cards = support::issue_cards(*ledger, static_cast<int>(state.range(0)));
  if (!cards.ok()) {
    state.SkipWithError(cards.error().message().c_str());
    return;
  }
  const FixedClock clock(support::kTestNow);
  SaleService service(*ledger, *rules, clock);
  std::vector<SaleRequest> requests;
  for (const auto& card : *cards) requests.push_back(card_sale(card.token));
  // Prepares the cached statements outside the timing, and measures the
  // pages a sale writes.
  auto pages = wal_pages_of(ledger->db(), path, [&]() -> Status {
    auto sale = service.sell(requests.front());
    if (!sale.ok()) return sale.error();
    return ok_status();
  });
  if (!pages.ok()) {
    state.SkipWithError(pages.error().message().c_str());
    return;
  }

  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    const SaleRequest& request = requests[latencies_us.size() % requests.size()];
    const auto start = Clock::now();
    auto sale = service.sell(request);
    latencies_us.push_back(micros_since(start));
    if (!sale.ok()) {
      state.SkipWithError(sale.error().message().c_str());
      break;
    }
  }
  report_latencies(state, std::move(latencies_us));
  state.counters["wal_pages_per_tx"] = static_cast<double>(*pages);
}
BENCHMARK(BM_CardSale)
    ->ArgName("cards")
    ->Arg(100)
    ->Arg(1)
    ->Iterations(kDurableIterations)
    ->UseRealTime()  // a sale waits on fsync: wall time is what counts
    ->Unit(benchmark::kMicrosecond);

void BM_RawSqliteBaseline(benchmark::State& state) {
  auto rules = support::default_rules();
  if (!rules.ok()) {
    state.SkipWithError(rules.error().message().c_str());
    return;
  }
  auto bytes = measure_card_sale_bytes(*rules);
  if (!bytes.ok()) {
    state.SkipWithError(bytes.error().message().c_str());
    return;
  }
  support::TempDir dir("loyalpos-bench-raw");
  const std::string path = dir.file("raw.db");
  auto db = Database::open(path, Database::Mode::kCreate, support::kTestBusyTimeoutMs);
  if (!db.ok()) {
    state.SkipWithError(db.error().message().c_str());
    return;
  }
  // The ledger's connection pragmas (pos/schema.cc), on a one-table file.
  if (auto s = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                        " CREATE TABLE blobs(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);");
      !s.ok()) {
    state.SkipWithError(s.error().message().c_str());
    return;
  }
  std::vector<std::uint8_t> payload(static_cast<std::size_t>(*bytes));
  std::mt19937 rng(1);
  for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
  // One transaction as the ledger makes them: BEGIN IMMEDIATE, write, COMMIT.
  auto insert_one = [&]() -> Status {
    auto tx = Transaction::begin(*db);
    if (!tx.ok()) return tx.error();
    auto stmt = db->cached("INSERT INTO blobs(payload) VALUES (?1)");
    if (!stmt.ok()) return stmt.error();
    (*stmt)->bind(1, payload);
    LOYALPOS_TRY((*stmt)->run());
    return tx->commit();
  };
  auto pages = wal_pages_of(*db, path, insert_one);
  if (!pages.ok()) {
    state.SkipWithError(pages.error().message().c_str());
    return;
  }

  std::vector<double> latencies_us;
  latencies_us.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    const auto start = Clock::now();
    auto status = insert_one();
    latencies_us.push_back(micros_since(start));
    if (!status.ok()) {
      state.SkipWithError(status.error().message().c_str());
      break;
    }
  }
  report_latencies(state, std::move(latencies_us));
  state.counters["bytes_per_tx"] = static_cast<double>(*bytes);
  state.counters["wal_pages_per_tx"] = static_cast<double>(*pages);
}
BENCHMARK(BM_RawSqliteBaseline)
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

// Names the file system the durable benchmarks write to.
std::string tmp_file_system() {
  struct statfs fs {};
  if (::statfs("/tmp", &fs) != 0) return "unknown";
  constexpr decltype(fs.f_type) kTmpfsMagic = 0x01021994;
  if (fs.f_type == kTmpfsMagic) return "tmpfs: fsync is free, durable figures are meaningless";
  char text[64];
  std::snprintf(text, sizeof text, "disk (statfs f_type 0x%llx)",
                static_cast<unsigned long long>(fs.f_type));
  return text;
}

}  // namespace
}  // namespace loyalpos::pos

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("ledger_dir", "/tmp, " + loyalpos::pos::tmp_file_system());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
