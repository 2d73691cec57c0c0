// The lines of a sale.completed payload ([{category, discount, name, qty,
// reason, sku, unit_price}]) as the promotions report counts them, read
// without building a document (sync/store/json_members.h): the report reads
// the lines of nearly every sale of a chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loyalpos::reports {

struct SaleLine {
  std::string sku, category;
  std::int64_t qty = 0;
  std::int64_t net = 0;  // qty * unit price - discount
};

// Members of another type read as absent (a number's whole part counts);
// anything that is not an object in the list is skipped; the last of a
// repeated key wins; text that is not a JSON list has no lines.
std::vector<SaleLine> sale_lines(const std::string& text);

}  // namespace loyalpos::reports
