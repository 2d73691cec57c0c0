#include "loyalty/rules.h"

#include <algorithm>

#include "base/utf8.h"

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

std::string normal_code(std::string_view code) { return upper_ascii(code); }

const Promotion* promotion_for_code(const Rules& rules, std::string_view code) {
  if (code.empty()) return nullptr;
  // Compared in place: a sale with codes prices without allocating for them.
  auto same = [&](const std::string& kept) {
    if (kept.size() != code.size()) return false;
    for (std::size_t i = 0; i < code.size(); ++i) {
      const char c = code[i];
      if ((c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) != kept[i]) return false;
    }
    return true;
  };
  for (const auto& promo : rules.promotions) {
    if (!promo.code.empty() && same(promo.code)) return &promo;
  }
  return nullptr;
}

}  // namespace loyalpos::loyalty
