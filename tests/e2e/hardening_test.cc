// What a hostile or unlucky user tried at the terminal, through the real
// binary: broken bytes in text and JSON, a config that is a folder, files
// others could read, a backdated clock, a command line that does not parse
// under --json, setup chatter before the JSON.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "cli_runner.h"
#include "pos/ledger/sqlite.h"

namespace loyalpos::e2e {
namespace {

class Hardening : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.run({"init", "--store", "Café", "--terminal", "t1", "--sample-catalog"}).code,
              0);
  }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = cli_.dir() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The one JSON object a --json command wrote on `stream`; fails the test
  // when the text is not exactly that.
  static nlohmann::json one_object(const std::string& stream) {
    auto parsed = nlohmann::json::parse(stream, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << stream;
    return parsed;
  }

  Cli cli_;
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

TEST_F(Hardening, CatalogRefusesInvalidUtf8AndNamesTheLine) {
  for (const std::string bad : {"Bad\xc0\xafname", "Bad\xed\xa0\x80name", "Bad\xf5\x80\x80\x80"}) {
    const auto csv =
        write("bad.csv", "sku,name,category,price\nGOOD,Good,pastry,1\nBAD," + bad + ",pastry,2\n");
    auto r = cli_.run({"catalog", "import", csv});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("line 3: not UTF-8 text"), std::string::npos) << r.err;
    EXPECT_EQ(cli_.run({"sale", "GOOD"}).code, 1) << "nothing of the file was imported";
  }
}

TEST_F(Hardening, ProductNamesHaveALimitInCharacters) {
  std::string cyrillic_200;
  for (int i = 0; i < 200; ++i) cyrillic_200 += "Ж";
  const auto ok = write("ok.csv", "sku,name,category,price\nLONG," + cyrillic_200 + ",pastry,1\n");
  EXPECT_EQ(cli_.run({"catalog", "import", ok}).code, 0);
  const auto long_name = write("long.csv", "sku,name,category,price\nA,a,pastry,1\nLONG2," +
                                               std::string(201, 'x') + ",pastry,1\n");
  auto r = cli_.run({"catalog", "import", long_name});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 3: the name of LONG2 is longer than 200 characters"),
            std::string::npos)
      << r.err;
  const auto ten_mb = write("huge.csv", "sku,name,category,price\nHUGE,\"" +
                                            std::string(10 * 1024 * 1024, 'n') + "\",pastry,1\n");
  r = cli_.run({"catalog", "import", ten_mb});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("line 2: the name of HUGE is longer than 200"), std::string::npos);
  const auto category =
      write("cat.csv", "sku,name,category,price\nC,c," + std::string(65, 'c') + ",1\n");
  r = cli_.run({"catalog", "import", category});
  EXPECT_NE(r.err.find("line 2: the category of C is longer than 64"), std::string::npos);
  const auto tab = write("tab.csv", "sku,name,category,price\nT,\"a\tb\",pastry,1\n");
  r = cli_.run({"catalog", "import", tab});
  EXPECT_NE(r.err.find("line 2: the name of T must be one line"), std::string::npos) << r.err;
}

TEST_F(Hardening, OtherTextFieldsAreLimitedToo) {
  auto r = cli_.run({"sale", "--cashier", std::string(101, 'c'), "COFFEE"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("the cashier's name is longer than 100 characters"), std::string::npos);
  r = cli_.run({"sale", "--cashier", "Ann\xff", "COFFEE"});
  EXPECT_NE(r.err.find("the cashier's name is not UTF-8 text"), std::string::npos);
  Cli other;
  r = other.run({"init", "--store", std::string(101, 's'), "--terminal", "t"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("the store's name is longer than 100"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(other.home() + "/ledger.db"));
}

TEST_F(Hardening, JsonOutputIsTotalOnBrokenBytes) {
  // A misread scan in the command line: a JSON error, not an abort.
  auto r = cli_.run({"--json", "sale",
                     "CROISS\xff"
                     "ANT"});
  EXPECT_EQ(r.code, 1);
  auto error = one_object(r.err);
  EXPECT_EQ(error["error"]["code"], "not_found");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);

  // Text read from a damaged ledger: the sale is recorded and answered.
  {
    auto db =
        pos::Database::open(cli_.home() + "/ledger.db", pos::Database::Mode::kOpenExisting, 1000);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE products SET name = 'Bad' || x'c0af' || 'name' WHERE sku = "
                         "'CROISSANT'")
                    .ok());
  }
  r = cli_.run({"--json", "sale", "CROISSANT"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto sale = one_object(r.out);
  EXPECT_EQ(sale["lines"][0]["name"], "Bad\xef\xbf\xbd\xef\xbf\xbdname");
  r = cli_.run({"--json", "catalog", "list"});
  EXPECT_EQ(r.code, 0);
  one_object(r.out);
  r = cli_.run({"audit"});
  EXPECT_EQ(r.code, 0) << "the recorded sale is whole: " << r.err;
}

TEST_F(Hardening, AConfigPathThatIsAFolderIsRefused) {
  const std::string folder = cli_.dir() + "/conf.d";
  std::filesystem::create_directory(folder);
  auto r = cli_.run({"--config", folder, "sale", "CROISSANT"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("it is a folder, not a file"), std::string::npos) << r.err;

  std::filesystem::remove(cli_.home() + "/config.toml");
  std::filesystem::create_directory(cli_.home() + "/config.toml");
  r = cli_.run({"sale", "CROISSANT"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config.toml: it is a folder"), std::string::npos) << r.err;
  r = cli_.run({"--json", "report", "day"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(one_object(r.err)["error"]["code"], "io");
}

TEST_F(Hardening, TheLedgerAndItsFolderArePrivate) {
  EXPECT_EQ(mode_of(cli_.home()), 0700u);
  EXPECT_EQ(mode_of(cli_.home() + "/ledger.db"), 0600u);
  // The -wal and -shm files exist while a connection is open.
  auto db =
      pos::Database::open(cli_.home() + "/ledger.db", pos::Database::Mode::kOpenExisting, 1000);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("PRAGMA journal_mode=WAL; BEGIN; CREATE TABLE probe(x); ROLLBACK;").ok());
  ASSERT_EQ(cli_.run({"sale", "CROISSANT"}).code, 0);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string path = cli_.home() + "/ledger.db" + suffix;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_EQ(mode_of(path), 0600u) << path;
  }
}

TEST_F(Hardening, TheShippedBinaryIgnoresLoyalposNow) {
  Cli shipped;
  shipped.set_binary(LOYALPOS_SHIPPED_BINARY);
  shipped.set_env("LOYALPOS_NOW", "2020-01-01T10:00:00");
  ASSERT_EQ(shipped.run({"init", "--store", "S", "--terminal", "t", "--sample-catalog"}).code, 0);
  const std::int64_t before = std::time(nullptr);
  auto r = shipped.run({"--json", "sale", "COFFEE"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::int64_t at = r.json()["at"];
  EXPECT_GE(at, before - 5);
  EXPECT_LE(at, std::time(nullptr) + 5);

  cli_.set_env("LOYALPOS_NOW", "2020-01-01T10:00:00");
  r = cli_.run({"--json", "sale", "COFFEE"});
  ASSERT_EQ(r.code, 0);
  EXPECT_LT(r.json()["at"].get<std::int64_t>(), 1600000000) << "the test build honours it";
}

TEST_F(Hardening, AJsonCommandLineThatDoesNotParseAnswersJson) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--json", "sale", "--no-such-flag", "COFFEE"},
        std::vector<std::string>{"--json", "sale"}, std::vector<std::string>{"--json", "fly"},
        std::vector<std::string>{"refund", "twelve", "--json"}}) {
    auto r = cli_.run(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    auto error = one_object(r.err);
    EXPECT_EQ(error["error"]["code"], "invalid_input") << r.err;
  }
  auto r = cli_.run({"sale", "--no-such-flag", "COFFEE"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find("{\"error\""), std::string::npos) << "plain text without --json";
}

// scripts/setup installing packages must keep stdout clean: a fake apt-get
// and dpkg-query that say one package is missing and talk on stdout.
TEST(Setup, SaysNothingOnStdout) {
  Cli cli;
  const std::string bin = cli.dir() + "/fakebin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin + "/dpkg-query") << "#!/bin/sh\necho 'unknown ok not-installed'\n";
  std::ofstream(bin + "/apt-get") << "#!/bin/sh\necho \"Reading package lists... $*\"\n";
  for (const char* tool : {"/dpkg-query", "/apt-get"}) {
    std::filesystem::permissions(bin + tool, std::filesystem::perms::owner_all);
  }
  const std::string out = cli.dir() + "/setup.out", err = cli.dir() + "/setup.err";
  const std::string command =
      "PATH=" + bin + ":/usr/bin:/bin " LOYALPOS_SOURCE_DIR "/scripts/setup >" + out + " 2>" + err;
  ASSERT_EQ(std::system(command.c_str()), 0) << slurp(err);
  EXPECT_EQ(slurp(out), "");
  EXPECT_NE(slurp(err).find("Reading package lists"), std::string::npos) << "apt spoke on stderr";
}

}  // namespace
}  // namespace loyalpos::e2e

namespace loyalpos::e2e {
namespace {

// The receipt as evidence: its journal number and sign, checked by audit.
TEST_F(Hardening, EveryReceiptCarriesItsJournalMarkAndAuditChecksIt) {
  auto r = cli_.run({"--json", "sale", "COFFEE"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto first = r.json()["journal"];
  r = cli_.run({"--json", "sale", "--cashier", "Anna", "CROISSANT"});
  ASSERT_EQ(r.code, 0);
  const auto second = r.json()["journal"];
  EXPECT_GT(second["seq"].get<std::int64_t>(), first["seq"].get<std::int64_t>());
  const std::string seq = std::to_string(second["seq"].get<std::int64_t>());
  const std::string sign = second["sign"];
  ASSERT_EQ(sign.size(), 9u);
  EXPECT_EQ(sign[4], '-');

  // Printed on the receipt as "№ N · SIGN".
  r = cli_.run({"sale", "TEA"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Journal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("№ " + std::to_string(second["seq"].get<std::int64_t>() + 1) + " · "),
            std::string::npos)
      << r.out;

  r = cli_.run({"audit", "--receipt", seq, sign});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("The receipt № " + seq + " matches the ledger"), std::string::npos);
  r = cli_.run({"--json", "audit", "--receipt", seq, sign});
  EXPECT_EQ(r.json()["receipt"], second["seq"]);

  r = cli_.run({"audit", "--receipt", seq, "0000-0000"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not match this ledger"), std::string::npos) << r.err;
  r = cli_.run({"audit", "--receipt", "twelve", sign});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a journal number"), std::string::npos) << r.err;

  // A cashier deletes the last two sales whole, events and all: the chain
  // left is whole and the plain audit cannot tell, but the receipt can.
  {
    auto db =
        pos::Database::open(cli_.home() + "/ledger.db", pos::Database::Mode::kOpenExisting, 1000);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("DROP TRIGGER events_are_append_only_delete;"
                         " DELETE FROM events WHERE sale_id >= 2; DELETE FROM sales"
                         " WHERE sale_id >= 2")
                    .ok());
  }
  r = cli_.run({"audit", "--receipt", seq, sign});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is not in this ledger"), std::string::npos) << r.err;
}

TEST_F(Hardening, AuditNamesTamperedRows) {
  ASSERT_EQ(cli_.run({"sale", "COFFEE"}).code, 0);
  ASSERT_EQ(cli_.run({"refund", "1"}).code, 0);
  const std::string ledger = cli_.home() + "/ledger.db";
  const std::pair<const char*, const char*> edits[] = {
      {"UPDATE sales SET payment = 'card'", "sale 1, column payment"},
      {"UPDATE sales SET created_at = created_at - 86400", "sale 1, column created_at"},
      {"UPDATE sales SET local_date = '2020-01-01'", "sale 1, column local_date"},
      {"UPDATE sales SET total = total + 100, subtotal = subtotal + 100", "sale is not whole"},
      {"UPDATE refunds SET amount = 1", "refund differs from its sale.refunded event"},
      {"DELETE FROM refunds; UPDATE sales SET refunded = 0",
       "sale.refunded event has no refund row: 1"},
  };
  for (const auto& [sql, message] : edits) {
    {
      auto db = pos::Database::open(ledger, pos::Database::Mode::kOpenExisting, 1000);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(db->exec(std::string("BEGIN; ") + sql + "; COMMIT").ok()) << sql;
    }
    auto r = cli_.run({"audit"});
    EXPECT_EQ(r.code, 1) << sql;
    EXPECT_NE(r.err.find(message), std::string::npos) << sql << ": " << r.err;
    // Back to the truth for the next edit: a fresh ledger with the same story.
    std::filesystem::remove_all(cli_.home());
    ASSERT_EQ(cli_.run({"init", "--store", "Café", "--terminal", "t1", "--sample-catalog"}).code,
              0);
    ASSERT_EQ(cli_.run({"sale", "COFFEE"}).code, 0);
    ASSERT_EQ(cli_.run({"refund", "1"}).code, 0);
  }
}

}  // namespace
}  // namespace loyalpos::e2e

namespace loyalpos::e2e {
namespace {

std::int64_t cards_in(const Cli& cli) { return cli.run({"--json", "audit"}).json()["cards"]; }

TEST_F(Hardening, ACardSheetWritesOnlyRegularFilesAndIssuesOnlyWhatItPrinted) {
  const std::int64_t before = cards_in(cli_);
  // A device node: refused, left alone, no cards.
  auto r = cli_.run({"card", "sheet", "--count", "3", "--out", "/dev/null"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/dev/null: it is a device"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  // A symbolic link: refused, its target untouched.
  const std::string target = write("precious.txt", "keep me");
  const std::string link = cli_.dir() + "/sheet.pdf";
  std::filesystem::create_symlink(target, link);
  r = cli_.run({"card", "sheet", "--count", "3", "--out", link});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("it is a symbolic link"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(target), "keep me");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  // A folder that does not exist: plain words, no cards, no stray files.
  r = cli_.run({"card", "sheet", "--count", "3", "--out", cli_.dir() + "/no/such/sheet.pdf"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no cards issued: cannot write"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such folder"), std::string::npos) << r.err;
  EXPECT_EQ(cards_in(cli_), before);

  // A regular file is replaced, and the cards are issued with it.
  const std::string pdf = write("old.pdf", "old");
  r = cli_.run({"--json", "card", "sheet", "--count", "3", "--out", pdf});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(pdf).substr(0, 5), "%PDF-");
  EXPECT_EQ(cards_in(cli_), before + 3);
  for (const auto& entry : std::filesystem::directory_iterator(cli_.dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".old.pdf."), std::string::npos)
        << "a temporary file was left: " << entry.path();
  }
}

}  // namespace
}  // namespace loyalpos::e2e

namespace loyalpos::e2e {
namespace {

TEST_F(Hardening, ARefundOfSomeItemsThroughTheCommandLine) {
  ASSERT_EQ(cli_.run({"sale", "CROISSANT*3", "COFFEE"}).code, 0);
  auto r = cli_.run({"refund", "1", "croissant*2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Refunded part of sale 1: 300.00 RUB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 x Croissant"), std::string::npos) << r.out;
  r = cli_.run({"--json", "refund", "1", "CROISSANT*2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("has 1 CROISSANT left to refund, not 2"), std::string::npos) << r.err;
  r = cli_.run({"--json", "refund", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rest = r.json();
  EXPECT_EQ(rest["refunded"], 15000 + 17000);
  EXPECT_EQ(rest["complete"], true);
  EXPECT_EQ(rest["lines"].size(), 2u);
  auto day = cli_.run({"--json", "report", "day"}).json();
  EXPECT_EQ(day["refunds"], 2);
  EXPECT_EQ(day["refunded"], 62000);
  EXPECT_EQ(day["net"], 0);
  EXPECT_EQ(cli_.run({"audit"}).code, 0);
}

}  // namespace
}  // namespace loyalpos::e2e
