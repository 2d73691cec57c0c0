// What `journeyd publish` checks before a file reaches any terminal: rules
// read exactly as a terminal reads them (pos/config's parse_published_rules)
// and a catalog as its import does (pos/ledger/catalog_csv.h), so a typo is
// caught at head office, not by every till at its next sync. Amounts are
// read in the default currency (two decimals); each terminal reads the file
// again in its own and refuses what does not read (docs/journeyd.md).
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <string_view>

namespace loyalpos::journeyd {

// `kind` is "rules" or "catalog"; `source` names the file in errors. Returns
// what it holds, in words ("3 stamp cards, 5 promotions", "42 products").
Result<std::string> check_published(const std::string& kind, std::string_view text,
                                    const std::string& source);

}  // namespace loyalpos::journeyd
