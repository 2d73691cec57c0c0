// Helpers for the sync tests: another terminal's events as head office
// would relay them, and chains of card events built by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/journal_hash.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/peer_events.h"
#include "pos/ledger/sync_outbox.h"

namespace loyalpos::pos::testing {

// `from`'s card events after `after`, as peer events (cursor = seq).
inline std::vector<PeerEvent> relayed(Ledger& from, std::int64_t after = 0) {
  std::vector<PeerEvent> out;
  for (;;) {
    auto batch = read_outbox(from, after);
    EXPECT_TRUE(batch.ok());
    if (!batch.ok() || batch->events.empty()) return out;
    for (const auto& e : batch->events) {
      after = e.seq;
      if (!e.card_id) continue;
      out.push_back({from.terminal().terminal_id, e.seq, e.type, e.at, e.card_id, e.sale_id,
                     e.payload, e.prev_hash, e.hash, e.seq});
    }
    if (!batch->more) return out;
  }
}

// A terminal's chain of events built with journal_event_hash.
class PeerChain {
 public:
  explicit PeerChain(std::string terminal_id) : terminal_id_(std::move(terminal_id)) {}

  const PeerEvent& add(const NewEvent& event) {
    PeerEvent e{terminal_id_,  seq_ + 1,      event.type,    event.at,      event.card_id,
                event.sale_id, event.payload, to_hex(prev_), std::string(), 0};
    const JournalHash hash = journal_event_hash(prev_, terminal_id_, e.seq, e.type, e.at,
                                                e.card_id.value_or(""), e.sale_id, e.payload);
    e.hash = to_hex(hash);
    e.cursor = e.seq;
    prev_ = hash;
    ++seq_;
    events_.push_back(std::move(e));
    return events_.back();
  }
  const PeerEvent& stamps(const std::string& card_id, const std::string& program,
                          std::int64_t stamps, std::int64_t rewards, std::int64_t at = 1795430000) {
    return add(card_stamps_event(card_id, seq_ + 1, program, stamps, rewards, "sale", at));
  }
  const std::vector<PeerEvent>& events() const { return events_; }

 private:
  std::string terminal_id_;
  std::int64_t seq_ = 0;
  JournalHash prev_ = JournalHash(32, 0);
  std::vector<PeerEvent> events_;
};

}  // namespace loyalpos::pos::testing
