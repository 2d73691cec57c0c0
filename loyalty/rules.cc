#include "loyalty/rules.h"

#include <algorithm>

namespace loyalpos::loyalty {

bool StampProgram::qualifies(const Product& product) const {
  return std::find(categories.begin(), categories.end(), product.category) != categories.end() ||
         std::find(skus.begin(), skus.end(), product.sku) != skus.end();
}

}  // namespace loyalpos::loyalty
