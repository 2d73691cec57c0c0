#include "pos/app/print_spool.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "fake_printer.h"
#include "hardware/printer_tcp.h"
#include "hardware/printer_virtual.h"
#include "pos/app/print_messages.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using namespace std::chrono_literals;
using testing::LedgerTest;

PrinterProfile profile(const char* name) { return *builtin_profile(name); }

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

// A printer for spool tests: keeps every job it is handed, or answers
// `busy` (the printer was not reached) while busy is set. Thread-safe, so
// spools on several connections can share one.
class CountingPrinter {
 public:
  using Bytes = std::vector<std::uint8_t>;

  hardware::SinkPrinter printer(std::function<void()> before_each = {}) {
    return hardware::SinkPrinter(
        *builtin_profile("epson-tm-t88"),
        [this, before_each](std::span<const std::uint8_t> job) -> Status {
          if (before_each) before_each();
          std::lock_guard lock(mutex_);
          if (busy_) return Error(ErrorCode::kUnavailable, "the printer refused the connection");
          if (stuck_) return Error(ErrorCode::kIo, "the printer did not take the whole receipt");
          jobs_.emplace_back(job.begin(), job.end());
          return ok_status();
        });
  }
  void set_busy(bool busy) {
    std::lock_guard lock(mutex_);
    busy_ = busy;
  }
  void set_stuck(bool stuck) {
    std::lock_guard lock(mutex_);
    stuck_ = stuck;
  }
  std::vector<Bytes> jobs() {
    std::lock_guard lock(mutex_);
    return jobs_;
  }

 private:
  std::mutex mutex_;
  bool busy_ = false;
  bool stuck_ = false;
  std::vector<Bytes> jobs_;
};

class PrintSpoolTest : public LedgerTest {
 protected:
  // `n` sales whose receipts wait in the queue (the printer was busy).
  void queue_receipts(int n, CountingPrinter& counting) {
    counting.set_busy(true);
    auto printer = counting.printer();
    PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
    for (int i = 0; i < n; ++i) {
      auto sale = sell({{"COFFEE", 1}});
      ASSERT_TRUE(sale.ok());
      ASSERT_EQ(spool.print_sale(*sale).state, "pending");
    }
    counting.set_busy(false);
  }

  std::string job_states() {
    auto stmt = ledger_->db().prepare("SELECT group_concat(state, ',') FROM print_jobs");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_text(0);
  }
  std::int64_t spool_jobs_pending() {
    auto stmt = ledger_->db().prepare("SELECT COUNT(*) FROM print_jobs WHERE state = 'pending'");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_int(0);
  }
  std::vector<PrintJob> spool_open_jobs() {
    PrintSpool spool(*ledger_, clock_, nullptr, receipt_options(config_));
    auto jobs = spool.open_jobs();
    EXPECT_TRUE(jobs.ok());
    return jobs.ok() ? *jobs : std::vector<PrintJob>{};
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

TEST_F(PrintSpoolTest, TwoRetriesAtOnceOnTheirOwnConnectionsPrintEachReceiptOnce) {
  constexpr int kJobs = 20;
  CountingPrinter counting;
  queue_receipts(kJobs, counting);
  ASSERT_EQ(spool_jobs_pending(), kJobs);

  // The first spool stops inside its first job until the second spool has
  // read the queue and run: the second reads the queue after the claim.
  std::mutex mutex;
  std::condition_variable changed;
  bool first_printing = false;
  bool second_done = false;
  auto first_printer = counting.printer([&] {
    std::unique_lock lock(mutex);
    if (first_printing) return;
    first_printing = true;
    changed.notify_all();
    changed.wait_for(lock, 5s, [&] { return second_done; });
  });
  Result<RetrySummary> first_summary = Error::internal("not run");
  std::thread first([&] {
    auto ledger = Ledger::open(path(), config_.busy_timeout_ms);
    ASSERT_TRUE(ledger.ok());
    PrintSpool spool(*ledger, clock_, &first_printer, receipt_options(config_));
    first_summary = spool.retry(true);
  });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 5s, [&] { return first_printing; }));
  }
  {
    auto ledger = Ledger::open(path(), config_.busy_timeout_ms);
    ASSERT_TRUE(ledger.ok());
    auto second_printer = counting.printer();
    PrintSpool spool(*ledger, clock_, &second_printer, receipt_options(config_));
    auto second_summary = spool.retry(true);
    EXPECT_TRUE(second_summary.ok());
  }
  {
    std::lock_guard lock(mutex);
    second_done = true;
    changed.notify_all();
  }
  first.join();
  ASSERT_TRUE(first_summary.ok()) << first_summary.error().message();

  const auto jobs = counting.jobs();
  EXPECT_EQ(jobs.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<CountingPrinter::Bytes>(jobs.begin(), jobs.end()).size(),
            static_cast<std::size_t>(kJobs));
  EXPECT_EQ(spool_jobs_pending(), 0);
  EXPECT_TRUE(spool_open_jobs().empty());
}

TEST_F(PrintSpoolTest, RetriesRacingFreelyPrintEachReceiptOnce) {
  constexpr int kJobs = 20;
  CountingPrinter counting;
  queue_receipts(kJobs, counting);
  const auto racer = [&] {
    auto ledger = Ledger::open(path(), config_.busy_timeout_ms);
    ASSERT_TRUE(ledger.ok());
    auto printer = counting.printer([] { std::this_thread::sleep_for(1ms); });
    PrintSpool spool(*ledger, clock_, &printer, receipt_options(config_));
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(spool.retry(true).ok());
  };
  std::thread a(racer);
  std::thread b(racer);
  a.join();
  b.join();
  const auto jobs = counting.jobs();
  EXPECT_EQ(jobs.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<CountingPrinter::Bytes>(jobs.begin(), jobs.end()).size(),
            static_cast<std::size_t>(kJobs));
  EXPECT_EQ(spool_jobs_pending(), 0);
}

TEST_F(PrintSpoolTest, AClaimOfAKilledProcessExpiresAndTheReceiptPrintsOnce) {
  CountingPrinter counting;
  queue_receipts(1, counting);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A second loyalpos that dies in the middle of sending the job.
    auto ledger = Ledger::open(path(), config_.busy_timeout_ms);
    if (!ledger.ok()) ::_exit(2);
    hardware::SinkPrinter dying(*builtin_profile("epson-tm-t88"),
                                [](std::span<const std::uint8_t>) -> Status {
                                  ::raise(SIGKILL);
                                  return ok_status();
                                });
    PrintSpool spool(*ledger, clock_, &dying, receipt_options(config_));
    (void)spool.retry(true);
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  // While its claim lasts, nobody else sends the job — but it stays listed.
  auto printer = counting.printer();
  PrintSpool now(*ledger_, clock_, &printer, receipt_options(config_));
  auto retried = now.retry(true);
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(counting.jobs().empty());
  EXPECT_EQ(retried->pending, 1);
  ASSERT_EQ(now.open_jobs()->size(), 1u);
  EXPECT_EQ((*now.open_jobs())[0].state, "pending");
  EXPECT_NE(print_job_line((*now.open_jobs())[0]).find("being printed"), std::string::npos);

  // Once the claim has expired, the job is due again and prints once.
  FixedClock later(clock_.now_unix() + kPrintClaimSeconds + 1);
  PrintSpool after(*ledger_, later, &printer, receipt_options(config_));
  auto due = after.retry(false);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->printed, 1);
  EXPECT_EQ(counting.jobs().size(), 1u);
  EXPECT_TRUE(after.retry(true)->tried.empty());
  EXPECT_EQ(counting.jobs().size(), 1u);
  EXPECT_EQ(job_states(), "printed");
}

TEST_F(PrintSpoolTest, RetryStopsAtTheFirstReceiptThePrinterDoesNotTake) {
  CountingPrinter counting;
  queue_receipts(10, counting);
  counting.set_stuck(true);
  auto printer = counting.printer();
  PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
  auto retried = spool.retry(true);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->tried.size(), 1u);  // not ten stuck attempts in a row
  EXPECT_EQ(retried->failed, 1);
  EXPECT_EQ(retried->pending, 9);
}

TEST_F(PrintSpoolTest, RetryStartsNoJobAfterItsTimeBudget) {
  constexpr int kJobs = 10;
  CountingPrinter counting;
  queue_receipts(kJobs, counting);
  auto slow = counting.printer([] { std::this_thread::sleep_for(200ms); });
  PrintSpool spool(*ledger_, clock_, &slow, receipt_options(config_));
  const auto start = std::chrono::steady_clock::now();
  auto retried = spool.retry(true, 500ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(retried.ok());
  EXPECT_GE(retried->printed, 1);
  EXPECT_LT(retried->printed, kJobs);
  EXPECT_EQ(retried->pending, kJobs - retried->printed);
  EXPECT_LT(took, 2s);  // ten jobs take 2 s
  // The rest print on the next retry, each once.
  auto rest = spool.retry(true);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(retried->printed + rest->printed, kJobs);
  EXPECT_EQ(counting.jobs().size(), static_cast<std::size_t>(kJobs));
}

// A virtual printer whose disk is full while it prints: room for 100 bytes
// per file in this process (a write past it fails with EFBIG, SIGXFSZ
// ignored), only for the printer's own writes — the ledger's are not limited.
class FullDiskPrinter final : public hardware::EscPosPrinter {
 public:
  explicit FullDiskPrinter(hardware::VirtualPrinter& inner)
      : EscPosPrinter(inner.profile()), inner_(inner) {}
  Status print(const hardware::ReceiptDocument& document) override {
    return full([&] { return inner_.print(document); });
  }
  Status send_job(std::span<const std::uint8_t> job) override {
    return full([&] { return inner_.send_job(job); });
  }

 private:
  template <typename F>
  static Status full(F f) {
    struct rlimit old {};
    if (::getrlimit(RLIMIT_FSIZE, &old) != 0) return Error::internal("getrlimit");
    const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limited = old;
    limited.rlim_cur = 100;
    if (::setrlimit(RLIMIT_FSIZE, &limited) != 0) return Error::internal("setrlimit");
    Status result = f();
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, old_handler);
    return result;
  }
  hardware::VirtualPrinter& inner_;
};

TEST_F(PrintSpoolTest, AVirtualPrinterOnAFullDiskKeepsTheReceiptQueued) {
  const std::string folder = dir_.path() + "/prints";
  ASSERT_TRUE(std::filesystem::create_directories(folder));
  hardware::VirtualPrinter printer(profile("xprinter-58"), folder);
  FullDiskPrinter full(printer);
  auto sale = sell({{"CROISSANT", 1}}, new_card());
  ASSERT_TRUE(sale.ok());
  {
    PrintSpool spool(*ledger_, clock_, &full, receipt_options(config_));
    const PrintOutcome outcome = spool.print_sale(*sale);
    EXPECT_EQ(outcome.state, "pending") << outcome.error;
    EXPECT_TRUE(std::filesystem::is_empty(folder));
    ASSERT_EQ(spool.open_jobs()->size(), 1u);
  }
  PrintSpool spool(*ledger_, clock_, &printer, receipt_options(config_));
  auto retried = spool.retry(true);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->printed, 1);
  EXPECT_TRUE(std::filesystem::exists(folder + "/job-0001.png"));
  EXPECT_EQ(job_states(), "printed");
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
