// Parses a catalog CSV: header "sku,name,category,price[,barcode]", one
// product a line, price in major units parsed exactly. RFC 4180 quoting
// ("Latte, large") is accepted. Any bad line fails the whole file with an
// error naming the line and what is wrong, so an import is all or nothing.
// Text must be strict UTF-8; names and categories follow pos/text_field.h.
#pragma once

#include <loyalpos/result.h>

#include <string_view>
#include <vector>

#include "loyalty/catalog.h"
#include "loyalty/money.h"

namespace loyalpos::pos {

inline constexpr std::size_t kMaxCatalogBytes = 16 * 1024 * 1024;

Result<std::vector<loyalty::Product>> parse_catalog_csv(std::string_view text,
                                                        const loyalty::Currency& currency);

}  // namespace loyalpos::pos
