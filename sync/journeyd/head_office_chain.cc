#include "sync/journeyd/head_office_chain.h"

#include "base/journal_hash.h"
#include "sync/journeyd/pki.h"

namespace loyalpos::journeyd {

Result<std::string> HeadOfficeChain::terminal_id() {
  if (!id_.empty()) return id_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto row = store_.find_terminal(kHeadOfficeRow);
    if (row.ok()) {
      id_ = row->credential_hash;
      return id_;
    }
    if (row.error().code() != ErrorCode::kNotFound) return row.error();
    const std::string id = random_hex(16);
    LOYALPOS_TRY(store_.add_terminal(kHeadOfficeShop, "journeyd", id, kHeadOfficeRow));
    const Status named = store_.add_terminal(kHeadOfficeShop, "journeyd", kHeadOfficeRow, id);
    if (named.ok()) {
      id_ = id;
      return id_;
    }
    // Another journeyd named its chain first: use that one (this id stays
    // enrolled, with no events).
    if (named.error().code() != ErrorCode::kConflict) return named.error();
    (void)store_.revoke_terminal(id);
  }
  return Error::internal("cannot make head office's own chain in the store");
}

Result<std::int64_t> HeadOfficeChain::append(const pos::NewEvent& e) {
  auto id = terminal_id();
  if (!id.ok()) return id.error();
  for (int attempt = 0;; ++attempt) {
    auto head = store_.head(*id);
    if (!head.ok()) return head.error();
    const auto prev = from_hex(head->hash_hex);
    if (!prev) return Error::internal("head office's chain has a malformed head");
    const std::int64_t seq = head->seq + 1;
    const JournalHash hash = journal_event_hash(*prev, *id, seq, e.type, e.at,
                                                e.card_id.value_or(""), e.sale_id, e.payload);
    const sync::WireEvent wire{*id,       seq,       e.type,         e.at,        e.card_id,
                               e.sale_id, e.payload, head->hash_hex, to_hex(hash)};
    const auto outcome = store_.append_or_refuse(*id, {wire});
    if (!outcome.refusal) return seq;
    // Another journeyd took this seq first: again, after its event.
    if (attempt < 5 && outcome.head.seq >= seq) continue;
    return *outcome.refusal;
  }
}

}  // namespace loyalpos::journeyd
