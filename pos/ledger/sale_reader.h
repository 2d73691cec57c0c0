// Reads a committed sale back from the ledger as a SaleRecord, for printing
// its receipt again (a queued job, a reprint). Each line's discounts come
// back as one discount with the reasons joined ("a; b"); the card lines are
// those of the sale's time; `card` holds only the card (no balances).
#pragma once

#include <cstdint>

#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

// Errors: no such sale (kNotFound), the ledger.
Result<SaleRecord> read_sale(Ledger& ledger, std::int64_t sale_id);

}  // namespace loyalpos::pos
