// The chain reports_bench reads (issue 18's benchmark): 1 000 000 journey
// events of 20 shops (one till each) and head office's join page, 50 000
// cards, 12 weeks, made in memory and appended through Store::append in
// 1000-event batches, each till's events in its chain order (valid hashes).
//
// What the events are, per card: card.issued (at a till, 10% with a
// referrer; 15% on head office's join page with a poster's or flyer's
// source, then card.seen at the first till), its visits (sale.completed
// with 1-3 lines, stamps for coffee, a promotion at weekends and in the
// afternoon, now and then a code with its source; card.stamps right after
// the sale; card.stage at the 1st, 3rd and 8th visit, back from lapsed after
// 60 days without one; card.seen at a till of another shop the first time),
// 2% of sales refunded whole (sale.refunded and card.stamps "refund"). Sales
// without a card fill the chain up to exactly 1 000 000 events. Everything
// comes from a fixed seed: the same events on every run and in both stores.
// Header-only, for benchmarks alone.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/journal_hash.h"
#include "loyalty/card_token.h"
#include "pos/ledger/json_text.h"
#include "sync/store/store.h"

namespace loyalpos::sync::bench {

struct ReportChainShape {
  int shops = 20;
  int cards = 50000;
  int weeks = 12;
  std::int64_t events = 1000000;
  std::int64_t start = 1767571200;  // Monday 2026-01-05 00:00 UTC
  std::int64_t end() const { return start + weeks * 7 * 86400; }
};

// The journey events of the chain before they are made into wire events:
// small, so a million sort in memory.
struct ChainFact {
  enum Kind : std::uint8_t { kIssued, kSeen, kSale, kStamps, kStage, kRefund };
  std::int64_t at = 0;
  std::uint32_t order = 0;  // generation order: a visit's events stay together
  std::uint16_t terminal = 0;
  Kind kind = kSale;
  std::int32_t card = -1;     // -1: a sale without a card
  std::int64_t sale = 0;      // sale id (sale, stamps, stage, refund)
  std::int32_t x = 0, y = 0;  // kind-specific (see materialize)
  std::uint32_t variant = 0;  // random bits for the payload's details
};

class ReportChain {
 public:
  explicit ReportChain(const ReportChainShape& shape = {}) : shape_(shape) {
    std::mt19937_64 rng(20261130);
    cards_.resize(static_cast<std::size_t>(shape.cards));
    for (auto& c : cards_) {
      for (auto& b : c.id.bytes) b = static_cast<std::uint8_t>(rng());
      c.hex = loyalty::card_id_hex(c.id);
    }
    generate(rng);
  }

  const ReportChainShape& shape() const { return shape_; }
  int terminals() const { return shape_.shops + 1; }  // the last: head office's chain
  std::string terminal_id(int t) const {
    return t == shape_.shops ? "HQ" : "T" + std::to_string(t + 1);
  }
  std::string shop_name(int t) const {
    return t == shape_.shops ? "Head office" : "Shop " + std::to_string(t + 1);
  }
  std::size_t size() const { return facts_.size(); }
  // A card's token, what its QR opens (/C/<TOKEN>).
  std::string token(int card) const {
    return loyalty::encode_token(cards_[static_cast<std::size_t>(card)].id);
  }
  std::int64_t cards_with_sales() const { return cards_with_sales_; }

  // Enrolls the terminals and appends every event through Store::append in
  // batches of up to kMaxBatch events per terminal; the first failure.
  Status write(Store& store) const {
    for (int t = 0; t < terminals(); ++t) {
      LOYALPOS_TRY(store.add_terminal(shop_name(t), "till", terminal_id(t), "x"));
    }
    std::vector<std::vector<WireEvent>> pending(static_cast<std::size_t>(terminals()));
    std::vector<JournalHash> prev(static_cast<std::size_t>(terminals()), JournalHash(32, 0));
    std::vector<std::int64_t> seq(static_cast<std::size_t>(terminals()), 0);
    const auto flush = [&](int t) -> Status {
      auto& batch = pending[static_cast<std::size_t>(t)];
      if (batch.empty()) return ok_status();
      auto ack = store.append(terminal_id(t), batch);
      batch.clear();
      if (!ack.ok()) return ack.error();
      return ok_status();
    };
    for (const ChainFact& f : facts_) {
      const auto t = static_cast<std::size_t>(f.terminal);
      WireEvent e = materialize(f);
      e.terminal_id = terminal_id(f.terminal);
      e.seq = ++seq[t];
      JournalHash hash = journal_event_hash(prev[t], e.terminal_id, e.seq, e.type, e.at,
                                            e.card_id.value_or(""), e.sale_id, e.payload);
      e.prev_hash = to_hex(prev[t]);
      e.hash = to_hex(hash);
      prev[t] = std::move(hash);
      pending[t].push_back(std::move(e));
      if (pending[t].size() == kMaxBatch) LOYALPOS_TRY(flush(f.terminal));
    }
    for (int t = 0; t < terminals(); ++t) LOYALPOS_TRY(flush(t));
    return ok_status();
  }

 private:
  struct Card {
    loyalty::CardId id;
    std::string hex;
  };

  static constexpr std::int64_t kDay = 86400;
  static constexpr int kEvery = 10;  // the coffee card: one free out of every 10
  inline static const std::array<const char*, 4> kSources = {"poster-window", "flyer-campus",
                                                             "poster-metro", "receipt-link"};
  struct Product {
    const char* sku;
    const char* name;
    const char* category;
    std::int64_t price;
  };
  inline static const std::array<Product, 6> kProducts = {{
      {"LATTE", "Latte", "coffee", 390},
      {"CAPPUCCINO", "Cappuccino", "coffee", 370},
      {"ESPRESSO", "Espresso", "coffee", 250},
      {"CROISSANT", "Croissant", "pastry", 250},
      {"CHEESECAKE", "Cheesecake", "pastry", 420},
      {"TEA", "Tea", "tea", 200},
  }};

  void add(ChainFact f) {
    f.order = static_cast<std::uint32_t>(facts_.size());
    facts_.push_back(f);
  }

  void generate(std::mt19937_64& rng) {
    const auto uniform = [&](std::int64_t lo, std::int64_t hi) {  // [lo, hi)
      return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo));
    };
    const auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    std::exponential_distribution<double> gap(1.0 / (5.5 * kDay));
    const std::int64_t end = shape_.end();
    const int hq = shape_.shops;
    std::int64_t sale_id = 0;
    facts_.reserve(static_cast<std::size_t>(shape_.events));
    for (int card = 0; card < shape_.cards; ++card) {
      const int home = static_cast<int>(rng() % static_cast<std::uint64_t>(shape_.shops));
      std::int64_t at = shape_.start + uniform(0, (end - shape_.start) * 9 / 10);
      at -= at % 60;
      const bool joined = chance(15);
      ChainFact issued{at, 0, static_cast<std::uint16_t>(joined ? hq : home), ChainFact::kIssued};
      issued.card = card;
      issued.x = joined ? static_cast<int>(rng() % kSources.size()) + 1 : 0;  // source
      issued.y = !joined && chance(10)
                     ? static_cast<int>(rng() % static_cast<std::uint64_t>(shape_.cards)) + 1
                     : 0;  // referrer
      add(issued);
      std::vector<bool> seen(static_cast<std::size_t>(shape_.shops), false);
      if (!joined) seen[static_cast<std::size_t>(home)] = true;
      if (chance(12)) continue;  // never bought
      int visits = 0, balance = 0, rewards = 0;
      const char* stage = "new";
      std::int64_t last = at;
      at += static_cast<std::int64_t>(gap(rng) / 4);
      for (; at < end; at += 1800 + static_cast<std::int64_t>(gap(rng))) {
        const int shop =
            chance(85) ? home : static_cast<int>(rng() % static_cast<std::uint64_t>(shape_.shops));
        const auto terminal = static_cast<std::uint16_t>(shop);
        // Open hours: 8:00 to 20:00.
        std::int64_t t = at - at % kDay + 8 * 3600 + (at % kDay) % (12 * 3600);
        if (t <= last) t = last + 60;
        if (t >= end) break;
        if (!seen[static_cast<std::size_t>(shop)]) {
          seen[static_cast<std::size_t>(shop)] = true;
          ChainFact s{t, 0, terminal, ChainFact::kSeen};
          s.card = card;
          add(s);
        }
        ++visits;
        ChainFact sale{t, 0, terminal, ChainFact::kSale};
        sale.card = card;
        sale.sale = ++sale_id;
        sale.variant = static_cast<std::uint32_t>(rng());
        const int coffees = coffee_units(sale.variant);
        const int free = rewards > 0 && chance(60) ? 1 : 0;
        sale.x = coffees;  // stamps earned
        sale.y = free;     // free units
        add(sale);
        if (coffees > 0 || free > 0) {
          balance += coffees;
          const int earned = balance / (kEvery - 1);
          balance -= earned * (kEvery - 1);
          rewards += earned - free;
          ChainFact st{t, 0, terminal, ChainFact::kStamps};
          st.card = card;
          st.sale = sale_id;
          st.x = coffees - earned * (kEvery - 1);
          st.y = earned - free;
          add(st);
        }
        const char* to = nullptr;
        if (t - last > 60 * kDay && visits > 1) {
          ChainFact back{t, 0, terminal, ChainFact::kStage};
          back.card = card;
          back.sale = sale_id;
          back.x = stage_index(stage);
          back.y = stage_index("lapsed");
          add(back);
          stage = "lapsed";
          to = "purchase";
        } else if (visits == 1) {
          to = "purchase";
        } else if (visits == 3) {
          to = "retention";
        } else if (visits == 8) {
          to = "loyalty";
        }
        if (to != nullptr) {
          ChainFact sg{t, 0, terminal, ChainFact::kStage};
          sg.card = card;
          sg.sale = sale_id;
          sg.x = stage_index(stage);
          sg.y = stage_index(to);
          add(sg);
          stage = to;
        }
        if (chance(2)) {
          const std::int64_t r = t + 300;
          ChainFact refund{r, 0, terminal, ChainFact::kRefund};
          refund.card = card;
          refund.sale = sale_id;
          refund.variant = sale.variant;
          add(refund);
          if (coffees > 0) {
            ChainFact st{r, 0, terminal, ChainFact::kStamps};
            st.card = card;
            st.sale = sale_id;
            st.x = -coffees;
            st.y = 0;
            st.variant = 1;  // why: refund
            add(st);
            balance = std::max(0, balance - coffees);
          }
        }
        last = t;
      }
      if (visits > 0) ++cards_with_sales_;
    }
    // Sales without a card fill the chain up.
    while (static_cast<std::int64_t>(facts_.size()) < shape_.events) {
      std::int64_t t = shape_.start + uniform(0, end - shape_.start);
      t = t - t % kDay + 8 * 3600 + (t % kDay) % (12 * 3600);
      ChainFact sale{t, 0,
                     static_cast<std::uint16_t>(rng() % static_cast<std::uint64_t>(shape_.shops)),
                     ChainFact::kSale};
      sale.sale = ++sale_id;
      sale.variant = static_cast<std::uint32_t>(rng());
      add(sale);
    }
    facts_.resize(static_cast<std::size_t>(shape_.events));
    std::sort(facts_.begin(), facts_.end(), [](const ChainFact& a, const ChainFact& b) {
      return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
  }

  static int stage_index(const char* stage) {
    static const char* const kStages[] = {"new", "purchase", "retention", "loyalty", "lapsed"};
    for (int i = 0; i < 5; ++i) {
      if (std::string(kStages[i]) == stage) return i;
    }
    return 0;
  }
  static const char* stage_name(int i) {
    static const char* const kStages[] = {"new", "purchase", "retention", "loyalty", "lapsed"};
    return kStages[i];
  }

  // A sale's lines from its random bits: 1 to 3 products, 1 or 2 of each.
  static std::vector<std::pair<int, int>> lines_of(std::uint32_t v) {
    std::vector<std::pair<int, int>> out;
    const int n = 1 + static_cast<int>(v % 3);
    for (int i = 0; i < n; ++i) {
      const int product = static_cast<int>((v >> (2 + 4 * i)) % kProducts.size());
      const int qty = 1 + static_cast<int>((v >> (14 + i)) & 1);
      bool dup = false;
      for (const auto& l : out) dup = dup || l.first == product;
      if (!dup) out.emplace_back(product, qty);
    }
    return out;
  }
  static int coffee_units(std::uint32_t v) {
    int n = 0;
    for (const auto& [p, q] : lines_of(v)) {
      if (std::string(kProducts[static_cast<std::size_t>(p)].category) == "coffee") n += q;
    }
    return n;
  }

  static std::string local_date(std::int64_t at) {
    const std::int64_t days = at / kDay;  // days since 1970-01-01 (UTC as local)
    // Civil from days (Howard Hinnant's algorithm).
    const std::int64_t z = days + 719468;
    const std::int64_t era = z / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2);
    char out[64];
    std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d));
    return out;
  }

  WireEvent materialize(const ChainFact& f) const {
    WireEvent e;
    e.at = f.at;
    const std::string card = f.card >= 0 ? cards_[static_cast<std::size_t>(f.card)].hex : "";
    if (f.card >= 0) e.card_id = card;
    switch (f.kind) {
      case ChainFact::kIssued: {
        e.type = "card.issued";
        pos::JsonObject p;
        p.text("card", card);
        if (f.y > 0) p.text("referrer", cards_[static_cast<std::size_t>(f.y - 1)].hex);
        if (f.x > 0) p.text("source", kSources[static_cast<std::size_t>(f.x - 1)]);
        e.payload = p.done();
        break;
      }
      case ChainFact::kSeen:
        e.type = "card.seen";
        e.payload = pos::JsonObject().text("card", card).done();
        break;
      case ChainFact::kStamps:
        e.type = "card.stamps";
        e.sale_id = f.sale;
        e.payload = pos::JsonObject()
                        .text("card", card)
                        .text("program", "coffee")
                        .number("rewards", f.y)
                        .number("sale", f.sale)
                        .number("stamps", f.x)
                        .text("why", f.variant == 1 ? "refund" : "sale")
                        .done();
        break;
      case ChainFact::kStage:
        e.type = "card.stage";
        e.sale_id = f.sale;
        e.payload = pos::JsonObject()
                        .text("card", card)
                        .text("from", stage_name(f.x))
                        .text("to", stage_name(f.y))
                        .done();
        break;
      case ChainFact::kSale:
        e.type = "sale.completed";
        e.sale_id = f.sale;
        e.payload = sale_payload(f, card);
        break;
      case ChainFact::kRefund: {
        e.type = "sale.refunded";
        e.sale_id = f.sale;
        std::string lines = "[";
        std::int64_t amount = 0;
        int n = 0;
        for (const auto& [p, q] : lines_of(f.variant)) {
          if (n > 0) lines += ",";
          lines += pos::JsonObject().number("line", ++n).number("qty", q).done();
          amount += q * kProducts[static_cast<std::size_t>(p)].price;
        }
        lines += "]";
        e.payload = pos::JsonObject()
                        .number("amount", amount)
                        .text("card", card)
                        .boolean("complete", true)
                        .raw("lines", lines)
                        .text("local_date", local_date(f.at))
                        .number("sale", f.sale)
                        .done();
        break;
      }
    }
    return e;
  }

  std::string sale_payload(const ChainFact& f, const std::string& card) const {
    const std::uint32_t v = f.variant;
    const std::int64_t day = (f.at / kDay + 3) % 7;  // 0: Monday
    const std::int64_t hour = f.at % kDay / 3600;
    std::string promotion;
    if (day >= 5 && (v >> 20) % 100 < 35) promotion = "weekend-pastry";
    if (hour >= 15 && hour < 17 && (v >> 20) % 100 < 40) promotion = "afternoon-latte";
    std::string lines = "[";
    std::int64_t subtotal = 0, discount = 0;
    for (const auto& [p, q] : lines_of(v)) {
      const Product& product = kProducts[static_cast<std::size_t>(p)];
      const bool cut =
          (promotion == "weekend-pastry" && std::string(product.category) == "pastry") ||
          (promotion == "afternoon-latte" && std::string(product.sku) == "LATTE");
      const std::int64_t off = cut ? product.price / 2 : 0;
      if (lines.size() > 1) lines += ",";
      lines += pos::JsonObject()
                   .text("category", product.category)
                   .number("discount", off)
                   .text("name", product.name)
                   .number("qty", q)
                   .text("reason", cut ? promotion : "")
                   .text("sku", product.sku)
                   .number("unit_price", product.price)
                   .done();
      subtotal += q * product.price;
      discount += off;
    }
    lines += "]";
    std::string codes = "[]";
    if ((v >> 27) % 16 == 0) {
      char code[16];
      std::snprintf(code, sizeof code, "C%06u", v % 1000000);
      codes = "[" +
              pos::JsonObject()
                  .text("code", code)
                  .text("source", kSources[(v >> 8) % kSources.size()])
                  .done() +
              "]";
    }
    pos::JsonObject p;
    p.text_or_null("card", card.empty() ? std::nullopt : std::optional<std::string>(card));
    return p.text("cashier", "Ann")
        .raw("codes", codes)
        .text("currency", "EUR")
        .number("discount", discount)
        .number("free_units", f.y)
        .raw("lines", lines)
        .text("local_date", local_date(f.at))
        .raw("messages", "[]")
        .text("payment", (v & 1) ? "card" : "cash")
        .raw("promotions", promotion.empty() ? "[]" : "[\"" + promotion + "\"]")
        .number("sale", f.sale)
        .number("stamps_earned", f.x)
        .number("subtotal", subtotal)
        .number("total", subtotal - discount)
        .done();
  }

  ReportChainShape shape_;
  std::vector<Card> cards_;
  std::vector<ChainFact> facts_;
  std::int64_t cards_with_sales_ = 0;
};

}  // namespace loyalpos::sync::bench
