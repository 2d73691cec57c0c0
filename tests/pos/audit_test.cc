// audit_ledger against tampering: after any sequence of sales, refunds and
// card issues, any single row edit, row deletion or event deletion (short of
// rewriting the whole chain) makes audit fail and name what it found.
#include "pos/ledger/audit.h"

#include <gtest/gtest.h>

#include <random>

#include "pos/ledger/event_log.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/random.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::pos::testing {
namespace {

// One cell of a table that events rebuild, addressed by its primary key.
struct Cell {
  std::string table, column;
  std::string where;  // " WHERE key = 'value'"
};

class AuditTamper : public LedgerTest {
 protected:
  // A random history: cards (some referred), sales with and without a card,
  // some of them refunded.
  void ring(std::mt19937& rng) {
    std::vector<Card> cards{new_card()};
    if (rng() % 2) {
      ASSERT_TRUE(attach_phone(*ledger_, cards[0], "+7 999 123-45-67", clock_.now_unix()).ok());
    }
    const char* skus[] = {"CROISSANT", "COFFEE", "BAKLAVA", "TEA", "SIMIT"};
    const int sales = std::uniform_int_distribution<int>(2, 7)(rng);
    std::vector<std::pair<std::int64_t, std::string>> sold;  // a sale and its first SKU
    for (int i = 0; i < sales; ++i) {
      if (rng() % 4 == 0) {
        auto card = ledger_->issue_card(*random_card_id(), clock_.now_unix(), cards[0]);
        ASSERT_TRUE(card.ok());
        cards.push_back(*card);
      }
      std::vector<ItemRequest> items;
      for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) {
        items.push_back({skus[rng() % 5], 1 + static_cast<std::int64_t>(rng() % 6)});
      }
      std::optional<Card> card;
      if (rng() % 3 != 0) card = cards[rng() % cards.size()];
      auto sale = sell(items, card, rng() % 2 ? "cash" : "card");
      ASSERT_TRUE(sale.ok()) << sale.error().message();
      sold.emplace_back(sale->sale_id, items[0].code);
      if (rng() % 3 == 0) {
        // The whole sale, or one unit of its first line.
        const auto& [sale_id, sku] = sold[rng() % sold.size()];
        std::vector<ItemRequest> part;
        if (rng() % 2) part.push_back({sku, 1});
        auto refund = sales_->refund(sale_id, part);
        ASSERT_TRUE(refund.ok() || refund.error().code() == ErrorCode::kConflict ||
                    refund.error().code() == ErrorCode::kInvalidInput);
      }
    }
  }

  std::vector<Cell> cells() {
    std::vector<Cell> out;
    const std::pair<std::string, std::string> tables[] = {
        {"sales", "sale_id"}, {"refunds", "refund_id"},
        {"cards", "card_id"}, {"card_programs", "card_id program_id"},
        {"meta", "key"},      {"card_phones", "card_id"}};
    for (const auto& [table, keys] : tables) {
      auto columns = ledger_->db().prepare("SELECT name FROM pragma_table_info('" + table + "')");
      std::vector<std::string> names;
      while (*columns->step()) names.push_back(columns->column_text(0));
      const bool two = keys.find(' ') != std::string::npos;
      const std::string first = keys.substr(0, keys.find(' '));
      const std::string second = two ? keys.substr(keys.find(' ') + 1) : first;
      auto rows =
          ledger_->db().prepare("SELECT quote(" + first + "), quote(" + second + ") FROM " + table);
      while (*rows->step()) {
        std::string where = " WHERE " + first + " = " + rows->column_text(0);
        if (two) where += " AND " + second + " = " + rows->column_text(1);
        for (const auto& column : names) {
          // Not derived from events: when the card's last stamp was given
          // (it counts expiry) is kept beside the balance only.
          if (table == "card_programs" && column == "last_stamp_at") continue;
          out.push_back({table, column, where});
        }
      }
    }
    return out;
  }

  // Changes the cell to another value its column's CHECK allows; empty
  // when no such value was found (a key taken by the next row).
  std::string edit(Database& db, const Cell& c) {
    const std::string& where = c.where;
    auto type = db.prepare("SELECT typeof(" + c.column + ") FROM " + c.table + where);
    EXPECT_TRUE(*type->step());
    const std::string t = type->column_text(0);
    std::string value = t == "integer" ? c.column + " + 1"
                        : t == "null"  ? "1"
                                       : c.column + " || 'x'";
    if (c.column == "payment") value = "CASE payment WHEN 'cash' THEN 'card' ELSE 'cash' END";
    if (c.column == "refunded") value = "1 - refunded";
    if (c.column == "messages" || c.column == "lines") value = "'[\"x\"]'";
    const std::string sql = "UPDATE " + c.table + " SET " + c.column + " = " + value + where;
    return db.exec(sql).ok() ? sql : std::string();
  }
};

TEST_F(AuditTamper, AnySingleEditOrDeletionIsCaught) {
  // Fresh ledgers, one change each; the seed is in every failure message.
  for (unsigned seed = 1; seed <= 150; ++seed) {
    std::mt19937 rng(seed);
    TearDown();
    ledger_.reset();
    std::filesystem::remove(path());
    std::filesystem::remove(path() + "-wal");
    std::filesystem::remove(path() + "-shm");
    SetUp();
    ring(rng);
    auto clean = audit_ledger(*ledger_);
    ASSERT_TRUE(clean.ok()) << "seed " << seed << ": " << clean.error().message();

    for (int round = 0; round < 3; ++round) {
      // Work on a copy so that one history serves several changes.
      const std::string copy = dir_.path() + "/copy.db";
      std::filesystem::remove(copy);
      {
        auto source = Database::open(path(), Database::Mode::kOpenExisting, 1000);
        ASSERT_TRUE(source.ok());
        auto copied = source->exec("VACUUM INTO '" + copy + "'");
        ASSERT_TRUE(copied.ok()) << copied.error().message();
      }
      std::string what;
      {
        auto db = Database::open(copy, Database::Mode::kOpenExisting, 1000);
        ASSERT_TRUE(db.ok());
        const auto all = cells();
        const int kind = static_cast<int>(rng() % 3);
        if (kind == 0) {
          what = edit(*db, all[rng() % all.size()]);
          if (what.empty()) continue;  // nothing changed
        } else if (kind == 1) {
          const Cell& c = all[rng() % all.size()];
          if (c.table == "card_programs") {
            // A balance row of zero stamps and rewards says nothing an absent
            // one does not; only rows that hold something are deleted.
            auto held =
                db->prepare("SELECT stamps != 0 OR rewards != 0 FROM card_programs" + c.where);
            ASSERT_TRUE(*held->step());
            if (held->column_int(0) == 0) continue;
          }
          what = "DELETE FROM " + c.table + c.where;
          ASSERT_TRUE(db->exec(what).ok()) << what;
        } else {
          auto max = db->prepare("SELECT MAX(seq) FROM events");
          ASSERT_TRUE(*max->step());
          // The last event half the time: nothing after it in the chain.
          const std::int64_t last = max->column_int(0);
          const std::int64_t seq = rng() % 2 ? last : 1 + static_cast<std::int64_t>(rng() % last);
          what = "DELETE FROM events WHERE seq = " + std::to_string(seq);
          ASSERT_TRUE(db->exec("DROP TRIGGER events_are_append_only_delete; " + what).ok());
        }
      }
      auto tampered = Ledger::open(copy, 1000);
      if (!tampered.ok()) continue;  // refused at open: caught
      auto audit = audit_ledger(*tampered);
      EXPECT_FALSE(audit.ok()) << "seed " << seed << ": audit passed after " << what;
      if (!audit.ok()) {
        EXPECT_EQ(audit.error().code(), ErrorCode::kCorrupt) << audit.error().message();
      }
    }
  }
}

TEST_F(AuditTamper, EditsAreNamedByRowAndColumn) {
  auto card = new_card();
  auto sale = sell({{"CROISSANT", 2}, {"COFFEE", 1}}, card);
  ASSERT_TRUE(sale.ok());
  ASSERT_TRUE(ledger_->db().exec("UPDATE sales SET payment = 'card'").ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_EQ(audit.error().message(),
            "sale differs from its sale.completed event: sale 1, column payment");

  ASSERT_TRUE(
      ledger_->db().exec("UPDATE sales SET payment = 'cash', local_date = '2020-01-01'").ok());
  audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("sale 1, column local_date"), std::string::npos);
}

TEST_F(AuditTamper, TheLastEventGoneIsCaught) {
  auto card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 1}}, card).ok());  // ends with its card.stage event
  ASSERT_TRUE(ledger_->db()
                  .exec("DROP TRIGGER events_are_append_only_delete;"
                        " DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)")
                  .ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("events do not match the row that records them: sale 1"),
            std::string::npos)
      << audit.error().message();
}

TEST_F(AuditTamper, AReceiptCatchesALostTail) {
  auto sale = sell({{"COFFEE", 1}});
  ASSERT_TRUE(sale.ok());
  ASSERT_GT(sale->journal_seq, 0);
  ASSERT_EQ(sale->journal_sign.size(), 9u);
  EXPECT_TRUE(check_receipt(*ledger_, sale->journal_seq, sale->journal_sign).ok());
  // Lower case, as a person may type it.
  std::string lower = sale->journal_sign;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(check_receipt(*ledger_, sale->journal_seq, lower).ok());
  EXPECT_FALSE(check_receipt(*ledger_, sale->journal_seq, "0000-0000").ok());

  // The whole last sale gone, its row and its events: the chain that is
  // left is whole, but the customer's receipt is not in it.
  ASSERT_TRUE(ledger_->db()
                  .exec("DROP TRIGGER events_are_append_only_delete;"
                        " DELETE FROM events WHERE sale_id = 1; DELETE FROM sales")
                  .ok());
  auto lost = check_receipt(*ledger_, sale->journal_seq, sale->journal_sign);
  ASSERT_FALSE(lost.ok());
  EXPECT_NE(lost.error().message().find("is not in this ledger"), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos::testing
