// A product as the rules see it: prices are minor units of the store's one
// currency.
#pragma once

#include <cstdint>
#include <string>

namespace loyalpos::loyalty {

struct Product {
  std::string sku;
  std::string name;
  std::string category;
  std::int64_t price = 0;  // minor units, >= 0
  std::string barcode;     // EAN/UPC digits, or empty
};

}  // namespace loyalpos::loyalty
