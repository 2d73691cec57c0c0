// tests the public facade include/loyalpos/terminal.h as an embedding POS
// uses it: one Terminal per ledger, values in, values out.
#include <gtest/gtest.h>
#include <loyalpos/terminal.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <thread>
#include <type_traits>

#include "pos/ledger/audit.h"
#include "pos/ledger/ledger.h"
#include "tests/support/temp_dir.h"

namespace loyalpos {
namespace {

static_assert(!std::is_copy_constructible_v<Terminal>);
static_assert(std::is_nothrow_move_constructible_v<Terminal>);

// 2026-11-21 10:30 UTC.
constexpr std::int64_t kNow = 1795257000;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Basket basket(std::vector<Item> items, const std::string& card = {}) {
  Basket b;
  b.items = std::move(items);
  b.card = card;
  return b;
}

class TerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto made = Terminal::create(options(), "Café", {"counter-1"});
    ASSERT_TRUE(made.ok()) << made.error().message();
    terminal_.emplace(std::move(*made));
  }

  TerminalOptions options() const { return {dir_.path() + "/home", "", kNow, ""}; }

  Card new_card() {
    auto card = terminal_->issue_card();
    EXPECT_TRUE(card.ok()) << card.error().message();
    return card.ok() ? *card : Card{};
  }

  std::vector<Event> all_events(Terminal& t) {
    auto events = t.events_since(0, 1'000'000);
    EXPECT_TRUE(events.ok()) << events.error().message();
    return events.ok() ? *events : std::vector<Event>{};
  }

  Status audit() {
    auto ledger = pos::Ledger::open(dir_.path() + "/home/ledger.db", 5000);
    if (!ledger.ok()) return ledger.error();
    auto report = pos::audit_ledger(*ledger);
    if (!report.ok()) return report.error();
    return ok_status();
  }

  testing::TempDir dir_{"loyalpos-embed"};
  std::optional<Terminal> terminal_;
};

TEST_F(TerminalTest, CreateMakesTheLedgerAndRefusesASecond) {
  EXPECT_EQ(terminal_->currency(), "RUB");
  EXPECT_EQ(terminal_->currency_exponent(), 2);
  EXPECT_EQ(terminal_->store_name(), "Café");
  EXPECT_EQ(terminal_->terminal_name(), "counter-1");
  EXPECT_EQ(terminal_->terminal_id().size(), 32u);
  auto again = Terminal::create(options(), "Café");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
}

TEST_F(TerminalTest, OpenWithoutALedgerIsNotFound) {
  auto opened = Terminal::open({dir_.path() + "/nowhere", "", kNow, ""});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), ErrorCode::kNotFound);
}

TEST_F(TerminalTest, QuoteCommitsNothing) {
  const Card card = new_card();
  const auto before = all_events(*terminal_);
  auto quote = terminal_->quote(basket({{"CROISSANT", 2}, {"COFFEE", 1}}, card.token));
  ASSERT_TRUE(quote.ok()) << quote.error().message();
  ASSERT_EQ(quote->lines.size(), 2u);
  EXPECT_EQ(quote->lines[0].sku, "CROISSANT");
  EXPECT_EQ(quote->lines[0].gross, 30000);
  EXPECT_EQ(quote->subtotal, 47000);
  EXPECT_EQ(quote->total, 47000);
  EXPECT_EQ(quote->currency, "RUB");
  EXPECT_EQ(all_events(*terminal_).size(), before.size());
  auto day = terminal_->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 0);
  auto same = terminal_->find_card(card.token);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->programs.at(0).stamps, 0);
}

TEST_F(TerminalTest, SellRecordsTheSaleAndMovesTheCard) {
  const Card card = new_card();
  auto sale =
      terminal_->sell(basket({{"croissant", 2}, {"COFFEE", 1}}, card.token), Payment::kCard);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_GT(sale->sale_id, 0);
  EXPECT_EQ(sale->at, kNow);
  EXPECT_EQ(sale->payment, Payment::kCard);
  EXPECT_EQ(sale->total, 47000);
  ASSERT_TRUE(sale->card.has_value());
  EXPECT_EQ(sale->card->token, card.token);
  EXPECT_EQ(sale->card->visits, 1);
  ASSERT_EQ(sale->card->programs.size(), 1u);
  EXPECT_EQ(sale->card->programs[0].id, "pastry");
  EXPECT_EQ(sale->card->programs[0].stamps, 2);
  EXPECT_EQ(sale->card->programs[0].every, 5);
  EXPECT_FALSE(sale->messages.empty());
  EXPECT_GT(sale->journal_seq, 0);
  EXPECT_EQ(sale->journal_sign.size(), 9u);  // 7F3A-91C2
  auto day = terminal_->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 1);
  EXPECT_EQ(day->revenue, 47000);
  EXPECT_EQ(day->by_payment["card"].sales, 1);
}

TEST_F(TerminalTest, TheFifthPastryIsFreeWithItsReason) {
  const Card card = new_card();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(terminal_->sell(basket({{"CROISSANT", 2}}, card.token), Payment::kCash).ok());
  }
  auto third =
      terminal_->sell(basket({{"CROISSANT", 2}, {"COFFEE", 1}}, card.token), Payment::kCash);
  ASSERT_TRUE(third.ok()) << third.error().message();
  EXPECT_EQ(third->discount, 15000);
  EXPECT_EQ(third->total, 32000);
  ASSERT_EQ(third->lines[0].reasons.size(), 1u);
  EXPECT_NE(third->lines[0].reasons[0].find("Pastry card"), std::string::npos);
  EXPECT_EQ(third->lines[0].net(), 15000);
}

TEST_F(TerminalTest, PartialThenWholeRefund) {
  const Card card = new_card();
  auto sale =
      terminal_->sell(basket({{"CROISSANT", 2}, {"COFFEE", 1}}, card.token), Payment::kCash);
  ASSERT_TRUE(sale.ok());
  auto part = terminal_->refund(sale->sale_id, {{"CROISSANT", 1}});
  ASSERT_TRUE(part.ok()) << part.error().message();
  EXPECT_EQ(part->amount, 15000);
  EXPECT_FALSE(part->complete);
  ASSERT_EQ(part->lines.size(), 1u);
  EXPECT_EQ(part->lines[0].sku, "CROISSANT");
  auto rest = terminal_->refund(sale->sale_id);
  ASSERT_TRUE(rest.ok()) << rest.error().message();
  EXPECT_EQ(rest->amount, 32000);
  EXPECT_TRUE(rest->complete);
  // The sale's two stamps go back pro rata over its units: all of them in all.
  EXPECT_EQ(part->stamps_taken_back + rest->stamps_taken_back, 2);
  ASSERT_TRUE(rest->card.has_value());
  EXPECT_EQ(rest->card->programs[0].stamps, 0);
  auto twice = terminal_->refund(sale->sale_id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  auto day = terminal_->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->refunded, 47000);
  EXPECT_EQ(day->net, 0);
  EXPECT_TRUE(audit().ok()) << audit().error().message();
}

TEST_F(TerminalTest, FindsACardByItsLinkOrCodeInAnyCase) {
  const Card card = new_card();
  EXPECT_EQ(card.token.size(), 28u);
  EXPECT_NE(card.url.find(card.token), std::string::npos);
  for (const std::string& scanned : {card.url, lower(card.url), lower(card.token), card.token}) {
    auto found = terminal_->find_card(scanned);
    ASSERT_TRUE(found.ok()) << scanned << ": " << found.error().message();
    EXPECT_EQ(found->card_id, card.card_id);
  }
  auto referred = terminal_->issue_card(lower(card.url));
  ASSERT_TRUE(referred.ok()) << referred.error().message();
  EXPECT_EQ(referred->referrer, card.card_id);
}

TEST_F(TerminalTest, ErrorsAreValues) {
  auto unknown = terminal_->sell(basket({{"NOPE", 1}}), Payment::kCash);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("NOPE"), std::string::npos);
  auto garbled = terminal_->find_card("hello");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.error().code(), ErrorCode::kInvalidInput);
  auto bad_day = terminal_->day_report("2026-02-30");
  ASSERT_FALSE(bad_day.ok());
  EXPECT_EQ(bad_day.error().code(), ErrorCode::kInvalidInput);
  auto no_sale = terminal_->refund(999);
  ASSERT_FALSE(no_sale.ok());
  EXPECT_EQ(no_sale.error().code(), ErrorCode::kNotFound);
  auto bad_qty = terminal_->quote(basket({{"CROISSANT", 0}}));
  EXPECT_FALSE(bad_qty.ok());
  // Nothing was recorded by any of them.
  auto day = terminal_->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 0);

  Terminal moved = std::move(*terminal_);
  auto from_moved = terminal_->quote(basket({{"CROISSANT", 1}}));
  ASSERT_FALSE(from_moved.ok());
  EXPECT_EQ(from_moved.error().code(), ErrorCode::kInternal);
  EXPECT_TRUE(moved.quote(basket({{"CROISSANT", 1}})).ok());
}

TEST_F(TerminalTest, DayReportOfAnotherDayIsEmpty) {
  ASSERT_TRUE(terminal_->sell(basket({{"TEA", 1}}), Payment::kCash).ok());
  auto today = terminal_->day_report();
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->sales, 1);
  auto other = terminal_->day_report("2020-01-01");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->date, "2020-01-01");
  EXPECT_EQ(other->sales, 0);
}

TEST_F(TerminalTest, EventsSincePagesThroughTheChainInOrder) {
  const Card card = new_card();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(terminal_->sell(basket({{"CROISSANT", 2}}, card.token), Payment::kCash).ok());
  }
  std::vector<Event> paged;
  std::int64_t after = 0;
  for (;;) {
    auto page = terminal_->events_since(after, 3);
    ASSERT_TRUE(page.ok()) << page.error().message();
    ASSERT_LE(page->size(), 3u);
    if (page->empty()) break;
    paged.insert(paged.end(), page->begin(), page->end());
    after = page->back().seq;
  }
  ASSERT_GE(paged.size(), 9u);  // terminal, card, 4 sales with their stamps
  std::string prev(64, '0');
  std::set<std::string> types;
  for (std::size_t i = 0; i < paged.size(); ++i) {
    EXPECT_EQ(paged[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(paged[i].prev_hash, prev) << "seq " << paged[i].seq;
    EXPECT_EQ(paged[i].hash.size(), 64u);
    EXPECT_EQ(paged[i].payload.front(), '{');
    prev = paged[i].hash;
    types.insert(paged[i].type);
  }
  EXPECT_TRUE(types.count("card.issued"));
  EXPECT_TRUE(types.count("sale.completed"));
  EXPECT_EQ(all_events(*terminal_).size(), paged.size());
  auto none = terminal_->events_since(paged.back().seq);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(TerminalTest, OneTerminalFromFourThreads) {
  std::vector<Card> cards;
  for (int i = 0; i < 4; ++i) cards.push_back(new_card());
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto sale = terminal_->sell(basket({{"CROISSANT", 1}, {"LATTE", 1}}, cards[t].token),
                                    t % 2 == 0 ? Payment::kCash : Payment::kCard);
        if (!sale.ok()) {
          ADD_FAILURE() << sale.error().message();
          return;
        }
        ids[t].push_back(sale->sale_id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::int64_t> unique;
  for (const auto& some : ids) unique.insert(some.begin(), some.end());
  EXPECT_EQ(unique.size(), 200u);
  auto day = terminal_->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 200);
  for (const auto& card : cards) {
    auto found = terminal_->find_card(card.token);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->visits, 50);
  }
  const Status audited = audit();
  EXPECT_TRUE(audited.ok()) << audited.error().message();
}

TEST_F(TerminalTest, TwoTerminalsShareOneLedger) {
  auto second = Terminal::open(options());
  ASSERT_TRUE(second.ok()) << second.error().message();
  const Card card = new_card();
  ASSERT_TRUE(terminal_->sell(basket({{"CROISSANT", 2}}, card.token), Payment::kCash).ok());
  // The second sees the first's card and sale, and sells on it.
  auto seen = second->find_card(lower(card.url));
  ASSERT_TRUE(seen.ok()) << seen.error().message();
  EXPECT_EQ(seen->programs[0].stamps, 2);
  ASSERT_TRUE(second->sell(basket({{"CROISSANT", 2}}, card.token), Payment::kCash).ok());
  auto back = terminal_->find_card(card.token);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->programs[0].stamps, 4);

  // Both at once, from two threads: SQLite's lock orders them.
  std::thread other([&] {
    for (int i = 0; i < 20; ++i) {
      auto sale = second->sell(basket({{"SIMIT", 1}}, card.token), Payment::kCard);
      if (!sale.ok()) ADD_FAILURE() << sale.error().message();
    }
  });
  for (int i = 0; i < 20; ++i) {
    auto sale = terminal_->sell(basket({{"TEA", 1}}), Payment::kCash);
    if (!sale.ok()) ADD_FAILURE() << sale.error().message();
  }
  other.join();
  auto day = second->day_report();
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->sales, 42);
  EXPECT_EQ(all_events(*terminal_).size(), all_events(*second).size());
  const Status audited = audit();
  EXPECT_TRUE(audited.ok()) << audited.error().message();
}

}  // namespace
}  // namespace loyalpos

namespace loyalpos {
namespace {

// Two Terminals of one process, in Moscow and in Berlin, at 22:30 UTC on a
// Saturday: each reports its own local day; nothing set the process's TZ.
TEST(TerminalZones, TwoTerminalsInOneProcessKeepTheirOwnZones) {
  testing::TempDir dir{"loyalpos-zones"};
  ASSERT_TRUE(dir.ok());
  constexpr std::int64_t kLateSaturdayUtc = 1795300200;  // 2026-11-21 22:30 UTC
  std::vector<std::string> days;
  for (const char* zone : {"Europe/Moscow", "Europe/Berlin"}) {
    TerminalOptions options{dir.path() + "/" + std::string(zone).substr(7), "", kLateSaturdayUtc,
                            zone};
    auto terminal = Terminal::create(options, "Café", {"counter"});
    ASSERT_TRUE(terminal.ok()) << terminal.error().message();
    Basket coffee;
    coffee.items = {{"COFFEE", 1}};
    ASSERT_TRUE(terminal->sell(coffee, Payment::kCash).ok());
    auto day = terminal->day_report();
    ASSERT_TRUE(day.ok()) << day.error().message();
    EXPECT_EQ(day->sales, 1);
    days.push_back(day->date);
  }
  EXPECT_EQ(days, (std::vector<std::string>{"2026-11-22", "2026-11-21"}));
  EXPECT_EQ(std::getenv("TZ"), nullptr);

  TerminalOptions bad{dir.path() + "/Moscow", "", kLateSaturdayUtc, "Mars/Olympus_Mons"};
  auto refused = Terminal::open(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace loyalpos
