#include "pos/ledger/sync_outbox.h"

#include <algorithm>

#include "base/journal_hash.h"

namespace loyalpos::pos {

namespace {

// The fields besides the payload: names, numbers, two 64-digit hashes, a
// 32-digit card id; generously rounded up.
constexpr std::size_t kEventOverhead = 400;

std::optional<std::string> optional_text(const Statement& s, int column) {
  if (s.column_is_null(column)) return std::nullopt;
  return s.column_text(column);
}

}  // namespace

std::size_t outbox_wire_size(const OutboxEvent& event) {
  // The payload travels as a JSON string: each quote and backslash escaped.
  const auto escaped = static_cast<std::size_t>(std::count_if(
      event.payload.begin(), event.payload.end(), [](char c) { return c == '"' || c == '\\'; }));
  return event.payload.size() + escaped + event.type.size() + kEventOverhead;
}

Result<OutboxBatch> read_outbox(Ledger& ledger, std::int64_t after_seq,
                                const OutboxLimits& limits) {
  auto stmt = ledger.db().cached(
      "SELECT seq, type, at, card_id, sale_id, payload, prev_hash, hash FROM events"
      " WHERE terminal_id = ?1 AND seq > ?2 ORDER BY seq");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, ledger.terminal().terminal_id).bind(2, after_seq);
  OutboxBatch batch;
  std::size_t bytes = 0;
  const std::size_t max_events = std::max<std::size_t>(limits.max_events, 1);
  for (;;) {
    auto row = s.step();
    if (!row.ok()) {
      s.reset();
      return row.error();
    }
    if (!*row) break;
    if (batch.events.size() == max_events) {
      batch.more = true;
      break;
    }
    OutboxEvent event;
    event.terminal_id = ledger.terminal().terminal_id;
    event.seq = s.column_int(0);
    event.type = s.column_text(1);
    event.at = s.column_int(2);
    event.card_id = optional_text(s, 3);
    if (!s.column_is_null(4)) event.sale_id = s.column_int(4);
    event.payload = s.column_text(5);
    event.prev_hash = to_hex(s.column_blob(6));
    event.hash = to_hex(s.column_blob(7));
    const std::size_t size = outbox_wire_size(event);
    if (!batch.events.empty() && bytes + size > limits.max_bytes) {
      batch.more = true;
      break;
    }
    bytes += size;
    batch.events.push_back(std::move(event));
  }
  s.reset();
  return batch;
}

Result<Anchor> anchor(Ledger& ledger) {
  auto state = sync_state(ledger);
  if (!state.ok()) return state.error();
  return state->anchor;
}

Result<SyncState> sync_state(Ledger& ledger) {
  auto stmt = ledger.db().cached(
      "SELECT ack_seq, ack_hash, peer_cursor, last_success_at, last_error, last_error_at"
      " FROM sync_state WHERE only_row = 1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  auto row = s.step();
  if (!row.ok()) {
    s.reset();
    return row.error();
  }
  SyncState state;
  if (*row) {
    state.anchor.seq = s.column_int(0);
    if (!s.column_is_null(1)) state.anchor.hash = to_hex(s.column_blob(1));
    state.peer_cursor = s.column_int(2);
    if (!s.column_is_null(3)) state.last_success_at = s.column_int(3);
    state.last_error = optional_text(s, 4);
    if (!s.column_is_null(5)) state.last_error_at = s.column_int(5);
  }
  s.reset();
  return state;
}

Result<std::int64_t> unsent_count(Ledger& ledger) {
  auto stmt = ledger.db().cached(
      "SELECT COUNT(*) FROM events WHERE terminal_id = ?1"
      " AND seq > (SELECT ack_seq FROM sync_state WHERE only_row = 1)");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, ledger.terminal().terminal_id);
  auto row = s.step();
  const std::int64_t n = row.ok() && *row ? s.column_int(0) : 0;
  s.reset();
  if (!row.ok()) return row.error();
  return n;
}

Result<std::optional<std::int64_t>> oldest_unsent_at(Ledger& ledger) {
  auto stmt = ledger.db().cached(
      "SELECT at FROM events WHERE terminal_id = ?1"
      " AND seq > (SELECT ack_seq FROM sync_state WHERE only_row = 1) ORDER BY seq LIMIT 1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, ledger.terminal().terminal_id);
  auto row = s.step();
  std::optional<std::int64_t> at;
  if (row.ok() && *row) at = s.column_int(0);
  s.reset();
  if (!row.ok()) return row.error();
  return at;
}

Status record_ack(Ledger& ledger, std::int64_t seq, std::string_view hash_hex, std::int64_t now) {
  Database& db = ledger.db();
  auto hash = from_hex(hash_hex);
  if (seq < 0 || !hash || (seq > 0 && hash->size() != 32)) {
    return Error::invalid("head office's acknowledgement is not a seq and a 64-digit hash");
  }
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  if (seq > 0) {
    auto stmt = db.cached("SELECT hash FROM events WHERE terminal_id = ?1 AND seq = ?2");
    if (!stmt.ok()) return stmt.error();
    Statement& s = **stmt;
    s.bind(1, ledger.terminal().terminal_id).bind(2, seq);
    auto row = s.step();
    if (!row.ok()) {
      s.reset();
      return row.error();
    }
    const bool held = *row;
    const JournalHash own = held ? s.column_blob(0) : JournalHash();
    s.reset();
    if (!held) {
      return Error(ErrorCode::kCorrupt,
                   "head office acknowledged journey event " + std::to_string(seq) +
                       ", which this ledger does not hold: head office holds a different "
                       "history; stop syncing and tell head office");
    }
    if (own != *hash) {
      return Error(ErrorCode::kCorrupt,
                   "head office acknowledged journey event " + std::to_string(seq) +
                       " with another hash than this ledger's: head office holds a different "
                       "history; stop syncing and tell head office");
    }
    auto update = db.cached(
        "UPDATE sync_state SET ack_seq = ?1, ack_hash = ?2 WHERE only_row = 1 AND ack_seq < ?1");
    if (!update.ok()) return update.error();
    (*update)->bind(1, seq).bind(2, *hash);
    LOYALPOS_TRY((*update)->run());
  }
  auto success = db.cached("UPDATE sync_state SET last_success_at = ?1 WHERE only_row = 1");
  if (!success.ok()) return success.error();
  (*success)->bind(1, now);
  LOYALPOS_TRY((*success)->run());
  return tx->commit();
}

Status record_sync_error(Ledger& ledger, std::string_view message, std::int64_t now) {
  auto stmt = ledger.db().cached(
      "UPDATE sync_state SET last_error = ?1, last_error_at = ?2 WHERE only_row = 1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, message).bind(2, now);
  return (*stmt)->run();
}

}  // namespace loyalpos::pos
