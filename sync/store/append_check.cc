#include "sync/store/append_check.h"

#include <algorithm>

#include "base/journal_hash.h"

namespace loyalpos::sync::detail {

namespace {

std::string event_name(const std::string& terminal_id, std::int64_t seq) {
  return "journey event " + std::to_string(seq) + " of terminal " + terminal_id;
}

}  // namespace

Result<CheckedBatch> check_batch(const std::string& terminal_id,
                                 const std::vector<WireEvent>& batch) {
  if (batch.size() > kMaxBatch) {
    return Error::invalid("a batch holds at most " + std::to_string(kMaxBatch) +
                          " journey events, this one " + std::to_string(batch.size()));
  }
  CheckedBatch checked;
  checked.prev.reserve(batch.size());
  checked.hash.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const WireEvent& e = batch[i];
    // Made only for a refusal: an accepted batch never needs it.
    const auto name = [&] { return event_name(terminal_id, e.seq); };
    if (e.terminal_id != terminal_id) {
      return Error::invalid("journey event " + std::to_string(e.seq) + " belongs to terminal " +
                            e.terminal_id + ", not " + terminal_id);
    }
    if (e.seq < 1) return Error::invalid(name() + ": seq must be 1 or more");
    if (i > 0 && e.seq - 1 != batch[i - 1].seq) {
      return Error::invalid(name() + " follows seq " + std::to_string(batch[i - 1].seq) +
                            " in the batch: a batch must be consecutive");
    }
    auto prev = from_hex(e.prev_hash);
    auto hash = from_hex(e.hash);
    if (!prev || prev->size() != 32 || !hash || hash->size() != 32) {
      return Error::invalid(name() + ": prev_hash and hash must be 64 hex digits");
    }
    if (journal_event_hash(*prev, terminal_id, e.seq, e.type, e.at, e.card_id.value_or(""),
                           e.sale_id, e.payload) != *hash) {
      return Error::corrupt(name() + " does not verify: its hash is not that of its fields");
    }
    if (i > 0 && *prev != checked.hash.back()) {
      return Error::corrupt(name() + " does not follow seq " + std::to_string(e.seq - 1) +
                            ": its prev_hash is not that event's hash");
    }
    checked.prev.push_back(std::move(*prev));
    checked.hash.push_back(std::move(*hash));
  }
  return checked;
}

Ack ack_of(const StoredHead& head) { return Ack{head.seq, to_hex(head.hash)}; }

std::optional<std::pair<std::int64_t, std::int64_t>> overlap(const std::vector<WireEvent>& batch,
                                                             const StoredHead& head) {
  if (batch.empty() || batch.front().seq > head.seq) return std::nullopt;
  return std::pair{batch.front().seq, std::min(batch.back().seq, head.seq)};
}

std::optional<std::size_t> plan_append(const std::string& terminal_id,
                                       const std::vector<WireEvent>& batch,
                                       const CheckedBatch& checked, const StoredHead& head,
                                       const std::vector<Bytes>& stored_hashes,
                                       AppendOutcome& outcome) {
  outcome.head = ack_of(head);
  if (batch.empty()) return 0;
  const std::int64_t first = batch.front().seq;
  if (first > head.seq + 1) {
    outcome.expected_seq = head.seq + 1;
    outcome.refusal = Error::conflict("journey events of terminal " + terminal_id +
                                      ": expected seq " + std::to_string(head.seq + 1) + ", got " +
                                      std::to_string(first) + "; resend from there");
    return std::nullopt;
  }
  const auto range = overlap(batch, head);
  const std::size_t replayed =
      range ? static_cast<std::size_t>(range->second - range->first + 1) : 0;
  if (stored_hashes.size() != replayed) {
    outcome.refusal =
        Error::corrupt("the stored chain of terminal " + terminal_id +
                       " lacks events at or below its head " + std::to_string(head.seq));
    return std::nullopt;
  }
  for (std::size_t i = 0; i < replayed; ++i) {
    if (stored_hashes[i] != checked.hash[i]) {
      outcome.refusal =
          Error::corrupt(event_name(terminal_id, batch[i].seq) + " differs from the stored one");
      return std::nullopt;
    }
  }
  if (replayed < batch.size() && checked.prev[replayed] != head.hash) {
    outcome.refusal = Error::corrupt(event_name(terminal_id, batch[replayed].seq) +
                                     " does not follow the stored seq " + std::to_string(head.seq));
    return std::nullopt;
  }
  return replayed;
}

AppendOutcome refused(Error error) {
  AppendOutcome outcome;
  outcome.refusal = std::move(error);
  return outcome;
}

Status check_kind(const std::string& kind) {
  if (kind != "rules" && kind != "catalog") {
    return Error::invalid("published kind must be \"rules\" or \"catalog\", not \"" + kind + "\"");
  }
  return ok_status();
}

Error owner_taken(const std::string& name) {
  return Error::conflict("there is already an owner named \"" + name + "\"");
}

Error no_owner(const std::string& name) {
  return Error::not_found("no owner named \"" + name + "\"");
}

Error no_session() { return Error::not_found("no such session, or it expired"); }

Error contact_taken(const std::string& card_id) {
  return Error::conflict("card " + card_id + " has a contact already");
}

}  // namespace loyalpos::sync::detail
