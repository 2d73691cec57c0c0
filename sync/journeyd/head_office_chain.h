// Journey events head office records itself (a customer's feedback from the
// card page), kept as a terminal keeps its own: one chain, seq 1..n, each
// event hashed after the one before (base/journal_hash.h), appended through
// the Store like any terminal's. So the reports read them with the rest, and
// the tills receive them with the peer events, checked like any other.
//
// Its terminal id (32 hex digits) is made on first use and kept in the
// terminals table: the row "head-office" (credential = the id) names it, the
// row of the id itself (shop "Head office", terminal "journeyd") holds the
// chain's head. Several journeyd on one store share the one chain: an append
// that loses a race with another is made again on the new head.
#pragma once

#include <loyalpos/result.h>

#include <string>

#include "pos/ledger/event_log.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

inline constexpr const char* kHeadOfficeRow = "head-office";
inline constexpr const char* kHeadOfficeShop = "Head office";

class HeadOfficeChain {
 public:
  explicit HeadOfficeChain(sync::Store& store) : store_(store) {}

  // The chain's terminal id, made (and enrolled) on first use.
  Result<std::string> terminal_id();
  // Appends `event` as the chain's next; returns its seq.
  Result<std::int64_t> append(const pos::NewEvent& event);

 private:
  sync::Store& store_;
  std::string id_;
};

}  // namespace loyalpos::journeyd
