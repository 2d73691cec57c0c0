// What head office publishes (`journeyd publish`, docs/sync-protocol.md
// "Pull") as this terminal keeps it: the newest rules and catalog received,
// each with its version. The sync agent stores them; the sale paths pick up
// newer rules between sales (refresh_rules), never in the middle of one.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loyalty/money.h"
#include "loyalty/rules.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

struct PublishedDoc {
  std::string kind;  // "rules" | "catalog"
  std::int64_t version = 0;
  std::string text;
  std::int64_t received_at = 0;
};

// The version held of `kind`; 0 when none was received.
Result<std::int64_t> published_version(Ledger& ledger, std::string_view kind);
// The document held of `kind` when its version is above `after_version`.
Result<std::optional<PublishedDoc>> published_after(Ledger& ledger, std::string_view kind,
                                                    std::int64_t after_version);

// Keeps published rules the caller has already read without error. A
// version not above the one held changes nothing.
Status store_published_rules(Ledger& ledger, std::int64_t version, std::string_view text,
                             std::int64_t now);
// Reads a published catalog (pos/ledger/catalog_csv.h), adds or updates its
// products and keeps it, in one transaction: a catalog that does not read
// changes nothing. Returns the number of products; a version not above the
// one held imports nothing (0).
Result<std::size_t> apply_published_catalog(Ledger& ledger, std::int64_t version,
                                            std::string_view text, std::int64_t now);

// How published rules are read (pos/config's parse_published_rules): the
// ledger stores the text, the config knows its tables.
using PublishedRulesReader = Result<loyalty::Rules> (*)(std::string_view text,
                                                        const std::string& source_name,
                                                        const loyalty::Currency& currency,
                                                        loyalty::Language language);

// Between sales: when the ledger holds published rules newer than
// `rules.published_version`, replaces `rules` with them (keeping
// `rules.language`, the shop's own). One primary-key read when nothing is
// new. Rules that no longer read (only a different build could have stored
// them) leave `rules` as they are, and their version goes into
// `unreadable`, not read again; the error names the version.
Status refresh_rules(Ledger& ledger, loyalty::Rules& rules, PublishedRulesReader read,
                     std::int64_t& unreadable);

}  // namespace loyalpos::pos
