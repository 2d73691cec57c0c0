#include "sync/journeyd/publish_check.h"

#include "pos/config/config.h"
#include "pos/ledger/catalog_csv.h"

namespace loyalpos::journeyd {

namespace {

std::string count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

Result<std::string> check_published(const std::string& kind, std::string_view text,
                                    const std::string& source) {
  if (kind == "rules") {
    auto rules =
        pos::parse_published_rules(text, source, pos::kDefaultCurrency, loyalty::Language{});
    if (!rules.ok()) return rules.error();
    return count(rules->stamp_programs.size(), "stamp card", "stamp cards") + ", " +
           count(rules->points_programs.size(), "points card", "points cards") + ", " +
           count(rules->promotions.size(), "promotion", "promotions") + ", " +
           count(rules->tiers.size(), "tier", "tiers");
  }
  if (kind == "catalog") {
    if (text.size() > pos::kMaxCatalogBytes) {
      return Error::invalid(source + " is larger than a catalog may be (16 MiB)");
    }
    auto products = pos::parse_catalog_csv(text, pos::kDefaultCurrency);
    if (!products.ok()) return products.error().with_context(source + ": ");
    return count(products->size(), "product", "products");
  }
  return Error::invalid("say --kind rules or --kind catalog for " + source);
}

}  // namespace loyalpos::journeyd
