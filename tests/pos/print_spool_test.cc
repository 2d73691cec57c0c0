#include "pos/print_spool.h"

#include <filesystem>

#include "fake_printer.h"
#include "hardware/printer_tcp.h"
#include "hardware/printer_virtual.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using namespace std::chrono_literals;
using testing::LedgerTest;

hardware::PrinterProfile profile(const char* name) { return *hardware::builtin_profile(name); }

hardware::TcpPrinterSettings loopback(std::uint16_t port) {
  hardware::TcpPrinterSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.connect_timeout = 1000ms;
  s.write_timeout = 2000ms;
  s.drain_timeout = 2000ms;
  s.status_timeout = 300ms;
  return s;
}

class PrintSpoolTest : public LedgerTest {
 protected:
  std::string job_states() {
    auto stmt = ledger_->db().prepare("SELECT group_concat(state, ',') FROM print_jobs");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_text(0);
  }
};

TEST_F(PrintSpoolTest, AVirtualPrinterWritesTheJobAndItsPreview) {
  const std::string folder = dir_.path() + "/prints";
  hardware::VirtualPrinter printer(profile("xprinter-58"), folder);
  PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
  auto sale = sell({{"CROISSANT", 1}}, new_card());
  ASSERT_TRUE(sale.ok());
  const PrintOutcome printed = spool.print_sale(*sale);
  EXPECT_EQ(printed.state, "printed") << printed.error;
  EXPECT_TRUE(std::filesystem::exists(folder + "/job-0001.bin"));
  EXPECT_TRUE(std::filesystem::exists(folder + "/job-0001.png"));
  EXPECT_EQ(job_states(), "printed");
  EXPECT_TRUE(spool.open_jobs()->empty());
}

TEST_F(PrintSpoolTest, NoPrinterQueuesNothing) {
  PrintSpool spool(*ledger_, clock_, nullptr, receipt_options(config_));
  auto sale = sell({{"TEA", 1}});
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(spool.print_sale(*sale).state, "none");
  EXPECT_EQ(count("print_jobs"), 0);
  EXPECT_FALSE(spool.reprint(sale->sale_id).ok());
}

TEST_F(PrintSpoolTest, AnUnreachablePrinterLeavesThePendingJobForRetryExactlyOnce) {
  loyalpos::testing::FakeTcpPrinter fake;
  ASSERT_TRUE(fake.ok());
  fake.stop();  // the port now refuses
  hardware::TcpPrinter printer(profile("epson-tm-t88"), loopback(fake.port()));
  PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
  auto sale = sell({{"COFFEE", 1}});
  ASSERT_TRUE(sale.ok());
  const PrintOutcome first = spool.print_sale(*sale);
  EXPECT_EQ(first.state, "pending");
  EXPECT_NE(first.error.find("refused"), std::string::npos) << first.error;
  // Not due yet (backoff), so the counter loop leaves it alone.
  EXPECT_TRUE(spool.retry(false)->tried.empty());
  ASSERT_EQ(spool.open_jobs()->size(), 1u);
  EXPECT_EQ((*spool.open_jobs())[0].attempts, 1);

  ASSERT_TRUE(fake.start());  // the printer is back, on the same port
  auto retried = spool.retry(true);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->printed, 1);
  EXPECT_EQ(retried->pending, 0);
  EXPECT_TRUE(spool.retry(true)->tried.empty());
  fake.stop();
  EXPECT_EQ(fake.jobs().size(), 1u);
  EXPECT_EQ(count("sales"), 1);
  EXPECT_EQ(job_states(), "printed");
}

TEST_F(PrintSpoolTest, APrinterThatBreaksMidJobFailsTheJobUntilStaffReprint) {
  auto sale = sell({{"BAKLAVA", 1}});
  ASSERT_TRUE(sale.ok());
  {
    loyalpos::testing::FakeTcpPrinter dying(64);
    ASSERT_TRUE(dying.ok());
    hardware::TcpPrinter printer(profile("xprinter-58"), loopback(dying.port()));
    PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
    const PrintOutcome outcome = spool.print_sale(*sale);
    EXPECT_EQ(outcome.state, "failed") << outcome.error;
    // Never retried by itself.
    EXPECT_TRUE(spool.retry(true)->tried.empty());
    auto open = spool.open_jobs();
    ASSERT_EQ(open->size(), 1u);
    EXPECT_EQ((*open)[0].state, "failed");
    EXPECT_FALSE((*open)[0].last_error.empty());
  }
  loyalpos::testing::FakeTcpPrinter healthy;
  hardware::TcpPrinter printer(profile("xprinter-58"), loopback(healthy.port()));
  PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
  auto copy = spool.reprint(sale->sale_id);
  ASSERT_TRUE(copy.ok()) << copy.error().message();
  EXPECT_TRUE(spool.open_jobs()->empty());
  healthy.stop();
  const auto jobs = healthy.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  const auto& job = jobs[0];
  const std::string text(job.begin(), job.end());
  EXPECT_NE(text.find("REPRINT"), std::string::npos);
  EXPECT_EQ(job_states(), "reprinted,printed");
}

TEST(PrintBackoff, DoublesFromFiveSecondsUpToFiveMinutes) {
  EXPECT_EQ(print_backoff_seconds(1), 5);
  EXPECT_EQ(print_backoff_seconds(2), 10);
  EXPECT_EQ(print_backoff_seconds(4), 40);
  EXPECT_EQ(print_backoff_seconds(100), 300);
}

}  // namespace
}  // namespace loyalpos::pos

#if defined(__SANITIZE_ADDRESS__)
// The virtual printer's preview goes through Pango; fontconfig keeps its
// parsed configuration for the life of the process by design (as in main.cc).
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
