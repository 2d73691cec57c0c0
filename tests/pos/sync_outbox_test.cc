// The outbox (pos/ledger/sync_outbox.h): this terminal's chain in bounded
// batches, head office's acknowledgement as the anchor, audit holding the
// chain to it, and the schema 7 → 8 upgrade that brought them.
#include "pos/ledger/sync_outbox.h"

#include <gtest/gtest.h>

#include "pos/ledger/audit.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/peer_events.h"
#include "pos/ledger/published.h"
#include "pos/ledger/schema.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos::testing {
namespace {

class SyncOutbox : public LedgerTest {
 protected:
  // The own event at `seq`, as the outbox gives it.
  OutboxEvent event_at(std::int64_t seq) {
    auto batch = read_outbox(*ledger_, seq - 1, OutboxLimits{1, 1});
    EXPECT_TRUE(batch.ok());
    EXPECT_FALSE(batch->events.empty());
    return batch->events.at(0);
  }
  std::int64_t last_seq() {
    auto stmt = ledger_->db().prepare("SELECT MAX(seq) FROM events");
    EXPECT_TRUE(*stmt->step());
    return stmt->column_int(0);
  }
};

// A 100 000-event backlog (written in one transaction) comes out in order,
// chained, in batches of at most 1000 events and 4 MiB, each read by a
// statement that stops at the limit.
TEST_F(SyncOutbox, PagesAHundredThousandEventsInBoundedBatches) {
  constexpr std::int64_t kEvents = 100000;
  {
    auto tx = Transaction::begin(ledger_->db());
    ASSERT_TRUE(tx.ok());
    EventWriter writer(ledger_->db(), ledger_->terminal().terminal_id);
    for (std::int64_t i = 0; i < kEvents; ++i) {
      ASSERT_TRUE(writer.append({"test.filler", 1000 + i, std::nullopt, i, "{\"n\":1}"}).ok());
    }
    ASSERT_TRUE(tx->commit().ok());
  }
  const std::int64_t total = kEvents + 1;  // and terminal.initialized
  auto unsent = unsent_count(*ledger_);
  ASSERT_TRUE(unsent.ok());
  EXPECT_EQ(*unsent, total);

  std::int64_t after = 0;
  std::int64_t batches = 0;
  std::string prev_hash(64, '0');
  for (;;) {
    auto batch = read_outbox(*ledger_, after);
    ASSERT_TRUE(batch.ok()) << batch.error().message();
    if (batch->events.empty()) break;
    ++batches;
    ASSERT_LE(batch->events.size(), 1000u);
    std::size_t bytes = 0;
    for (const auto& e : batch->events) {
      ASSERT_EQ(e.seq, after + 1);
      ASSERT_EQ(e.prev_hash, prev_hash);
      ASSERT_EQ(e.hash.size(), 64u);
      prev_hash = e.hash;
      after = e.seq;
      bytes += outbox_wire_size(e);
    }
    EXPECT_LE(bytes, 4u << 20);
    EXPECT_EQ(batch->more, after < total);
  }
  EXPECT_EQ(after, total);
  EXPECT_EQ(batches, (total + 999) / 1000);
}

// The byte limit cuts a batch before the event limit does; one event larger
// than the limit still travels alone.
TEST_F(SyncOutbox, TheByteLimitBoundsABatch) {
  {
    auto tx = Transaction::begin(ledger_->db());
    EventWriter writer(ledger_->db(), ledger_->terminal().terminal_id);
    const std::string big = "{\"x\":\"" + std::string(1000, 'a') + "\"}";
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(writer.append({"test.big", 1, {}, {}, big}).ok());
    ASSERT_TRUE(writer.append({"test.huge", 1, {}, {}, std::string(100000, '7')}).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  const OutboxLimits limits{1000, 16 * 1024};
  std::int64_t after = 0, events = 0;
  for (;;) {
    auto batch = read_outbox(*ledger_, after, limits);
    ASSERT_TRUE(batch.ok());
    if (batch->events.empty()) break;
    std::size_t bytes = 0;
    for (const auto& e : batch->events) bytes += outbox_wire_size(e);
    if (batch->events.size() > 1) {
      EXPECT_LE(bytes, limits.max_bytes);
    }
    EXPECT_LT(batch->events.size(), 20u);
    after = batch->events.back().seq;
    events += static_cast<std::int64_t>(batch->events.size());
  }
  EXPECT_EQ(events, 52);
}

TEST_F(SyncOutbox, AnAcknowledgementBecomesTheAnchor) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  auto none = anchor(*ledger_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->seq, 0);
  const std::int64_t head = last_seq();
  const OutboxEvent e = event_at(head);
  ASSERT_TRUE(record_ack(*ledger_, head, e.hash, 1234).ok());
  auto held = anchor(*ledger_);
  EXPECT_EQ(held->seq, head);
  EXPECT_EQ(held->hash, e.hash);
  EXPECT_EQ(*unsent_count(*ledger_), 0);
  // An older acknowledgement that matches never lowers it.
  ASSERT_TRUE(record_ack(*ledger_, 1, event_at(1).hash, 1235).ok());
  EXPECT_EQ(anchor(*ledger_)->seq, head);
  auto state = sync_state(*ledger_);
  EXPECT_EQ(state->last_success_at, 1235);
  ASSERT_TRUE(record_sync_error(*ledger_, "head office unreachable", 1240).ok());
  state = sync_state(*ledger_);
  EXPECT_EQ(state->last_error, "head office unreachable");
  EXPECT_EQ(state->last_error_at, 1240);
  ASSERT_TRUE(sell({{"TEA", 1}}, card).ok());
  EXPECT_GT(*unsent_count(*ledger_), 0);
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
}

TEST_F(SyncOutbox, AMismatchedAcknowledgementIsRefused) {
  ASSERT_TRUE(sell({{"TEA", 1}}).ok());
  const std::int64_t head = last_seq();
  std::string other = event_at(head).hash;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  auto refused = record_ack(*ledger_, head, other, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message().find("different history"), std::string::npos);
  // An event this ledger does not hold.
  auto beyond = record_ack(*ledger_, head + 5, event_at(head).hash, 1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(record_ack(*ledger_, head, "not hex", 1).ok());
  EXPECT_EQ(anchor(*ledger_)->seq, 0);
  EXPECT_FALSE(sync_state(*ledger_)->last_success_at);
}

// Rewrite the history before the anchor and recompute every hash after
// it: the chain verifies, every row still matches its events, and only the
// anchor tells.
TEST_F(SyncOutbox, AuditCatchesARehashedRewriteBeforeTheAnchor) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  ASSERT_TRUE(sell({{"TEA", 1}}, card).ok());
  const std::int64_t head = last_seq();
  ASSERT_TRUE(record_ack(*ledger_, head, event_at(head).hash, 1).ok());
  ASSERT_TRUE(audit_ledger(*ledger_).ok());

  Database& db = ledger_->db();
  ASSERT_TRUE(db.exec("DROP TRIGGER events_are_append_only_update").ok());
  // A card.stamps event's time, which no row records, moved by a second.
  auto target = db.prepare("SELECT MIN(seq) FROM events WHERE type = 'card.stamps'");
  ASSERT_TRUE(*target->step());
  const std::int64_t from = target->column_int(0);
  ASSERT_TRUE(db.exec("UPDATE events SET at = at + 1 WHERE seq = " + std::to_string(from)).ok());
  Hash prev = Hash(32, 0);
  {
    auto rows = db.prepare(
        "SELECT seq, type, at, card_id, sale_id, payload, prev_hash FROM events ORDER BY seq");
    std::vector<std::pair<std::int64_t, NewEvent>> all;
    while (*rows->step()) {
      NewEvent e{
          rows->column_text(1), rows->column_int(2),
          rows->column_is_null(3) ? std::nullopt : std::optional<std::string>(rows->column_text(3)),
          rows->column_is_null(4) ? std::nullopt : std::optional<std::int64_t>(rows->column_int(4)),
          rows->column_text(5)};
      all.emplace_back(rows->column_int(0), e);
    }
    for (const auto& [seq, e] : all) {
      const Hash hash = event_hash(prev, ledger_->terminal().terminal_id, seq, e);
      auto update = db.prepare("UPDATE events SET prev_hash = ?1, hash = ?2 WHERE seq = ?3");
      update->bind(1, prev).bind(2, hash).bind(3, seq);
      ASSERT_TRUE(update->run().ok());
      prev = hash;
    }
  }
  ASSERT_TRUE(verify_chain(db, ledger_->terminal().terminal_id).ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_EQ(audit.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(audit.error().message().find("head office acknowledged"), std::string::npos)
      << audit.error().message();
  // Without the anchor, nothing inside the file could tell.
  ASSERT_TRUE(db.exec("UPDATE sync_state SET ack_seq = 0, ack_hash = NULL").ok());
  EXPECT_TRUE(audit_ledger(*ledger_).ok());
}

TEST_F(SyncOutbox, AuditCatchesAnAcknowledgedEventThatIsGone) {
  ASSERT_TRUE(sell({{"TEA", 1}}).ok());
  const std::int64_t head = last_seq();
  ASSERT_TRUE(record_ack(*ledger_, head, event_at(head).hash, 1).ok());
  ASSERT_TRUE(ledger_->db().exec("UPDATE sync_state SET ack_seq = ack_seq + 1").ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("is missing"), std::string::npos);
}

// A schema 7 ledger with card sales upgrades to schema 8, audits clean,
// and takes an acknowledgement and peer events.
TEST(SyncMigration, ASchema7LedgerWithSalesUpgradesAndAuditsClean) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  Config config = default_config();
  FixedClock clock(1795430000);
  {
    auto ledger =
        Ledger::create(path, InitRequest{"Café", "T1", "RUB", std::string(32, 'c'), 1000}, 1000);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message();
    auto products = parse_catalog_csv(default_catalog_csv(), ledger->terminal().currency);
    ASSERT_TRUE(ledger->import_products(*products).ok());
    auto card = ledger->issue_card(*random_card_id(), clock.now_unix());
    ASSERT_TRUE(card.ok());
    SaleService sales(*ledger, config.rules, clock);
    SaleRequest request;
    request.items = {{"CROISSANT", 3}};
    request.card_token = card->token;
    ASSERT_TRUE(sales.sell(request).ok());
    request.items = {{"LATTE", 1}};
    request.card_token.reset();
    ASSERT_TRUE(sales.sell(request).ok());
    // Back to what schema 7 had.
    ASSERT_TRUE(ledger->db()
                    .exec("DROP TABLE published; DROP TABLE peer_events; DROP TABLE sync_state;"
                          " PRAGMA user_version=7")
                    .ok());
  }
  auto ledger = Ledger::open(path, 1000);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message();
  auto version = ledger->db().prepare("PRAGMA user_version");
  ASSERT_TRUE(*version->step());
  EXPECT_EQ(version->column_int(0), kSchemaVersion);
  EXPECT_GE(kSchemaVersion, 9);
  EXPECT_EQ(*published_version(*ledger, "rules"), 0);  // schema 9's table, empty
  auto audit = audit_ledger(*ledger);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, 2);
  auto unsent = unsent_count(*ledger);
  ASSERT_TRUE(unsent.ok());
  EXPECT_EQ(*unsent, audit->events);
  EXPECT_EQ(*peer_cursor(*ledger), 0);
  auto batch = read_outbox(*ledger, audit->events - 1);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->events.size(), 1u);
  ASSERT_TRUE(record_ack(*ledger, audit->events, batch->events[0].hash, 5).ok());
  EXPECT_TRUE(audit_ledger(*ledger).ok());
}

}  // namespace
}  // namespace loyalpos::pos::testing
