#include "pos/ledger/schema.h"

#include <algorithm>
#include <array>

namespace loyalpos::pos {

namespace {

// Migration i takes the schema from version i to i + 1. Never edit one that
// has shipped; append a new one.
constexpr std::array<const char*, kSchemaVersion> kMigrations{{
    R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE products(
  sku      TEXT PRIMARY KEY COLLATE NOCASE,
  name     TEXT NOT NULL,
  category TEXT NOT NULL,
  price    INTEGER NOT NULL CHECK (price >= 0),
  barcode  TEXT UNIQUE
);

CREATE TABLE cards(
  card_id   TEXT PRIMARY KEY,
  token     TEXT NOT NULL UNIQUE,
  issued_at INTEGER NOT NULL,
  referrer  TEXT REFERENCES cards(card_id)
);
CREATE INDEX cards_by_referrer ON cards(referrer) WHERE referrer IS NOT NULL;

-- The card's balance per program: a cache of the sum of its card.stamps
-- events, written in the same transaction as those events.
CREATE TABLE card_programs(
  card_id    TEXT NOT NULL REFERENCES cards(card_id),
  program_id TEXT NOT NULL,
  stamps     INTEGER NOT NULL,
  rewards    INTEGER NOT NULL,
  last_stamp_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (card_id, program_id)
) WITHOUT ROWID;

CREATE TABLE sales(
  sale_id    INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  card_id    TEXT REFERENCES cards(card_id),
  cashier    TEXT,
  payment    TEXT NOT NULL CHECK (payment IN ('cash', 'card')),
  currency   TEXT NOT NULL,
  subtotal   INTEGER NOT NULL,
  discount   INTEGER NOT NULL,
  total      INTEGER NOT NULL CHECK (total >= 0),
  line_count INTEGER NOT NULL,
  refunded   INTEGER NOT NULL DEFAULT 0 CHECK (refunded IN (0, 1)),
  -- On the sale's own card: stamps its paid items earned, items it gave free.
  stamps_earned INTEGER NOT NULL,
  free_units    INTEGER NOT NULL,
  -- Its journey events are seq first_event..last_event of this terminal: a
  -- refund undoes the card.stamps among them (the referrer's bonus too).
  first_event INTEGER NOT NULL,
  last_event  INTEGER NOT NULL,
  -- The receipt's card lines as of the sale (JSON list of strings), so a
  -- reprint says what the original said.
  messages    TEXT NOT NULL DEFAULT '[]'
);
-- No index by date: the day report scans the sales (a year of a busy café
-- is a few tens of milliseconds), and every index is one more b-tree each
-- sale must write before its commit.
-- A card's visits: its sales that were not refunded, in time order.
CREATE INDEX visits_by_card ON sales(card_id, created_at) WHERE card_id IS NOT NULL AND refunded = 0;

-- Lines are written before their sale's row (which records the sale's
-- events), inside the same transaction: the key is checked at commit.
CREATE TABLE sale_lines(
  sale_id    INTEGER NOT NULL REFERENCES sales(sale_id) DEFERRABLE INITIALLY DEFERRED,
  line_no    INTEGER NOT NULL,
  sku        TEXT NOT NULL,
  name       TEXT NOT NULL,
  category   TEXT NOT NULL,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  unit_price INTEGER NOT NULL,
  discount   INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  PRIMARY KEY (sale_id, line_no)
) WITHOUT ROWID;

CREATE TABLE refunds(
  sale_id    INTEGER PRIMARY KEY REFERENCES sales(sale_id),
  created_at INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  amount     INTEGER NOT NULL
);
CREATE INDEX refunds_by_date ON refunds(local_date);

-- The print spool: one row per receipt to print, written after its sale
-- has committed. pending: not printed yet, tried again at next_try_at (the
-- printer was not reached); printed; failed: can never print, or broke
-- mid-job — never retried by itself, staff reprint it; reprinted: a copy
-- printed by staff replaced it. reprint = 1 marks such a copy.
CREATE TABLE print_jobs(
  job_id      INTEGER PRIMARY KEY,
  sale_id     INTEGER NOT NULL REFERENCES sales(sale_id),
  reprint     INTEGER NOT NULL DEFAULT 0 CHECK (reprint IN (0, 1)),
  state       TEXT NOT NULL CHECK (state IN ('pending', 'printed', 'failed', 'reprinted')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  next_try_at INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  printed_at  INTEGER
);
CREATE INDEX print_jobs_open ON print_jobs(state, next_try_at) WHERE state != 'printed';

-- The journey log: append-only, numbered per terminal without gaps, each
-- event carrying the SHA-256 of the previous one.
CREATE TABLE events(
  terminal_id TEXT NOT NULL,
  seq         INTEGER NOT NULL CHECK (seq > 0),
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  card_id     TEXT,
  sale_id     INTEGER,
  payload     TEXT NOT NULL,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL,
  PRIMARY KEY (terminal_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
)sql",
    // 2: fewer pages for every sale to write before its commit.
    // - A sale's lines are the JSON list its sale.completed event carries
    //   (sku, name, category, qty, unit_price, discount, reason): one b-tree
    //   and a copy fewer. Schema 1's events do not name the products, so
    //   the sales it made keep their lines in sales.lines (NULL for later
    //   sales); the view sale_lines_json gives every sale's list either way.
    // - Journey events are keyed by seq alone, as a rowid table: a ledger
    //   holds its own terminal's events only (audit checks it), and
    //   appending to a rowid table fills its last page and starts the next,
    //   where a WITHOUT ROWID table rebalances up to three pages each time
    //   its last page is full. terminal_id stays in each row: it is hashed.
    R"sql(
ALTER TABLE sales ADD COLUMN lines TEXT;
UPDATE sales SET lines = (
  SELECT COALESCE(json_group_array(json_object('sku', sku, 'name', name, 'category', category,
           'qty', qty, 'unit_price', unit_price, 'discount', discount, 'reason', reason)), '[]')
  FROM (SELECT * FROM sale_lines l WHERE l.sale_id = sales.sale_id ORDER BY l.line_no));
DROP TABLE sale_lines;

CREATE TABLE events_by_seq(
  terminal_id TEXT NOT NULL,
  seq         INTEGER PRIMARY KEY CHECK (seq > 0),
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  card_id     TEXT,
  sale_id     INTEGER,
  payload     TEXT NOT NULL,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
);
INSERT INTO events_by_seq SELECT * FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_by_seq RENAME TO events;
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'journey events are append-only'); END;

CREATE VIEW sale_lines_json(sale_id, lines) AS
  SELECT s.sale_id, COALESCE(s.lines,
    (SELECT json_extract(e.payload, '$.lines') FROM events e WHERE e.seq = s.first_event))
  FROM sales s;
)sql",
    // 3: a refund row records its journey events (seq first_event..
    // last_event), as a sale row does, so audit accounts for every event by
    // its row and notices when the last one is gone. Refunds made before
    // get theirs from the log: from their sale.refunded event up to the
    // next event that starts another row.
    R"sql(
ALTER TABLE refunds ADD COLUMN first_event INTEGER;
ALTER TABLE refunds ADD COLUMN last_event INTEGER;
UPDATE refunds SET first_event =
  (SELECT e.seq FROM events e WHERE e.type = 'sale.refunded' AND e.sale_id = refunds.sale_id);
UPDATE refunds SET last_event = COALESCE(
  (SELECT MIN(e.seq) - 1 FROM events e WHERE e.seq > refunds.first_event
     AND e.type IN ('terminal.initialized', 'card.issued', 'sale.completed', 'sale.refunded')),
  (SELECT MAX(seq) FROM events));
)sql",
    // 4: partial refunds. A sale may have several refunds, each returning
    // some units of its lines (`lines`: JSON [{"line": 1-based, "qty"}];
    // NULL for refunds of a whole sale made before), so a refund has an id
    // of its own: the seq of its sale.refunded event. sales.refunded is 1 once every unit went
    // back.
    R"sql(
CREATE TABLE refunds_v4(
  refund_id   INTEGER PRIMARY KEY,
  sale_id     INTEGER NOT NULL REFERENCES sales(sale_id),
  created_at  INTEGER NOT NULL,
  local_date  TEXT NOT NULL,
  amount      INTEGER NOT NULL CHECK (amount >= 0),
  first_event INTEGER,
  last_event  INTEGER,
  lines       TEXT
);
-- A refund's id is the seq of its sale.refunded event.
INSERT INTO refunds_v4(refund_id, sale_id, created_at, local_date, amount, first_event,
                       last_event)
  SELECT first_event, sale_id, created_at, local_date, amount, first_event, last_event
  FROM refunds ORDER BY first_event;
DROP TABLE refunds;
ALTER TABLE refunds_v4 RENAME TO refunds;
CREATE INDEX refunds_by_sale ON refunds(sale_id);
CREATE INDEX refunds_by_date ON refunds(local_date);
)sql",
    // 5: a card found by the customer's phone number (pos/phone_lookup.h),
    // kept only as a keyed hash. One card per number (the key), one number
    // per card (UNIQUE); the consent is the card's card.phone event at
    // consented_at.
    R"sql(
CREATE TABLE card_phones(
  phone_hash   BLOB PRIMARY KEY,
  card_id      TEXT NOT NULL UNIQUE REFERENCES cards(card_id),
  consented_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 6: one-shot coupons (pos/coupons.h). A row is made by its batch's
    // coupon.issued event; used_sale is the sale whose sale.completed event
    // lists the code, set in that sale's transaction.
    R"sql(
CREATE TABLE coupons(
  code         TEXT PRIMARY KEY,
  promotion_id TEXT NOT NULL,
  issued_at    INTEGER NOT NULL,
  used_sale    INTEGER REFERENCES sales(sale_id)
) WITHOUT ROWID;
)sql",
    // 7: idempotency keys of the API's sales (docs/api.md). A key is written
    // in its sale's transaction, with a hash of the request that made the
    // sale and the answer given then, so the same request again gets the same
    // answer and no second sale. Not derived from events (keys are never in
    // the journey log): audit only checks each row's sale is there.
    R"sql(
CREATE TABLE sale_keys(
  idempotency_key TEXT PRIMARY KEY,
  request_hash    TEXT NOT NULL,
  sale_id         INTEGER NOT NULL UNIQUE REFERENCES sales(sale_id),
  answer          TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 8: sync with head office (docs/sync-protocol.md, docs/ledger.md).
    // sync_state is one row: the anchor (the last (seq, hash) of this
    // terminal's chain head office acknowledged), the peer-events cursor and
    // how the last exchange went. peer_events holds other terminals' card
    // events as head office relays them, apart from the own chain in
    // `events` (which stays this terminal's alone); append-only like it.
    R"sql(
CREATE TABLE sync_state(
  only_row        INTEGER PRIMARY KEY CHECK (only_row = 1),
  ack_seq         INTEGER NOT NULL DEFAULT 0 CHECK (ack_seq >= 0),
  ack_hash        BLOB,
  peer_cursor     INTEGER NOT NULL DEFAULT 0,
  last_success_at INTEGER,
  last_error      TEXT,
  last_error_at   INTEGER
);
INSERT INTO sync_state(only_row) VALUES (1);

CREATE TABLE peer_events(
  terminal_id TEXT NOT NULL,
  seq         INTEGER NOT NULL CHECK (seq > 0),
  type        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  card_id     TEXT,
  sale_id     INTEGER,
  payload     TEXT NOT NULL,
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL,
  cursor      INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, seq)
) WITHOUT ROWID;
CREATE INDEX peer_events_by_card ON peer_events(card_id, type) WHERE card_id IS NOT NULL;

CREATE TRIGGER peer_events_are_append_only_update BEFORE UPDATE ON peer_events
BEGIN SELECT RAISE(ABORT, 'peer events are append-only'); END;
CREATE TRIGGER peer_events_are_append_only_delete BEFORE DELETE ON peer_events
BEGIN SELECT RAISE(ABORT, 'peer events are append-only'); END;
)sql",
    // 9: what head office published (docs/sync-protocol.md, "Pull"): the
    // newest rules and catalog this terminal received, with their versions.
    // The rules are applied from here at the next sale, also after a restart
    // without the network; a catalog's products are imported in the same
    // transaction as its row. Not journey data: audit does not read it.
    R"sql(
CREATE TABLE published(
  kind        TEXT PRIMARY KEY CHECK (kind IN ('rules', 'catalog')),
  version     INTEGER NOT NULL CHECK (version > 0),
  text        TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 10: refund ids, again. Migration 4 gives a refund the seq of its
    // sale.refunded event as its id, but loyalpos of schema 4 itself numbered
    // the refunds it wrote 1, 2, 3 (the rule came a release later, and its
    // ledgers never ran migration 4 again): those take their seq now. In two
    // steps, since an old id may be another refund's seq. Found by the
    // fixture ledger of schema 4 (tests/pos/fixtures).
    R"sql(
UPDATE refunds SET refund_id = -first_event
  WHERE first_event IS NOT NULL AND refund_id IS NOT first_event;
UPDATE refunds SET refund_id = -refund_id WHERE refund_id < 0;
)sql",
}};

Result<int> user_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  return static_cast<int>(stmt->column_int(0));
}

}  // namespace

Status prepare_ledger(Database& db, const std::string& path, bool creating, int target) {
  // journal_mode answers with a row; a file that is not a database fails here.
  {
    auto wal = db.prepare("PRAGMA journal_mode=WAL");
    if (!wal.ok()) return wal.error().with_context(path + ": ");
    auto wal_row = wal->step();
    if (!wal_row.ok()) return wal_row.error().with_context(path + ": ");
  }
  LOYALPOS_TRY(db.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));

  auto version = user_version(db);
  if (!version.ok()) return version.error().with_context(path + ": ");
  if (*version > kSchemaVersion) {
    return Error(ErrorCode::kUnsupported, path + " was written by a newer loyalpos (schema " +
                                              std::to_string(*version) + ", this one knows " +
                                              std::to_string(kSchemaVersion) +
                                              "); update loyalpos on this terminal");
  }
  if (*version == 0 && !creating) {
    return Error(ErrorCode::kCorrupt, path + " is not a loyalpos ledger");
  }
  for (int v = *version; v < std::min(target, kSchemaVersion); ++v) {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Re-read inside the write lock: another process may have migrated.
    auto current = user_version(db);
    if (!current.ok()) return current.error();
    if (*current != v) continue;
    LOYALPOS_TRY(db.exec(kMigrations[static_cast<std::size_t>(v)]));
    LOYALPOS_TRY(db.exec("PRAGMA user_version=" + std::to_string(v + 1)));
    LOYALPOS_TRY(tx->commit());
  }
  return ok_status();
}

}  // namespace loyalpos::pos
