// The terminal's side of pushing to head office (docs/sync-protocol.md):
// the outbox is this terminal's own journey chain after a seq, read in
// bounded batches; the anchor is the last (seq, hash) head office
// acknowledged, which audit_ledger then holds the chain to. No network here:
// the sync agent sends the batches and brings the acknowledgements back.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/journal_event.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

// One own event as it travels (base/journal_event.h; its terminal_id is this
// terminal's, its cursor 0).
using OutboxEvent = JournalEvent;

// A batch holds at most `max_events` events and at most `max_bytes` of
// their estimated JSON size (outbox_wire_size); one event is always taken,
// whatever its size, so an outbox never stalls.
struct OutboxLimits {
  std::size_t max_events = 1000;
  std::size_t max_bytes = 4u << 20;
};

struct OutboxBatch {
  std::vector<OutboxEvent> events;  // consecutive seqs, in order
  bool more = false;                // events after the batch are waiting
};

// The bytes one event takes in a push body, counted generously (the payload
// with its quotes escaped, and room for every other field).
std::size_t outbox_wire_size(const OutboxEvent& event);

// The own events after `after_seq`, in order, up to the limits. One
// statement steps through the chain and stops at the limits: memory is one
// batch whatever the backlog. Page on with the last seq of a batch.
Result<OutboxBatch> read_outbox(Ledger& ledger, std::int64_t after_seq,
                                const OutboxLimits& limits = {});

// Own events head office has not acknowledged (after the anchor).
Result<std::int64_t> unsent_count(Ledger& ledger);

// When the oldest own event head office has not acknowledged happened
// (unix seconds); nullopt when it has them all.
Result<std::optional<std::int64_t>> oldest_unsent_at(Ledger& ledger);

// The last (seq, hash) of this terminal's chain head office acknowledged;
// seq 0 (and an empty hash) before the first acknowledgement.
struct Anchor {
  std::int64_t seq = 0;
  std::string hash;  // lower-case hex
};
Result<Anchor> anchor(Ledger& ledger);

// Stores head office's acknowledgement as the anchor, after checking it is
// this terminal's own event at that seq. kCorrupt when the ledger holds
// another hash at `seq`, or no event there: head office holds a different
// history, and nothing more should be pushed until someone looks. An ack
// below the stored anchor is checked the same way but never lowers it; seq
// 0 (head office holds nothing yet) stores nothing. Also marks `now` as the
// last successful exchange.
Status record_ack(Ledger& ledger, std::int64_t seq, std::string_view hash_hex, std::int64_t now);

// What `loyalpos sync status` shows.
struct SyncState {
  Anchor anchor;
  std::int64_t peer_cursor = 0;
  std::optional<std::int64_t> last_success_at;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> last_error_at;
};
Result<SyncState> sync_state(Ledger& ledger);

// The last failed exchange, in words (kept until the next one; a success
// does not erase it, so the status can say what went wrong before).
Status record_sync_error(Ledger& ledger, std::string_view message, std::int64_t now);

}  // namespace loyalpos::pos
