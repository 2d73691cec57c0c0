#include "pos/ledger/audit.h"

#include "base/journal_hash.h"
#include "base/utf8.h"
#include "loyalty/card_token.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/peer_events.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/sync_outbox.h"

namespace loyalpos::pos {

namespace {

Error broken(const std::string& what) { return Error(ErrorCode::kCorrupt, what); }

Status integrity(Database& db) {
  auto stmt = db.prepare("PRAGMA integrity_check");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  const std::string answer = *row ? stmt->column_text(0) : "no answer";
  if (answer != "ok") return broken("SQLite integrity check: " + answer);
  return ok_status();
}

// Returns the first row's first column of a query that lists problems.
Result<std::optional<std::string>> first_problem(Database& db, const std::string& sql,
                                                 const std::string& about = {}) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  if (!about.empty()) stmt->bind(1, about);
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->column_text(0));
}

Result<std::int64_t> count(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  return stmt->column_int(0);
}

struct Check {
  const char* sql;   // returns a row naming a problem, or nothing
  const char* what;  // the problem, in words
  // Given the first problem found (?1), says more about it; the check
  // itself stays cheap for the ledger that has none.
  const char* detail = nullptr;
};

// The events that start a row of their own (the meta row, a card, a sale,
// a refund, a phone number's consent, a batch of coupons); every other event (card.stamps,
// card.stage) belongs to the sale or refund whose events it follows, and lies
// in that row's first_event..last_event.
#define LOYALPOS_ROW_STARTS                                                                 \
  "('terminal.initialized', 'card.issued', 'card.seen', 'sale.completed', 'sale.refunded'," \
  " 'card.phone', 'coupon.issued')"

// Sales whose refunds returned all of them: a refund event saying so, or a
// whole-sale refund from before partial refunds (no list of lines).
#define LOYALPOS_REFUNDED_IN_FULL                           \
  "SELECT sale_id FROM events WHERE type = 'sale.refunded'" \
  " AND (json_type(payload, '$.lines') IS NULL OR json_extract(payload, '$.complete'))"

// The codes sale.completed events list with their sales (a code is an
// object {"code", "source"}); most sales list none, found without parsing.
#define LOYALPOS_SALE_CODES                                                           \
  "SELECT CASE k.type WHEN 'object' THEN k.value ->> 'code' END AS code, e.sale_id"   \
  " FROM events e, json_each(e.payload, '$.codes') k WHERE e.type = 'sale.completed'" \
  " AND instr(e.payload, '\"codes\":[]') = 0"

// phone_key: the key of the phone numbers' hashes (pos/phone_lookup.h).
#define LOYALPOS_META_KEYS \
  "('terminal_id', 'terminal_name', 'store_name', 'currency', 'created_at', 'phone_key')"

// Each query returns a row naming a problem, or nothing. The journey events
// are the truth: every row is rebuilt from its events and compared, and every
// event must be accounted for by its row.
constexpr Check kChecks[] = {
    // Lines kept in a sale's row (sales of schema 1 ledgers) are JSON; those
    // in an event are, or its hash would not hold.
    {"SELECT sale_id FROM sales WHERE lines IS NOT NULL"
     " AND (NOT json_valid(lines) OR json_type(lines) != 'array')",
     "sale's lines are not readable"},
    // A sale's lines (in its sale.completed event; in its row for sales of
    // schema 1 ledgers) add up to its totals.
    {"SELECT s.sale_id FROM sales s LEFT JOIN events e ON e.seq = s.first_event"
     " LEFT JOIN json_each(COALESCE(s.lines, e.payload),"
     " CASE WHEN s.lines IS NULL THEN '$.lines' ELSE '$' END) l"
     " GROUP BY s.sale_id HAVING COUNT(l.key) != s.line_count"
     " OR COALESCE(SUM((l.value ->> 'qty') * (l.value ->> 'unit_price')), 0) != s.subtotal"
     " OR COALESCE(SUM(l.value ->> 'discount'), 0) != s.discount"
     " OR s.subtotal - s.discount != s.total",
     "sale is not whole (lines do not add up to it)"},
    // Set differences, one pass over the events each (events are not
    // indexed by sale: the sale path writes as few b-trees as it can).
    {"SELECT sale_id FROM sales EXCEPT SELECT sale_id FROM events WHERE type = 'sale.completed'",
     "sale has no sale.completed event"},
    {"SELECT sale_id FROM events WHERE type = 'sale.completed' EXCEPT SELECT sale_id FROM sales",
     "sale.completed event has no sale"},
    // Each sale row against its sale.completed event: all its columns at
    // once (one JSON parse a sale), then column by column for the sale found.
    // A row keeps its own lines exactly when its event's lines have no names:
    // schema 1 wrote them without (sku, qty, unit_price, discount;
    // tests/pos/fixtures/ledger-v1.db), and migration 2 kept its lines in the row.
    {"SELECT s.sale_id FROM sales s LEFT JOIN events e ON e.seq = s.first_event"
     " WHERE e.seq IS NULL OR e.type != 'sale.completed' OR e.sale_id IS NOT s.sale_id"
     " OR s.created_at IS NOT e.at OR s.card_id IS NOT e.card_id"
     " OR (s.lines IS NULL) = (json_type(e.payload, '$.lines[0].name') IS NULL)"
     " OR json_extract(e.payload, '$.card', '$.payment', '$.currency', '$.subtotal',"
     " '$.discount', '$.total') IS NOT"
     " json_array(s.card_id, s.payment, s.currency, s.subtotal, s.discount, s.total)"
     // Events written before schema 3 do not carry these.
     " OR (json_type(e.payload, '$.local_date') IS NOT NULL"
     " AND json_extract(e.payload, '$.cashier', '$.local_date', '$.stamps_earned',"
     " '$.free_units', '$.messages') IS NOT"
     " json_array(s.cashier, s.local_date, s.stamps_earned, s.free_units, json(s.messages)))",
     "sale differs from its sale.completed event",
     "SELECT 'sale ' || s.sale_id || COALESCE(', column ' || CASE"
     " WHEN e.seq IS NULL OR e.type != 'sale.completed' OR e.sale_id IS NOT s.sale_id"
     " THEN 'first_event'"
     " WHEN s.created_at IS NOT e.at THEN 'created_at'"
     " WHEN s.card_id IS NOT e.card_id OR s.card_id IS NOT e.payload ->> 'card' THEN 'card_id'"
     " WHEN s.payment IS NOT e.payload ->> 'payment' THEN 'payment'"
     " WHEN s.currency IS NOT e.payload ->> 'currency' THEN 'currency'"
     " WHEN s.subtotal IS NOT e.payload ->> 'subtotal' THEN 'subtotal'"
     " WHEN s.discount IS NOT e.payload ->> 'discount' THEN 'discount'"
     " WHEN s.total IS NOT e.payload ->> 'total' THEN 'total'"
     " WHEN (s.lines IS NULL) = (json_type(e.payload, '$.lines[0].name') IS NULL) THEN 'lines'"
     " WHEN json_type(e.payload, '$.local_date') IS NULL THEN NULL"
     " WHEN s.cashier IS NOT e.payload ->> 'cashier' THEN 'cashier'"
     " WHEN s.local_date IS NOT e.payload ->> 'local_date' THEN 'local_date'"
     " WHEN s.stamps_earned IS NOT e.payload ->> 'stamps_earned' THEN 'stamps_earned'"
     " WHEN s.free_units IS NOT e.payload ->> 'free_units' THEN 'free_units'"
     " ELSE 'messages' END, '')"
     " FROM sales s LEFT JOIN events e ON e.seq = s.first_event WHERE s.sale_id = ?1"},
    // Refunds: each row against its sale.refunded event (a sale may have
    // several, each returning some units), the sale marked refunded exactly
    // when all of it went back, and never more money back than the sale.
    {"SELECT sale_id FROM events WHERE type = 'sale.refunded' AND seq NOT IN"
     " (SELECT first_event FROM refunds WHERE first_event IS NOT NULL)",
     "sale.refunded event has no refund row"},
    {"SELECT 'refund ' || r.refund_id || ' of sale ' || r.sale_id FROM refunds r"
     " LEFT JOIN events e ON e.seq = r.first_event"
     " WHERE e.seq IS NULL OR e.type != 'sale.refunded' OR e.sale_id IS NOT r.sale_id"
     " OR r.refund_id IS NOT r.first_event"
     " OR r.created_at IS NOT e.at OR r.amount IS NOT json_extract(e.payload, '$.amount')"
     " OR (json_type(e.payload, '$.local_date') IS NOT NULL"
     " AND r.local_date IS NOT json_extract(e.payload, '$.local_date'))"
     " OR (r.lines IS NULL) != (json_type(e.payload, '$.lines') IS NULL)"
     " OR (r.lines IS NOT NULL AND (NOT json_valid(r.lines)"
     " OR json(r.lines) IS NOT json_extract(e.payload, '$.lines')))",
     "refund differs from its sale.refunded event"},
    {"SELECT sale_id FROM sales WHERE refunded = 1 EXCEPT " LOYALPOS_REFUNDED_IN_FULL,
     "sale is marked refunded without a refund of all of it"},
    {LOYALPOS_REFUNDED_IN_FULL " EXCEPT SELECT sale_id FROM sales WHERE refunded = 1",
     "sale refunded in full is not marked refunded"},
    {"SELECT r.sale_id FROM refunds r JOIN sales s ON s.sale_id = r.sale_id GROUP BY r.sale_id"
     " HAVING SUM(r.amount) > MAX(s.total) OR (MAX(s.refunded) = 1 AND SUM(r.amount) != "
     "MAX(s.total))",
     "refunds of a sale do not add up to it"},
    // The events of a sale or a refund: its range ends at an event that
    // exists, the event after it starts another row, and every event
    // inside belongs to it.
    {"SELECT kind || ' ' || sale_id || ' (events ' || first_event || '..' || last_event || ')'"
     " FROM (SELECT 'sale' AS kind, sale_id, first_event, last_event FROM sales"
     " UNION ALL SELECT 'refund of sale', sale_id, first_event, last_event FROM refunds) r"
     " WHERE r.last_event IS NULL OR r.last_event < r.first_event"
     " OR NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = r.last_event)"
     " OR EXISTS (SELECT 1 FROM events e WHERE e.seq = r.last_event + 1"
     " AND e.type NOT IN " LOYALPOS_ROW_STARTS ")"
     " OR EXISTS (SELECT 1 FROM events e WHERE e.seq > r.first_event AND e.seq <= r.last_event"
     " AND (e.sale_id IS NOT r.sale_id OR e.type NOT IN ('card.stamps', 'card.stage')))",
     "events do not match the row that records them"},
    {"SELECT 'event ' || e.seq || ' (' || e.type || ')' FROM events e"
     " WHERE e.type NOT IN " LOYALPOS_ROW_STARTS
     " AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.sale_id = e.sale_id"
     " AND e.seq BETWEEN s.first_event AND s.last_event)"
     " AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.sale_id = e.sale_id"
     " AND e.seq BETWEEN r.first_event AND r.last_event)",
     "journey event belongs to no sale or refund"},
    // Cards: one card.issued event each (card.seen for a card issued
    // elsewhere, first scanned here), saying what the row says.
    {"SELECT card_id FROM cards EXCEPT SELECT card_id FROM events"
     " WHERE type IN ('card.issued', 'card.seen')",
     "card has no card.issued event"},
    {"SELECT card_id FROM events WHERE type IN ('card.issued', 'card.seen')"
     " EXCEPT SELECT card_id FROM cards",
     "card.issued event has no card"},
    {"SELECT card_id FROM events WHERE type IN ('card.issued', 'card.seen')"
     " GROUP BY card_id HAVING COUNT(*) > 1",
     "card has more than one card.issued or card.seen event"},
    {"SELECT c.card_id FROM cards c JOIN events e ON e.type IN ('card.issued', 'card.seen')"
     " AND e.card_id = c.card_id"
     " WHERE c.issued_at IS NOT e.at OR c.card_id IS NOT json_extract(e.payload, '$.card')"
     " OR c.referrer IS NOT json_extract(e.payload, '$.referrer')",
     "card differs from its card.issued event"},
    // The terminal's identity against the first event.
    {"SELECT 'meta ' || m.key FROM meta m JOIN events e ON e.seq = 1"
     " WHERE e.type != 'terminal.initialized'"
     " OR (m.key = 'store_name' AND m.value IS NOT json_extract(e.payload, '$.store'))"
     " OR (m.key = 'terminal_name' AND m.value IS NOT json_extract(e.payload, '$.terminal'))"
     " OR (m.key = 'currency' AND m.value IS NOT json_extract(e.payload, '$.currency'))"
     " OR (m.key = 'created_at' AND m.value IS NOT CAST(e.at AS TEXT))"
     " OR (m.key = 'terminal_id' AND m.value IS NOT e.terminal_id)"
     " OR m.key NOT IN " LOYALPOS_META_KEYS,
     "the terminal's identity differs from its first journey event"},
    {"SELECT value FROM json_each('[\"terminal_id\", \"terminal_name\", \"store_name\","
     " \"currency\", \"created_at\"]') EXCEPT SELECT key FROM meta",
     "the terminal's identity is missing"},
    // Own and peer card.stamps events alike (peer events count for the
    // cards known here: the others have no cached balance yet).
    {"WITH derived AS (SELECT card_id, json_extract(payload, '$.program') AS program_id,"
     " SUM(json_extract(payload, '$.stamps')) AS stamps,"
     " SUM(json_extract(payload, '$.rewards')) AS rewards"
     " FROM (SELECT card_id, payload FROM events WHERE type = 'card.stamps'"
     " UNION ALL SELECT card_id, payload FROM peer_events WHERE type = 'card.stamps'"
     " AND card_id IN (SELECT card_id FROM cards)) GROUP BY 1, 2)"
     " SELECT COALESCE(c.card_id, d.card_id) || '/' || COALESCE(c.program_id, d.program_id)"
     " FROM card_programs c FULL OUTER JOIN derived d"
     " ON d.card_id = c.card_id AND d.program_id = c.program_id"
     " WHERE COALESCE(c.stamps, 0) != COALESCE(d.stamps, 0)"
     " OR COALESCE(c.rewards, 0) != COALESCE(d.rewards, 0)",
     "card balance differs from what its events say"},
    // A phone number's keyed hash is kept only with the consent its card's
    // last card.phone event records, and is the hash that event names.
    {"SELECT COALESCE(p.card_id, l.card_id) FROM card_phones p FULL OUTER JOIN"
     " (SELECT card_id, at, payload, MAX(seq) FROM events WHERE type = 'card.phone'"
     " GROUP BY card_id) l ON l.card_id = p.card_id"
     " WHERE p.consented_at IS NOT l.at OR lower(hex(p.phone_hash)) IS NOT l.payload ->> "
     "'phone_hash'",
     "card's phone number differs from its card.phone event"},
    // Coupons: each row made by its batch's coupon.issued event, and used
    // by the one sale whose sale.completed event lists its code (a refund
    // leaves it used).
    {"SELECT c.code FROM coupons c LEFT JOIN (SELECT k.value AS code, e.at,"
     " e.payload ->> 'promotion' AS promotion FROM events e, json_each(e.payload, '$.codes') k"
     " WHERE e.type = 'coupon.issued') i ON i.code = c.code"
     " WHERE i.code IS NULL OR c.issued_at IS NOT i.at OR c.promotion_id IS NOT i.promotion",
     "coupon differs from its coupon.issued event"},
    {"SELECT k.value FROM events e, json_each(e.payload, '$.codes') k"
     " WHERE e.type = 'coupon.issued' EXCEPT SELECT code FROM coupons",
     "coupon.issued event names a coupon that is missing"},
    {"SELECT c.code FROM coupons c LEFT JOIN sales s ON s.sale_id = c.used_sale"
     " LEFT JOIN events e ON e.seq = s.first_event WHERE c.used_sale IS NOT NULL"
     " AND (e.seq IS NULL OR e.type != 'sale.completed' OR NOT EXISTS (SELECT 1"
     " FROM json_each(e.payload, '$.codes') k"
     " WHERE CASE k.type WHEN 'object' THEN k.value ->> 'code' END = c.code))",
     "coupon is marked used by a sale that does not list it"},
    {"SELECT 'coupon ' || c.code || ' (sale ' || l.sale_id || ')' FROM (" LOYALPOS_SALE_CODES
     ") l JOIN coupons c ON c.code = l.code WHERE c.used_sale IS NOT l.sale_id",
     "coupon a sale lists is not marked used by it"},
    {"SELECT \"table\" || ' row ' || rowid || ' points at a missing ' || parent"
     " FROM pragma_foreign_key_check",
     "a row refers to one that is gone"},
};

#undef LOYALPOS_ROW_STARTS
#undef LOYALPOS_META_KEYS
#undef LOYALPOS_SALE_CODES
#undef LOYALPOS_REFUNDED_IN_FULL

// A card's token is its id encoded (loyalty/card_token.h): an edited token
// would send the card's QR to another card, or to none.
Status card_tokens(Database& db) {
  auto stmt = db.prepare("SELECT card_id, token FROM cards ORDER BY card_id");
  if (!stmt.ok()) return stmt.error();
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) return ok_status();
    const std::string card_id = stmt->column_text(0);
    auto id = loyalty::card_id_from_hex(card_id);
    if (!id.ok() || loyalty::encode_token(*id) != stmt->column_text(1)) {
      return broken("card's token is not its id's: " + card_id);
    }
  }
}

// The key of the phone numbers' hashes is in no event (it must not leave
// the terminal); each card.phone event carries a check value of it instead.
Status phone_key(Ledger& ledger) {
  auto stmt = ledger.db().prepare(
      "SELECT payload ->> 'key_check' FROM events WHERE type = 'card.phone'"
      " ORDER BY seq DESC LIMIT 1");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  const std::optional<std::string> recorded = *row && !stmt->column_is_null(0)
                                                  ? std::optional<std::string>(stmt->column_text(0))
                                                  : std::nullopt;
  auto check = phone_key_check(ledger);
  if (!check.ok()) return broken("the key of the phone numbers is damaged");
  if (*row && !*check) return broken("the key of the phone numbers is missing");
  if (recorded && *check != recorded) {
    return broken("the key of the phone numbers is not the one their hashes were made with");
  }
  return ok_status();
}

// Head office's acknowledged (seq, hash): the chain must still pass
// through it. A history rewritten before it, every hash recomputed, passes
// verify_chain but not this.
Status anchor_holds(Ledger& ledger) {
  auto held = anchor(ledger);
  if (!held.ok()) return held.error();
  if (held->seq == 0) return ok_status();
  const std::string seq = std::to_string(held->seq);
  auto stmt = ledger.db().prepare("SELECT hash FROM events WHERE terminal_id = ?1 AND seq = ?2");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, ledger.terminal().terminal_id).bind(2, held->seq);
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return broken("journey event " + seq +
                  ", which head office acknowledged, is missing: the ledger lost synced history");
  }
  if (to_hex(stmt->column_blob(0)) != held->hash) {
    return broken("journey event " + seq +
                  " is not the one head office acknowledged: history synced to head office "
                  "was rewritten");
  }
  return ok_status();
}

}  // namespace

Result<AuditReport> audit_ledger(Ledger& ledger) {
  Database& db = ledger.db();
  LOYALPOS_TRY(integrity(db));
  for (const auto& check : kChecks) {
    auto problem = first_problem(db, check.sql);
    // SQLite's JSON functions stop at a row whose JSON was damaged.
    if (!problem.ok() && problem.error().message().find("malformed JSON") != std::string::npos) {
      return broken(std::string(check.what) + ": a row holds malformed JSON");
    }
    if (!problem.ok()) return problem.error();
    if (!*problem) continue;
    if (check.detail == nullptr) return broken(std::string(check.what) + ": " + **problem);
    auto detail = first_problem(db, check.detail, **problem);
    if (!detail.ok() || !*detail) return broken(std::string(check.what) + ": " + **problem);
    return broken(std::string(check.what) + ": " + **detail);
  }
  LOYALPOS_TRY(card_tokens(db));
  LOYALPOS_TRY(phone_key(ledger));
  auto chain = verify_chain(db, ledger.terminal().terminal_id);
  if (!chain.ok()) return chain.error();
  LOYALPOS_TRY(anchor_holds(ledger));
  auto peers = verify_peer_events(ledger);
  if (!peers.ok()) return peers.error();
  AuditReport report;
  report.events = chain->events;
  auto sales = count(db, "SELECT COUNT(*) FROM sales");
  if (!sales.ok()) return sales.error();
  report.sales = *sales;
  auto cards = count(db, "SELECT COUNT(*) FROM cards");
  if (!cards.ok()) return cards.error();
  report.cards = *cards;
  auto total = count(db, "SELECT COUNT(*) FROM events");
  if (!total.ok()) return total.error();
  if (*total != report.events) {
    return broken("the ledger holds events of another terminal id than its own");
  }
  return report;
}

Status check_receipt(Ledger& ledger, std::int64_t seq, const std::string& sign) {
  const std::string receipt = "the receipt № " + std::to_string(seq) + " · " + sign;
  auto stmt = ledger.db().prepare("SELECT hash FROM events WHERE seq = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, seq);
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) {
    return broken(receipt + " is not in this ledger: its journey event " + std::to_string(seq) +
                  " is missing (the ledger lost or dropped sales)");
  }
  const std::string found = receipt_sign(stmt->column_blob(0));
  if (found != upper_ascii(sign)) {
    return broken(receipt + " does not match this ledger (its event " + std::to_string(seq) +
                  " signs " + found + "): the journey log was changed or replaced");
  }
  return ok_status();
}

}  // namespace loyalpos::pos
