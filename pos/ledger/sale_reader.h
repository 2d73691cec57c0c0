// Reads a committed sale back from the ledger as a SaleRecord, for printing
// its receipt again (a queued job, a reprint). Each line's discounts come
// back as one discount with the reasons joined ("a; b"); the card lines are
// those of the sale's time; `card` holds only the card (no balances).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

// Errors: no such sale (kNotFound), the ledger.
Result<SaleRecord> read_sale(Ledger& ledger, std::int64_t sale_id);

// One line of the list of recent sales (the counter page's refund list).
struct SaleSummary {
  std::int64_t sale_id = 0;
  std::int64_t at = 0;  // unix seconds
  std::string payment;
  std::int64_t total = 0;
  std::int64_t refunded = 0;  // minor units refunded so far
  bool complete = false;      // refunded in full: nothing left to refund
  std::string card_token;     // empty: no card
};

// The newest `limit` sales of this terminal, newest first.
Result<std::vector<SaleSummary>> recent_sales(Ledger& ledger, int limit);

}  // namespace loyalpos::pos
