#include "pos/ledger/event_log.h"

#include "base/journal_hash.h"

namespace loyalpos::pos {

Hash event_hash(const Hash& prev, const std::string& terminal_id, std::int64_t seq,
                const NewEvent& event) {
  return journal_event_hash(prev, terminal_id, seq, event.type, event.at,
                            event.card_id.value_or(""), event.sale_id, event.payload);
}

Result<std::int64_t> EventWriter::append(const NewEvent& event) {
  if (!head_known_) {
    auto last =
        db_.cached("SELECT seq, hash FROM events WHERE terminal_id = ?1 ORDER BY seq DESC LIMIT 1");
    if (!last.ok()) return last.error();
    (*last)->bind(1, terminal_id_);
    auto row = (*last)->step();
    if (!row.ok()) return row.error();
    if (*row) {
      last_seq_ = (*last)->column_int(0);
      last_hash_ = (*last)->column_blob(1);
    }
    (*last)->reset();
    head_known_ = true;
  }
  const std::int64_t seq = last_seq_ + 1;
  Hash hash = event_hash(last_hash_, terminal_id_, seq, event);
  auto insert = db_.cached(
      "INSERT INTO events(terminal_id, seq, type, at, card_id, sale_id, payload, prev_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return insert.error();
  Statement& s = **insert;
  s.bind(1, terminal_id_).bind(2, seq).bind(3, event.type).bind(4, event.at);
  s.bind_optional(5, event.card_id);
  if (event.sale_id) {
    s.bind(6, *event.sale_id);
  } else {
    s.bind_null(6);
  }
  s.bind(7, event.payload).bind(8, last_hash_).bind(9, hash);
  LOYALPOS_TRY(s.run());
  last_seq_ = seq;
  last_hash_ = std::move(hash);
  return seq;
}

Result<std::int64_t> append_event(Database& db, const std::string& terminal_id,
                                  const NewEvent& event) {
  return EventWriter(db, terminal_id).append(event);
}

std::string receipt_sign(const Hash& hash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string sign;
  for (std::size_t i = 0; i < 4 && i < hash.size(); ++i) {
    if (i == 2) sign.push_back('-');
    sign.push_back(kHex[hash[i] >> 4]);
    sign.push_back(kHex[hash[i] & 0xF]);
  }
  return sign;
}

Result<ChainReport> verify_chain(Database& db, const std::string& terminal_id) {
  auto stmt = db.prepare(
      "SELECT seq, type, at, card_id, sale_id, payload, prev_hash, hash FROM events"
      " WHERE terminal_id = ?1 ORDER BY seq");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, terminal_id);
  ChainReport report;
  Hash prev(32, 0);
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const std::int64_t seq = stmt->column_int(0);
    const std::string where = "journey event " + std::to_string(seq) + ": ";
    if (seq != report.events + 1) {
      return Error(ErrorCode::kCorrupt, "journey event " + std::to_string(report.events + 1) +
                                            " is missing (next is " + std::to_string(seq) + ")");
    }
    NewEvent event;
    event.type = stmt->column_text(1);
    event.at = stmt->column_int(2);
    if (!stmt->column_is_null(3)) event.card_id = stmt->column_text(3);
    if (!stmt->column_is_null(4)) event.sale_id = stmt->column_int(4);
    event.payload = stmt->column_text(5);
    if (stmt->column_blob(6) != prev) {
      return Error(ErrorCode::kCorrupt, where + "does not follow the previous event");
    }
    const Hash hash = event_hash(prev, terminal_id, seq, event);
    if (stmt->column_blob(7) != hash) {
      return Error(ErrorCode::kCorrupt, where + "was changed after it was written");
    }
    prev = hash;
    report.events = seq;
  }
  return report;
}

}  // namespace loyalpos::pos
