#include "pos/ledger.h"

#include <fstream>
#include <iterator>

#include "pos/audit.h"
#include "pos/event_log.h"
#include "pos/schema.h"
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
  EXPECT_EQ(ledger.error().code(), ErrorCode::kNoLedger);
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
  EXPECT_EQ(ledger.error().code(), ErrorCode::kTooNew);
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
  EXPECT_EQ(sale.error().code(), ErrorCode::kBusy);
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

}  // namespace
}  // namespace loyalpos::pos
