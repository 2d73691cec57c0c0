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
  // A SKU list cannot be checked against categories without the catalog, so
  // a category set and a SKU set are taken to overlap.
  if (share(categories, other.categories) || share(skus, other.skus)) return true;
  return (!categories.empty() && !other.skus.empty()) ||
         (!skus.empty() && !other.categories.empty());
}

}  // namespace loyalpos::loyalty
