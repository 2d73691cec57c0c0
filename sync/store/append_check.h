// What every Store does to a batch before it stores it, whatever the
// database: the checks of the batch alone (before any transaction: shape,
// every hash recomputed, every link inside the batch), then the decision
// against the head as stored (inside the transaction: replay, gap, fork).
// Internal to sync/store.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/journal_hash.h"
#include "sync/store/store.h"

namespace loyalpos::sync::detail {

using Bytes = JournalHash;

// The batch's hashes as bytes, in batch order, once they verified.
struct CheckedBatch {
  std::vector<Bytes> prev;
  std::vector<Bytes> hash;
};

// The batch alone: size, the terminal's own events, consecutive seqs, hex,
// each hash recomputed from its fields, each prev equal to the hash before it.
Result<CheckedBatch> check_batch(const std::string& terminal_id,
                                 const std::vector<WireEvent>& batch);

struct StoredHead {
  std::int64_t seq = 0;
  Bytes hash = Bytes(32, 0);
};

Ack ack_of(const StoredHead& head);

// The stored events of the batch's range at or below the head: the first
// seq and the last to ask the database for, or none if the batch is all new.
std::optional<std::pair<std::int64_t, std::int64_t>> overlap(const std::vector<WireEvent>& batch,
                                                             const StoredHead& head);

// Against the head as stored and the stored hashes of overlap()'s range (in
// seq order): the index in `batch` of the first event to store
// (batch.size() for a pure replay), or the refusal in `outcome`.
std::optional<std::size_t> plan_append(const std::string& terminal_id,
                                       const std::vector<WireEvent>& batch,
                                       const CheckedBatch& checked, const StoredHead& head,
                                       const std::vector<Bytes>& stored_hashes,
                                       AppendOutcome& outcome);

// An outcome refusing with `error` before the head was read.
AppendOutcome refused(Error error);

Status check_kind(const std::string& kind);

// The owner-account refusals both stores give, in the same words.
Error owner_taken(const std::string& name);
Error no_owner(const std::string& name);
Error no_session();
Error contact_taken(const std::string& card_id);

}  // namespace loyalpos::sync::detail
