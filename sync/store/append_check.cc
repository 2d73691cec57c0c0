#include "sync/store/append_check.h"

#include <algorithm>

#include "pos/ledger/event_log.h"

namespace loyalpos::sync::detail {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string event_name(const std::string& terminal_id, std::int64_t seq) {
  return "journey event " + std::to_string(seq) + " of terminal " + terminal_id;
}

}  // namespace

std::string to_hex(const Bytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::optional<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

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
    const std::string name = event_name(terminal_id, e.seq);
    if (e.terminal_id != terminal_id) {
      return Error::invalid("journey event " + std::to_string(e.seq) + " belongs to terminal " +
                            e.terminal_id + ", not " + terminal_id);
    }
    if (e.seq < 1) return Error::invalid(name + ": seq must be 1 or more");
    if (i > 0 && e.seq - 1 != batch[i - 1].seq) {
      return Error::invalid(name + " follows seq " + std::to_string(batch[i - 1].seq) +
                            " in the batch: a batch must be consecutive");
    }
    auto prev = from_hex(e.prev_hash_hex);
    auto hash = from_hex(e.hash_hex);
    if (!prev || prev->size() != 32 || !hash || hash->size() != 32) {
      return Error::invalid(name + ": prev_hash and hash must be 64 hex digits");
    }
    pos::NewEvent fields{e.type, e.at, e.card_id, e.sale_id, e.payload};
    if (pos::event_hash(*prev, terminal_id, e.seq, fields) != *hash) {
      return Error::corrupt(name + " does not verify: its hash is not that of its fields");
    }
    if (i > 0 && *prev != checked.hash.back()) {
      return Error::corrupt(name + " does not follow seq " + std::to_string(e.seq - 1) +
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

}  // namespace loyalpos::sync::detail
