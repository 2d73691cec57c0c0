// Checks a ledger's invariants: SQLite's integrity check, every sale whole
// (its line count, its lines summing to its totals, its sale.completed
// event), every card balance equal to the sum of its card.stamps events, and
// the journey event chain. `loyalpos audit` runs it; so do the crash tests.
#pragma once

#include <cstdint>

#include "loyalty/result.h"
#include "pos/ledger.h"

namespace loyalpos::pos {

struct AuditReport {
  std::int64_t sales = 0;
  std::int64_t cards = 0;
  std::int64_t events = 0;
};

// The error names the first broken invariant found.
Result<AuditReport> audit_ledger(Ledger& ledger);

}  // namespace loyalpos::pos
