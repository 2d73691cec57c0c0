// What journeyd's store costs per event (sync/store/store.h): a terminal's
// chain appended in 500-event batches through Store::append (verification,
// head check, replay check, cursor, one transaction each) beside the raw
// floor measured in the same run: the same rows, the same batching, straight
// into a table of the same shape (SQLite: one prepared INSERT per row in one
// BEGIN IMMEDIATE…COMMIT; PostgreSQL: one prepared multi-row INSERT … ON
// CONFLICT DO NOTHING per batch), without any verification. Goal: ratio
// (store events/s over baseline events/s) >= 0.5 for each store.
//
// Both are durable: SQLite in WAL with synchronous=FULL in the temp dir,
// PostgreSQL a throwaway cluster (tests/sync/pg_cluster.h) with fsync on.
// Each iteration appends one store batch and one baseline batch, taking
// turns going first, so drift in the disk's fsync latency falls on both.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/journal_hash.h"
#include "pos/ledger/event_log.h"
#include "sync/store/store.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::sync {
namespace {

constexpr int kBatch = 500;
constexpr int kBatches = 40;
using Clock = std::chrono::steady_clock;

std::string hex(const pos::Hash& bytes) { return to_hex(bytes); }

struct Row {
  WireEvent wire;
  pos::Hash prev;
  pos::Hash hash;
};

// A realistic chain: a sale with its lines, a card's stamps, in turn.
const std::vector<Row>& chain() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> out;
    pos::Hash prev(32, 0);
    for (std::int64_t seq = 1; seq <= std::int64_t{kBatch} * kBatches; ++seq) {
      pos::NewEvent e;
      e.type = seq % 2 ? "sale.completed" : "card.stamps";
      e.at = 1767225600 + seq;
      if (seq % 2 == 0) {
        char card[24];  // not a std::string sum: g++ 12 warns falsely (-Wrestrict) on one
        std::snprintf(card, sizeof card, "C%lld", static_cast<long long>(seq % 997));
        e.card_id = card;
      }
      if (seq % 2) e.sale_id = seq;
      e.payload = seq % 2 ? R"({"lines":[{"sku":"CROISSANT","qty":1,"unit":250},)"
                            R"({"sku":"LATTE","qty":1,"unit":390}],"total":640,"payment":"card"})"
                          : R"({"program":"pastry","delta":1,"why":"sale"})";
      pos::Hash hash = pos::event_hash(prev, "B1", seq, e);
      out.push_back({WireEvent{"B1", seq, e.type, e.at, e.card_id, e.sale_id, e.payload, hex(prev),
                               hex(hash)},
                     prev, hash});
      prev = std::move(hash);
    }
    return out;
  }();
  return rows;
}

std::vector<WireEvent> wire_batch(int i) {
  std::vector<WireEvent> out;
  for (int k = 0; k < kBatch; ++k) out.push_back(chain()[i * kBatch + k].wire);
  return out;
}

// The raw floor: inserts batch `i` somewhere; false (with `why`) on failure.
class Baseline {
 public:
  virtual ~Baseline() = default;
  virtual bool insert(int i, std::string* why) = 0;
};

class SqliteBaseline final : public Baseline {
 public:
  explicit SqliteBaseline(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_exec(db_,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE events(cursor INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL,"
                 " seq INTEGER NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL, card_id TEXT,"
                 " sale_id INTEGER, payload TEXT NOT NULL, prev_hash BLOB NOT NULL,"
                 " hash BLOB NOT NULL, UNIQUE(terminal_id, seq))",
                 nullptr, nullptr, nullptr);
    sqlite3_prepare_v2(db_,
                       "INSERT INTO events(terminal_id, seq, type, at, card_id, sale_id, payload,"
                       " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       -1, &insert_, nullptr);
  }
  ~SqliteBaseline() override {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }

  bool insert(int i, std::string* why) override {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      *why = sqlite3_errmsg(db_);
      return false;
    }
    for (int k = 0; k < kBatch; ++k) {
      const Row& r = chain()[i * kBatch + k];
      const WireEvent& e = r.wire;
      sqlite3_bind_text(insert_, 1, e.terminal_id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert_, 2, e.seq);
      sqlite3_bind_text(insert_, 3, e.type.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert_, 4, e.at);
      if (e.card_id) {
        sqlite3_bind_text(insert_, 5, e.card_id->c_str(), -1, SQLITE_STATIC);
      } else {
        sqlite3_bind_null(insert_, 5);
      }
      if (e.sale_id) {
        sqlite3_bind_int64(insert_, 6, *e.sale_id);
      } else {
        sqlite3_bind_null(insert_, 6);
      }
      sqlite3_bind_text(insert_, 7, e.payload.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_blob(insert_, 8, r.prev.data(), 32, SQLITE_STATIC);
      sqlite3_bind_blob(insert_, 9, r.hash.data(), 32, SQLITE_STATIC);
      const int rc = sqlite3_step(insert_);
      sqlite3_reset(insert_);
      if (rc != SQLITE_DONE) {
        *why = sqlite3_errmsg(db_);
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return false;
      }
    }
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      *why = sqlite3_errmsg(db_);
      return false;
    }
    return true;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

class PgBaseline final : public Baseline {
 public:
  explicit PgBaseline(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    PQclear(PQexec(conn_, "CREATE TABLE events_baseline (LIKE events INCLUDING ALL)"));
    std::string sql =
        "INSERT INTO events_baseline(terminal_id, seq, cursor, type, at, card_id, sale_id,"
        " payload, prev_hash, hash) VALUES ";
    int p = 1;
    for (int k = 0; k < kBatch; ++k) {
      sql += k ? ", (" : "(";
      for (int c = 0; c < 10; ++c) sql += (c ? ", $" : "$") + std::to_string(p++);
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING";
    PQclear(PQprepare(conn_, "baseline", sql.c_str(), 0, nullptr));
  }
  ~PgBaseline() override { PQfinish(conn_); }

  bool insert(int i, std::string* why) override {
    std::vector<std::string> texts;
    texts.reserve(kBatch * 7);
    std::vector<const char*> params;
    const auto keep = [&](std::string s) {
      texts.push_back(std::move(s));
      return texts.back().c_str();
    };
    for (int k = 0; k < kBatch; ++k) {
      const WireEvent& e = chain()[i * kBatch + k].wire;
      params.push_back(e.terminal_id.c_str());
      params.push_back(keep(std::to_string(e.seq)));
      params.push_back(keep(std::to_string(e.seq)));  // as the cursor
      params.push_back(e.type.c_str());
      params.push_back(keep(std::to_string(e.at)));
      params.push_back(e.card_id ? e.card_id->c_str() : nullptr);
      params.push_back(e.sale_id ? keep(std::to_string(*e.sale_id)) : nullptr);
      params.push_back(e.payload.c_str());
      params.push_back(keep("\\x" + e.prev_hash));
      params.push_back(keep("\\x" + e.hash));
    }
    PGresult* res = PQexecPrepared(conn_, "baseline", static_cast<int>(params.size()),
                                   params.data(), nullptr, nullptr, 0);
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) *why = PQresultErrorMessage(res);
    PQclear(res);
    return ok;
  }

 private:
  PGconn* conn_;
};

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
    for (int i = 0; i < kBatches; ++i) out.push_back(wire_batch(i));
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
      const bool ok = baseline.insert(i, &why);
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
  PgBaseline baseline(*url);
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
