// Other terminals' card events (pos/ledger/peer_events.h): stored once
// whatever is delivered again, refused whole when one is doctored, and
// summed with the own events into the same balances in any order.
#include "pos/ledger/peer_events.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "pos/ledger/audit.h"
#include "pos/ledger/random.h"
#include "tests/pos/pos_fixture.h"
#include "tests/pos/sync_test_support.h"

namespace loyalpos::pos::testing {
namespace {

std::string terminal_hex(char c) { return std::string(32, c); }

std::map<std::string, std::pair<std::int64_t, std::int64_t>> balance_map(Ledger& ledger,
                                                                         const std::string& card) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
  auto balances = ledger.balances(card);
  EXPECT_TRUE(balances.ok());
  for (const auto& b : *balances) {
    if (b.stamps != 0 || b.rewards != 0) out[b.program_id] = {b.stamps, b.rewards};
  }
  return out;
}

std::int64_t rows(Ledger& ledger, const std::string& table) {
  auto stmt = ledger.db().prepare("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(*stmt->step());
  return stmt->column_int(0);
}

class PeerEvents : public LedgerTest {};

TEST_F(PeerEvents, TheSameEventsAgainAreIgnored) {
  const Card card = new_card();
  PeerChain peer(terminal_hex('a'));
  peer.stamps(card.card_id, "pastry", 3, 0);
  peer.stamps(card.card_id, "pastry", 1, 0);
  peer.add(card_stage_event(card.card_id, 2, "new", "purchase", 1795430000));
  auto first = store_peer_events(*ledger_, peer.events(), 3);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->stored, 3);
  auto again = store_peer_events(*ledger_, peer.events(), 3);
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->stored, 0);
  EXPECT_EQ(again->already_held, 3);
  EXPECT_EQ(rows(*ledger_, "peer_events"), 3);
  EXPECT_EQ((balance_map(*ledger_, card.card_id)["pastry"]),
            (std::pair<std::int64_t, std::int64_t>{4, 0}));
  EXPECT_EQ(*peer_cursor(*ledger_), 3);
  // A cursor never goes back.
  ASSERT_TRUE(store_peer_events(*ledger_, {}, 1).ok());
  EXPECT_EQ(*peer_cursor(*ledger_), 3);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(PeerEvents, ADoctoredEventIsRefusedAndNothingIsStored) {
  const Card card = new_card();
  PeerChain peer(terminal_hex('a'));
  peer.stamps(card.card_id, "pastry", 1, 0);
  ASSERT_TRUE(store_peer_events(*ledger_, {peer.events()[0]}, 1).ok());
  peer.stamps(card.card_id, "pastry", 2, 0);
  peer.stamps(card.card_id, "pastry", 1, 0);
  std::vector<PeerEvent> batch{peer.events()[1], peer.events()[2]};
  batch[1].payload = card_stamps_event(card.card_id, 3, "pastry", 9, 0, "sale", 1795430000).payload;
  auto refused = store_peer_events(*ledger_, batch, 3);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message().find(terminal_hex('a') + "/3"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(rows(*ledger_, "peer_events"), 1);
  EXPECT_EQ(balance_map(*ledger_, card.card_id)["pastry"].first, 1);
  EXPECT_EQ(*peer_cursor(*ledger_), 1);

  // Another history at a held seq, validly hashed: refused too.
  PeerChain other(terminal_hex('a'));
  other.stamps(card.card_id, "pastry", 5, 0);
  auto different = store_peer_events(*ledger_, other.events(), 9);
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.error().code(), ErrorCode::kCorrupt);
  // An event that does not chain onto the held one before it.
  PeerChain forked(terminal_hex('a'));
  forked.stamps(card.card_id, "coffee", 1, 0);
  forked.stamps(card.card_id, "pastry", 2, 0);
  auto fork = store_peer_events(*ledger_, {forked.events()[1]}, 9);
  ASSERT_FALSE(fork.ok());
  EXPECT_EQ(fork.error().code(), ErrorCode::kCorrupt);

  // This terminal's own id is never taken back.
  PeerChain own(ledger_->terminal().terminal_id);
  own.stamps(card.card_id, "pastry", 1, 0);
  auto mine = store_peer_events(*ledger_, own.events(), 9);
  ASSERT_FALSE(mine.ok());
  EXPECT_EQ(mine.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(rows(*ledger_, "peer_events"), 1);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());

  // Stored events are append-only, and audit rechecks their hashes.
  EXPECT_FALSE(ledger_->db().exec("UPDATE peer_events SET at = at + 1").ok());
  EXPECT_FALSE(ledger_->db().exec("DELETE FROM peer_events").ok());
  ASSERT_TRUE(ledger_->db()
                  .exec("DROP TRIGGER peer_events_are_append_only_update;"
                        " UPDATE peer_events SET at = at + 1")
                  .ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("peer event"), std::string::npos);
}

TEST_F(PeerEvents, AuditCatchesATamperedCachedBalance) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  PeerChain peer(terminal_hex('d'));
  peer.stamps(card.card_id, "pastry", 2, 0);
  ASSERT_TRUE(store_peer_events(*ledger_, peer.events(), 1).ok());
  EXPECT_EQ(balance_map(*ledger_, card.card_id)["pastry"].first, 4);
  ASSERT_TRUE(audit_ledger(*ledger_).ok());
  ASSERT_TRUE(ledger_->db().exec("UPDATE card_programs SET stamps = stamps - 2").ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("card balance differs"), std::string::npos);
}

// One shop's ledger in `dir`, named `name`, with the sample catalog.
Ledger shop_ledger(const TempDir& dir, const std::string& name) {
  auto ledger = Ledger::create(dir.path() + "/" + name + ".db",
                               InitRequest{"Café", name, "RUB", *random_terminal_id(), 1000}, 1000);
  EXPECT_TRUE(ledger.ok());
  auto products = parse_catalog_csv(default_catalog_csv(), ledger->terminal().currency);
  EXPECT_TRUE(ledger->import_products(*products).ok());
  return std::move(*ledger);
}

// A card issued on terminal A is sold to on terminal B before any sync; once
// B holds A's events (and A B's), both say the sum of both shops.
TEST(CardsEverywhere, ACardFromAnotherTerminalSellsOfflineAndMergesLater) {
  TempDir dir;
  Config config = default_config();
  FixedClock clock(1795430000);
  Ledger a = shop_ledger(dir, "a");
  Ledger b = shop_ledger(dir, "b");
  SaleService sell_a(a, config.rules, clock);
  SaleService sell_b(b, config.rules, clock);
  auto card = a.issue_card(*random_card_id(), clock.now_unix());
  ASSERT_TRUE(card.ok());
  SaleRequest request;
  request.items = {{"CROISSANT", 2}};
  request.card_token = card->token;
  ASSERT_TRUE(sell_a.sell(request).ok());

  // B has never seen the card: it is known from elsewhere, and sells.
  auto seen = sell_b.resolve_card(card->token);
  ASSERT_TRUE(seen.ok()) << seen.error().message();
  EXPECT_EQ(seen->card_id, card->card_id);
  request.items = {{"CROISSANT", 1}};
  auto sold = sell_b.sell(request);
  ASSERT_TRUE(sold.ok()) << sold.error().message();
  EXPECT_EQ(balance_map(b, card->card_id)["pastry"].first, 1);
  ASSERT_TRUE(audit_ledger(b).ok()) << audit_ledger(b).error().message();

  // A token that fails its check is still refused, with a clear error.
  std::string misread = card->token;
  misread[10] = misread[10] == 'Z' ? 'Y' : 'Z';
  auto refused = sell_b.resolve_card(misread);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("check"), std::string::npos);

  ASSERT_TRUE(store_peer_events(b, relayed(a), 100).ok());
  ASSERT_TRUE(store_peer_events(a, relayed(b), 100).ok());
  EXPECT_EQ(balance_map(b, card->card_id)["pastry"].first, 3);
  EXPECT_EQ(balance_map(a, card->card_id)["pastry"].first, 3);
  auto history = sell_b.history(*seen);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->visits, 2);
  EXPECT_EQ(sell_a.history(*card)->visits, 2);
  for (Ledger* l : {&a, &b}) {
    auto audit = audit_ledger(*l);
    EXPECT_TRUE(audit.ok()) << audit.error().message();
  }
}

// A card first scanned here after its peer events arrived starts with what
// the other shops gave it.
TEST_F(PeerEvents, ACardSeenAfterItsEventsStartsWithTheirBalance) {
  const auto id = *random_card_id();
  const std::string card_id = loyalty::card_id_hex(id);
  PeerChain peer(terminal_hex('e'));
  peer.add(card_issued_event(card_id, 1795430000, std::nullopt));
  peer.stamps(card_id, "pastry", 3, 0);
  peer.add(NewEvent{"sale.completed", 1795430000, std::nullopt, 1, "{}"});  // no card
  ASSERT_TRUE(store_peer_events(*ledger_, peer.events(), 3).ok());
  auto card = sales_->resolve_card(loyalty::encode_token(id));
  ASSERT_TRUE(card.ok()) << card.error().message();
  EXPECT_EQ(balance_map(*ledger_, card_id)["pastry"].first, 3);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

// The same banked reward redeemed offline in two shops: once merged the
// card owes a reward, and its next purchases pay it off; nothing clamps.
TEST(CardsEverywhere, ARewardRedeemedTwiceOfflineLeavesTheCardOwing) {
  TempDir dir;
  auto config = parse_config(R"(
[[stamp_card]]
id = "coffee"
name = "Coffee card"
categories = ["drink"]
every = 3
reward = "bank"
)",
                             "rules.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  FixedClock clock(1795430000);
  Ledger a = shop_ledger(dir, "a");
  Ledger b = shop_ledger(dir, "b");
  SaleService sell_a(a, config->rules, clock);
  SaleService sell_b(b, config->rules, clock);
  auto card = a.issue_card(*random_card_id(), clock.now_unix());
  SaleRequest request;
  request.card_token = card->token;
  request.items = {{"TEA", 2}};
  ASSERT_TRUE(sell_a.sell(request).ok());
  EXPECT_EQ(balance_map(a, card->card_id)["coffee"].second, 1);
  ASSERT_TRUE(store_peer_events(b, relayed(a), 10).ok());
  const std::int64_t a_synced = *unsent_count(a);

  request.items = {{"TEA", 1}};
  request.redeem = {"coffee"};
  auto in_b = sell_b.sell(request);
  ASSERT_TRUE(in_b.ok()) << in_b.error().message();
  EXPECT_EQ(in_b->priced.total, 0);
  auto in_a = sell_a.sell(request);
  ASSERT_TRUE(in_a.ok()) << in_a.error().message();
  EXPECT_EQ(in_a->priced.total, 0);

  ASSERT_TRUE(store_peer_events(b, relayed(a, a_synced), 20).ok());
  ASSERT_TRUE(store_peer_events(a, relayed(b), 20).ok());
  for (Ledger* l : {&a, &b}) {
    EXPECT_EQ(balance_map(*l, card->card_id)["coffee"].second, -1);
    auto audit = audit_ledger(*l);
    EXPECT_TRUE(audit.ok()) << audit.error().message();
  }
  // Owing: no reward to redeem, and the next stamps pay the debt first.
  auto history = sell_a.history(*card);
  ASSERT_TRUE(history.ok());
  request.redeem.clear();
  request.items = {{"TEA", 2}};
  auto paying = sell_a.sell(request);
  ASSERT_TRUE(paying.ok()) << paying.error().message();
  EXPECT_GT(paying->priced.total, 0);
  EXPECT_EQ(balance_map(a, card->card_id)["coffee"].second, 0);
  EXPECT_TRUE(audit_ledger(a).ok());
}

// Any set of peer events (2-3 terminals, each a valid chain of card.stamps
// on shared cards), delivered in any order, any batching, with repeats,
// gives every receiving ledger the same balances: the sums of the events.
RC_GTEST_PROP(PeerEventsProperty, AnyOrderAndBatchingGivesTheSameBalances, ()) {
  const auto terminals = *rc::gen::inRange(2, 4);
  const std::vector<std::string> cards{std::string(32, '1'), std::string(32, '2'),
                                       std::string(32, '3')};
  const std::vector<std::string> programs{"pastry", "coffee"};
  std::vector<PeerEvent> all;
  std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> expected;
  for (int t = 0; t < terminals; ++t) {
    PeerChain chain(std::string(32, static_cast<char>('a' + t)));
    const auto n = *rc::gen::inRange(1, 12);
    for (int i = 0; i < n; ++i) {
      const auto card = *rc::gen::inRange<std::size_t>(0, cards.size());
      const auto program = *rc::gen::inRange<std::size_t>(0, programs.size());
      const auto stamps = *rc::gen::inRange<std::int64_t>(-3, 6);
      const auto rewards = *rc::gen::inRange<std::int64_t>(-1, 2);
      chain.stamps(cards[card], programs[program], stamps, rewards, 1795430000 + i);
      auto& sum = expected[{cards[card], programs[program]}];
      sum.first += stamps;
      sum.second += rewards;
    }
    all.insert(all.end(), chain.events().begin(), chain.events().end());
  }
  TempDir dir;
  std::vector<std::map<std::string, std::map<std::string, std::pair<std::int64_t, std::int64_t>>>>
      seen_by;
  for (int receiver = 0; receiver < 2; ++receiver) {
    auto ledger = Ledger::create(dir.path() + "/r" + std::to_string(receiver) + ".db",
                                 InitRequest{"Café", "r", "RUB", std::string(32, 'f'), 1000}, 1000);
    RC_ASSERT(ledger.ok());
    // Card 1 is known before delivery, card 2 only after it, card 3 never.
    RC_ASSERT(ledger->known_card(*loyalty::card_id_from_hex(cards[0]), 1000).ok());
    std::vector<PeerEvent> order = all;
    std::mt19937 rng(*rc::gen::arbitrary<unsigned>());
    std::shuffle(order.begin(), order.end(), rng);
    std::size_t at = 0;
    while (at < order.size()) {
      const auto size = std::min<std::size_t>(order.size() - at, 1 + rng() % 5);
      std::vector<PeerEvent> batch(order.begin() + static_cast<std::ptrdiff_t>(at),
                                   order.begin() + static_cast<std::ptrdiff_t>(at + size));
      // Sometimes a batch arrives twice.
      for (int times = rng() % 4 == 0 ? 2 : 1; times > 0; --times) {
        auto stored = store_peer_events(*ledger, batch, static_cast<std::int64_t>(at + size));
        RC_ASSERT(stored.ok());
      }
      at += size;
    }
    RC_ASSERT(ledger->known_card(*loyalty::card_id_from_hex(cards[1]), 2000).ok());
    std::map<std::string, std::map<std::string, std::pair<std::int64_t, std::int64_t>>> got;
    for (std::size_t c = 0; c < 2; ++c) {
      auto balances = ledger->balances(cards[c]);
      RC_ASSERT(balances.ok());
      for (const auto& b : *balances) got[cards[c]][b.program_id] = {b.stamps, b.rewards};
    }
    for (std::size_t c = 0; c < 2; ++c) {
      for (const auto& p : programs) {
        const auto want = expected.count({cards[c], p}) ? expected[{cards[c], p}]
                                                        : std::pair<std::int64_t, std::int64_t>{};
        const auto has =
            got[cards[c]].count(p) ? got[cards[c]][p] : std::pair<std::int64_t, std::int64_t>{};
        RC_ASSERT(has == want);
      }
    }
    auto audit = audit_ledger(*ledger);
    RC_ASSERT(audit.ok());
    seen_by.push_back(std::move(got));
  }
  RC_ASSERT(seen_by[0] == seen_by[1]);
}

}  // namespace
}  // namespace loyalpos::pos::testing
