// libFuzzer target: the catalog CSV parser. Any input either parses into
// products that satisfy the parser's promises or fails with a message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pos/ledger/catalog_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const loyalpos::loyalty::Currency rub{"RUB", 2};
  auto products = loyalpos::pos::parse_catalog_csv(text, rub);
  if (!products.ok()) {
    if (products.error().message().empty()) std::abort();
    return 0;
  }
  if (products->empty()) std::abort();
  for (const auto& p : *products) {
    if (p.sku.empty() || p.name.empty() || p.category.empty() || p.price < 0) std::abort();
  }
  return 0;
}
