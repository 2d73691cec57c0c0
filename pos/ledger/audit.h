// Checks a ledger against its journey events, which are the truth: SQLite's
// integrity check; every sale, refund and card row rebuilt from its events
// and compared column by column; every event accounted for by the row that
// records it (so a removed last event is noticed); every card balance equal
// to the sum of its card.stamps events; rows pointing at rows that are gone;
// and the hash chain. `loyalpos audit` runs it; so do the crash tests.
//
// What no check inside one file can catch: the whole tail of the chain cut
// off (the last sales with all their events), or the chain rewritten with
// new hashes. A paper receipt catches both (check_receipt), and so will
// head office's acknowledged position.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>

#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

struct AuditReport {
  std::int64_t sales = 0;
  std::int64_t cards = 0;
  std::int64_t events = 0;
};

// The error names the first broken invariant found.
Result<AuditReport> audit_ledger(Ledger& ledger);

// A paper receipt's journal position and sign ("№ 1234 · 7F3A-91C2") against
// the ledger: the event is there and signs the same. Run it after
// audit_ledger, which proves the chain leading to it.
Status check_receipt(Ledger& ledger, std::int64_t seq, const std::string& sign);

}  // namespace loyalpos::pos
