// The rules in force: loyalty programs (and, later, promotions) as plain data,
// parsed once from the config and passed to pricing.
#pragma once

#include <string>
#include <vector>

#include "loyalty/catalog.h"

namespace loyalpos::loyalty {

// "Every N-th item free": out of every `every` qualifying items a card holder
// buys, one is free and earns no stamp. The free one is the cheapest
// qualifying item in the basket.
struct StampProgram {
  std::string id;                       // stable key in the ledger, e.g. "pastry"
  std::string name;                     // shown on receipts, e.g. "Pastry card"
  std::vector<std::string> categories;  // qualifying categories
  std::vector<std::string> skus;        // and/or qualifying SKUs
  int every = 5;                        // >= 2

  bool qualifies(const Product& product) const;
};

struct Rules {
  std::vector<StampProgram> stamp_programs;
};

}  // namespace loyalpos::loyalty
