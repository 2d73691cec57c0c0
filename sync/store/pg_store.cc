#include "sync/store/pg_store.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "sync/store/append_check.h"
#include "sync/store/json_members.h"

namespace loyalpos::sync {

namespace {

using detail::Bytes;

struct Deleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
  void operator()(PGresult* res) const { PQclear(res); }
};
using ConnPtr = std::unique_ptr<PGconn, Deleter>;
using ResPtr = std::unique_ptr<PGresult, Deleter>;

// Advisory lock keys (pg_advisory_xact_lock): one for migrations, one for
// publishing. Arbitrary constants, spelled "jd-migr" and "jd-publ".
constexpr std::int64_t kMigrateLock = 0x6a642d6d696772;
constexpr std::int64_t kPublishLock = 0x6a642d7075626c;

constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE terminals(
  terminal_id     text PRIMARY KEY,
  store_name      text NOT NULL,
  terminal_name   text NOT NULL,
  credential_hash text NOT NULL,
  revoked         boolean NOT NULL DEFAULT false,
  head_seq        bigint NOT NULL DEFAULT 0,
  head_hash       bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'
);
-- The store-wide cursor: a single row, updated as the last step of every
-- append, so its row lock orders cursors by commit (docs/journeyd-store.md).
CREATE TABLE ingest_cursor(
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last     bigint NOT NULL
);
INSERT INTO ingest_cursor(only_row, last) VALUES (true, 0);
CREATE TABLE events(
  terminal_id text NOT NULL,
  seq         bigint NOT NULL,
  cursor      bigint NOT NULL UNIQUE,
  type        text NOT NULL,
  at          bigint NOT NULL,
  card_id     text,
  sale_id     bigint,
  payload     text NOT NULL,
  prev_hash   bytea NOT NULL,
  hash        bytea NOT NULL,
  PRIMARY KEY (terminal_id, seq)
);
CREATE FUNCTION journeyd_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'journey events are append-only'; END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION journeyd_append_only();
CREATE TABLE published(
  version bigint PRIMARY KEY,
  kind    text NOT NULL,
  bytes   bytea NOT NULL
);
CREATE INDEX published_by_kind ON published(kind, version);
)sql",
    R"sql(
CREATE TABLE owners(
  name          text PRIMARY KEY,
  password_hash text NOT NULL,
  created_at    bigint NOT NULL
);
CREATE TABLE owner_sessions(
  id_hash    text PRIMARY KEY,
  owner      text NOT NULL REFERENCES owners(name),
  csrf       text NOT NULL,
  expires_at bigint NOT NULL
);
)sql",
    // The customer's card page reads one card's events.
    "CREATE INDEX events_by_card ON events(card_id) WHERE card_id IS NOT NULL;",
    R"sql(
CREATE TABLE contacts(
  card_id      text PRIMARY KEY,
  email        text NOT NULL,
  consented_at bigint NOT NULL,
  source       text NOT NULL
);
)sql",
    // The reports' narrow copy of the journey events (each_journey_fact):
    // written with each append's rows by a statement trigger, the payload
    // fields taken out once at append rather than on every report; the
    // events already stored are copied over. A batch holding a payload that
    // is not JSON falls back to one row at a time, that row's fields empty.
    R"sql(
CREATE TABLE journey_facts(
  cursor      bigint PRIMARY KEY,
  terminal_id text NOT NULL,
  type        text NOT NULL,
  at          bigint NOT NULL,
  card_id     text NOT NULL,
  sale_id     bigint NOT NULL,
  first       text,
  second      text,
  stamps      text,
  rewards     text
);
CREATE FUNCTION journeyd_fact_fields(type text, payload json,
  OUT first text, OUT second text, OUT stamps text, OUT rewards text)
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE type WHEN 'card.issued' THEN payload->>'referrer'
           WHEN 'card.feedback' THEN payload->>'stars'
           WHEN 'card.stage' THEN payload->>'from'
           WHEN 'card.stamps' THEN payload->>'program'
           WHEN 'sale.completed' THEN (payload->'promotions')::text END,
         CASE type WHEN 'card.issued' THEN payload->>'source'
           WHEN 'card.feedback' THEN payload->>'shop'
           WHEN 'card.stage' THEN payload->>'to'
           WHEN 'card.stamps' THEN payload->>'why'
           WHEN 'sale.completed' THEN (payload->'codes')::text END,
         CASE type WHEN 'card.stamps' THEN payload->>'stamps'
           WHEN 'sale.completed' THEN payload->>'stamps_earned' END,
         CASE type WHEN 'card.stamps' THEN payload->>'rewards'
           WHEN 'sale.completed' THEN payload->>'free_units' END
$$;
-- The same, NULL fields for a payload that is not JSON (a subtransaction each).
CREATE FUNCTION journeyd_fact_fields_or_none(type text, payload text,
  OUT first text, OUT second text, OUT stamps text, OUT rewards text)
  LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  SELECT * INTO first, second, stamps, rewards FROM journeyd_fact_fields(type, payload::json);
EXCEPTION WHEN data_exception THEN
  NULL;
END $$;
CREATE FUNCTION journeyd_add_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    INSERT INTO journey_facts
      SELECT a.cursor, a.terminal_id, a.type, a.at, a.card_id, coalesce(a.sale_id, 0), f.*
      FROM added a, journeyd_fact_fields(a.type, a.payload::json) f
      WHERE a.card_id IS NOT NULL
        AND a.type IN ('card.issued', 'card.seen', 'card.stage', 'card.stamps', 'sale.completed',
                       'card.feedback');
  EXCEPTION WHEN data_exception THEN
    INSERT INTO journey_facts
      SELECT a.cursor, a.terminal_id, a.type, a.at, a.card_id, coalesce(a.sale_id, 0), f.*
      FROM added a, journeyd_fact_fields_or_none(a.type, a.payload) f
      WHERE a.card_id IS NOT NULL
        AND a.type IN ('card.issued', 'card.seen', 'card.stage', 'card.stamps', 'sale.completed',
                       'card.feedback');
  END;
  RETURN NULL;
END $$;
CREATE TRIGGER events_journey_facts AFTER INSERT ON events
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION journeyd_add_facts();
CREATE TRIGGER journey_facts_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON journey_facts
  FOR EACH STATEMENT EXECUTE FUNCTION journeyd_append_only();
DO $$
BEGIN
  BEGIN
    INSERT INTO journey_facts
      SELECT a.cursor, a.terminal_id, a.type, a.at, a.card_id, coalesce(a.sale_id, 0), f.*
      FROM events a, journeyd_fact_fields(a.type, a.payload::json) f
      WHERE a.card_id IS NOT NULL
        AND a.type IN ('card.issued', 'card.seen', 'card.stage', 'card.stamps', 'sale.completed',
                       'card.feedback');
  EXCEPTION WHEN data_exception THEN
    INSERT INTO journey_facts
      SELECT a.cursor, a.terminal_id, a.type, a.at, a.card_id, coalesce(a.sale_id, 0), f.*
      FROM events a, journeyd_fact_fields_or_none(a.type, a.payload) f
      WHERE a.card_id IS NOT NULL
        AND a.type IN ('card.issued', 'card.seen', 'card.stage', 'card.stamps', 'sale.completed',
                       'card.feedback');
  END;
END $$;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

void quiet_notices(void*, const char*) {}

// Row 0's `column` as a number as atoll reads it (leading digits; "" and
// NULL: 0), without strlen.
std::int64_t integer_at(PGresult* r, int column) {
  const char* p = PQgetvalue(r, 0, column);
  const char* end = p + PQgetlength(r, 0, column);
  while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
  if (p < end && *p == '+') ++p;
  std::int64_t v = 0;
  std::from_chars(p, end, v);
  return v;
}

std::string bytea_param(std::string_view hex) { return "\\x" + std::string(hex); }

std::string bytea_text(const Bytes& bytes) { return bytea_param(to_hex(bytes)); }

// bytea in its text output ("\x0a1b…") to bytes.
Bytes bytea_bytes(const char* text) {
  std::string_view v(text);
  if (v.rfind("\\x", 0) == 0) v.remove_prefix(2);
  auto bytes = from_hex(v);
  return bytes ? std::move(*bytes) : Bytes();
}

std::string hex_of_bytea(const char* text) {
  std::string_view v(text);
  if (v.rfind("\\x", 0) == 0) v.remove_prefix(2);
  return std::string(v);
}

Error pg_error(PGconn* conn, const PGresult* res, std::string_view what) {
  std::string message = "journeyd store (PostgreSQL): " + std::string(what) + ": ";
  const char* detail_text = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  message += (detail_text && *detail_text) ? detail_text : "no answer";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  if (code.empty() || code.rfind("08", 0) == 0 || code.rfind("53", 0) == 0 ||
      code.rfind("57", 0) == 0 || code == "40001" || code == "40P01" || code == "55P03") {
    return Error::unavailable(message + " (try again)");
  }
  if (code.rfind("23", 0) == 0) return Error::conflict(message);
  if (code.rfind("XX", 0) == 0) return Error::corrupt(message);
  return Error::internal(message);
}

class PgStore final : public Store {
 public:
  explicit PgStore(ConnPtr conn) : conn_(std::move(conn)) {}

  Status init() {
    PQsetNoticeProcessor(conn_.get(), quiet_notices, nullptr);
    LOYALPOS_TRY(run("SET bytea_output = 'hex'", {}));
    return migrate();
  }

  AppendOutcome append_or_refuse(const std::string& terminal_id,
                                 const std::vector<WireEvent>& batch) override {
    auto checked = detail::check_batch(terminal_id, batch);
    if (!checked.ok()) return detail::refused(checked.error());
    if (auto begun = run("BEGIN", {}); !begun.ok()) return detail::refused(begun.error());
    AppendOutcome outcome = append_locked(terminal_id, batch, *checked);
    if (!outcome.refusal) {
      if (auto done = run("COMMIT", {}); !done.ok()) outcome.refusal = done.error();
    } else {
      (void)run("ROLLBACK", {});
    }
    return outcome;
  }

  Result<Ack> head(const std::string& terminal_id) override {
    auto res = query("SELECT head_seq, head_hash FROM terminals WHERE terminal_id = $1",
                     {terminal_id.c_str()});
    if (!res.ok()) return res.error();
    if (PQntuples(res->get()) == 0) return unknown(terminal_id);
    return Ack{std::atoll(PQgetvalue(res->get(), 0, 0)),
               hex_of_bytea(PQgetvalue(res->get(), 0, 1))};
  }

  Result<std::vector<WireEvent>> events_after(std::int64_t cursor,
                                              const std::string& except_terminal, std::size_t limit,
                                              bool cards_only) override {
    const std::string cursor_text = std::to_string(cursor);
    const std::string limit_text = std::to_string(std::min<std::size_t>(limit, kMaxBatch * 10));
    auto res = query(
        "SELECT cursor, terminal_id, seq, type, at, card_id, sale_id, payload, prev_hash, hash"
        " FROM events WHERE cursor > $1 AND terminal_id <> $2"
        " AND ($3 = 'false' OR card_id IS NOT NULL) ORDER BY cursor LIMIT $4",
        {cursor_text.c_str(), except_terminal.c_str(), cards_only ? "true" : "false",
         limit_text.c_str()});
    if (!res.ok()) return res.error();
    return events_of(res->get());
  }

  Result<std::vector<WireEvent>> card_events(const std::string& card_id,
                                             std::size_t limit) override {
    const std::string limit_text = std::to_string(limit);
    auto res = query(
        "SELECT cursor, terminal_id, seq, type, at, card_id, sale_id, payload, prev_hash, hash"
        " FROM events WHERE card_id = $1 ORDER BY cursor LIMIT $2",
        {card_id.c_str(), limit_text.c_str()});
    if (!res.ok()) return res.error();
    return events_of(res->get());
  }

  Result<std::int64_t> count_events() override {
    auto res = query("SELECT count(*) FROM events", {});
    if (!res.ok()) return res.error();
    return static_cast<std::int64_t>(std::atoll(PQgetvalue(res->get(), 0, 0)));
  }

  Status each_journey_fact(const JourneyFactQuery& q, const JourneyFactVisitor& visit) override {
    const std::string before_text = std::to_string(q.before);
    // journey_facts holds exactly the events with a card of the six types,
    // their fields taken out at append (migration 5).
    static constexpr const char* kSql =
        "SELECT cursor, terminal_id, type, at, card_id, sale_id, first, second, stamps, rewards"
        " FROM journey_facts WHERE at < $1"
        " AND ($2::text = '' OR terminal_id IN"
        "  (SELECT terminal_id FROM terminals WHERE store_name = $2::text)"
        "  OR (type = 'card.feedback' AND second = $2::text))"
        " AND ($3::text = '' OR type = $3::text)"
        " ORDER BY cursor";
    const char* params[] = {before_text.c_str(), q.store_name.c_str(), q.type.c_str()};
    reconnect_if_lost();
    // Single-row mode: one query, one plan, rows handed over as they come.
    if (PQsendQueryParams(conn_.get(), kSql, 3, nullptr, params, nullptr, nullptr, 0) != 1 ||
        PQsetSingleRowMode(conn_.get()) != 1) {
      drain();
      return pg_error(conn_.get(), nullptr, "reading the journey events");
    }
    std::optional<Error> failed;
    JourneyFact f;
    while (PGresult* raw = PQgetResult(conn_.get())) {
      ResPtr res(raw);
      const ExecStatusType status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        // A million rows for a year of a chain: no strlen, no copy of the
        // text where the fact's strings already hold it.
        const auto text = [raw](int column, std::string& out) {
          out.assign(PQgetvalue(raw, 0, column),
                     static_cast<std::size_t>(PQgetlength(raw, 0, column)));
        };
        f.cursor = integer_at(raw, 0);
        text(1, f.terminal_id);
        text(2, f.type);
        f.at = integer_at(raw, 3);
        text(4, f.card_id);
        f.sale_id = integer_at(raw, 5);
        text(6, f.first);
        text(7, f.second);
        f.stamps = integer_at(raw, 8);  // NULL reads as "": 0
        f.rewards = integer_at(raw, 9);
        if (!failed) visit(f);
      } else if (status != PGRES_TUPLES_OK && !failed) {
        failed = pg_error(conn_.get(), raw, "reading the journey events");
      }
    }
    if (failed) return *failed;
    return ok_status();
  }

  Status each_sale(const SaleQuery& q, const SaleVisitor& visit) override {
    const std::string from_text = std::to_string(q.from);
    const std::string before_text = std::to_string(q.before);
    // The payload comes whole: taking its promotions and lines out here
    // (json_members.h) costs less than PostgreSQL's json parse of each sale.
    // No ORDER BY: a sequential scan, half the time of walking the cursor
    // index over the whole table.
    static constexpr const char* kSql =
        "SELECT terminal_id, at, payload"
        " FROM events WHERE type = 'sale.completed' AND at >= $1 AND at < $2"
        " AND ($3::text = '' OR terminal_id IN"
        "  (SELECT terminal_id FROM terminals WHERE store_name = $3::text))";
    const char* params[] = {from_text.c_str(), before_text.c_str(), q.store_name.c_str()};
    reconnect_if_lost();
    if (PQsendQueryParams(conn_.get(), kSql, 3, nullptr, params, nullptr, nullptr, 0) != 1 ||
        PQsetSingleRowMode(conn_.get()) != 1) {
      drain();
      return pg_error(conn_.get(), nullptr, "reading the sales");
    }
    static constexpr std::string_view kKeys[] = {"promotions", "lines"};
    std::optional<Error> failed;
    SaleFact f;
    while (PGresult* raw = PQgetResult(conn_.get())) {
      ResPtr res(raw);
      const ExecStatusType status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        if (failed) continue;
        const std::string_view payload(PQgetvalue(raw, 0, 2),
                                       static_cast<std::size_t>(PQgetlength(raw, 0, 2)));
        std::string_view values[2];
        if (!detail::json_members(payload, kKeys, values, 2)) {
          // As the database's json cast would have refused it.
          failed = Error::corrupt("journeyd store (PostgreSQL): reading the sales: a sale of " +
                                  std::string(PQgetvalue(raw, 0, 0)) + " at " +
                                  PQgetvalue(raw, 0, 1) + " has a payload that is not JSON");
          continue;
        }
        f.terminal_id.assign(PQgetvalue(raw, 0, 0),
                             static_cast<std::size_t>(PQgetlength(raw, 0, 0)));
        f.at = integer_at(raw, 1);
        f.promotions = values[0].empty() ? "[]" : std::string(values[0]);
        f.lines = values[1].empty() ? "[]" : std::string(values[1]);
        visit(f);
      } else if (status != PGRES_TUPLES_OK && !failed) {
        failed = pg_error(conn_.get(), raw, "reading the sales");
      }
    }
    if (failed) return *failed;
    return ok_status();
  }

  Result<std::vector<std::string>> store_names() override {
    auto res = query(
        "SELECT store_name FROM terminals GROUP BY store_name ORDER BY store_name COLLATE \"C\"",
        {});
    if (!res.ok()) return res.error();
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(res->get()); ++i) out.push_back(PQgetvalue(res->get(), i, 0));
    return out;
  }

  Status add_terminal(const std::string& store_name, const std::string& terminal_name,
                      const std::string& terminal_id, const std::string& credential_hash) override {
    if (terminal_id.empty()) return Error::invalid("a terminal id must not be empty");
    auto res = query(
        "INSERT INTO terminals(terminal_id, store_name, terminal_name, credential_hash)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (terminal_id) DO NOTHING",
        {terminal_id.c_str(), store_name.c_str(), terminal_name.c_str(), credential_hash.c_str()});
    if (!res.ok()) return res.error();
    if (std::string(PQcmdTuples(res->get())) == "0") {
      return Error::conflict("terminal " + terminal_id + " is already enrolled");
    }
    return ok_status();
  }

  Status revoke_terminal(const std::string& terminal_id) override {
    auto res =
        query("UPDATE terminals SET revoked = true WHERE terminal_id = $1", {terminal_id.c_str()});
    if (!res.ok()) return res.error();
    if (std::string(PQcmdTuples(res->get())) == "0") return unknown(terminal_id);
    return ok_status();
  }

  Status add_owner(const OwnerRecord& owner) override {
    const std::string created = std::to_string(owner.created_at);
    auto res = query(
        "INSERT INTO owners(name, password_hash, created_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (name) DO NOTHING",
        {owner.name.c_str(), owner.password_hash.c_str(), created.c_str()});
    if (!res.ok()) return res.error();
    if (std::string(PQcmdTuples(res->get())) == "0") return detail::owner_taken(owner.name);
    return ok_status();
  }

  Result<OwnerRecord> find_owner(const std::string& name) override {
    auto res =
        query("SELECT password_hash, created_at FROM owners WHERE name = $1", {name.c_str()});
    if (!res.ok()) return res.error();
    if (PQntuples(res->get()) == 0) return detail::no_owner(name);
    return OwnerRecord{name, PQgetvalue(res->get(), 0, 0),
                       std::atoll(PQgetvalue(res->get(), 0, 1))};
  }

  Status add_session(const OwnerSession& session, std::int64_t now) override {
    const std::string at = std::to_string(now);
    const std::string expires = std::to_string(session.expires_at);
    LOYALPOS_TRY(run("DELETE FROM owner_sessions WHERE expires_at <= $1", {at.c_str()}));
    return run(
        "INSERT INTO owner_sessions(id_hash, owner, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        {session.id_hash.c_str(), session.owner.c_str(), session.csrf.c_str(), expires.c_str()});
  }

  Result<OwnerSession> find_session(const std::string& id_hash, std::int64_t now) override {
    const std::string at = std::to_string(now);
    auto res = query(
        "SELECT owner, csrf, expires_at FROM owner_sessions WHERE id_hash = $1 AND expires_at > $2",
        {id_hash.c_str(), at.c_str()});
    if (!res.ok()) return res.error();
    if (PQntuples(res->get()) == 0) return detail::no_session();
    PGresult* r = res->get();
    return OwnerSession{id_hash, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                        std::atoll(PQgetvalue(r, 0, 2))};
  }

  Status end_session(const std::string& id_hash) override {
    return run("DELETE FROM owner_sessions WHERE id_hash = $1", {id_hash.c_str()});
  }

  Status add_contact(const Contact& c) override {
    const std::string at = std::to_string(c.consented_at);
    auto res = query(
        "INSERT INTO contacts(card_id, email, consented_at, source) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (card_id) DO NOTHING",
        {c.card_id.c_str(), c.email.c_str(), at.c_str(), c.source.c_str()});
    if (!res.ok()) return res.error();
    if (std::string(PQcmdTuples(res->get())) == "0") return detail::contact_taken(c.card_id);
    return ok_status();
  }

  Result<std::vector<Contact>> contacts() override {
    auto res = query(
        "SELECT card_id, email, consented_at, source FROM contacts ORDER BY consented_at, card_id",
        {});
    if (!res.ok()) return res.error();
    PGresult* r = res->get();
    std::vector<Contact> out;
    for (int i = 0; i < PQntuples(r); ++i) {
      out.push_back({PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), std::atoll(PQgetvalue(r, i, 2)),
                     PQgetvalue(r, i, 3)});
    }
    return out;
  }

  Result<bool> forget_contact(const std::string& card_id) override {
    auto res = query("DELETE FROM contacts WHERE card_id = $1", {card_id.c_str()});
    if (!res.ok()) return res.error();
    return std::string(PQcmdTuples(res->get())) != "0";
  }

  Result<TerminalRecord> find_terminal(const std::string& terminal_id) override {
    auto res = query(
        "SELECT store_name, terminal_name, credential_hash, revoked FROM terminals"
        " WHERE terminal_id = $1",
        {terminal_id.c_str()});
    if (!res.ok()) return res.error();
    PGresult* r = res->get();
    if (PQntuples(r) == 0) return unknown(terminal_id);
    return TerminalRecord{terminal_id, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                          PQgetvalue(r, 0, 2), std::string(PQgetvalue(r, 0, 3)) == "t"};
  }

  Result<std::int64_t> publish(const std::string& kind, const std::string& bytes) override {
    LOYALPOS_TRY(detail::check_kind(kind));
    LOYALPOS_TRY(run("BEGIN", {}));
    auto version = publish_locked(kind, bytes);
    if (version.ok()) {
      if (auto done = run("COMMIT", {}); !done.ok()) return done.error();
    } else {
      (void)run("ROLLBACK", {});
    }
    return version;
  }

  Result<std::optional<Published>> latest(const std::string& kind,
                                          std::int64_t after_version) override {
    LOYALPOS_TRY(detail::check_kind(kind));
    auto res =
        query("SELECT version, bytes FROM published WHERE kind = $1 ORDER BY version DESC LIMIT 1",
              {kind.c_str()});
    if (!res.ok()) return res.error();
    PGresult* r = res->get();
    if (PQntuples(r) == 0) return std::optional<Published>();
    const std::int64_t version = std::atoll(PQgetvalue(r, 0, 0));
    if (version <= after_version) return std::optional<Published>();
    const Bytes bytes = bytea_bytes(PQgetvalue(r, 0, 1));
    return std::optional<Published>(
        Published{kind, version, std::string(bytes.begin(), bytes.end())});
  }

 private:
  // The rows of a SELECT of cursor, terminal_id, seq, type, at, card_id,
  // sale_id, payload, prev_hash, hash.
  static std::vector<WireEvent> events_of(PGresult* r) {
    std::vector<WireEvent> out;
    out.reserve(static_cast<std::size_t>(PQntuples(r)));
    for (int i = 0; i < PQntuples(r); ++i) {
      WireEvent e;
      e.cursor = std::atoll(PQgetvalue(r, i, 0));
      e.terminal_id = PQgetvalue(r, i, 1);
      e.seq = std::atoll(PQgetvalue(r, i, 2));
      e.type = PQgetvalue(r, i, 3);
      e.at = std::atoll(PQgetvalue(r, i, 4));
      if (!PQgetisnull(r, i, 5)) e.card_id = PQgetvalue(r, i, 5);
      if (!PQgetisnull(r, i, 6)) e.sale_id = std::atoll(PQgetvalue(r, i, 6));
      e.payload = PQgetvalue(r, i, 7);
      e.prev_hash = hex_of_bytea(PQgetvalue(r, i, 8));
      e.hash = hex_of_bytea(PQgetvalue(r, i, 9));
      out.push_back(std::move(e));
    }
    return out;
  }

  static Error unknown(const std::string& terminal_id) {
    return Error::not_found("terminal " + terminal_id + " is not enrolled");
  }

  // Reads what is left of a query sent with PQsendQueryParams.
  void drain() {
    while (PGresult* res = PQgetResult(conn_.get())) PQclear(res);
  }

  // A lost connection is reopened before the next call (never inside a
  // transaction: a call that fails there has already failed).
  void reconnect_if_lost() {
    if (PQstatus(conn_.get()) == CONNECTION_BAD) {
      PQreset(conn_.get());
      if (PQstatus(conn_.get()) == CONNECTION_OK) (void)run("SET bytea_output = 'hex'", {});
    }
  }

  Result<ResPtr> query(const char* sql, const std::vector<const char*>& params) {
    return query(sql, static_cast<int>(params.size()), params.data());
  }

  Result<ResPtr> query(const char* sql, int n, const char* const* params) {
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE ||
        PQtransactionStatus(conn_.get()) == PQTRANS_UNKNOWN) {
      reconnect_if_lost();
    }
    ResPtr res(PQexecParams(conn_.get(), sql, n, nullptr, params, nullptr, nullptr, 0));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return pg_error(conn_.get(), res.get(), "a statement failed");
    }
    return res;
  }

  Status run(const char* sql, const std::vector<const char*>& params) {
    auto res = query(sql, params);
    if (!res.ok()) return res.error();
    return ok_status();
  }

  Status migrate() {
    LOYALPOS_TRY(run("BEGIN", {}));
    Status status = migrate_locked();
    if (status.ok()) {
      status = run("COMMIT", {});
    } else {
      (void)run("ROLLBACK", {});
    }
    return status;
  }

  // Two journeyd starting at once: the second waits on the advisory lock
  // (held until COMMIT), then finds the schema current.
  Status migrate_locked() {
    const std::string key = std::to_string(kMigrateLock);
    LOYALPOS_TRY(run("SELECT pg_advisory_xact_lock($1)", {key.c_str()}));
    LOYALPOS_TRY(run("CREATE TABLE IF NOT EXISTS schema_version(version int PRIMARY KEY)", {}));
    auto res = query("SELECT coalesce(max(version), 0) FROM schema_version", {});
    if (!res.ok()) return res.error();
    const int version = std::atoi(PQgetvalue(res->get(), 0, 0));
    if (version > kSchemaVersion) {
      return Error::unsupported("the journeyd store has schema " + std::to_string(version) +
                                ", written by a newer journeyd (this one knows " +
                                std::to_string(kSchemaVersion) + ")");
    }
    for (int v = version + 1; v <= kSchemaVersion; ++v) {
      // Several statements in one string: PQexec, no parameters.
      ResPtr applied(PQexec(conn_.get(), kMigrations[v - 1]));
      if (!applied || PQresultStatus(applied.get()) != PGRES_COMMAND_OK) {
        return pg_error(conn_.get(), applied.get(), "migration " + std::to_string(v));
      }
      const std::string text = std::to_string(v);
      LOYALPOS_TRY(run("INSERT INTO schema_version(version) VALUES ($1)", {text.c_str()}));
    }
    return ok_status();
  }

  Result<std::int64_t> publish_locked(const std::string& kind, const std::string& bytes) {
    const std::string key = std::to_string(kPublishLock);
    LOYALPOS_TRY(run("SELECT pg_advisory_xact_lock($1)", {key.c_str()}));
    const std::string data =
        bytea_text(Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                         reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size()));
    auto res = query(
        "INSERT INTO published(version, kind, bytes)"
        " SELECT coalesce(max(version), 0) + 1, $1, $2 FROM published RETURNING version",
        {kind.c_str(), data.c_str()});
    if (!res.ok()) return res.error();
    return static_cast<std::int64_t>(std::atoll(PQgetvalue(res->get(), 0, 0)));
  }

  // The multi-row INSERT for `rows` events, prepared once per batch size.
  Result<std::string> insert_statement(std::size_t rows) {
    auto found = inserts_.find(rows);
    if (found != inserts_.end()) return found->second;
    std::string sql =
        "INSERT INTO events(terminal_id, seq, cursor, type, at, card_id, sale_id, payload,"
        " prev_hash, hash) VALUES ";
    int p = 2;
    for (std::size_t i = 0; i < rows; ++i) {
      if (i > 0) sql += ", ";
      sql += "($1";
      for (int k = 0; k < 9; ++k) sql += ", $" + std::to_string(p++);
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING";
    std::string name = "journeyd_insert_" + std::to_string(rows);
    ResPtr res(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return pg_error(conn_.get(), res.get(), "preparing the batch insert");
    }
    inserts_.emplace(rows, name);
    return name;
  }

  // Inside BEGIN: the terminal's row lock is taken first and held to the
  // end; the cursor row's lock is taken last, so appends of different
  // terminals overlap until then, and the lock order never varies.
  AppendOutcome append_locked(const std::string& terminal_id, const std::vector<WireEvent>& batch,
                              const detail::CheckedBatch& checked) {
    auto row = query(
        "SELECT revoked, head_seq, head_hash FROM terminals WHERE terminal_id = $1 FOR UPDATE",
        {terminal_id.c_str()});
    if (!row.ok()) return detail::refused(row.error());
    PGresult* r = row->get();
    if (PQntuples(r) == 0) return detail::refused(unknown(terminal_id));
    if (std::string(PQgetvalue(r, 0, 0)) == "t") {
      return detail::refused(Error::conflict("terminal " + terminal_id + " was revoked"));
    }
    const detail::StoredHead head{std::atoll(PQgetvalue(r, 0, 1)),
                                  bytea_bytes(PQgetvalue(r, 0, 2))};
    std::vector<Bytes> stored;
    if (const auto range = detail::overlap(batch, head)) {
      const std::string from = std::to_string(range->first);
      const std::string to = std::to_string(range->second);
      auto res = query(
          "SELECT hash FROM events WHERE terminal_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
          {terminal_id.c_str(), from.c_str(), to.c_str()});
      if (!res.ok()) return detail::refused(res.error());
      for (int i = 0; i < PQntuples(res->get()); ++i) {
        stored.push_back(bytea_bytes(PQgetvalue(res->get(), i, 0)));
      }
    }
    AppendOutcome outcome;
    const auto first_new = detail::plan_append(terminal_id, batch, checked, head, stored, outcome);
    if (!first_new || *first_new == batch.size()) return outcome;
    const std::size_t rows = batch.size() - *first_new;
    const std::string new_seq = std::to_string(batch.back().seq);
    const std::string new_hash = bytea_param(to_hex(checked.hash.back()));
    if (auto moved =
            run("UPDATE terminals SET head_seq = $2, head_hash = $3 WHERE terminal_id = $1",
                {terminal_id.c_str(), new_seq.c_str(), new_hash.c_str()});
        !moved.ok()) {
      return detail::refused(moved.error());
    }
    const std::string count = std::to_string(rows);
    auto last = query("UPDATE ingest_cursor SET last = last + $1 RETURNING last", {count.c_str()});
    if (!last.ok()) return detail::refused(last.error());
    const std::int64_t first_cursor =
        std::atoll(PQgetvalue(last->get(), 0, 0)) - static_cast<std::int64_t>(rows) + 1;
    auto inserted = insert_rows(terminal_id, batch, *first_new, first_cursor);
    if (!inserted.ok()) return detail::refused(inserted.error());
    if (*inserted != static_cast<std::int64_t>(rows)) {
      // Under the row lock this cannot happen; if it does, store nothing.
      return detail::refused(Error::internal("terminal " + terminal_id + ": " +
                                             std::to_string(rows - *inserted) +
                                             " of the new journey events were already stored"));
    }
    outcome.head = Ack{batch.back().seq, to_hex(checked.hash.back())};
    return outcome;
  }

  // One multi-row INSERT … ON CONFLICT DO NOTHING; the rows it stored.
  Result<std::int64_t> insert_rows(const std::string& terminal_id,
                                   const std::vector<WireEvent>& batch, std::size_t from,
                                   std::int64_t first_cursor) {
    const std::size_t rows = batch.size() - from;
    auto name = insert_statement(rows);
    if (!name.ok()) return name.error();
    // Parameter text lives in `texts`; reserved so the pointers stay put.
    std::vector<std::string> texts;
    texts.reserve(rows * 6);
    std::vector<const char*> params;
    params.reserve(1 + rows * 9);
    params.push_back(terminal_id.c_str());
    const auto keep = [&](std::string s) {
      texts.push_back(std::move(s));
      return texts.back().c_str();
    };
    for (std::size_t i = from; i < batch.size(); ++i) {
      const WireEvent& e = batch[i];
      params.push_back(keep(std::to_string(e.seq)));
      params.push_back(keep(std::to_string(first_cursor + static_cast<std::int64_t>(i - from))));
      params.push_back(e.type.c_str());
      params.push_back(keep(std::to_string(e.at)));
      params.push_back(e.card_id ? e.card_id->c_str() : nullptr);
      params.push_back(e.sale_id ? keep(std::to_string(*e.sale_id)) : nullptr);
      params.push_back(e.payload.c_str());
      params.push_back(keep(bytea_param(e.prev_hash)));
      params.push_back(keep(bytea_param(e.hash)));
    }
    ResPtr res(PQexecPrepared(conn_.get(), name->c_str(), static_cast<int>(params.size()),
                              params.data(), nullptr, nullptr, 0));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return pg_error(conn_.get(), res.get(), "storing the batch");
    }
    return static_cast<std::int64_t>(std::atoll(PQcmdTuples(res.get())));
  }

  ConnPtr conn_;
  std::map<std::size_t, std::string> inserts_;  // batch size -> prepared statement
};

}  // namespace

Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Error::unavailable("journeyd store: cannot connect to PostgreSQL: " + why);
  }
  auto store = std::make_unique<PgStore>(std::move(conn));
  LOYALPOS_TRY(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace loyalpos::sync
