// Printing through the real binary: a network printer that refuses, comes
// back, or breaks mid-job, and what the sale, the queue and reprint do about
// it. The sale is always recorded exactly once.
#include <gtest/gtest.h>

#include <chrono>

#include "cli_runner.h"
#include "shipped_config.h"
#include "tests/pos/fake_printer.h"

namespace loyalpos::e2e {
namespace {

class Printing : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_.set_env("LOYALPOS_NOW", "2026-11-21T09:15:00");
    auto init =
        cli_.run({"init", "--store", "Café Central", "--terminal", "c1", "--sample-catalog"});
    ASSERT_EQ(init.code, 0) << init.err;
  }

  void use_network_printer(std::uint16_t port) {
    std::ofstream(cli_.home() + "/config.toml")
        << shipped_config_without_printer()
        << "\n[printer]\ntype = \"network\"\nprofile = \"xprinter-58\"\nhost = \"127.0.0.1\"\n"
        << "port = " << port << "\nconnect_timeout_ms = 1000\ndrain_timeout_ms = 2000\n";
  }

  std::int64_t sales() {
    auto audit = cli_.run({"audit", "--json"});
    EXPECT_EQ(audit.code, 0) << audit.err;
    return audit.json()["sales"];
  }

  Cli cli_;
};

TEST_F(Printing, AQueuedReceiptPrintsOnceWhenThePrinterComesBack) {
  loyalpos::testing::FakeTcpPrinter printer;
  ASSERT_TRUE(printer.ok());
  printer.stop();  // switched off: the port refuses
  use_network_printer(printer.port());

  auto sale = cli_.run({"sale", "COFFEE", "--json"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_EQ(sale.json()["print"]["state"], "pending");
  EXPECT_NE(sale.json()["print"]["error"].get<std::string>().find("refused"), std::string::npos);
  EXPECT_NE(sale.err.find("queued"), std::string::npos) << sale.err;
  EXPECT_EQ(sale.json()["total"], 17000);

  auto queue = cli_.run({"print", "queue", "--json"});
  ASSERT_EQ(queue.code, 0) << queue.err;
  ASSERT_EQ(queue.json()["jobs"].size(), 1u);
  EXPECT_EQ(queue.json()["jobs"][0]["state"], "pending");
  EXPECT_EQ(queue.json()["jobs"][0]["sale_id"], 1);

  ASSERT_TRUE(printer.start());  // back, on the same port
  auto retry = cli_.run({"print", "retry", "--json"});
  ASSERT_EQ(retry.code, 0) << retry.err;
  EXPECT_EQ(retry.json()["printed"], 1);
  EXPECT_EQ(retry.json()["pending"], 0);
  auto again = cli_.run({"print", "retry", "--json"});
  EXPECT_EQ(again.json()["printed"], 0);
  printer.stop();
  EXPECT_EQ(printer.jobs().size(), 1u);
  EXPECT_EQ(sales(), 1);
  EXPECT_EQ(cli_.run({"print", "queue"}).out, "No receipts waiting.\n");
}

TEST_F(Printing, AReceiptBrokenMidJobIsListedAndReprintedByStaff) {
  std::uint16_t healthy_port = 0;
  {
    loyalpos::testing::FakeTcpPrinter dying(64);
    ASSERT_TRUE(dying.ok());
    use_network_printer(dying.port());
    auto sale = cli_.run({"sale", "BAKLAVA"});
    ASSERT_EQ(sale.code, 0) << sale.err;
    EXPECT_NE(sale.out.find("TOTAL RUB"), std::string::npos);  // the receipt is on stdout
    EXPECT_NE(sale.err.find("did not print"), std::string::npos) << sale.err;
    EXPECT_NE(sale.err.find("loyalpos reprint 1"), std::string::npos) << sale.err;
    auto retry = cli_.run({"print", "retry", "--json"});
    EXPECT_EQ(retry.json()["printed"], 0);  // never by itself
  }
  auto queue = cli_.run({"print", "queue"});
  ASSERT_EQ(queue.code, 0);
  EXPECT_NE(queue.out.find("sale 1  failed"), std::string::npos) << queue.out;

  loyalpos::testing::FakeTcpPrinter healthy;
  healthy_port = healthy.port();
  use_network_printer(healthy_port);
  auto reprint = cli_.run({"reprint", "1"});
  ASSERT_EQ(reprint.code, 0) << reprint.err;
  healthy.stop();
  const auto jobs = healthy.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_NE(std::string(jobs[0].begin(), jobs[0].end()).find("REPRINT"), std::string::npos);
  EXPECT_EQ(cli_.run({"print", "queue", "--json"}).json()["jobs"].size(), 0u);
  EXPECT_EQ(sales(), 1);
  auto missing = cli_.run({"reprint", "99"});
  EXPECT_EQ(missing.code, 1);
}

TEST_F(Printing, AStuckPrinterNeitherGetsReceiptsMarkedPrintedNorHoldsTheSale) {
  constexpr int kQueued = 10;
  {
    loyalpos::testing::FakeTcpPrinter off;
    ASSERT_TRUE(off.ok());
    off.stop();  // switched off: these receipts wait in the queue
    use_network_printer(off.port());
    for (int i = 0; i < kQueued; ++i) {
      auto sale = cli_.run({"sale", "TEA", "--json"});
      ASSERT_EQ(sale.code, 0) << sale.err;
      ASSERT_EQ(sale.json()["print"]["state"], "pending");
    }
  }
  // Back on, but it accepts connections and never reads a byte.
  loyalpos::testing::StuckTcpPrinter stuck;
  ASSERT_TRUE(stuck.ok());
  use_network_printer(stuck.port());
  cli_.set_env("LOYALPOS_NOW", "2026-11-21T10:15:00");  // the queued receipts are due

  const auto start = std::chrono::steady_clock::now();
  auto sale = cli_.run({"sale", "COFFEE", "--json"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_LT(took, std::chrono::seconds(5));  // it took 22 s
  EXPECT_NE(sale.json()["print"]["state"], "printed");
  EXPECT_NE(sale.err.find("reprint"), std::string::npos) << sale.err;

  auto queue = cli_.run({"print", "queue", "--json"});
  ASSERT_EQ(queue.code, 0) << queue.err;
  int pending = 0;
  int failed = 0;
  const auto listed = queue.json();
  for (const auto& job : listed["jobs"]) {
    pending += job["state"] == "pending" ? 1 : 0;
    failed += job["state"] == "failed" ? 1 : 0;
  }
  EXPECT_EQ(pending, kQueued);  // left for `print retry`, none marked printed
  EXPECT_EQ(failed, 1);         // the sale's own receipt: staff see it
  EXPECT_EQ(sales(), kQueued + 1);
}

TEST_F(Printing, PrinterCommandsSayWhenNoPrinterIsSetUp) {
  auto test = cli_.run({"printer", "test"});
  EXPECT_EQ(test.code, 1);
  EXPECT_NE(test.err.find("no printer is set up"), std::string::npos) << test.err;
  auto sale = cli_.run({"sale", "TEA", "--json"});
  ASSERT_EQ(sale.code, 0);
  EXPECT_TRUE(sale.json()["print"].is_null());
  EXPECT_EQ(cli_.run({"print", "queue", "--json"}).json()["jobs"].size(), 0u);
}

TEST_F(Printing, AVirtualPrinterPrintsTheTestPage) {
  std::ofstream(cli_.home() + "/config.toml")
      << "[printer]\ntype = \"virtual\"\nprofile = \"epson-tm-t88\"\nfolder = \"paper\"\n";
  auto test = cli_.run({"printer", "test"});
  ASSERT_EQ(test.code, 0) << test.err;
  EXPECT_TRUE(std::filesystem::exists(cli_.home() + "/paper/job-0001.png"));
  auto status = cli_.run({"printer", "status", "--json"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_EQ(status.json()["ready"], true);
}

}  // namespace
}  // namespace loyalpos::e2e
