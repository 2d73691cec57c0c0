// Thin RAII wrappers over the SQLite C API: a Database owns a sqlite3*, a
// Statement owns a prepared sqlite3_stmt*, a Transaction rolls back unless
// committed. Prepared statements only; every failure becomes an Error that
// names what SQLite said. Not thread-safe: one Database per thread.
#pragma once

#include <loyalpos/result.h>
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loyalpos::pos {

struct SqliteDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

// Maps a SQLite result code to our error, with `what` saying what we tried.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  // Binds parameters by 1-based index; chainable.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::vector<std::uint8_t>& blob);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::string>& text);

  // Steps once: true when a row is ready, false when done.
  Result<bool> step();
  // Steps to the end, for statements that return no rows.
  Status run();
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::vector<std::uint8_t> column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  std::unique_ptr<sqlite3_stmt, SqliteDeleter> stmt_;
};

class Database {
 public:
  enum class Mode { kOpenExisting, kCreate, kReadOnly };

  // Opens `path`. kOpenExisting and kReadOnly never create a file; kReadOnly
  // never writes one (a backup being restored is only read).
  static Result<Database> open(const std::string& path, Mode mode, int busy_timeout_ms);

  Status exec(const std::string& sql);
  // Prepares a statement once and reuses it; the reference stays valid as
  // long as the Database lives. The statement is reset before it is returned.
  Result<Statement*> cached(std::string_view sql);
  Result<Statement> prepare(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  // Rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t changes() const;
  sqlite3* handle() const { return db_.get(); }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, SqliteDeleter> db_;
  // Looked up by the SQL text without copying it into a std::string.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// One copy of a whole database into another through SQLite's online backup
// API (sqlite3_backup_*): every page in one step, under one read
// transaction of `from`, so the copy is one consistent moment of it while
// other connections (other processes selling) go on writing. `into` is
// replaced whole. A copy dropped before run() finished rolls `into` back.
class DatabaseCopy {
 public:
  static Result<DatabaseCopy> start(Database& into, Database& from);
  DatabaseCopy(DatabaseCopy&& other) noexcept;
  DatabaseCopy& operator=(DatabaseCopy&&) = delete;
  ~DatabaseCopy();

  // Takes `into`'s write lock (waiting its busy timeout) and copies
  // nothing yet: between lock() and run() no other connection writes
  // `into`, while others may still read it.
  Status lock();
  // Copies every page and commits `into`.
  Status run();

 private:
  DatabaseCopy(sqlite3_backup* backup, Database* into) : backup_(backup), into_(into) {}
  sqlite3_backup* backup_;
  Database* into_;
};

// BEGIN IMMEDIATE on construction (so a writer waits for the lock up front,
// with the busy timeout), ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace loyalpos::pos
