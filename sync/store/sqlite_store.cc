#include "sync/store/sqlite_store.h"

#include <sqlite3.h>

#include <string_view>
#include <utility>

#include "sync/store/append_check.h"

namespace loyalpos::sync {

namespace {

using detail::Bytes;

struct Deleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, Deleter>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, Deleter>;

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string message = "journeyd store: " + std::string(what) + ": " +
                        (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable(message + " (another journeyd holds the store; try again)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error::corrupt(message);
    case SQLITE_CONSTRAINT:
      return Error::conflict(message);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Error::io(message);
    default:
      return Error::internal(message);
  }
}

// One prepared statement; reset after every use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_.get(), i, v);
    return *this;
  }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, const void* data, std::size_t size) {
    sqlite3_bind_blob(stmt_.get(), i, data, static_cast<int>(size), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const Bytes& v) { return bind_blob(i, v.data(), v.size()); }
  // Without SQLite's copy, for values that outlive the statement's next
  // run(): the append binds nine per event.
  Stmt& bind_static(int i, std::string_view v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_static(int i, const Bytes& v) {
    sqlite3_bind_blob(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(stmt_.get(), i);
    return *this;
  }
  // True when a row is ready.
  Result<bool> step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error error = sqlite_error(db_, rc, "a statement failed");
    reset();
    return error;
  }
  Status run() {
    auto row = step();
    reset();
    if (!row.ok()) return row.error();
    return ok_status();
  }
  void reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  std::int64_t int_at(int i) const { return sqlite3_column_int64(stmt_.get(), i); }
  bool null_at(int i) const { return sqlite3_column_type(stmt_.get(), i) == SQLITE_NULL; }
  std::string text_at(int i) const {
    const auto* p = sqlite3_column_text(stmt_.get(), i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), i)))
             : std::string();
  }
  Bytes blob_at(int i) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), i));
    return p ? Bytes(p, p + sqlite3_column_bytes(stmt_.get(), i)) : Bytes();
  }

 private:
  sqlite3* db_ = nullptr;
  StmtPtr stmt_;
};

// The four payload fields of a journey fact (store.h's JourneyFact: first,
// second, stamps, rewards), as SQL over `type` and `p` (the payload, '{}'
// when it is not JSON): migration 5 copies the stored events' into
// journey_facts, each append its new events'.
// clang-format off
#define JOURNEY_FACT_FIELDS(type, p) \
  " CASE " type " WHEN 'card.issued' THEN json_extract(" p ", '$.referrer')" \
  "  WHEN 'card.feedback' THEN json_extract(" p ", '$.stars')" \
  "  WHEN 'card.stage' THEN json_extract(" p ", '$.from')" \
  "  WHEN 'card.stamps' THEN json_extract(" p ", '$.program')" \
  "  WHEN 'sale.completed' THEN json_extract(" p ", '$.promotions') END," \
  " CASE " type " WHEN 'card.issued' THEN json_extract(" p ", '$.source')" \
  "  WHEN 'card.feedback' THEN json_extract(" p ", '$.shop')" \
  "  WHEN 'card.stage' THEN json_extract(" p ", '$.to')" \
  "  WHEN 'card.stamps' THEN json_extract(" p ", '$.why')" \
  "  WHEN 'sale.completed' THEN json_extract(" p ", '$.codes') END," \
  " CASE " type " WHEN 'card.stamps' THEN json_extract(" p ", '$.stamps')" \
  "  WHEN 'sale.completed' THEN json_extract(" p ", '$.stamps_earned') END," \
  " CASE " type " WHEN 'card.stamps' THEN json_extract(" p ", '$.rewards')" \
  "  WHEN 'sale.completed' THEN json_extract(" p ", '$.free_units') END"
// clang-format on

// Migration N is kMigrations[N - 1]; each runs once, in the transaction
// that records it in schema_version.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE terminals(
  terminal_id     TEXT PRIMARY KEY,
  store_name      TEXT NOT NULL,
  terminal_name   TEXT NOT NULL,
  credential_hash TEXT NOT NULL,
  revoked         INTEGER NOT NULL DEFAULT 0,
  head_seq        INTEGER NOT NULL DEFAULT 0,
  head_hash       BLOB NOT NULL
);
CREATE TABLE events(
  cursor      INTEGER PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  card_id     TEXT,
  sale_id     INTEGER,
  payload     TEXT NOT NULL,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL,
  UNIQUE(terminal_id, seq)
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
CREATE TABLE published(
  version INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL,
  bytes   BLOB NOT NULL
);
CREATE INDEX published_by_kind ON published(kind, version);
)sql",
    R"sql(
CREATE TABLE owners(
  name          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE owner_sessions(
  id_hash    TEXT PRIMARY KEY,
  owner      TEXT NOT NULL REFERENCES owners(name),
  csrf       TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql",
    // The customer's card page reads one card's events.
    "CREATE INDEX events_by_card ON events(card_id) WHERE card_id IS NOT NULL;",
    R"sql(
CREATE TABLE contacts(
  card_id      TEXT PRIMARY KEY,
  email        TEXT NOT NULL,
  consented_at INTEGER NOT NULL,
  source       TEXT NOT NULL
);
)sql",
    // The reports' narrow copy of the journey events (each_journey_fact):
    // append writes each new event's row beside it, the payload fields taken
    // out once rather than on every report; the events already stored are
    // copied over. A payload that is not JSON gives empty fields.
    R"sql(
CREATE TABLE journey_facts(
  cursor      INTEGER PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  card_id     TEXT NOT NULL,
  sale_id     INTEGER NOT NULL,
  first, second, stamps, rewards
);
INSERT INTO journey_facts SELECT cursor, terminal_id, type, at, card_id, coalesce(sale_id, 0),
  )sql" JOURNEY_FACT_FIELDS("type", "p") R"sql(
  FROM (SELECT cursor, terminal_id, type, at, card_id, sale_id,
               CASE WHEN json_valid(payload) THEN payload ELSE '{}' END AS p
        FROM events WHERE card_id IS NOT NULL
         AND type IN ('card.issued', 'card.seen', 'card.stage', 'card.stamps', 'sale.completed', 'card.feedback'))
  ORDER BY cursor;
CREATE TRIGGER journey_facts_no_update BEFORE UPDATE ON journey_facts
  BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
CREATE TRIGGER journey_facts_no_delete BEFORE DELETE ON journey_facts
  BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
)sql",
};
constexpr std::int64_t kSchemaVersion = std::size(kMigrations);

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(DbPtr db) : db_(std::move(db)) {}

  Status init(int busy_timeout_ms) {
    sqlite3_busy_timeout(db_.get(), busy_timeout_ms);
    LOYALPOS_TRY(exec("PRAGMA journal_mode=WAL"));
    LOYALPOS_TRY(exec("PRAGMA synchronous=FULL"));
    LOYALPOS_TRY(exec("PRAGMA foreign_keys=ON"));
    LOYALPOS_TRY(migrate());
    LOYALPOS_TRY(prepare(terminal_,
                         "SELECT revoked, head_seq, head_hash FROM terminals"
                         " WHERE terminal_id = ?1"));
    LOYALPOS_TRY(prepare(stored_hashes_,
                         "SELECT hash FROM events WHERE terminal_id = ?1 AND seq BETWEEN ?2 AND ?3"
                         " ORDER BY seq"));
    LOYALPOS_TRY(prepare(insert_,
                         "INSERT INTO events(terminal_id, seq, type, at, card_id, sale_id, payload,"
                         " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    // One statement per append, over the rows it just inserted. OR ROLLBACK
    // (nothing can conflict) spares it a statement journal, as single-row
    // VALUES are spared one: an AFTER INSERT trigger on events gave every
    // event's INSERT one and took a third of the append's speed.
    LOYALPOS_TRY(prepare(
        insert_facts_,
        "INSERT OR ROLLBACK INTO journey_facts SELECT cursor, terminal_id, type, at, card_id,"
        " coalesce(sale_id, 0)," JOURNEY_FACT_FIELDS(
            "type", "p") " FROM"
                         " (SELECT cursor, terminal_id, type, at, card_id, sale_id,"
                         "  CASE WHEN json_valid(payload) THEN payload ELSE '{}' END AS p"
                         "  FROM events WHERE cursor >= ?1 AND card_id IS NOT NULL AND type IN"
                         "  ('card.issued', 'card.seen', 'card.stage', 'card.stamps', "
                         "'sale.completed', 'card.feedback'))"
                         " ORDER BY cursor"));
    LOYALPOS_TRY(prepare(set_head_,
                         "UPDATE terminals SET head_seq = ?2, head_hash = ?3"
                         " WHERE terminal_id = ?1"));
    return ok_status();
  }

  AppendOutcome append_or_refuse(const std::string& terminal_id,
                                 const std::vector<WireEvent>& batch) override {
    auto checked = detail::check_batch(terminal_id, batch);
    if (!checked.ok()) return detail::refused(checked.error());
    if (auto begun = exec("BEGIN IMMEDIATE"); !begun.ok()) return detail::refused(begun.error());
    AppendOutcome outcome = append_locked(terminal_id, batch, *checked);
    if (!outcome.refusal) {
      if (auto done = exec("COMMIT"); !done.ok()) outcome.refusal = done.error();
    }
    if (outcome.refusal) (void)exec("ROLLBACK");
    return outcome;
  }

  Result<Ack> head(const std::string& terminal_id) override {
    auto found = read_terminal(terminal_id);
    if (!found.ok()) return found.error();
    return detail::ack_of(found->head);
  }

  Result<std::vector<WireEvent>> events_after(std::int64_t cursor,
                                              const std::string& except_terminal, std::size_t limit,
                                              bool cards_only) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "SELECT cursor, terminal_id, seq, type, at, card_id, sale_id, payload,"
                         " prev_hash, hash FROM events WHERE cursor > ?1 AND terminal_id <> ?2"
                         " AND (?3 = 0 OR card_id IS NOT NULL) ORDER BY cursor LIMIT ?4"));
    s.bind(1, cursor).bind(2, except_terminal).bind(3, cards_only ? 1 : 0);
    s.bind(4, static_cast<std::int64_t>(std::min<std::size_t>(limit, kMaxBatch * 10)));
    return read_events(s);
  }

  Result<std::vector<WireEvent>> card_events(const std::string& card_id,
                                             std::size_t limit) override {
    Stmt s;
    LOYALPOS_TRY(
        prepare(s,
                "SELECT cursor, terminal_id, seq, type, at, card_id, sale_id, payload,"
                " prev_hash, hash FROM events WHERE card_id = ?1 ORDER BY cursor LIMIT ?2"));
    s.bind(1, card_id).bind(2, static_cast<std::int64_t>(limit));
    return read_events(s);
  }

  Result<std::int64_t> count_events() override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "SELECT count(*) FROM events"));
    auto row = s.step();
    if (!row.ok()) return row.error();
    return s.int_at(0);
  }

  Status each_journey_fact(const JourneyFactQuery& q, const JourneyFactVisitor& visit) override {
    Stmt s;
    // journey_facts holds exactly the events with a card of the six types,
    // their fields taken out at append (migration 5).
    LOYALPOS_TRY(prepare(
        s,
        "SELECT cursor, terminal_id, type, at, card_id, sale_id, first, second, stamps, rewards"
        " FROM journey_facts WHERE at < ?1"
        " AND (?2 = '' OR terminal_id IN (SELECT terminal_id FROM terminals WHERE store_name = ?2)"
        "  OR (type = 'card.feedback' AND second = ?2))"
        " AND (?3 = '' OR type = ?3)"
        " ORDER BY cursor"));
    s.bind(1, q.before).bind(2, q.store_name).bind(3, q.type);
    // One statement stepped to the end: a read transaction of its own (WAL:
    // appends go on meanwhile and are not seen).
    JourneyFact f;
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!*row) return ok_status();
      f.cursor = s.int_at(0);
      f.terminal_id = s.text_at(1);
      f.type = s.text_at(2);
      f.at = s.int_at(3);
      f.card_id = s.text_at(4);
      f.sale_id = s.int_at(5);
      f.first = s.text_at(6);
      f.second = s.text_at(7);
      f.stamps = s.int_at(8);  // NULL reads as 0
      f.rewards = s.int_at(9);
      visit(f);
    }
  }

  Status each_sale(const SaleQuery& q, const SaleVisitor& visit) override {
    Stmt s;
    LOYALPOS_TRY(
        prepare(s,
                "SELECT terminal_id, at, coalesce(json_extract(payload, '$.promotions'), '[]'),"
                " coalesce(json_extract(payload, '$.lines'), '[]')"
                " FROM events WHERE type = 'sale.completed' AND at >= ?1 AND at < ?2"
                " AND (?3 = '' OR terminal_id IN"
                "  (SELECT terminal_id FROM terminals WHERE store_name = ?3))"));
    s.bind(1, q.from).bind(2, q.before).bind(3, q.store_name);
    SaleFact f;
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!*row) return ok_status();
      f.terminal_id = s.text_at(0);
      f.at = s.int_at(1);
      f.promotions = s.text_at(2);
      f.lines = s.text_at(3);
      visit(f);
    }
  }

  Result<std::vector<std::string>> store_names() override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "SELECT DISTINCT store_name FROM terminals ORDER BY store_name"));
    std::vector<std::string> out;
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back(s.text_at(0));
    }
    return out;
  }

  Status add_terminal(const std::string& store_name, const std::string& terminal_name,
                      const std::string& terminal_id, const std::string& credential_hash) override {
    if (terminal_id.empty()) return Error::invalid("a terminal id must not be empty");
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "INSERT INTO terminals(terminal_id, store_name, terminal_name,"
                         " credential_hash, head_hash) VALUES (?1, ?2, ?3, ?4, ?5)"
                         " ON CONFLICT(terminal_id) DO NOTHING"));
    s.bind(1, terminal_id).bind(2, store_name).bind(3, terminal_name).bind(4, credential_hash);
    s.bind(5, Bytes(32, 0));
    LOYALPOS_TRY(s.run());
    if (sqlite3_changes(db_.get()) == 0) {
      return Error::conflict("terminal " + terminal_id + " is already enrolled");
    }
    return ok_status();
  }

  Status revoke_terminal(const std::string& terminal_id) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "UPDATE terminals SET revoked = 1 WHERE terminal_id = ?1"));
    s.bind(1, terminal_id);
    LOYALPOS_TRY(s.run());
    if (sqlite3_changes(db_.get()) == 0) return unknown(terminal_id);
    return ok_status();
  }

  Result<TerminalRecord> find_terminal(const std::string& terminal_id) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "SELECT store_name, terminal_name, credential_hash, revoked FROM terminals"
                         " WHERE terminal_id = ?1"));
    s.bind(1, terminal_id);
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!*row) return unknown(terminal_id);
    return TerminalRecord{terminal_id, s.text_at(0), s.text_at(1), s.text_at(2), s.int_at(3) != 0};
  }

  Result<std::int64_t> publish(const std::string& kind, const std::string& bytes) override {
    LOYALPOS_TRY(detail::check_kind(kind));
    Stmt s;
    LOYALPOS_TRY(prepare(s, "INSERT INTO published(kind, bytes) VALUES (?1, ?2)"));
    s.bind(1, kind).bind_blob(2, bytes.data(), bytes.size());
    LOYALPOS_TRY(s.run());
    return sqlite3_last_insert_rowid(db_.get());
  }

  Result<std::optional<Published>> latest(const std::string& kind,
                                          std::int64_t after_version) override {
    LOYALPOS_TRY(detail::check_kind(kind));
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "SELECT version, bytes FROM published WHERE kind = ?1"
                         " ORDER BY version DESC LIMIT 1"));
    s.bind(1, kind);
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!*row || s.int_at(0) <= after_version) return std::optional<Published>();
    const Bytes bytes = s.blob_at(1);
    return std::optional<Published>(
        Published{kind, s.int_at(0), std::string(bytes.begin(), bytes.end())});
  }

  Status add_owner(const OwnerRecord& owner) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "INSERT INTO owners(name, password_hash, created_at) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT(name) DO NOTHING"));
    s.bind(1, owner.name).bind(2, owner.password_hash).bind(3, owner.created_at);
    LOYALPOS_TRY(s.run());
    if (sqlite3_changes(db_.get()) == 0) return detail::owner_taken(owner.name);
    return ok_status();
  }

  Result<OwnerRecord> find_owner(const std::string& name) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "SELECT password_hash, created_at FROM owners WHERE name = ?1"));
    s.bind(1, name);
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!*row) return detail::no_owner(name);
    return OwnerRecord{name, s.text_at(0), s.int_at(1)};
  }

  Status add_session(const OwnerSession& session, std::int64_t now) override {
    Stmt gone, s;
    LOYALPOS_TRY(prepare(gone, "DELETE FROM owner_sessions WHERE expires_at <= ?1"));
    gone.bind(1, now);
    LOYALPOS_TRY(gone.run());
    LOYALPOS_TRY(prepare(s,
                         "INSERT INTO owner_sessions(id_hash, owner, csrf, expires_at)"
                         " VALUES (?1, ?2, ?3, ?4)"));
    s.bind(1, session.id_hash).bind(2, session.owner).bind(3, session.csrf);
    s.bind(4, session.expires_at);
    return s.run();
  }

  Result<OwnerSession> find_session(const std::string& id_hash, std::int64_t now) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "SELECT owner, csrf, expires_at FROM owner_sessions"
                         " WHERE id_hash = ?1 AND expires_at > ?2"));
    s.bind(1, id_hash).bind(2, now);
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!*row) return detail::no_session();
    return OwnerSession{id_hash, s.text_at(0), s.text_at(1), s.int_at(2)};
  }

  Status end_session(const std::string& id_hash) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "DELETE FROM owner_sessions WHERE id_hash = ?1"));
    s.bind(1, id_hash);
    return s.run();
  }

  Status add_contact(const Contact& c) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "INSERT INTO contacts(card_id, email, consented_at, source)"
                         " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(card_id) DO NOTHING"));
    s.bind(1, c.card_id).bind(2, c.email).bind(3, c.consented_at).bind(4, c.source);
    LOYALPOS_TRY(s.run());
    if (sqlite3_changes(db_.get()) == 0) return detail::contact_taken(c.card_id);
    return ok_status();
  }

  Result<std::vector<Contact>> contacts() override {
    Stmt s;
    LOYALPOS_TRY(prepare(s,
                         "SELECT card_id, email, consented_at, source FROM contacts"
                         " ORDER BY consented_at, card_id"));
    std::vector<Contact> out;
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!*row) return out;
      out.push_back({s.text_at(0), s.text_at(1), s.int_at(2), s.text_at(3)});
    }
  }

  Result<bool> forget_contact(const std::string& card_id) override {
    Stmt s;
    LOYALPOS_TRY(prepare(s, "DELETE FROM contacts WHERE card_id = ?1"));
    s.bind(1, card_id);
    LOYALPOS_TRY(s.run());
    return sqlite3_changes(db_.get()) > 0;
  }

 private:
  struct TerminalRow {
    bool revoked = false;
    detail::StoredHead head;
  };

  // The rows of a SELECT of cursor, terminal_id, seq, type, at, card_id,
  // sale_id, payload, prev_hash, hash.
  static Result<std::vector<WireEvent>> read_events(Stmt& s) {
    std::vector<WireEvent> out;
    for (;;) {
      auto row = s.step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      WireEvent e;
      e.cursor = s.int_at(0);
      e.terminal_id = s.text_at(1);
      e.seq = s.int_at(2);
      e.type = s.text_at(3);
      e.at = s.int_at(4);
      if (!s.null_at(5)) e.card_id = s.text_at(5);
      if (!s.null_at(6)) e.sale_id = s.int_at(6);
      e.payload = s.text_at(7);
      e.prev_hash = to_hex(s.blob_at(8));
      e.hash = to_hex(s.blob_at(9));
      out.push_back(std::move(e));
    }
    return out;
  }

  static Error unknown(const std::string& terminal_id) {
    return Error::not_found("terminal " + terminal_id + " is not enrolled");
  }

  Status exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return ok_status();
    std::string what = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return sqlite_error(nullptr, rc, what);
  }

  Status prepare(Stmt& out, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_.get(), rc, "preparing a statement");
    out = Stmt(db_.get(), stmt);
    return ok_status();
  }

  Status migrate() {
    LOYALPOS_TRY(exec("BEGIN IMMEDIATE"));
    Status status = migrate_locked();
    if (status.ok()) status = exec("COMMIT");
    if (!status.ok()) (void)exec("ROLLBACK");
    return status;
  }

  Status migrate_locked() {
    LOYALPOS_TRY(exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"));
    Stmt s;
    LOYALPOS_TRY(prepare(s, "SELECT coalesce(max(version), 0) FROM schema_version"));
    auto row = s.step();
    if (!row.ok()) return row.error();
    const std::int64_t version = s.int_at(0);
    s.reset();
    if (version > kSchemaVersion) {
      return Error::unsupported("the journeyd store has schema " + std::to_string(version) +
                                ", written by a newer journeyd (this one knows " +
                                std::to_string(kSchemaVersion) + ")");
    }
    for (std::int64_t v = version + 1; v <= kSchemaVersion; ++v) {
      LOYALPOS_TRY(exec(kMigrations[v - 1]));
      Stmt record;
      LOYALPOS_TRY(prepare(record, "INSERT INTO schema_version(version) VALUES (?1)"));
      record.bind(1, v);
      LOYALPOS_TRY(record.run());
    }
    return ok_status();
  }

  Result<TerminalRow> read_terminal(const std::string& terminal_id) {
    terminal_.bind(1, terminal_id);
    auto row = terminal_.step();
    if (!row.ok()) return row.error();
    if (!*row) {
      terminal_.reset();
      return unknown(terminal_id);
    }
    TerminalRow out{terminal_.int_at(0) != 0, {terminal_.int_at(1), terminal_.blob_at(2)}};
    terminal_.reset();
    return out;
  }

  // Inside BEGIN IMMEDIATE: no other writer until COMMIT or ROLLBACK.
  AppendOutcome append_locked(const std::string& terminal_id, const std::vector<WireEvent>& batch,
                              const detail::CheckedBatch& checked) {
    auto terminal = read_terminal(terminal_id);
    if (!terminal.ok()) return detail::refused(terminal.error());
    if (terminal->revoked) {
      return detail::refused(Error::conflict("terminal " + terminal_id + " was revoked"));
    }
    const detail::StoredHead& head = terminal->head;
    std::vector<Bytes> stored;
    if (const auto range = detail::overlap(batch, head)) {
      stored_hashes_.bind(1, terminal_id).bind(2, range->first).bind(3, range->second);
      for (;;) {
        auto row = stored_hashes_.step();
        if (!row.ok()) return detail::refused(row.error());
        if (!*row) break;
        stored.push_back(stored_hashes_.blob_at(0));
      }
      stored_hashes_.reset();
    }
    AppendOutcome outcome;
    const auto first_new = detail::plan_append(terminal_id, batch, checked, head, stored, outcome);
    if (!first_new || *first_new == batch.size()) return outcome;
    std::int64_t first_cursor = 0;
    for (std::size_t i = *first_new; i < batch.size(); ++i) {
      const WireEvent& e = batch[i];
      insert_.bind_static(1, terminal_id).bind(2, e.seq).bind_static(3, e.type).bind(4, e.at);
      if (e.card_id) {
        insert_.bind_static(5, *e.card_id);
      } else {
        insert_.bind_null(5);
      }
      if (e.sale_id) {
        insert_.bind(6, *e.sale_id);
      } else {
        insert_.bind_null(6);
      }
      insert_.bind_static(7, e.payload)
          .bind_static(8, checked.prev[i])
          .bind_static(9, checked.hash[i]);
      if (auto done = insert_.run(); !done.ok()) return detail::refused(done.error());
      if (i == *first_new) first_cursor = sqlite3_last_insert_rowid(db_.get());
    }
    insert_facts_.bind(1, first_cursor);
    if (auto done = insert_facts_.run(); !done.ok()) return detail::refused(done.error());
    const detail::StoredHead new_head{batch.back().seq, checked.hash.back()};
    set_head_.bind(1, terminal_id).bind(2, new_head.seq).bind(3, new_head.hash);
    if (auto done = set_head_.run(); !done.ok()) return detail::refused(done.error());
    outcome.head = detail::ack_of(new_head);
    return outcome;
  }

  DbPtr db_;
  Stmt terminal_;
  Stmt stored_hashes_;
  Stmt insert_;
  Stmt insert_facts_;
  Stmt set_head_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteStoreOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "opening " + path);
  auto store = std::make_unique<SqliteStore>(std::move(db));
  if (auto ready = store->init(options.busy_timeout_ms); !ready.ok()) {
    return ready.error().with_context(path + ": ");
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace loyalpos::sync
