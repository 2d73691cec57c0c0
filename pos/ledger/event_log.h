// The journey event log of this terminal: append-only, numbered 1, 2, 3...
// without gaps, each event's hash = SHA-256(previous hash || its fields), the
// first event chained to 32 zero bytes. Appends happen inside the caller's
// transaction, so an event exists exactly when the change it records does.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/journal_hash.h"
#include "pos/ledger/sqlite.h"

namespace loyalpos::pos {

struct NewEvent {
  std::string type;  // "card.issued", "sale.completed", "card.stamps", ...
  std::int64_t at = 0;
  std::optional<std::string> card_id;
  std::optional<std::int64_t> sale_id;
  std::string payload;  // compact JSON
};

using Hash = JournalHash;

// journal_event_hash (base/journal_hash.h) of one event.
Hash event_hash(const Hash& prev, const std::string& terminal_id, std::int64_t seq,
                const NewEvent& event);

// Appends events after the terminal's last one, inside the caller's
// transaction, reading the chain's head once. Use one writer per transaction.
class EventWriter {
 public:
  EventWriter(Database& db, std::string terminal_id)
      : db_(db), terminal_id_(std::move(terminal_id)) {}
  // Returns the new event's seq.
  Result<std::int64_t> append(const NewEvent& event);
  // The seq of the last event appended (or found), 0 before the first.
  std::int64_t last_seq() const { return last_seq_; }
  // The hash of that event.
  const Hash& last_hash() const { return last_hash_; }

 private:
  Database& db_;
  std::string terminal_id_;
  bool head_known_ = false;
  std::int64_t last_seq_ = 0;
  Hash last_hash_ = Hash(32, 0);
};

// One event in a transaction of its own making.
Result<std::int64_t> append_event(Database& db, const std::string& terminal_id,
                                  const NewEvent& event);

struct ChainReport {
  std::int64_t events = 0;
};

// The short sign printed on a receipt beside its journal position: the
// first four bytes of the event's hash as "7F3A-91C2". It ties the paper to
// the chain: a ledger that lost or rewrote that event no longer matches it.
std::string receipt_sign(const Hash& hash);

// Walks the whole chain: seq without gaps from 1, every prev_hash equal to
// the previous hash, every hash recomputed. The error names the first bad seq.
Result<ChainReport> verify_chain(Database& db, const std::string& terminal_id);

}  // namespace loyalpos::pos
