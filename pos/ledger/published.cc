#include "pos/ledger/published.h"

#include <algorithm>

#include "pos/ledger/catalog_csv.h"

namespace loyalpos::pos {

namespace {

Status keep(Ledger& ledger, std::string_view kind, std::int64_t version, std::string_view text,
            std::int64_t now) {
  auto stmt = ledger.db().cached(
      "INSERT INTO published(kind, version, text, received_at) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT(kind) DO UPDATE SET version = excluded.version, text = excluded.text,"
      " received_at = excluded.received_at WHERE excluded.version > published.version");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, kind).bind(2, version).bind(3, text).bind(4, now);
  return (*stmt)->run();
}

}  // namespace

Result<std::int64_t> published_version(Ledger& ledger, std::string_view kind) {
  auto stmt = ledger.db().cached("SELECT version FROM published WHERE kind = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, kind);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  const std::int64_t version = *row ? (*stmt)->column_int(0) : 0;
  (*stmt)->reset();
  return version;
}

Result<std::optional<PublishedDoc>> published_after(Ledger& ledger, std::string_view kind,
                                                    std::int64_t after_version) {
  auto stmt = ledger.db().cached(
      "SELECT version, text, received_at FROM published WHERE kind = ?1 AND version > ?2");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, kind).bind(2, after_version);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  std::optional<PublishedDoc> doc;
  if (*row) {
    doc = PublishedDoc{std::string(kind), (*stmt)->column_int(0), (*stmt)->column_text(1),
                       (*stmt)->column_int(2)};
  }
  (*stmt)->reset();
  return doc;
}

Status store_published_rules(Ledger& ledger, std::int64_t version, std::string_view text,
                             std::int64_t now) {
  return keep(ledger, "rules", version, text, now);
}

Result<std::size_t> apply_published_catalog(Ledger& ledger, std::int64_t version,
                                            std::string_view text, std::int64_t now) {
  auto held = published_version(ledger, "catalog");
  if (!held.ok()) return held.error();
  if (version <= *held) return std::size_t{0};
  auto products = parse_catalog_csv(text, ledger.terminal().currency);
  if (!products.ok()) {
    return products.error().with_context("head office's catalog version " +
                                         std::to_string(version) + ": ");
  }
  LOYALPOS_TRY(ledger.import_products(
      *products, [&]() { return keep(ledger, "catalog", version, text, now); }));
  return products->size();
}

Status refresh_rules(Ledger& ledger, loyalty::Rules& rules, PublishedRulesReader read,
                     std::int64_t& unreadable) {
  auto doc = published_after(ledger, "rules", std::max(rules.published_version, unreadable));
  if (!doc.ok()) return doc.error();
  if (!*doc) return ok_status();
  auto fresh = read((*doc)->text, "head office's rules version " + std::to_string((*doc)->version),
                    ledger.terminal().currency, rules.language);
  if (!fresh.ok()) {
    unreadable = (*doc)->version;
    return fresh.error();
  }
  rules = std::move(*fresh);
  rules.published_version = (*doc)->version;
  return ok_status();
}

}  // namespace loyalpos::pos
