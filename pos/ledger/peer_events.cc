#include "pos/ledger/peer_events.h"

#include <nlohmann/json.hpp>

#include "base/journal_hash.h"
#include "pos/ledger/event_log.h"

namespace loyalpos::pos {

namespace {

Error corrupt(const std::string& what) { return Error(ErrorCode::kCorrupt, what); }

std::string name(const std::string& terminal_id, std::int64_t seq) {
  return "peer event " + terminal_id + "/" + std::to_string(seq);
}

NewEvent fields(const PeerEvent& e) {
  return NewEvent{e.type, e.at, e.card_id, e.sale_id, e.payload};
}

// The hash of the held event of `terminal_id` at `seq`, if held.
Result<std::optional<Hash>> held_hash(Database& db, const std::string& terminal_id,
                                      std::int64_t seq, bool prev) {
  auto stmt =
      db.cached(prev ? "SELECT prev_hash FROM peer_events WHERE terminal_id = ?1 AND seq = ?2"
                     : "SELECT hash FROM peer_events WHERE terminal_id = ?1 AND seq = ?2");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, terminal_id).bind(2, seq);
  auto row = s.step();
  if (!row.ok()) {
    s.reset();
    return row.error();
  }
  std::optional<Hash> out;
  if (*row) out = s.column_blob(0);
  s.reset();
  return out;
}

bool is_hex_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A card.stamps event on a card this ledger knows moves its cached balance.
Status apply_stamps(Database& db, const PeerEvent& e) {
  if (e.type != "card.stamps" || !e.card_id) return ok_status();
  const auto payload = nlohmann::json::parse(e.payload, nullptr, false);
  const auto has_int = [&](const char* key) {
    return payload.is_object() && payload.contains(key) && payload[key].is_number_integer();
  };
  if (!has_int("stamps") || !has_int("rewards") || !payload.contains("program") ||
      !payload["program"].is_string()) {
    return Error::invalid(name(e.terminal_id, e.seq) +
                          ": a card.stamps event without program, stamps and rewards");
  }
  // Cards not known here have no cached balance: it is summed from the
  // peer events when the card is first scanned here (Ledger::find_card).
  auto stmt = db.cached(
      "INSERT INTO card_programs(card_id, program_id, stamps, rewards, last_stamp_at)"
      " SELECT ?1, ?2, ?3, ?4, CASE WHEN ?3 > 0 THEN ?5 ELSE 0 END"
      " WHERE EXISTS (SELECT 1 FROM cards WHERE card_id = ?1)"
      " ON CONFLICT(card_id, program_id) DO UPDATE SET"
      " stamps = stamps + excluded.stamps, rewards = rewards + excluded.rewards,"
      " last_stamp_at = MAX(last_stamp_at, excluded.last_stamp_at)");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, *e.card_id).bind(2, payload["program"].get<std::string>());
  s.bind(3, payload["stamps"].get<std::int64_t>()).bind(4, payload["rewards"].get<std::int64_t>());
  s.bind(5, e.at);
  return s.run();
}

// Checks one event against its own hash and its held neighbours.
Status check_event(Database& db, const PeerEvent& e, const Hash& prev, const Hash& hash) {
  const std::string where = name(e.terminal_id, e.seq);
  if (event_hash(prev, e.terminal_id, e.seq, fields(e)) != hash) {
    return corrupt(where + " does not match its hash: it was changed after it was written");
  }
  if (e.seq == 1 && prev != Hash(32, 0)) {
    return corrupt(where + " is a chain's first event but follows another");
  }
  auto before = held_hash(db, e.terminal_id, e.seq - 1, false);
  if (!before.ok()) return before.error();
  if (*before && **before != prev) {
    return corrupt(where + " does not follow its terminal's previous event");
  }
  auto after = held_hash(db, e.terminal_id, e.seq + 1, true);
  if (!after.ok()) return after.error();
  if (*after && **after != hash) {
    return corrupt(where + " is not the event its terminal's next event follows");
  }
  return ok_status();
}

}  // namespace

Result<PeerStoreReport> store_peer_events(Ledger& ledger, const std::vector<PeerEvent>& batch,
                                          std::int64_t new_cursor) {
  Database& db = ledger.db();
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  PeerStoreReport report;
  for (const auto& e : batch) {
    const std::string where = name(e.terminal_id, e.seq);
    if (e.terminal_id == ledger.terminal().terminal_id) {
      return Error::invalid(where + " is this terminal's own: the own chain is not taken back");
    }
    if (!is_hex_id(e.terminal_id) || e.seq < 1 || e.type.empty()) {
      return Error::invalid(where + " has no valid terminal id, seq or type");
    }
    const auto prev = from_hex(e.prev_hash);
    const auto hash = from_hex(e.hash);
    if (!prev || !hash || prev->size() != 32 || hash->size() != 32) {
      return Error::invalid(where + ": its hashes are not 64 hex digits");
    }
    auto held = held_hash(db, e.terminal_id, e.seq, false);
    if (!held.ok()) return held.error();
    if (*held) {
      if (**held != *hash) {
        return corrupt(where + " differs from the one held: head office relays another history");
      }
      ++report.already_held;
      continue;
    }
    LOYALPOS_TRY(check_event(db, e, *prev, *hash));
    auto insert = db.cached(
        "INSERT INTO peer_events(terminal_id, seq, type, at, card_id, sale_id, payload,"
        " prev_hash, hash, cursor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert.ok()) return insert.error();
    Statement& s = **insert;
    s.bind(1, e.terminal_id).bind(2, e.seq).bind(3, e.type).bind(4, e.at);
    s.bind_optional(5, e.card_id);
    if (e.sale_id) {
      s.bind(6, *e.sale_id);
    } else {
      s.bind_null(6);
    }
    s.bind(7, e.payload).bind(8, *prev).bind(9, *hash).bind(10, e.cursor);
    LOYALPOS_TRY(s.run());
    LOYALPOS_TRY(apply_stamps(db, e));
    ++report.stored;
  }
  auto cursor =
      db.cached("UPDATE sync_state SET peer_cursor = MAX(peer_cursor, ?1) WHERE only_row = 1");
  if (!cursor.ok()) return cursor.error();
  (*cursor)->bind(1, new_cursor);
  LOYALPOS_TRY((*cursor)->run());
  LOYALPOS_TRY(tx->commit());
  return report;
}

Result<std::int64_t> peer_cursor(Ledger& ledger) {
  auto stmt = ledger.db().cached("SELECT peer_cursor FROM sync_state WHERE only_row = 1");
  if (!stmt.ok()) return stmt.error();
  auto row = (*stmt)->step();
  const std::int64_t cursor = row.ok() && *row ? (*stmt)->column_int(0) : 0;
  (*stmt)->reset();
  if (!row.ok()) return row.error();
  return cursor;
}

Result<std::int64_t> verify_peer_events(Ledger& ledger) {
  auto stmt = ledger.db().prepare(
      "SELECT terminal_id, seq, type, at, card_id, sale_id, payload, prev_hash, hash"
      " FROM peer_events ORDER BY terminal_id, seq");
  if (!stmt.ok()) return stmt.error();
  std::int64_t n = 0;
  std::string last_terminal;
  std::int64_t last_seq = 0;
  Hash last_hash;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    PeerEvent e;
    e.terminal_id = stmt->column_text(0);
    e.seq = stmt->column_int(1);
    e.type = stmt->column_text(2);
    e.at = stmt->column_int(3);
    if (!stmt->column_is_null(4)) e.card_id = stmt->column_text(4);
    if (!stmt->column_is_null(5)) e.sale_id = stmt->column_int(5);
    e.payload = stmt->column_text(6);
    const Hash prev = stmt->column_blob(7);
    const Hash hash = stmt->column_blob(8);
    const std::string where = name(e.terminal_id, e.seq);
    if (e.terminal_id == ledger.terminal().terminal_id) {
      return corrupt(where + " carries this terminal's own id");
    }
    if (event_hash(prev, e.terminal_id, e.seq, fields(e)) != hash) {
      return corrupt(where + " was changed after it was stored");
    }
    if (e.seq == 1 && prev != Hash(32, 0)) {
      return corrupt(where + " is a chain's first event but follows another");
    }
    if (e.terminal_id == last_terminal && e.seq == last_seq + 1 && prev != last_hash) {
      return corrupt(where + " does not follow its terminal's previous event");
    }
    last_terminal = e.terminal_id;
    last_seq = e.seq;
    last_hash = hash;
    ++n;
  }
  return n;
}

}  // namespace loyalpos::pos
