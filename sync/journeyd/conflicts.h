// `journeyd report conflicts`: cards that spent, in two shops offline, what
// they held only once (docs/ledger.md "Owing stamps"). A stamp card's banked
// reward redeemed on two terminals before either synced leaves the merged
// balance below zero; so does a points card's threshold spent twice. The
// terminals already agree on the balance (sums of events) and the card pays
// the debt off with its next purchases; head office lists each case so an
// owner can see it happened and who served it.
//
// Read from the store alone, so any journeyd (and any store) gives the same
// list. Two passes over the card events, memory bounded by the cards that
// spent on two terminals or more: the first finds them, the second replays
// just those in time order.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sync/store/store.h"

namespace loyalpos::journeyd {

// One card.stamps event that spent from the card's balance.
struct Spend {
  std::string terminal_id;
  std::int64_t seq = 0;
  std::int64_t at = 0;  // unix seconds, the terminal's clock
  std::int64_t sale_id = 0;
  std::string why;                // "redeem" or "sale" (an automatic reward)
  std::int64_t stamps_after = 0;  // the merged balance after it
  std::int64_t rewards_after = 0;
  bool overdrew = false;  // it took the merged balance below zero
};

struct Conflict {
  std::string card_id;
  std::string program;
  std::vector<Spend> spends;  // every spend of this card's program, in time order
  // The merged balance now: negative while the card still owes.
  std::int64_t stamps_now = 0;
  std::int64_t rewards_now = 0;
};

// Told every so many events read: how many so far, of `total` (two passes:
// total is twice the store's events).
using ReportProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// The conflicts, by card id then program.
Result<std::vector<Conflict>> find_conflicts(sync::Store& store,
                                             const ReportProgress& progress = {});

}  // namespace loyalpos::journeyd
