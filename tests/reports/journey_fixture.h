// The fixture journey of the report tests: two shops' tills, a dozen cards
// with known histories, written as real chained journey events (the
// terminal's own payloads and hash) appended through the Store API. The
// story, day by day, is in write_fixture_journey; the expected numbers are
// worked out by hand in journey_map_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "sync/store/store.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::reports::testing {

inline constexpr std::int64_t kJan1 = 1767225600;  // 2026-01-01 00:00 UTC
inline constexpr std::int64_t kDay = 86400;

// Day `d` of 2026 (0 = January 1st; negative: December 2025), at 10:00 UTC.
inline std::int64_t day(int d) { return kJan1 + d * kDay + 10 * 3600; }

// One till of the fixture: its chain, built as the terminal builds it,
// appended to the store by flush().
class FixtureTill {
 public:
  FixtureTill(sync::Store& store, std::string terminal_id)
      : store_(store), id_(std::move(terminal_id)) {}

  void issue(const std::string& card, int d, std::optional<std::string> referrer = {}) {
    add(pos::card_issued_event(card, day(d), referrer));
  }
  void seen(const std::string& card, int d) { add(pos::card_seen_event(card, day(d))); }

  // A sale to `card` on day `d`: its sale.completed (with the promotions it
  // applied and the codes given, each with its touchpoint), a stamp per
  // program and, when `from` differs from `to`, the card's stage change.
  void sale(const std::string& card, int d, std::vector<std::string> promotions,
            const std::vector<std::string>& programs, const char* from, const char* to,
            std::vector<loyalty::CodeUse> codes = {}) {
    loyalty::PricedBasket priced;
    priced.promotions_applied = std::move(promotions);
    priced.codes = std::move(codes);
    sale_id_ += 1;
    pos::SaleCompleted sale;
    sale.sale_id = sale_id_;
    sale.at = day(d);
    sale.card_id = card;
    sale.cashier = "ann";
    sale.currency = "RUB";
    sale.payment = "cash";
    sale.priced = &priced;
    add(pos::sale_completed_event(sale));
    for (const auto& p : programs)
      add(pos::card_stamps_event(card, sale_id_, p, 1, 0, "sale", day(d)));
    if (std::string(from) != to) add(pos::card_stage_event(card, sale_id_, from, to, day(d)));
  }

  // A stamp program's change in a sale, as the till writes it: the change
  // of stamps (after the lapsed ones' own event) and of banked rewards.
  struct StampChange {
    std::string program;
    std::int64_t stamps = 0;
    std::int64_t rewards = 0;
    const char* why = "sale";  // "lapsed": stamps lost before the sale; "redeem": points
  };
  // A sale to `card` on day `d` with the stamp cards' arithmetic written out:
  // the stamps it earned and the units it gave free (every stamp program's)
  // and each program's change, in the till's order.
  void stamp_sale(const std::string& card, int d, std::int64_t stamps_earned,
                  std::int64_t free_units, const std::vector<StampChange>& changes) {
    loyalty::PricedBasket priced;
    sale_id_ += 1;
    pos::SaleCompleted sale;
    sale.sale_id = sale_id_;
    sale.at = day(d);
    sale.card_id = card;
    sale.cashier = "ann";
    sale.currency = "RUB";
    sale.payment = "cash";
    sale.priced = &priced;
    sale.stamps_earned = stamps_earned;
    sale.free_units = free_units;
    add(pos::sale_completed_event(sale));
    for (const auto& c : changes) {
      add(pos::card_stamps_event(card, sale_id_, c.program, c.stamps, c.rewards, c.why, day(d)));
    }
  }

  // A line of a basket: `qty` of a product at `price` (minor units), `discount` off the line.
  struct BasketLine {
    std::string sku, category;
    std::int64_t qty = 1, price = 0, discount = 0;
  };
  // A sale at `at` (unix seconds) of `lines`, with a card or without, the
  // promotions it applied named.
  void basket_sale(std::int64_t at, const std::vector<BasketLine>& lines,
                   std::vector<std::string> promotions = {},
                   std::optional<std::string> card = std::nullopt) {
    loyalty::PricedBasket priced;
    priced.promotions_applied = std::move(promotions);
    for (const auto& l : lines) {
      loyalty::PricedLine line;
      line.product = {l.sku, l.sku, l.category, l.price, ""};
      line.qty = l.qty;
      line.gross = l.qty * l.price;
      line.discount = l.discount;
      priced.lines.push_back(std::move(line));
      priced.subtotal += l.qty * l.price;
      priced.discount += l.discount;
    }
    priced.total = priced.subtotal - priced.discount;
    sale_id_ += 1;
    pos::SaleCompleted sale;
    sale.sale_id = sale_id_;
    sale.at = at;
    sale.card_id = std::move(card);
    sale.cashier = "ann";
    sale.currency = "RUB";
    sale.payment = "cash";
    sale.priced = &priced;
    add(pos::sale_completed_event(sale));
  }

  // A referral bonus of `stamps` given to `referrer` by the sale just made.
  void bonus(const std::string& referrer, int d, const std::string& program, std::int64_t stamps,
             std::int64_t rewards) {
    add(pos::card_stamps_event(referrer, sale_id_, program, stamps, rewards, "referral", day(d)));
  }

  // The referrer's bonus from the sale just made: the referred card's first
  // purchase makes the referrer's card loyal.
  void referral_bonus(const std::string& referrer, int d, const char* from) {
    add(pos::card_stamps_event(referrer, sale_id_, "coffee", 1, 0, "referral", day(d)));
    add(pos::card_stage_event(referrer, sale_id_, from, "loyalty", day(d)));
  }

  void flush() {
    auto ack = store_.append(id_, batch_);
    ASSERT_TRUE(ack.ok()) << ack.error().message();
    batch_.clear();
  }

 private:
  void add(const pos::NewEvent& e) {
    seq_ += 1;
    pos::Hash hash = pos::event_hash(prev_, id_, seq_, e);
    batch_.push_back(sync::WireEvent{id_, seq_, e.type, e.at, e.card_id, e.sale_id, e.payload,
                                     to_hex(prev_), to_hex(hash)});
    prev_ = std::move(hash);
  }

  sync::Store& store_;
  std::string id_;
  std::int64_t seq_ = 0;
  std::int64_t sale_id_ = 0;
  pos::Hash prev_ = pos::Hash(32, 0);
  std::vector<sync::WireEvent> batch_;
};

// Shops "Main St" (tills M1, M2) and "Harbour" (H1); "Airport" enrolled a
// till that never synced. No rules published: cards lapse after 60 days.
inline void write_fixture_journey(sync::Store& store) {
  ASSERT_TRUE(store.add_terminal("Main St", "till-1", "M1", "x").ok());
  ASSERT_TRUE(store.add_terminal("Main St", "till-2", "M2", "x").ok());
  ASSERT_TRUE(store.add_terminal("Harbour", "till-1", "H1", "x").ok());
  ASSERT_TRUE(store.add_terminal("Airport", "till-1", "A1", "x").ok());
  FixtureTill m1(store, "M1"), m2(store, "M2"), h1(store, "H1");
  const std::vector<std::string> coffee{"coffee"};

  // C08: a regular of last year who lapsed and came back on January 16th.
  m1.issue("C08", -100);
  m1.sale("C08", -100, {}, coffee, "new", "purchase");
  m1.sale("C08", -90, {}, coffee, "purchase", "retention");
  m1.sale("C08", 15, {}, coffee, "lapsed", "retention");
  m1.sale("C08", 60, {}, coffee, "retention", "retention");
  // C01: got its card in December, came back at the other till on January
  // 6th with the two-for-one, last seen on March 22nd.
  m1.issue("C01", -10);
  m1.sale("C01", -10, {}, coffee, "new", "purchase");
  m2.seen("C01", 5);
  m2.sale("C01", 5, {"two-for-one"}, coffee, "purchase", "retention");
  m1.sale("C01", 80, {}, coffee, "retention", "retention");
  // C05: card on day 1, first purchase day 4; loyal on day 32 when the card
  // it referred (C04) bought; back on day 70 at the other till.
  m1.issue("C05", 1);
  m1.sale("C05", 4, {}, coffee, "new", "purchase");
  // C02: card day 2, bought day 6 (welcome, with the January flyer's code),
  // 10 (a receipt link's code), 20 (a tier: loyalty), then nothing: lapsed
  // at the end of March.
  m1.issue("C02", 2);
  m1.sale("C02", 6, {"welcome"}, coffee, "new", "purchase", {{"FLYER", "flyer-jan"}});
  m1.sale("C02", 10, {}, coffee, "purchase", "retention", {{"RCPT", "receipt-link"}});
  m1.sale("C02", 20, {}, coffee, "retention", "loyalty");
  // C03: card and one pastry on day 3 (the flyer's code), never again.
  m1.issue("C03", 3);
  m1.sale("C03", 3, {}, {"pastry"}, "new", "purchase", {{"FLYER", "flyer-jan"}});
  // C07: a card on day 12 at till 2, never used.
  m2.issue("C07", 12);
  // C04: referred by C05, card on January 31st (day 30), first purchase day
  // 32 (welcome) with C05's bonus, back on day 40.
  m1.issue("C04", 30, "C05");
  m1.sale("C04", 32, {"welcome"}, coffee, "new", "purchase");
  m1.referral_bonus("C05", 32, "purchase");
  m1.sale("C04", 40, {}, coffee, "purchase", "retention");
  // C06: a card on day 50, no purchase yet.
  m1.issue("C06", 50);
  m2.seen("C05", 70);
  m2.sale("C05", 70, {}, coffee, "loyalty", "loyalty");

  // Harbour. C09: card and happy hour on day 20 (with a typed code without a
  // touchpoint and the harbour poster's code), again on day 25, and day
  // 85; on day 86 it buys at Main St's till 1, which had not synced Harbour
  // and records it as a first purchase there.
  h1.issue("C09", 20);
  h1.sale("C09", 20, {"harbour-happy-hour"}, coffee, "new", "purchase",
          {{"TYPED", ""}, {"POSTER", "harbour-poster"}});
  h1.sale("C09", 25, {"harbour-happy-hour"}, coffee, "purchase", "retention");
  h1.sale("C09", 85, {}, coffee, "retention", "retention");
  m1.seen("C09", 86);
  m1.sale("C09", 86, {}, coffee, "new", "purchase");
  // C11: card and happy hour on day 60; loyal on day 62 when C10, which it
  // referred, bought.
  h1.issue("C11", 60);
  h1.sale("C11", 60, {"harbour-happy-hour"}, coffee, "new", "purchase");
  h1.issue("C10", 61, "C11");
  h1.sale("C10", 62, {}, coffee, "new", "purchase");
  h1.referral_bonus("C11", 62, "purchase");
  // C12: after the range (April 5th).
  h1.issue("C12", 94);
  h1.sale("C12", 94, {}, coffee, "new", "purchase");

  m1.flush();
  m2.flush();
  h1.flush();
}

// An empty store of `backend` (SQLite at DIR/journey.db, or a throwaway
// PostgreSQL), or null after a test failure saying why.
inline std::unique_ptr<sync::Store> fresh_store(loyalpos::testing::Backend backend,
                                                const loyalpos::testing::TempDir& dir) {
  EXPECT_TRUE(dir.ok());
  auto url = loyalpos::testing::fresh_store_url(backend, dir.file("journey.db"));
  EXPECT_TRUE(url.ok()) << url.error().message();
  if (!url.ok()) return nullptr;
  auto store = sync::make_store(*url);
  EXPECT_TRUE(store.ok()) << store.error().message();
  return store.ok() ? std::move(*store) : nullptr;
}

// A data folder for `journeyd report …` in DIR: its journeyd.toml names the
// SQLite store DIR/journey.db, returned empty (null after a test failure).
inline std::unique_ptr<sync::Store> report_data_folder(const loyalpos::testing::TempDir& dir) {
  EXPECT_TRUE(dir.ok());
  std::ofstream(dir.file("journeyd.toml"))
      << "listen = \"127.0.0.1:8443\"\nstore = \"sqlite:" << dir.file("journey.db")
      << "\"\npublic_url = \"https://127.0.0.1:8443\"\n";
  auto store = sync::make_store("sqlite:" + dir.file("journey.db"));
  EXPECT_TRUE(store.ok()) << store.error().message();
  return store.ok() ? std::move(*store) : nullptr;
}

// A report's test on each backend: a fresh store (store_) holding what
// write() puts in it, the fixture journey unless overridden.
class ReportTest : public ::testing::TestWithParam<loyalpos::testing::Backend> {
 protected:
  void SetUp() override {
    store_ = fresh_store(GetParam(), dir_);
    ASSERT_NE(store_, nullptr);
    write(*store_);
  }
  virtual void write(sync::Store& store) { write_fixture_journey(store); }

  loyalpos::testing::TempDir dir_{"loyalpos-reports"};
  std::unique_ptr<sync::Store> store_;
};

}  // namespace loyalpos::reports::testing
