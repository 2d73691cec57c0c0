// What the journeyd benchmarks share (store_bench.cc, sync_bench.cc): a
// terminal's chain of journey events made in memory, valid (each hash
// recomputes, each prev_hash chains), and the raw floor head office's store is
// measured against: the same rows, the same batching, straight into a table of
// the same shape without any verification (SQLite: one prepared INSERT per row
// in one BEGIN IMMEDIATE…COMMIT; PostgreSQL: one prepared multi-row INSERT …
// ON CONFLICT DO NOTHING per batch). Header-only, for benchmarks alone.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/journal_hash.h"
#include "sync/store/store.h"

namespace loyalpos::sync::bench {

// One event as it travels, and its hashes as bytes (what the baselines store).
struct Row {
  WireEvent wire;
  JournalHash prev;
  JournalHash hash;
};

// Seq 1..count of `terminal_id`'s chain: a sale with its lines and a card's
// stamps, in turn.
inline std::vector<Row> make_chain(const std::string& terminal_id, std::int64_t count) {
  std::vector<Row> out;
  out.reserve(static_cast<std::size_t>(count));
  JournalHash prev(32, 0);
  for (std::int64_t seq = 1; seq <= count; ++seq) {
    WireEvent e;
    e.terminal_id = terminal_id;
    e.seq = seq;
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
    JournalHash hash = journal_event_hash(prev, terminal_id, seq, e.type, e.at,
                                          e.card_id.value_or(""), e.sale_id, e.payload);
    e.prev_hash = to_hex(prev);
    e.hash = to_hex(hash);
    out.push_back({std::move(e), prev, hash});
    prev = std::move(hash);
  }
  return out;
}

// rows[from, from + n) as they travel.
inline std::vector<WireEvent> wire_events(const std::vector<Row>& rows, std::size_t from,
                                          std::size_t n) {
  std::vector<WireEvent> out;
  out.reserve(n);
  for (std::size_t k = from; k < from + n; ++k) out.push_back(rows[k].wire);
  return out;
}

// The raw floor: inserts `n` rows in one transaction; false (with `why`) on
// failure.
class Baseline {
 public:
  virtual ~Baseline() = default;
  virtual bool insert(const Row* rows, std::size_t n, std::string* why) = 0;
};

// A table shaped like the SQLite store's events, in a file of its own, WAL
// with synchronous=FULL.
class SqliteBaseline final : public Baseline {
 public:
  explicit SqliteBaseline(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_exec(db_,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE events(cursor INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL,"
                 " seq INTEGER NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL, card_id TEXT,"
                 " sale_id INTEGER, payload TEXT NOT NULL, prev_hash BLOB NOT NULL,"
                 " hash BLOB NOT NULL, UNIQUE(terminal_id, seq));"
                 "CREATE INDEX events_by_card ON events(card_id) WHERE card_id IS NOT NULL",
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
  SqliteBaseline(const SqliteBaseline&) = delete;
  SqliteBaseline& operator=(const SqliteBaseline&) = delete;

  bool insert(const Row* rows, std::size_t n, std::string* why) override {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      *why = sqlite3_errmsg(db_);
      return false;
    }
    for (std::size_t k = 0; k < n; ++k) {
      const Row& r = rows[k];
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

// A copy of the PostgreSQL store's events table (the store must have made
// it at `url`), filled `batch` rows per INSERT.
class PgBaseline final : public Baseline {
 public:
  PgBaseline(const std::string& url, std::size_t batch)
      : conn_(PQconnectdb(url.c_str())), batch_(batch) {
    PQclear(PQexec(conn_, "CREATE TABLE events_baseline (LIKE events INCLUDING ALL)"));
    std::string sql =
        "INSERT INTO events_baseline(terminal_id, seq, cursor, type, at, card_id, sale_id,"
        " payload, prev_hash, hash) VALUES ";
    int p = 1;
    for (std::size_t k = 0; k < batch; ++k) {
      sql += k ? ", (" : "(";
      for (int c = 0; c < 10; ++c) sql += (c ? ", $" : "$") + std::to_string(p++);
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING";
    PQclear(PQprepare(conn_, "baseline", sql.c_str(), 0, nullptr));
  }
  ~PgBaseline() override { PQfinish(conn_); }
  PgBaseline(const PgBaseline&) = delete;
  PgBaseline& operator=(const PgBaseline&) = delete;

  bool insert(const Row* rows, std::size_t n, std::string* why) override {
    if (n != batch_) {
      *why = "the PostgreSQL baseline takes batches of " + std::to_string(batch_) + " rows";
      return false;
    }
    std::vector<std::string> texts;
    texts.reserve(n * 7);  // never reallocated: params point into it
    std::vector<const char*> params;
    params.reserve(n * 10);
    const auto keep = [&](std::string s) {
      texts.push_back(std::move(s));
      return texts.back().c_str();
    };
    for (std::size_t k = 0; k < n; ++k) {
      const WireEvent& e = rows[k].wire;
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
  std::size_t batch_;
};

}  // namespace loyalpos::sync::bench
