// `loyalpos backup` and `loyalpos restore` end to end: a backup taken while
// another process rings sales is a consistent prefix of the ledger that
// opens and audits clean; a restore brings the data back and refuses what
// would lose or mix up a ledger's history.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "pos/ledger/schema.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/ledger_files.h"

namespace loyalpos::e2e {
namespace {

namespace fs = std::filesystem;

class BackupRestore : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(open_cafe_with_one_sale(cli_), ""); }
  std::string ledger() const { return cli_.home() + "/ledger.db"; }
  std::string file(const std::string& name) const { return cli_.dir() + "/" + name; }
  CliResult json_run(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    return cli_.run(args);
  }
  std::int64_t sales() const {
    auto audit = json_run({"audit"});
    EXPECT_EQ(audit.code, 0) << audit.err;
    return audit.code == 0 ? audit.json()["sales"].get<std::int64_t>() : -1;
  }

  Cli cli_;
};

// Another process ringing SIMIT in a loop on `home`, a dot in `tally` per
// sale, until it is killed or has sold 300.
pid_t start_seller(const std::string& home, const std::string& tally) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string loop =
        "for i in $(seq 300); do \"$0\" --home \"$1\" sale SIMIT "
        ">/dev/null 2>&1 && printf . >>\"$2\"; done";
    execl("/bin/bash", "bash", "-c", loop.c_str(), LOYALPOS_BINARY, home.c_str(), tally.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits (up to a minute) for the seller's `n`th sale.
bool sold(const std::string& tally, std::size_t n) {
  for (int i = 0; i < 3000 && slurp(tally).size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return slurp(tally).size() >= n;
}

TEST_F(BackupRestore, ABackupTakenWhileAnotherProcessSellsIsAConsistentPrefix) {
  const std::string tally = file("tally");
  const pid_t seller = start_seller(cli_.home(), tally);
  ASSERT_GT(seller, 0);
  EXPECT_TRUE(sold(tally, 3));
  auto first = json_run({"backup", file("during.db")});
  auto second = json_run({"backup", file("during-2.db")});
  EXPECT_TRUE(sold(tally, 6));
  kill(seller, SIGTERM);
  int status = 0;
  waitpid(seller, &status, 0);
  ASSERT_EQ(first.code, 0) << first.err;
  ASSERT_EQ(second.code, 0) << second.err;
  ASSERT_GT(sales(), second.json()["sales"].get<std::int64_t>());  // sales went on around them

  const auto live = event_hashes(ledger());
  for (const auto* backup : {&first, &second}) {
    const std::string path = backup->json()["backup"];
    const auto copied = event_hashes(path);
    ASSERT_FALSE(copied.empty());
    EXPECT_EQ(static_cast<std::int64_t>(copied.size()), backup->json()["events"]);
    ASSERT_LT(copied.size(), live.size());
    EXPECT_TRUE(std::equal(copied.begin(), copied.end(), live.begin())) << path;
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    Cli reader;  // the backup as a ledger of its own: it opens and audits clean
    fs::create_directories(reader.home());
    fs::copy_file(path, reader.home() + "/ledger.db");
    auto audit = reader.run({"--json", "audit"});
    EXPECT_EQ(audit.code, 0) << audit.err;
    EXPECT_EQ(audit.json()["sales"], backup->json()["sales"]);
  }
  // No temporary file is left beside the backups.
  for (const auto& entry : fs::directory_iterator(cli_.dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos)
        << entry.path();
  }
}

TEST_F(BackupRestore, ABackupSaysWhatItSavedAndNeverOverwritesUnlessForced) {
  auto saved = json_run({"backup", file("b.db")});
  ASSERT_EQ(saved.code, 0) << saved.err;
  EXPECT_EQ(saved.json()["sales"], 1);
  EXPECT_EQ(saved.json()["bytes"], static_cast<std::int64_t>(fs::file_size(file("b.db"))));
  EXPECT_FALSE(saved.json()["last_sale_at"].is_null());
  auto text = cli_.run({"backup", file("c.db")});
  EXPECT_NE(text.out.find("Saved"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 sales (the last at 2026-11-23 10:00)"), std::string::npos) << text.out;

  const std::string before = slurp(file("b.db"));
  auto again = cli_.run({"backup", file("b.db")});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(file("b.db")), before);
  ASSERT_EQ(cli_.run({"sale", "LATTE"}).code, 0);
  auto forced = json_run({"backup", file("b.db"), "--force"});
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(forced.json()["sales"], 2);
}

TEST_F(BackupRestore, ARestoreBringsTheDataBackAndKeepsWhatItReplaced) {
  ASSERT_EQ(cli_.run({"sale", "LATTE"}).code, 0);
  ASSERT_EQ(json_run({"backup", file("two-sales.db")}).code, 0);
  const auto hashes = event_hashes(ledger());

  // The ledger is lost: the backup comes back in its place.
  fs::remove(ledger());
  auto restored = json_run({"restore", file("two-sales.db")});
  ASSERT_EQ(restored.code, 0) << restored.err;
  EXPECT_TRUE(restored.json()["kept"].is_null());
  EXPECT_EQ(restored.json()["sales"], 2);
  EXPECT_EQ(sales(), 2);
  EXPECT_EQ(event_hashes(ledger()), hashes);
  ASSERT_EQ(cli_.run({"sale", "SIMIT"}).code, 0);  // and it sells on

  // An older ledger here, the newer backup over it: kept beside it.
  ASSERT_EQ(json_run({"backup", file("three-sales.db")}).code, 0);
  ASSERT_EQ(json_run({"restore", file("two-sales.db"), "--force"}).code, 0);
  cli_.set_env("LOYALPOS_NOW", "2026-11-23T11:00:00");
  auto newer = json_run({"restore", file("three-sales.db")});
  ASSERT_EQ(newer.code, 0) << newer.err;
  EXPECT_EQ(newer.json()["kept"], ledger() + ".before-restore-20261123T110000Z");
  EXPECT_EQ(event_hashes(newer.json()["kept"]).size(), hashes.size());
  EXPECT_EQ(sales(), 3);
  auto text = cli_.run({"restore", file("three-sales.db"), "--force"});
  EXPECT_NE(text.out.find("The ledger it replaced is kept at"), std::string::npos) << text.out;
}

TEST_F(BackupRestore, ARestoreRefusesALedgerNewerThanTheBackupUnlessForced) {
  ASSERT_EQ(json_run({"backup", file("one-sale.db")}).code, 0);
  ASSERT_EQ(cli_.run({"sale", "LATTE"}).code, 0);
  const auto hashes = event_hashes(ledger());
  auto refused = cli_.run({"restore", file("one-sale.db")});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("is newer than the backup"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos);
  EXPECT_EQ(event_hashes(ledger()), hashes);
  EXPECT_EQ(sales(), 2);

  auto forced = json_run({"restore", file("one-sale.db"), "--force"});
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(sales(), 1);
  EXPECT_EQ(event_hashes(forced.json()["kept"]), hashes);  // the lost sale is kept aside
}

TEST_F(BackupRestore, ARestoreRefusesAnotherLedger) {
  Cli other;
  ASSERT_EQ(other.run({"init", "--store", "Café", "--terminal", "till-2"}).code, 0);
  ASSERT_EQ(other.run({"backup", file("other.db")}).code, 0);
  auto refused = cli_.run({"restore", file("other.db")});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("are different ledgers (another terminal's)"), std::string::npos)
      << refused.err;
  EXPECT_EQ(sales(), 1);
}

TEST_F(BackupRestore, ARestoreRefusesWhatIsNotAGoodLedgerAndLeavesItAlone) {
  ASSERT_EQ(json_run({"backup", file("newer.db")}).code, 0);
  ASSERT_EQ(change_ledger(file("newer.db"),
                          "PRAGMA user_version = " + std::to_string(pos::kSchemaVersion + 1)),
            "");
  const std::string newer_bytes = slurp(file("newer.db"));
  auto newer = cli_.run({"restore", file("newer.db")});
  EXPECT_EQ(newer.code, 1);
  EXPECT_NE(newer.err.find("was written by a newer loyalpos"), std::string::npos) << newer.err;
  EXPECT_EQ(slurp(file("newer.db")), newer_bytes);

  std::ofstream(file("notes.txt")) << "not a ledger\n";
  auto text = cli_.run({"restore", file("notes.txt")});
  EXPECT_EQ(text.code, 1);
  EXPECT_NE(text.err.find("not a loyalpos ledger"), std::string::npos) << text.err;

  ASSERT_EQ(json_run({"backup", file("tampered.db")}).code, 0);
  ASSERT_EQ(change_ledger(file("tampered.db"), "UPDATE sales SET payment = 'card'"), "");
  auto tampered = cli_.run({"restore", file("tampered.db")});
  EXPECT_EQ(tampered.code, 1);
  EXPECT_NE(tampered.err.find("does not pass the audit"), std::string::npos) << tampered.err;

  auto missing = cli_.run({"restore", file("nowhere.db")});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no backup at"), std::string::npos) << missing.err;
  EXPECT_EQ(sales(), 1);
  for (const auto& entry : fs::directory_iterator(cli_.home())) {
    EXPECT_EQ(entry.path().filename().string().find(".restoring-"), std::string::npos)
        << entry.path();
  }
}

// Another process keeps the ledger open (as serve and the counter do): the
// restore waits for its write to finish, then that connection reads the
// restored ledger.
TEST_F(BackupRestore, ARestoreGoesThroughTheLiveLedgerOthersHaveOpen) {
  ASSERT_EQ(json_run({"backup", file("one-sale.db")}).code, 0);
  auto open = pos::Database::open(ledger(), pos::Database::Mode::kOpenExisting, 5000);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(json_run({"restore", file("one-sale.db"), "--force"}).code, 0);  // fresh, same
  ASSERT_EQ(cli_.run({"sale", "LATTE"}).code, 0);
  auto count = [&open] {
    auto stmt = open->prepare("SELECT count(*) FROM sales");
    auto row = stmt->step();
    return row.ok() && *row ? stmt->column_int(0) : -1;
  };
  EXPECT_EQ(count(), 2);

  {  // a write in progress elsewhere: the restore waits past its busy timeout, changes nothing
    auto tx = pos::Transaction::begin(*open);
    ASSERT_TRUE(tx.ok());
    std::ofstream(cli_.home() + "/config.toml") << "[ledger]\nbusy_timeout_ms = 300\n";
    auto busy = cli_.run({"restore", file("one-sale.db"), "--force"});
    EXPECT_EQ(busy.code, 1);
    EXPECT_NE(busy.err.find("locked by another loyalpos process"), std::string::npos) << busy.err;
  }
  EXPECT_EQ(count(), 2);
  ASSERT_EQ(json_run({"restore", file("one-sale.db"), "--force"}).code, 0);
  EXPECT_EQ(count(), 1);  // the open connection sees the restored ledger
}

}  // namespace
}  // namespace loyalpos::e2e
