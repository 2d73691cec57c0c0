#include "pos/ledger/ledger.h"

#include <fstream>
#include <iterator>

#include "pos/ledger/audit.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/sale_reader.h"
#include "pos/ledger/schema.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;
using testing::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LedgerOpen, AMissingLedgerIsAClearErrorAndIsNotCreated) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  auto ledger = Ledger::open(path, 100);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(ledger.error().message().find("loyalpos init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(LedgerOpen, AFileThatIsNotADatabaseIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  std::ofstream(path) << "this is not a database, it is a shopping list\n";
  const std::string before = read_file(path);
  auto ledger = Ledger::open(path, 100);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(ledger.error().message().find(path), std::string::npos);
  EXPECT_EQ(read_file(path), before);
}

TEST(LedgerOpen, AnotherSqliteDatabaseIsNotTakenForALedger) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  {
    auto db = Database::open(path, Database::Mode::kCreate, 100);
    ASSERT_TRUE(db->exec("CREATE TABLE recipes(name TEXT)").ok());
  }
  auto ledger = Ledger::open(path, 100);
  ASSERT_FALSE(ledger.ok());
  EXPECT_NE(ledger.error().message().find("not a loyalpos ledger"), std::string::npos);
}

class LedgerFileTest : public LedgerTest {};

TEST_F(LedgerFileTest, ReopensWithItsIdentityAndTheDurablePragmas) {
  const std::string id = ledger_->terminal().terminal_id;
  ledger_.reset();
  auto reopened = Ledger::open(path(), 100);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message();
  EXPECT_EQ(reopened->terminal().terminal_id, id);
  EXPECT_EQ(reopened->terminal().store_name, "Café");
  EXPECT_EQ(reopened->terminal().currency.code, "RUB");
  auto pragma = [&](const char* sql) {
    auto stmt = reopened->db().prepare(sql);
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_text(0);
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma("PRAGMA user_version"), std::to_string(kSchemaVersion));
}

TEST_F(LedgerFileTest, CreatingOverAnExistingLedgerIsRefused) {
  auto again = Ledger::create(path(), InitRequest{"X", "Y", "RUB", *random_terminal_id(), 0}, 100);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
}

TEST_F(LedgerFileTest, ALedgerFromANewerLoyalposIsRefusedAndLeftAlone) {
  ASSERT_TRUE(ledger_->db().exec("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1)).ok());
  ledger_.reset();
  auto ledger = Ledger::open(path(), 100);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(ledger.error().message().find("newer loyalpos"), std::string::npos);
  auto db = Database::open(path(), Database::Mode::kOpenExisting, 100);
  auto stmt = db->prepare("PRAGMA user_version");
  ASSERT_TRUE(stmt->step().ok());
  EXPECT_EQ(stmt->column_int(0), kSchemaVersion + 1);
}

TEST_F(LedgerFileTest, ASaleWaitsForAnotherWriterThenFailsClearlyChangingNothing) {
  ledger_.reset();
  auto slow = Ledger::open(path(), 150);
  ASSERT_TRUE(slow.ok());
  SaleService sales(*slow, config_.rules, clock_);
  auto other = Database::open(path(), Database::Mode::kOpenExisting, 100);
  ASSERT_TRUE(other->exec("BEGIN IMMEDIATE").ok());  // the sync daemon, say
  SaleRequest request;
  request.items = {{"COFFEE", 1}};
  auto sale = sales.sell(request);
  ASSERT_FALSE(sale.ok());
  EXPECT_EQ(sale.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(sale.error().message().find("locked"), std::string::npos);
  ASSERT_TRUE(other->exec("ROLLBACK").ok());
  auto stmt = slow->db().prepare("SELECT COUNT(*) FROM sales");
  ASSERT_TRUE(stmt->step().ok());
  EXPECT_EQ(stmt->column_int(0), 0);
  // Once the other process lets go, the same sale goes through.
  EXPECT_TRUE(sales.sell(request).ok());
}

TEST_F(LedgerFileTest, ImportIsAllOrNothing) {
  std::vector<loyalty::Product> products = {
      {"NEW1", "New one", "pastry", 100, "12345670"},
      {"NEW2", "New two", "pastry", 100, "4600000000015"}};  // BAKLAVA's barcode
  auto status = ledger_->import_products(products);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("4600000000015"), std::string::npos);
  EXPECT_FALSE(*ledger_->find_product("NEW1"));
}

TEST_F(LedgerFileTest, ImportUpdatesExistingProducts) {
  ASSERT_TRUE(ledger_->import_products({{"COFFEE", "Coffee", "drink", 20000, ""}}).ok());
  auto coffee = ledger_->find_product("COFFEE");
  ASSERT_TRUE(coffee.ok() && *coffee);
  EXPECT_EQ((*coffee)->price, 20000);
  EXPECT_EQ(ledger_->products()->size(), 8u);
}

// The counter remembers the products and cards it looked up; another
// process's catalog import (or this one's) must show at the next lookup.
TEST_F(LedgerFileTest, AProductChangedByAnotherProcessIsSeenAtTheNextLookup) {
  auto before = ledger_->find_product("COFFEE");
  ASSERT_TRUE(before.ok() && *before);
  EXPECT_EQ((*before)->price, 17000);
  ASSERT_TRUE(ledger_->find_product("NEWCAKE").ok());
  EXPECT_FALSE(*ledger_->find_product("NEWCAKE"));
  {
    auto other = Ledger::open(path(), 100);
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other
                    ->import_products({{"COFFEE", "Coffee", "drink", 19000, ""},
                                       {"NEWCAKE", "New cake", "pastry", 21000, ""}})
                    .ok());
  }
  auto after = ledger_->find_product("COFFEE");
  ASSERT_TRUE(after.ok() && *after);
  EXPECT_EQ((*after)->price, 19000);
  auto cake = ledger_->find_product("NEWCAKE");
  ASSERT_TRUE(cake.ok() && *cake);
  auto sale = sell({{"COFFEE", 1}, {"NEWCAKE", 1}});
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  EXPECT_EQ(sale->priced.subtotal, 19000 + 21000);
}

TEST_F(LedgerFileTest, AProductImportedHereIsSeenAtTheNextLookup) {
  ASSERT_FALSE(*ledger_->find_product("NEWCAKE"));
  ASSERT_TRUE(ledger_->import_products({{"NEWCAKE", "New cake", "pastry", 21000, ""}}).ok());
  auto cake = ledger_->find_product("NEWCAKE");
  ASSERT_TRUE(cake.ok() && *cake);
  EXPECT_EQ((*cake)->price, 21000);
}

TEST_F(LedgerFileTest, ACardIssuedByAnotherProcessIsFound) {
  ASSERT_TRUE(ledger_->find_product("COFFEE").ok());  // something remembered
  auto other = Ledger::open(path(), 100);
  ASSERT_TRUE(other.ok());
  auto card = other->issue_card(*random_card_id(), 2000);
  ASSERT_TRUE(card.ok());
  auto found = ledger_->find_card(card->token);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->card_id, card->card_id);
  auto again = ledger_->find_card(card->token);
  ASSERT_TRUE(again.ok() && *again);
  EXPECT_EQ((*again)->card_id, card->card_id);
}

TEST_F(LedgerFileTest, JourneyEventsAreAppendOnly) {
  EXPECT_FALSE(ledger_->db().exec("UPDATE events SET payload = '{}'").ok());
  EXPECT_FALSE(ledger_->db().exec("DELETE FROM events").ok());
}

TEST_F(LedgerFileTest, TheChainDetectsAChangedOrRemovedEvent) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  ASSERT_TRUE(sell({{"COFFEE", 1}}, card).ok());
  ASSERT_TRUE(audit_ledger(*ledger_).ok());
  const std::string terminal = ledger_->terminal().terminal_id;
  // Someone with the file and sqlite3 drops the guard and edits history.
  ASSERT_TRUE(ledger_->db()
                  .exec("DROP TRIGGER events_are_append_only_update;"
                        "DROP TRIGGER events_are_append_only_delete;")
                  .ok());
  ASSERT_TRUE(ledger_->db()
                  .exec("UPDATE events SET payload = replace(payload, '\"stamps\":2', "
                        "'\"stamps\":9') WHERE type = 'card.stamps'")
                  .ok());
  auto changed = verify_chain(ledger_->db(), terminal);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message().find("changed"), std::string::npos);

  ASSERT_TRUE(ledger_->db().exec("DELETE FROM events WHERE seq = 3").ok());
  auto removed = verify_chain(ledger_->db(), terminal);
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.error().message().find("missing"), std::string::npos);
}

TEST_F(LedgerFileTest, AuditFindsABalanceThatDriftedFromItsEvents) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 2}}, card).ok());
  ASSERT_TRUE(ledger_->db().exec("UPDATE card_programs SET stamps = 4").ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("balance"), std::string::npos);
}

TEST_F(LedgerFileTest, AuditFindsASaleWhoseLinesWereChanged) {
  ASSERT_TRUE(sell({{"CROISSANT", 2}, {"COFFEE", 1}}, std::nullopt).ok());
  ASSERT_TRUE(audit_ledger(*ledger_).ok());
  // sales.lines, when set, stands for the lines of the sale's event.
  ASSERT_TRUE(ledger_->db()
                  .exec("UPDATE sales SET lines = json_remove((SELECT lines FROM sale_lines_json j"
                        " WHERE j.sale_id = sales.sale_id), '$[1]')")
                  .ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("not whole"), std::string::npos);
}

TEST_F(LedgerFileTest, UnreadableSaleLinesAreNamedByAuditAndByAReprint) {
  auto sale = sell({{"CROISSANT", 1}}, std::nullopt);
  ASSERT_TRUE(sale.ok());
  ASSERT_TRUE(ledger_->db().exec("UPDATE sales SET lines = '[{\"sku\": 7}'").ok());
  auto audit = audit_ledger(*ledger_);
  ASSERT_FALSE(audit.ok());
  EXPECT_NE(audit.error().message().find("lines are not readable"), std::string::npos);
  auto read = read_sale(*ledger_, sale->sale_id);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kCorrupt);
  ASSERT_TRUE(ledger_->db().exec("UPDATE sales SET lines = '[{\"sku\": 7}]'").ok());
  read = read_sale(*ledger_, sale->sale_id);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message().find("unreadable lines"), std::string::npos);
}

// A ledger written by schema 1 (lines in their own table) keeps every line,
// its name, discount and reason when a newer loyalpos opens it.
TEST(LedgerMigration, ASchema1LedgerKeepsEverySaleLineWhenUpgraded) {
  TempDir dir;
  const std::string path = dir.path() + "/ledger.db";
  const std::string terminal(32, 'a');
  {
    auto db = Database::open(path, Database::Mode::kCreate, 100);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(prepare_ledger(*db, path, true, 1).ok());
    ASSERT_TRUE(db->exec("INSERT INTO meta(key, value) VALUES ('terminal_id', '" + terminal +
                         "'), ('terminal_name', 'T1'), ('store_name', 'Café'),"
                         " ('currency', 'RUB'), ('created_at', '0')")
                    .ok());
    // The events as schema 1 wrote them: a sale's event without its lines.
    ASSERT_TRUE(append_event(*db, terminal,
                             {"terminal.initialized",
                              0,
                              {},
                              {},
                              R"({"currency":"RUB","store":"Café","terminal":"T1"})"})
                    .ok());
    ASSERT_TRUE(append_event(*db, terminal,
                             {"sale.completed",
                              10,
                              {},
                              1,
                              R"({"card":null,"currency":"RUB","discount":15000,)"
                              R"("payment":"cash","promotions":[],"sale":1,"subtotal":32000,)"
                              R"("total":17000})"})
                    .ok());
    ASSERT_TRUE(
        append_event(*db, terminal, {"sale.refunded", 20, {}, 1, R"({"amount":17000,"sale":1})"})
            .ok());
    ASSERT_TRUE(
        db->exec("INSERT INTO sales(sale_id, created_at, local_date, card_id, cashier, payment,"
                 " currency, subtotal, discount, total, line_count, stamps_earned, free_units,"
                 " first_event, last_event, refunded) VALUES (1, 10, '2026-11-23', NULL, 'anna',"
                 " 'cash', 'RUB', 32000, 15000, 17000, 2, 0, 0, 2, 2, 1);"
                 "INSERT INTO sale_lines VALUES"
                 " (1, 2, 'TEA', 'Чай', 'drink', 1, 2000, 0, ''),"
                 " (1, 1, 'CROISSANT', 'Круассан', 'pastry', 2, 15000, 15000, 'Second free');"
                 "INSERT INTO refunds VALUES (1, 20, '2026-11-23', 17000)")
            .ok());
  }
  auto ledger = Ledger::open(path, 100);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message();
  auto version = ledger->db().prepare("PRAGMA user_version");
  ASSERT_TRUE(version->step().ok());
  EXPECT_EQ(version->column_int(0), kSchemaVersion);
  auto sale = read_sale(*ledger, 1);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  ASSERT_EQ(sale->priced.lines.size(), 2u);
  EXPECT_EQ(sale->priced.lines[0].product.sku, "CROISSANT");
  EXPECT_EQ(sale->priced.lines[0].product.name, "Круассан");
  EXPECT_EQ(sale->priced.lines[0].product.category, "pastry");
  EXPECT_EQ(sale->priced.lines[0].qty, 2);
  EXPECT_EQ(sale->priced.lines[0].product.price, 15000);
  EXPECT_EQ(sale->priced.lines[0].discount, 15000);
  EXPECT_EQ(sale->priced.lines[0].reason(), "Second free");
  EXPECT_EQ(sale->priced.lines[1].product.name, "Чай");
  EXPECT_EQ(sale->priced.lines[1].discount, 0);
  auto audit = audit_ledger(*ledger);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, 1);
  // Schema 3: the refund row learnt which events are its own.
  auto refund = ledger->db().prepare("SELECT first_event, last_event FROM refunds");
  ASSERT_TRUE(*refund->step());
  EXPECT_EQ(refund->column_int(0), 3);
  EXPECT_EQ(refund->column_int(1), 3);
  auto table = ledger->db().prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sale_lines'");
  ASSERT_TRUE(table->step().ok());
  EXPECT_EQ(table->column_int(0), 0);
  // The journey goes on from the migrated events: the next sale's events
  // follow them in the chain, and its lines come from its event.
  ASSERT_TRUE(ledger->import_products({{"TEA", "Чай", "drink", 2000, ""}}).ok());
  const auto config = testing::default_config();
  const FixedClock clock(100);
  SaleService sales(*ledger, config.rules, clock);
  SaleRequest request;
  request.items = {{"TEA", 3}};
  auto next = sales.sell(request);
  ASSERT_TRUE(next.ok()) << next.error().message();
  auto reread = read_sale(*ledger, next->sale_id);
  ASSERT_TRUE(reread.ok()) << reread.error().message();
  ASSERT_EQ(reread->priced.lines.size(), 1u);
  EXPECT_EQ(reread->priced.lines[0].product.name, "Чай");
  EXPECT_EQ(reread->priced.lines[0].qty, 3);
  audit = audit_ledger(*ledger);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, 2);
  EXPECT_EQ(audit->events, 4);
}

}  // namespace
}  // namespace loyalpos::pos
