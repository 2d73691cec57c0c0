#include "pos/ledger/sqlite.h"

#include <utility>

namespace loyalpos::pos {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = std::string(what) + ": " + detail;
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(ErrorCode::kUnavailable,
                   std::string(what) +
                       ": the ledger is locked by another loyalpos process "
                       "(waited past the busy timeout); try again");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error(ErrorCode::kCorrupt, std::string(what) +
                                            ": the ledger file is damaged or not a loyalpos "
                                            "ledger (" +
                                            detail + ")");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Error(ErrorCode::kIo, message);
    case SQLITE_CONSTRAINT:
      return Error(ErrorCode::kConflict, message);
    default:
      return Error(ErrorCode::kInternal, message);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, const std::vector<std::uint8_t>& blob) {
  sqlite3_bind_blob64(stmt_.get(), index, blob.data(), blob.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  return sqlite_error(db, rc, "ledger");
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row.ok()) return row.error();
    if (!*row) return ok_status();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_.get(), index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), index)));
}

std::vector<std::uint8_t> Statement::column_blob(int index) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), index));
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (data == nullptr) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

Result<Database> Database::open(const std::string& path, Mode mode, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == Mode::kCreate) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);  // owns raw even on failure
  if (rc != SQLITE_OK) {
    if (mode != Mode::kCreate && (rc & 0xff) == SQLITE_CANTOPEN) {
      return Error(ErrorCode::kNotFound, "no ledger at " + path);
    }
    return sqlite_error(raw, rc, "cannot open the ledger " + path);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return sqlite_error(db_.get(), rc, "ledger");
  return ok_status();
}

Result<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_.get(), rc, "ledger");
  }
  return Statement(stmt);
}

Result<Statement*> Database::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    const std::string text(sql);
    auto stmt = prepare(text);
    if (!stmt.ok()) return stmt.error();
    it = cache_.emplace(text, std::make_unique<Statement>(std::move(*stmt))).first;
  }
  it->second->reset();
  return it->second.get();
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

Result<Transaction> Transaction::begin(Database& db) {
  auto begin = db.cached("BEGIN IMMEDIATE");
  if (!begin.ok()) return begin.error();
  auto status = (*begin)->run();
  if (!status.ok()) return status.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() {
  if (db_ != nullptr) {
    auto rollback = db_->cached("ROLLBACK");
    if (rollback.ok()) (void)(*rollback)->run();
  }
}

Status Transaction::commit() {
  auto commit = db_->cached("COMMIT");
  if (!commit.ok()) return commit.error();
  auto status = (*commit)->run();
  if (!status.ok()) return status;
  db_ = nullptr;
  return ok_status();
}

Result<DatabaseCopy> DatabaseCopy::start(Database& into, Database& from) {
  sqlite3_backup* backup = sqlite3_backup_init(into.handle(), "main", from.handle(), "main");
  if (backup == nullptr) {
    return sqlite_error(into.handle(), sqlite3_errcode(into.handle()), "copying a ledger");
  }
  return DatabaseCopy(backup, &into);
}

DatabaseCopy::DatabaseCopy(DatabaseCopy&& other) noexcept
    : backup_(std::exchange(other.backup_, nullptr)), into_(other.into_) {}

DatabaseCopy::~DatabaseCopy() {
  if (backup_ != nullptr) sqlite3_backup_finish(backup_);
}

Status DatabaseCopy::lock() {
  const int rc = sqlite3_backup_step(backup_, 0);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    return sqlite_error(into_->handle(), rc, "copying a ledger");
  }
  return ok_status();
}

Status DatabaseCopy::run() {
  const int rc = sqlite3_backup_step(backup_, -1);
  const int finished = sqlite3_backup_finish(std::exchange(backup_, nullptr));
  if (rc != SQLITE_DONE) return sqlite_error(into_->handle(), rc, "copying a ledger");
  if (finished != SQLITE_OK) return sqlite_error(into_->handle(), finished, "copying a ledger");
  return ok_status();
}

}  // namespace loyalpos::pos
