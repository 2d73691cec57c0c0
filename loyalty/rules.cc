#include "loyalty/rules.h"

#include <algorithm>

namespace loyalpos::loyalty {

namespace {

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool share(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    if (has(b, x)) return true;
  }
  return false;
}

}  // namespace

bool ProductSet::contains(const Product& product) const {
  return (!categories.empty() && has(categories, product.category)) ||
         (!skus.empty() && has(skus, product.sku));
}

bool ProductSet::intersects(const ProductSet& other) const {
  // A SKU list is not compared with categories: which category a SKU is in
  // is the catalog's, imported apart from the config and changed without it.
  return share(categories, other.categories) || share(skus, other.skus);
}

}  // namespace loyalpos::loyalty
