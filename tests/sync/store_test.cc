// journeyd's store (sync/store/store.h), one suite run against both stores:
// SQLite (a fresh file per test) and PostgreSQL 15 (a fresh database per
// test in the binary's throwaway cluster, tests/sync/pg_cluster.h). The
// events are real chains made with the terminal's own pos::event_hash.
#include "sync/store/store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "base/journal_hash.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::sync {
namespace {

using testing::Backend;

std::string hex(const pos::Hash& bytes) { return to_hex(bytes); }

WireEvent wire(const std::string& terminal, std::int64_t seq, const pos::NewEvent& e,
               const pos::Hash& prev, const pos::Hash& hash) {
  return WireEvent{terminal,  seq,       e.type,    e.at,     e.card_id,
                   e.sale_id, e.payload, hex(prev), hex(hash)};
}

// seq 1..n of `terminal`'s chain; every other event is about a card, every
// third names a sale. `flavour` changes the payloads (a different chain).
std::vector<WireEvent> chain(const std::string& terminal, int n, const std::string& flavour = "") {
  std::vector<WireEvent> out;
  pos::Hash prev(32, 0);
  for (std::int64_t seq = 1; seq <= n; ++seq) {
    pos::NewEvent e;
    e.type = seq % 2 == 0 ? "card.stamps" : "sale.completed";
    e.at = 1767225600 + seq;
    if (seq % 2 == 0) e.card_id = "CARD" + std::to_string(seq % 7);
    if (seq % 3 == 0) e.sale_id = seq;
    e.payload = R"({"n":)" + std::to_string(seq) + R"(,"f":")" + flavour + R"("})";
    pos::Hash hash = pos::event_hash(prev, terminal, seq, e);
    out.push_back(wire(terminal, seq, e, prev, hash));
    prev = std::move(hash);
  }
  return out;
}

// Events seq from..to (inclusive) of a chain.
std::vector<WireEvent> slice(const std::vector<WireEvent>& c, std::int64_t from, std::int64_t to) {
  to = std::min<std::int64_t>(to, static_cast<std::int64_t>(c.size()));
  return {c.begin() + (from - 1), c.begin() + to};
}

// Recomputes an event's hash after its fields were changed.
void rehash(WireEvent& e) {
  pos::NewEvent fields{e.type, e.at, e.card_id, e.sale_id, e.payload};
  pos::Hash prev(32);
  for (std::size_t i = 0; i < 32; ++i) {
    prev[i] = static_cast<std::uint8_t>(std::stoi(e.prev_hash.substr(2 * i, 2), nullptr, 16));
  }
  e.hash = hex(pos::event_hash(prev, e.terminal_id, e.seq, fields));
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto url = testing::fresh_store_url(GetParam(), dir_.file("journeyd.db"));
    ASSERT_TRUE(url.ok()) << url.error().message();
    url_ = *url;
    store_ = open();
    ASSERT_NE(store_, nullptr);
    for (const char* t : {"T1", "T2", "T3", "T4"}) {
      ASSERT_TRUE(store_
                      ->add_terminal("Cafe Central", std::string("till ") + t, t,
                                     std::string("argon2:") + t)
                      .ok());
    }
  }

  std::unique_ptr<Store> open() {
    auto store = make_store(url_);
    EXPECT_TRUE(store.ok()) << store.error().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::int64_t count() {
    auto n = store_->count_events();
    EXPECT_TRUE(n.ok()) << n.error().message();
    return n.ok() ? *n : -1;
  }

  void expect_acked(const Result<Ack>& ack, const WireEvent& last) {
    ASSERT_TRUE(ack.ok()) << ack.error().message();
    EXPECT_EQ(ack->seq, last.seq);
    EXPECT_EQ(ack->hash_hex, last.hash);
  }

  // Every event of `terminal` as a peer sees it, paging `page` at a time.
  std::vector<WireEvent> all_of(const std::string& terminal, std::size_t page = 7) {
    std::vector<WireEvent> out;
    std::int64_t cursor = 0;
    for (;;) {
      auto events = store_->events_after(cursor, "nobody", page, false);
      EXPECT_TRUE(events.ok()) << events.error().message();
      if (!events.ok() || events->empty()) break;
      for (auto& e : *events) {
        EXPECT_GT(e.cursor, cursor);
        cursor = e.cursor;
        if (e.terminal_id == terminal) out.push_back(e);
      }
    }
    return out;
  }

  // The stored chain of `terminal` equals `expected` event for event.
  void expect_chain(const std::string& terminal, const std::vector<WireEvent>& expected) {
    const auto stored = all_of(terminal);
    ASSERT_EQ(stored.size(), expected.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(stored[i].seq, expected[i].seq);
      EXPECT_EQ(stored[i].hash, expected[i].hash);
      EXPECT_EQ(stored[i].prev_hash, expected[i].prev_hash);
      EXPECT_EQ(stored[i].payload, expected[i].payload);
      EXPECT_EQ(stored[i].card_id, expected[i].card_id);
      EXPECT_EQ(stored[i].sale_id, expected[i].sale_id);
    }
  }

  testing::TempDir dir_{"journeyd-store"};
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, AppendsInOrderAndAcknowledgesTheHead) {
  const auto c = chain("T1", 20);
  auto before = store_->head("T1");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->seq, 0);
  EXPECT_EQ(before->hash_hex, std::string(64, '0'));

  expect_acked(store_->append("T1", slice(c, 1, 10)), c[9]);
  expect_acked(store_->append("T1", slice(c, 11, 20)), c[19]);
  expect_acked(store_->head("T1"), c[19]);
  EXPECT_EQ(count(), 20);
  expect_chain("T1", c);
  EXPECT_EQ(store_->head("T9").error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreTest, ReplayIsAcknowledgedAndChangesNothing) {
  const auto c = chain("T1", 10);
  expect_acked(store_->append("T1", c), c[9]);
  expect_acked(store_->append("T1", c), c[9]);
  expect_acked(store_->append("T1", slice(c, 3, 7)), c[9]);
  expect_acked(store_->append("T1", {}), c[9]);
  EXPECT_EQ(count(), 10);
  expect_chain("T1", c);
}

TEST_P(StoreTest, OverlappingBatchStoresOnlyTheNewEvents) {
  const auto c = chain("T1", 15);
  ASSERT_TRUE(store_->append("T1", slice(c, 1, 10)).ok());
  expect_acked(store_->append("T1", slice(c, 6, 15)), c[14]);
  EXPECT_EQ(count(), 15);
  expect_chain("T1", c);
}

TEST_P(StoreTest, GapIsRefusedWithTheExpectedSeq) {
  const auto c = chain("T1", 20);
  const auto first = store_->append_or_refuse("T1", slice(c, 2, 5));
  ASSERT_TRUE(first.refusal);
  EXPECT_EQ(first.refusal->code(), ErrorCode::kConflict);
  EXPECT_EQ(first.expected_seq, 1);

  ASSERT_TRUE(store_->append("T1", slice(c, 1, 10)).ok());
  const auto gap = store_->append_or_refuse("T1", slice(c, 12, 20));
  ASSERT_TRUE(gap.refusal);
  EXPECT_EQ(gap.refusal->code(), ErrorCode::kConflict);
  EXPECT_NE(gap.refusal->message().find("expected seq 11"), std::string::npos)
      << gap.refusal->message();
  ASSERT_TRUE(gap.expected_seq);
  EXPECT_EQ(*gap.expected_seq, 11);
  EXPECT_EQ(gap.head.seq, 10);
  EXPECT_EQ(gap.head.hash_hex, c[9].hash);
  EXPECT_EQ(count(), 10);
  // Resending from there works.
  expect_acked(store_->append("T1", slice(c, *gap.expected_seq, 20)), c[19]);
}

TEST_P(StoreTest, DoctoredEventsAreCorruptAndNothingIsStored) {
  const auto c = chain("T1", 20);
  ASSERT_TRUE(store_->append("T1", slice(c, 1, 10)).ok());
  const auto refused = [&](const std::function<void(std::vector<WireEvent>&)>& doctor) {
    auto batch = slice(c, 11, 20);
    doctor(batch);
    auto outcome = store_->append_or_refuse("T1", batch);
    EXPECT_EQ(count(), 10);
    return outcome.refusal ? *outcome.refusal : Error::internal("accepted");
  };
  const auto expect_corrupt_at = [](const Error& e, const std::string& seq) {
    EXPECT_EQ(e.code(), ErrorCode::kCorrupt) << e.message();
    EXPECT_NE(e.message().find("journey event " + seq), std::string::npos) << e.message();
  };
  // A payload changed, its hash kept.
  expect_corrupt_at(refused([](auto& b) { b[4].payload = R"({"n":15,"f":"free coffee"})"; }), "15");
  // A hash changed.
  expect_corrupt_at(refused([](auto& b) { b[2].hash[0] = b[2].hash[0] == 'a' ? 'b' : 'a'; }), "13");
  // A prev changed, the hash left as it was.
  expect_corrupt_at(refused([](auto& b) { b[6].prev_hash = std::string(64, 'e'); }), "17");
  // A card moved and the event rehashed: it verifies alone but no longer chains.
  expect_corrupt_at(refused([](auto& b) {
                      b[5].card_id = "SOMEONE-ELSE";
                      rehash(b[5]);
                    }),
                    "17");
  // The first new event chained to something else, rehashed: a fork off the head.
  expect_corrupt_at(refused([](auto& b) {
                      b.resize(1);
                      b[0].prev_hash = std::string(64, '1');
                      rehash(b[0]);
                    }),
                    "11");
  expect_acked(store_->head("T1"), c[9]);
  expect_chain("T1", slice(c, 1, 10));
}

TEST_P(StoreTest, ADifferentEventAtAStoredSeqIsCorrupt) {
  const auto c = chain("T1", 12);
  ASSERT_TRUE(store_->append("T1", slice(c, 1, 10)).ok());
  // Another chain altogether, from seq 1.
  const auto other = chain("T1", 12, "rewritten");
  auto outcome = store_->append_or_refuse("T1", slice(other, 1, 12));
  ASSERT_TRUE(outcome.refusal);
  EXPECT_EQ(outcome.refusal->code(), ErrorCode::kCorrupt);
  EXPECT_NE(outcome.refusal->message().find("journey event 1 "), std::string::npos)
      << outcome.refusal->message();
  // The same chain up to 8, then a fork from 9 that verifies on its own.
  auto fork = slice(c, 7, 12);
  for (std::size_t i = 2; i < fork.size(); ++i) {
    fork[i].payload += " ";
    if (i > 2) fork[i].prev_hash = fork[i - 1].hash;
    rehash(fork[i]);
  }
  outcome = store_->append_or_refuse("T1", fork);
  ASSERT_TRUE(outcome.refusal);
  EXPECT_EQ(outcome.refusal->code(), ErrorCode::kCorrupt);
  EXPECT_NE(outcome.refusal->message().find("journey event 9 "), std::string::npos)
      << outcome.refusal->message();
  EXPECT_EQ(count(), 10);
  expect_chain("T1", slice(c, 1, 10));
}

TEST_P(StoreTest, UnknownRevokedAndForeignBatchesAreRefused) {
  const auto unknown = store_->append("T9", chain("T9", 3));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(store_->append("T2", chain("T2", 3)).ok());
  ASSERT_TRUE(store_->revoke_terminal("T2").ok());
  auto record = store_->find_terminal("T2");
  ASSERT_TRUE(record.ok());
  EXPECT_TRUE(record->revoked);
  EXPECT_EQ(record->terminal_name, "till T2");
  EXPECT_EQ(record->credential_hash, "argon2:T2");
  const auto revoked = store_->append("T2", slice(chain("T2", 6), 4, 6));
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code(), ErrorCode::kConflict);
  EXPECT_NE(revoked.error().message().find("revoked"), std::string::npos);

  // T1 sending T3's events: a terminal writes only its own.
  const auto foreign = store_->append("T1", chain("T3", 3));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kInvalidInput);
  // Not consecutive.
  auto holey = chain("T1", 5);
  holey.erase(holey.begin() + 2);
  EXPECT_EQ(store_->append("T1", holey).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(count(), 3);

  EXPECT_EQ(store_->add_terminal("x", "y", "T1", "z").error().code(), ErrorCode::kConflict);
  EXPECT_EQ(store_->revoke_terminal("T9").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_terminal("T9").error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreTest, EventsAfterPagesOtherTerminalsCardEventsInCursorOrder) {
  const auto t1 = chain("T1", 20);
  const auto t2 = chain("T2", 10);
  const auto t3 = chain("T3", 5);
  ASSERT_TRUE(store_->append("T1", slice(t1, 1, 10)).ok());
  ASSERT_TRUE(store_->append("T2", t2).ok());
  ASSERT_TRUE(store_->append("T3", t3).ok());
  ASSERT_TRUE(store_->append("T1", slice(t1, 11, 20)).ok());

  std::vector<WireEvent> seen;
  std::int64_t cursor = 0;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = store_->events_after(cursor, "T1", 2, true);
    ASSERT_TRUE(page.ok()) << page.error().message();
    if (page->empty()) break;
    EXPECT_LE(page->size(), 2u);
    for (const auto& e : *page) {
      EXPECT_GT(e.cursor, cursor);
      cursor = e.cursor;
      seen.push_back(e);
    }
  }
  std::vector<std::pair<std::string, std::int64_t>> got, want;
  for (const auto& e : seen) {
    EXPECT_NE(e.terminal_id, "T1");
    EXPECT_TRUE(e.card_id.has_value());
    got.emplace_back(e.terminal_id, e.seq);
  }
  for (const auto* c : {&t2, &t3}) {
    for (const auto& e : *c) {
      if (e.card_id) want.emplace_back(e.terminal_id, e.seq);
    }
  }
  EXPECT_EQ(got, want);  // T2's before T3's: the order they were stored in
  // Without cards_only: all of T2's and T3's events.
  auto everything = store_->events_after(0, "T1", 100, false);
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->size(), 15u);
  // Past the last cursor: nothing.
  auto after = store_->events_after(cursor, "T1", 100, true);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_P(StoreTest, BatchesAreBounded) {
  const auto c = chain("T1", static_cast<int>(kMaxBatch) + 1);
  const auto big = store_->append("T1", c);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(count(), 0);
  expect_acked(store_->append("T1", slice(c, 1, kMaxBatch)), c[kMaxBatch - 1]);
  EXPECT_EQ(count(), static_cast<std::int64_t>(kMaxBatch));
}

TEST_P(StoreTest, MigrationsAreIdempotent) {
  const auto c = chain("T1", 10);
  ASSERT_TRUE(store_->append("T1", slice(c, 1, 5)).ok());
  auto again = open();
  ASSERT_NE(again, nullptr);
  auto third = open();
  ASSERT_NE(third, nullptr);
  EXPECT_TRUE(third->find_terminal("T1").ok());
  expect_acked(third->append("T1", slice(c, 4, 10)), c[9]);
  auto n = again->count_events();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 10);
}

TEST_P(StoreTest, PublishedRulesAndCatalogs) {
  auto none = store_->latest("rules", 0);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  const std::string rules("[programs]\0binary\xff", 19);
  auto v1 = store_->publish("rules", rules);
  ASSERT_TRUE(v1.ok()) << v1.error().message();
  auto v2 = store_->publish("catalog", "sku,name\n");
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(*v2, *v1);
  auto latest = store_->latest("rules", 0);
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->version, *v1);
  EXPECT_EQ((*latest)->bytes, rules);
  auto current = store_->latest("rules", *v1);
  ASSERT_TRUE(current.ok());
  EXPECT_FALSE(current->has_value());
  EXPECT_EQ(store_->publish("menu", "x").error().code(), ErrorCode::kInvalidInput);
}

// One thread's part in the races below: appends overlapping 50-event
// windows of `c` (the first half a replay of what it last saw stored),
// resending from the expected seq after a gap and retrying when the
// store is busy, until the whole chain is stored. False on any other refusal.
bool push_chain(Store& store, const std::vector<WireEvent>& c, std::int64_t start,
                std::string* why) {
  const auto last = static_cast<std::int64_t>(c.size());
  std::int64_t next = start;
  for (int calls = 0; calls < 10000; ++calls) {
    const auto outcome = store.append_or_refuse(c[0].terminal_id, slice(c, next, next + 49));
    if (!outcome.refusal) {
      if (outcome.head.seq == last) return true;
      next = std::max<std::int64_t>(1, outcome.head.seq - 24);
    } else if (outcome.expected_seq) {
      next = *outcome.expected_seq;
    } else if (outcome.refusal->code() != ErrorCode::kUnavailable) {
      *why = outcome.refusal->message();
      return false;
    }
  }
  *why = "no progress";
  return false;
}

TEST_P(StoreTest, ConcurrentAppendsOfOneTerminalStoreTheChainOnce) {
  const auto c = chain("T1", 600);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  std::atomic<int> done{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      auto store = open();  // one connection per thread
      if (store == nullptr) return;
      if (push_chain(*store, c, 1 + 10 * k, &errors[k])) ++done;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 4) << errors[0] << errors[1] << errors[2] << errors[3];
  EXPECT_EQ(count(), 600);
  expect_acked(store_->head("T1"), c.back());
  expect_chain("T1", c);
}

// The same race from two processes (each with two connections): what two
// journeyd behind a load balancer do to one database.
TEST_P(StoreTest, ConcurrentAppendsFromTwoProcessesStoreTheChainOnce) {
  const auto c = chain("T1", 400);
  const auto race = [&](int first) {
    std::vector<std::thread> threads;
    std::atomic<int> done{0};
    std::string errors[2];
    for (int k = 0; k < 2; ++k) {
      threads.emplace_back([&, k] {
        auto store = open();
        if (store != nullptr && push_chain(*store, c, 1 + 10 * (first + k), &errors[k])) ++done;
      });
    }
    for (auto& t : threads) t.join();
    return done.load() == 2;
  };
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(race(2) ? 0 : 1);  // _exit: the cluster belongs to the parent
  const bool parent_ok = race(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(parent_ok);
  EXPECT_EQ(count(), 400);
  expect_chain("T1", c);
}

// Writers of three terminals commit while a reader pages by cursor: the
// reader must see every event exactly once, none skipped by a commit that
// landed behind its cursor.
TEST_P(StoreTest, CursorReadersNeverSkipEventsCommittedConcurrently) {
  constexpr int kEvents = 300;
  std::atomic<int> writers_done{0};
  std::vector<std::thread> writers;
  for (const char* t : {"T1", "T2", "T3"}) {
    writers.emplace_back([&, terminal = std::string(t)] {
      auto store = open();
      const auto c = chain(terminal, kEvents);
      for (std::int64_t s = 1; store != nullptr && s <= kEvents;) {
        auto ack = store->append(terminal, slice(c, s, s + 9));
        if (ack.ok()) {
          s = ack->seq + 1;
        } else if (ack.error().code() != ErrorCode::kUnavailable) {
          ADD_FAILURE() << ack.error().message();
          break;
        }
      }
      ++writers_done;
    });
  }
  auto reader = open();
  ASSERT_NE(reader, nullptr);
  std::map<std::string, std::set<std::int64_t>> seen;
  std::int64_t cursor = 0;
  std::size_t total = 0;
  bool duplicate = false;
  for (int idle = 0; idle < 3;) {
    const bool writing = writers_done.load() < 3;
    auto page = reader->events_after(cursor, "T4", 25, false);
    ASSERT_TRUE(page.ok()) << page.error().message();
    for (const auto& e : *page) {
      cursor = e.cursor;
      duplicate |= !seen[e.terminal_id].insert(e.seq).second;
      ++total;
    }
    if (!writing && page->empty()) ++idle;
  }
  for (auto& t : writers) t.join();
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(total, 3u * kEvents);
  for (const char* t : {"T1", "T2", "T3"}) EXPECT_EQ(seen[t].size(), std::size_t{kEvents}) << t;
}

// each_journey_fact: only the five journey types (or the one asked for), only
// events with a card, of the shop's terminals, before the bound, in cursor
// order, each with its payload fields taken out by the database.
// store_names: each shop once, sorted.
TEST_P(StoreTest, JourneyFactsAreTheJourneyEventsWithTheirFields) {
  ASSERT_TRUE(store_->add_terminal("Harbour", "till 1", "H1", "x").ok());
  loyalty::PricedBasket priced;
  priced.promotions_applied = {"p1", "p2"};
  priced.codes = {{"VK10", "vk-post"}};
  pos::SaleCompleted sale;
  sale.sale_id = 1;
  sale.at = 103;
  sale.card_id = "C1";
  sale.priced = &priced;
  sale.stamps_earned = 2;
  sale.free_units = 1;
  const std::vector<pos::NewEvent> events = {
      pos::terminal_initialized_event(100, "Harbour", "till 1", "RUB"),  // no card
      pos::card_issued_event("C1", 101, std::string("C0")),
      pos::card_seen_event("C2", 102),
      pos::sale_completed_event(sale),
      pos::card_stamps_event("C1", 1, "coffee", -2, 1, "sale", 103),
      pos::card_stage_event("C1", 1, "new", "purchase", 103),
      pos::card_phone_event("C1", 104, "ab", "cd"),      // not a journey type
      pos::card_issued_event("C3", 200, std::nullopt)};  // at the bound
  std::vector<WireEvent> batch;
  pos::Hash prev(32, 0);
  for (const auto& e : events) {
    pos::Hash hash = pos::event_hash(prev, "H1", static_cast<std::int64_t>(batch.size()) + 1, e);
    batch.push_back(wire("H1", static_cast<std::int64_t>(batch.size()) + 1, e, prev, hash));
    prev = std::move(hash);
  }
  ASSERT_TRUE(store_->append("H1", batch).ok());
  ASSERT_TRUE(store_->append("T1", chain("T1", 6)).ok());  // Cafe Central: 3 card.stamps

  const auto facts = [&](const std::string& shop, std::int64_t before,
                         const std::string& type = "") {
    std::vector<JourneyFact> out;
    const Status read = store_->each_journey_fact({shop, before, type}, [&](const JourneyFact& f) {
      if (!out.empty()) {
        EXPECT_GT(f.cursor, out.back().cursor);
      }
      out.push_back(f);
    });
    EXPECT_TRUE(read.ok()) << read.error().message();
    return out;
  };
  const auto harbour = facts("Harbour", 200);
  ASSERT_EQ(harbour.size(), 5u);
  const auto expect = [](const JourneyFact& f, const char* type, std::int64_t at, const char* card,
                         std::int64_t sale_id, const char* first, const char* second) {
    EXPECT_EQ(f.terminal_id, "H1");
    EXPECT_EQ(f.type, type);
    EXPECT_EQ(f.at, at);
    EXPECT_EQ(f.card_id, card);
    EXPECT_EQ(f.sale_id, sale_id);
    EXPECT_EQ(f.first, first);
    EXPECT_EQ(f.second, second);
  };
  expect(harbour[0], "card.issued", 101, "C1", 0, "C0", "");
  expect(harbour[1], "card.seen", 102, "C2", 0, "", "");
  expect(harbour[2], "sale.completed", 103, "C1", 1, R"(["p1","p2"])",
         R"([{"code":"VK10","source":"vk-post"}])");
  expect(harbour[3], "card.stamps", 103, "C1", 1, "coffee", "sale");
  expect(harbour[4], "card.stage", 103, "C1", 1, "new", "purchase");
  // The numbers: a sale's stamps earned and free units, a stamp change's.
  EXPECT_EQ(harbour[2].stamps, 2);
  EXPECT_EQ(harbour[2].rewards, 1);
  EXPECT_EQ(harbour[3].stamps, -2);
  EXPECT_EQ(harbour[3].rewards, 1);
  for (const std::size_t i : {0u, 1u, 4u}) {
    EXPECT_EQ(harbour[i].stamps, 0) << i;
    EXPECT_EQ(harbour[i].rewards, 0) << i;
  }
  EXPECT_EQ(facts("Harbour", 201).size(), 6u);
  EXPECT_EQ(facts("Harbour", 103).size(), 2u);
  EXPECT_EQ(facts("", 1767225600 + 100).size(), 6u + 3u);
  EXPECT_EQ(facts("Cafe Central", 1767225600 + 100).size(), 3u);
  EXPECT_EQ(facts("Nowhere", 1767225600 + 100).size(), 0u);
  // One type only (the weekly reports read just the sales).
  const auto sales = facts("Harbour", 200, "sale.completed");
  ASSERT_EQ(sales.size(), 1u);
  expect(sales[0], "sale.completed", 103, "C1", 1, R"(["p1","p2"])",
         R"([{"code":"VK10","source":"vk-post"}])");
  EXPECT_EQ(facts("", 1767225600 + 100, "card.stamps").size(), 1u + 3u);
  EXPECT_EQ(facts("", 1767225600 + 100, "card.phone").size(), 0u);  // not a journey type

  auto shops = store_->store_names();
  ASSERT_TRUE(shops.ok()) << shops.error().message();
  EXPECT_EQ(*shops, (std::vector<std::string>{"Cafe Central", "Harbour"}));

  // each_sale: every sale.completed, with a card or not, of the shop and the
  // times [from, before), with its promotions and lines ("[]" when the
  // payload has none).
  const auto sales_of = [&](const std::string& shop, std::int64_t from, std::int64_t before) {
    std::vector<SaleFact> out;
    const Status read =
        store_->each_sale({shop, from, before}, [&](const SaleFact& f) { out.push_back(f); });
    EXPECT_TRUE(read.ok()) << read.error().message();
    // In no particular order: in time order here.
    std::sort(out.begin(), out.end(),
              [](const SaleFact& a, const SaleFact& b) { return a.at < b.at; });
    return out;
  };
  const auto harbour_sales = sales_of("Harbour", 0, 200);
  ASSERT_EQ(harbour_sales.size(), 1u);
  EXPECT_EQ(harbour_sales[0].terminal_id, "H1");
  EXPECT_EQ(harbour_sales[0].at, 103);
  EXPECT_EQ(harbour_sales[0].promotions, R"(["p1","p2"])");
  EXPECT_EQ(harbour_sales[0].lines, "[]");
  EXPECT_EQ(sales_of("Harbour", 104, 200).size(), 0u);
  // Cafe Central's T1: seq 1, 3, 5 are card-less sales at Jan 1 00:00:01, 03, 05.
  const auto central = sales_of("Cafe Central", 1767225600 + 2, 1767225600 + 100);
  ASSERT_EQ(central.size(), 2u);
  EXPECT_EQ(central[0].at, 1767225600 + 3);
  EXPECT_EQ(central[0].lines, "[]");
  EXPECT_EQ(sales_of("", 0, 1767225600 + 100).size(), 1u + 3u);
}

// The journey facts are written at append (journey_facts, migration 5): a
// payload that is not JSON (or a batch holding one) is stored all the same,
// its fact read with empty fields; the facts of the batch around it keep
// theirs.
TEST_P(StoreTest, JourneyFactsOfAPayloadThatIsNotJsonAreEmpty) {
  ASSERT_TRUE(store_->add_terminal("Harbour", "till 1", "H1", "x").ok());
  const std::vector<pos::NewEvent> events = {
      pos::card_stamps_event("C1", 1, "coffee", 2, 0, "sale", 101),
      {"card.stamps", 102, std::string("C1"), 2, "not json {"},
      {"card.stage", 103, std::string("C1"), 2, R"({"from":"new","to":"\u0000"})"},
      pos::card_stage_event("C1", 2, "new", "purchase", 104)};
  std::vector<WireEvent> batch;
  pos::Hash prev(32, 0);
  for (const auto& e : events) {
    pos::Hash hash = pos::event_hash(prev, "H1", static_cast<std::int64_t>(batch.size()) + 1, e);
    batch.push_back(wire("H1", static_cast<std::int64_t>(batch.size()) + 1, e, prev, hash));
    prev = std::move(hash);
  }
  ASSERT_TRUE(store_->append("H1", batch).ok());
  std::vector<JourneyFact> facts;
  const Status read = store_->each_journey_fact({"Harbour", 200, ""},
                                                [&](const JourneyFact& f) { facts.push_back(f); });
  ASSERT_TRUE(read.ok()) << read.error().message();
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].first, "coffee");
  EXPECT_EQ(facts[0].stamps, 2);
  EXPECT_EQ(facts[1].type, "card.stamps");
  EXPECT_EQ(facts[1].sale_id, 2);
  EXPECT_EQ(facts[1].first, "");
  EXPECT_EQ(facts[1].stamps, 0);
  EXPECT_EQ(facts[2].type, "card.stage");
  EXPECT_EQ(facts[3].first, "new");
  EXPECT_EQ(facts[3].second, "purchase");
}

// The card page's read: one card's events of every terminal, in cursor order.
TEST_P(StoreTest, CardEventsAreOneCardsOfEveryTerminalInCursorOrder) {
  const auto a = chain("T1", 40);
  const auto b = chain("T2", 40, "b");
  ASSERT_TRUE(store_->append("T1", slice(a, 1, 20)).ok());
  ASSERT_TRUE(store_->append("T2", b).ok());
  ASSERT_TRUE(store_->append("T1", slice(a, 21, 40)).ok());
  auto events = store_->card_events("CARD3", 100);
  ASSERT_TRUE(events.ok()) << events.error().message();
  // Seqs 10, 24, 38 in each chain are even with seq % 7 == 3.
  std::vector<std::pair<std::string, std::int64_t>> got;
  std::int64_t cursor = 0;
  for (const auto& e : *events) {
    EXPECT_EQ(e.card_id, "CARD3");
    EXPECT_GT(e.cursor, cursor);
    cursor = e.cursor;
    got.emplace_back(e.terminal_id, e.seq);
  }
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {std::string("T1"), 10}, {std::string("T2"), 10}, {std::string("T2"), 24},
      {std::string("T2"), 38}, {std::string("T1"), 24}, {std::string("T1"), 38}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(store_->card_events("CARD3", 2)->size(), 2u);
  EXPECT_TRUE(store_->card_events("NOBODY", 100)->empty());
}

// The join page's contacts: one per card, kept apart, erased on request.
TEST_P(StoreTest, ContactsAreKeptApartAndForgotten) {
  ASSERT_TRUE(store_->add_contact({"c2", "b@example.com", 200, "flyer"}).ok());
  ASSERT_TRUE(store_->add_contact({"c1", "a@example.com", 100, "poster"}).ok());
  EXPECT_EQ(store_->add_contact({"c1", "x@example.com", 300, "x"}).error().code(),
            ErrorCode::kConflict);
  auto all = store_->contacts();
  ASSERT_TRUE(all.ok()) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].card_id, "c1");
  EXPECT_EQ((*all)[0].email, "a@example.com");
  EXPECT_EQ((*all)[0].consented_at, 100);
  EXPECT_EQ((*all)[0].source, "poster");
  EXPECT_EQ((*all)[1].card_id, "c2");
  EXPECT_EQ(store_->forget_contact("c1").value(), true);
  EXPECT_EQ(store_->forget_contact("c1").value(), false);
  EXPECT_EQ(store_->contacts()->size(), 1u);
}

// Owner accounts and sessions of the dashboard (sync/journeyd/owner_accounts.h).
TEST_P(StoreTest, OwnersAndSessionsAreKeptAndExpire) {
  ASSERT_TRUE(store_->add_owner({"anna", "scrypt$hash", 100}).ok());
  const Status again = store_->add_owner({"anna", "other", 200});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  auto anna = store_->find_owner("anna");
  ASSERT_TRUE(anna.ok()) << anna.error().message();
  EXPECT_EQ(anna->password_hash, "scrypt$hash");
  EXPECT_EQ(anna->created_at, 100);
  EXPECT_EQ(store_->find_owner("boris").error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(store_->add_session({"s1", "anna", "csrf1", 1000}, 500).ok());
  auto found = store_->find_session("s1", 999);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(found->owner, "anna");
  EXPECT_EQ(found->csrf, "csrf1");
  EXPECT_EQ(found->expires_at, 1000);
  EXPECT_EQ(store_->find_session("s1", 1000).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_session("s2", 500).error().code(), ErrorCode::kNotFound);
  // A new session clears the expired ones.
  ASSERT_TRUE(store_->add_session({"s2", "anna", "csrf2", 5000}, 2000).ok());
  ASSERT_TRUE(store_->add_session({"s1", "anna", "csrf3", 5000}, 2000).ok());
  ASSERT_TRUE(store_->end_session("s1").ok());
  EXPECT_EQ(store_->find_session("s1", 2000).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->find_session("s2", 2000).ok());
  // A session of nobody is refused.
  EXPECT_FALSE(store_->add_session({"s3", "nobody", "c", 5000}, 2000).ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Backend::kSqlite ? "sqlite" : "postgresql";
                         });

TEST(MakeStore, RefusesAnUnknownUrl) {
  EXPECT_EQ(make_store("mysql://x").error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(make_store("sqlite:").error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace loyalpos::sync
