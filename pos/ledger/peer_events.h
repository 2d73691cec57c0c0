// Other terminals' card events, as head office relays them (GET
// /v1/peer-events, docs/sync-protocol.md). They are kept in `peer_events`,
// apart from this terminal's own chain, and count in a card's balance,
// visits and stage: a card's balance is the sum of its card.stamps events,
// own and peer, so any order and any batching of delivery gives the same
// numbers. Each event is verified against its own hash before it is kept.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/journal_event.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

// One event of another terminal, as it travels (hashes in hex) with head
// office's cursor.
using PeerEvent = JournalEvent;

struct PeerStoreReport {
  std::int64_t stored = 0;        // new events kept
  std::int64_t already_held = 0;  // the same events again: ignored
};

// Stores a batch in one transaction: all of it or nothing. Each event's hash
// must recompute from its fields, and follow its terminal's previous event
// (and lead to its next) where the ledger holds them. The same (terminal,
// seq) with the same hash again is ignored; with another hash it is
// kCorrupt, as is a doctored event. Events of this terminal's own id are
// refused (kInvalidInput): the own chain lives in `events` alone. Cached
// balances of cards known here move with each card.stamps event; the cursor
// becomes `new_cursor` (it never goes back).
Result<PeerStoreReport> store_peer_events(Ledger& ledger, const std::vector<PeerEvent>& batch,
                                          std::int64_t new_cursor);

// Where the next pull starts (`after`): 0 before the first.
Result<std::int64_t> peer_cursor(Ledger& ledger);

// Every stored peer event's hash recomputed, its continuity with its
// terminal's neighbours where held, and none of this terminal's id.
// audit_ledger runs it; returns how many peer events there are.
Result<std::int64_t> verify_peer_events(Ledger& ledger);

}  // namespace loyalpos::pos
