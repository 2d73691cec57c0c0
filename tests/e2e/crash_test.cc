// Crash safety: a child process rings up sales and refunds on a real ledger
// and is killed with SIGKILL at a random moment, over and over. After every
// kill the ledger must pass the audit (integrity, whole sales, balances equal
// to their events, the event chain) and hold every sale and refund the child
// reported as done. The child reports an operation only after sell() or
// refund() returned, i.e. after its transaction committed.
//
// Each kill comes 0-30 ms after fork() in one round of five, so some land
// while the child opens the ledger and SQLite recovers the WAL, and 0-30 ms
// after the child says the ledger is open in the others, so most land inside
// a sale or refund, largely in its commit. The summary line counts them.
//
// LOYALPOS_CRASH_SEED fixes the random choices (baskets, cards, delays) and
// LOYALPOS_CRASH_ITERATIONS the number of kills (default 200). The kill
// timing still depends on the machine, so a rerun with the same seed kills at
// the same delays, not necessarily at the same instruction.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "pos/ledger/audit.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"
#include "test_ledger.h"

namespace loyalpos::pos {
namespace {

namespace support = loyalpos::pos::test_ledger;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kDefaultSeed = 20261121;
constexpr std::uint64_t kDefaultIterations = 200;
constexpr std::int64_t kMaxKillDelayUs = 30'000;
// A child that outlives this is not being killed: it stops by itself.
constexpr auto kChildLifetime = std::chrono::seconds(20);

// Reads an unsigned number from the environment; nullopt when it is set but
// not a number, so a typo is reported rather than silently ignored.
std::optional<std::uint64_t> env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::string_view view(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size()) return std::nullopt;
  return value;
}

// Owns one end of a pipe.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// ---------------------------------------------------------------------------
// The child: runs until it is killed. Everything it needs is decided by the
// parent before fork() and copied with the address space.

struct ChildPlan {
  std::string ledger_path;
  std::uint64_t seed = 0;
  std::int64_t now = 0;
  const loyalty::Rules* rules = nullptr;
  std::vector<loyalty::Product> products;
  std::vector<Card> cards;
  std::vector<std::int64_t> refundable;  // sales in the ledger not yet refunded
};

// One line per write(2): a pipe write of at most PIPE_BUF bytes is atomic, so
// the parent never sees half a line, and nothing is left in a user-space
// buffer when the kill comes.
void send_line(int fd, const std::string& line) {
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(4);  // the parent is gone
    done += static_cast<std::size_t>(n);
  }
}

std::size_t pick(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

SaleRequest random_sale(std::mt19937_64& rng, const ChildPlan& plan) {
  SaleRequest request;
  const std::size_t lines = 1 + pick(rng, 4);
  for (std::size_t i = 0; i < lines; ++i) {
    const auto& product = plan.products[pick(rng, plan.products.size())];
    // Scanned (barcode) or typed (SKU), 1 to 3 units.
    const bool scanned = !product.barcode.empty() && pick(rng, 2) == 0;
    request.items.push_back(
        {scanned ? product.barcode : product.sku, static_cast<std::int64_t>(1 + pick(rng, 3))});
  }
  // Three sales in four are card sales.
  if (!plan.cards.empty() && pick(rng, 4) != 0) {
    request.card_token = plan.cards[pick(rng, plan.cards.size())].token;
  }
  request.cashier = "crash-test";
  request.payment = pick(rng, 2) == 0 ? "cash" : "card";
  return request;
}

// Protocol, one line each: "O" the ledger is open; "B" an operation begins;
// "S <sale> <lines> <total>" a sale committed; "R <sale>" a refund
// committed; "E <message>" an unexpected error, after which the child exits.
int child_loop(int fd, const ChildPlan& plan) {
  std::mt19937_64 rng(plan.seed);
  auto fail = [fd](const Error& e) {
    send_line(fd, std::string("E ") + e.code_name() + ": " + e.message());
    return 1;
  };
  auto ledger = Ledger::open(plan.ledger_path, support::kTestBusyTimeoutMs);
  if (!ledger.ok()) return fail(ledger.error());
  const FixedClock clock(plan.now);
  SaleService service(*ledger, *plan.rules, clock);
  std::vector<std::int64_t> refundable = plan.refundable;
  send_line(fd, "O");

  const auto give_up = Clock::now() + kChildLifetime;
  while (Clock::now() < give_up) {
    send_line(fd, "B");
    if (!refundable.empty() && pick(rng, 6) == 0) {
      const std::size_t i = pick(rng, refundable.size());
      const std::int64_t sale_id = refundable[i];
      refundable[i] = refundable.back();
      refundable.pop_back();
      auto refund = service.refund(sale_id);
      if (!refund.ok())
        return fail(refund.error().with_context("refund " + std::to_string(sale_id) + ": "));
      send_line(fd, "R " + std::to_string(sale_id));
    } else {
      auto sale = service.sell(random_sale(rng, plan));
      if (!sale.ok()) return fail(sale.error().with_context("sale: "));
      send_line(fd, "S " + std::to_string(sale->sale_id) + " " +
                        std::to_string(sale->priced.lines.size()) + " " +
                        std::to_string(sale->priced.total));
      refundable.push_back(sale->sale_id);
    }
  }
  return 0;
}

// Never returns: the child must not unwind into gtest or run its atexit
// handlers (or the sanitizers' leak check), so it leaves with _exit.
[[noreturn]] void run_child(int fd, const ChildPlan& plan) noexcept {
  int code = 5;
  try {
    code = child_loop(fd, plan);
  } catch (...) {
    code = 3;
  }
  _exit(code);
}

// ---------------------------------------------------------------------------
// The parent.

struct ReportedSale {
  std::int64_t lines = 0;
  std::int64_t total = 0;
};

struct ChildOutcome {
  bool opened = false;
  bool in_flight = false;  // killed between "B" and its report
  std::map<std::int64_t, ReportedSale> sales;
  std::vector<std::int64_t> refunds;
  std::string error;
  std::string exit_text;  // how the child ended, when not by our SIGKILL
};

void parse_report(const std::string& text, ChildOutcome& out) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string tag;
    fields >> tag;
    if (tag == "O") {
      out.opened = true;
    } else if (tag == "B") {
      out.in_flight = true;
    } else if (tag == "S") {
      std::int64_t id = 0;
      ReportedSale sale;
      fields >> id >> sale.lines >> sale.total;
      out.sales[id] = sale;
      out.in_flight = false;
    } else if (tag == "R") {
      std::int64_t id = 0;
      fields >> id;
      out.refunds.push_back(id);
      out.in_flight = false;
    } else if (tag == "E") {
      out.error = line.substr(2);
    } else {
      out.error = "unexpected line from the child: " + line;
    }
  }
}

// When the kill clock starts: at fork(), so some kills land while the child
// opens the ledger (and SQLite recovers the WAL), or when the child says the
// ledger is open, so the rest land among sales.
enum class KillClock { kFromFork, kFromOpen };

// Forks a child running `plan`, lets it work for `delay`, kills it and
// collects everything it reported.
ChildOutcome run_and_kill(const ChildPlan& plan, KillClock kill_clock,
                          std::chrono::microseconds delay) {
  ChildOutcome outcome;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    outcome.error = "pipe2 failed";
    return outcome;
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  const auto forked = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (kill_clock == KillClock::kFromFork) deadline = forked + delay;
  const pid_t pid = ::fork();
  if (pid < 0) {
    outcome.error = "fork failed";
    return outcome;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    ::close(fds[0]);
    run_child(fds[1], plan);
  }
  write_end.reset();

  std::string received;
  char buf[4096];
  bool eof = false;
  // Read while waiting, so a chatty child never blocks on a full pipe. A
  // child that never says it opened the ledger is killed after a while.
  while (!eof) {
    if (!deadline && received.find("O\n") != std::string::npos) deadline = Clock::now() + delay;
    const auto until = deadline.value_or(forked + std::chrono::seconds(10));
    const auto left = until - Clock::now();
    if (left <= Clock::duration::zero()) break;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                           static_cast<long>(ns % 1'000'000'000)};
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = ::ppoll(&p, 1, &timeout, nullptr);
    if (ready <= 0) continue;
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n > 0) received.append(buf, static_cast<std::size_t>(n));
    if (n == 0) eof = true;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  for (;;) {
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
  parse_report(received, outcome);
  if (WIFEXITED(status)) {
    outcome.exit_text = "child exited with code " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
    outcome.exit_text = "child died of signal " + std::to_string(WTERMSIG(status));
  }
  return outcome;
}

struct LedgerState {
  std::map<std::int64_t, ReportedSale> sales;       // lines = entries in its list
  std::map<std::int64_t, std::int64_t> line_count;  // sales.line_count
  std::set<std::int64_t> refunds;
};

Result<LedgerState> read_state(Ledger& ledger) {
  LedgerState state;
  auto sales = ledger.db().prepare(
      "SELECT s.sale_id, s.line_count, s.total,"
      " json_array_length(l.lines) FROM sales s JOIN sale_lines_json l ON l.sale_id = s.sale_id");
  if (!sales.ok()) return sales.error();
  for (;;) {
    auto row = sales->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const std::int64_t id = sales->column_int(0);
    state.line_count[id] = sales->column_int(1);
    state.sales[id] = ReportedSale{sales->column_int(3), sales->column_int(2)};
  }
  auto refunds = ledger.db().prepare("SELECT sale_id FROM refunds");
  if (!refunds.ok()) return refunds.error();
  for (;;) {
    auto row = refunds->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    state.refunds.insert(refunds->column_int(0));
  }
  return state;
}

struct Expected {
  std::map<std::int64_t, ReportedSale> sales;
  std::set<std::int64_t> refunds;
};

// Reopens the ledger after a kill and checks it against everything the
// children ever reported. Returns the state for the next round.
void verify_ledger(const std::string& path, const Expected& expected, const LedgerState& before,
                   const ChildOutcome& outcome, LedgerState& after) {
  auto ledger = Ledger::open(path, support::kTestBusyTimeoutMs);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message();
  auto audit = audit_ledger(*ledger);
  ASSERT_TRUE(audit.ok()) << audit.error().code_name() << ": " << audit.error().message();
  auto state = read_state(*ledger);
  ASSERT_TRUE(state.ok()) << state.error().message();

  for (const auto& [id, sale] : expected.sales) {
    const auto found = state->sales.find(id);
    ASSERT_NE(found, state->sales.end()) << "reported sale " << id << " is missing";
    EXPECT_EQ(found->second.lines, sale.lines) << "lines of sale " << id;
    EXPECT_EQ(state->line_count[id], sale.lines) << "line_count of sale " << id;
    EXPECT_EQ(found->second.total, sale.total) << "total of sale " << id;
  }
  for (const std::int64_t id : expected.refunds) {
    EXPECT_EQ(state->refunds.count(id), 1u) << "reported refund of sale " << id << " is missing";
  }
  // The child reports each operation right after it commits, so at most the
  // one operation it was killed after can be in the ledger unreported.
  const auto new_sales = static_cast<std::int64_t>(state->sales.size() - before.sales.size());
  const auto new_refunds = static_cast<std::int64_t>(state->refunds.size() - before.refunds.size());
  const auto unreported = (new_sales - static_cast<std::int64_t>(outcome.sales.size())) +
                          (new_refunds - static_cast<std::int64_t>(outcome.refunds.size()));
  EXPECT_GE(unreported, 0) << "the ledger lost operations the child reported";
  EXPECT_LE(unreported, 1) << new_sales << " new sales, " << new_refunds
                           << " new refunds, but the child reported " << outcome.sales.size()
                           << " and " << outcome.refunds.size();
  after = std::move(*state);
}

TEST(CrashTest, KilledSalesLeaveTheLedgerWholeAndKeepEveryReportedSale) {
  const auto seed = env_number("LOYALPOS_CRASH_SEED", kDefaultSeed);
  ASSERT_TRUE(seed) << "LOYALPOS_CRASH_SEED must be a number";
  const auto iterations = env_number("LOYALPOS_CRASH_ITERATIONS", kDefaultIterations);
  ASSERT_TRUE(iterations) << "LOYALPOS_CRASH_ITERATIONS must be a number";
  SCOPED_TRACE("seed " + std::to_string(*seed) +
               " (rerun with LOYALPOS_CRASH_SEED=" + std::to_string(*seed) + ")");
  std::mt19937_64 rng(*seed);

  support::TempDir dir("loyalpos-crash");
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("ledger.db");
  auto rules = support::default_rules();
  ASSERT_TRUE(rules.ok()) << rules.error().message();

  ChildPlan plan;
  plan.ledger_path = path;
  plan.rules = &*rules;
  LedgerState state;
  {
    auto ledger = support::make_ledger(path);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message();
    auto cards = support::issue_cards(*ledger, 4);
    ASSERT_TRUE(cards.ok()) << cards.error().message();
    plan.cards = *cards;
    auto products = ledger->products();
    ASSERT_TRUE(products.ok()) << products.error().message();
    plan.products = *products;
  }  // closed: no connection may cross fork()

  Expected expected;
  int not_open = 0;
  int mid_operation = 0;
  const auto started = Clock::now();
  for (std::uint64_t i = 0; i < *iterations; ++i) {
    const auto delay = std::chrono::microseconds(
        std::uniform_int_distribution<std::int64_t>(0, kMaxKillDelayUs)(rng));
    const KillClock kill_clock = pick(rng, 5) == 0 ? KillClock::kFromFork : KillClock::kFromOpen;
    SCOPED_TRACE("iteration " + std::to_string(i) + ", killed " + std::to_string(delay.count()) +
                 " us after " + (kill_clock == KillClock::kFromFork ? "fork" : "opening"));
    plan.seed = rng();
    plan.now = support::kTestNow + static_cast<std::int64_t>(i) * 60;
    plan.refundable.clear();
    for (const auto& [id, sale] : state.sales) {
      if (state.refunds.count(id) == 0) plan.refundable.push_back(id);
    }

    const ChildOutcome outcome = run_and_kill(plan, kill_clock, delay);
    ASSERT_EQ(outcome.error, "");
    ASSERT_EQ(outcome.exit_text, "");
    not_open += outcome.opened ? 0 : 1;
    mid_operation += outcome.in_flight ? 1 : 0;
    for (const auto& [id, sale] : outcome.sales) {
      ASSERT_EQ(expected.sales.count(id), 0u) << "sale id " << id << " reported twice";
      expected.sales[id] = sale;
    }
    for (const std::int64_t id : outcome.refunds) expected.refunds.insert(id);

    LedgerState after;
    verify_ledger(path, expected, state, outcome, after);
    if (::testing::Test::HasFailure()) return;
    state = std::move(after);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf(
      "[ crash    ] seed %llu: %llu kills in %.1f s; %d before the ledger opened, %d in the "
      "middle of a sale or refund; %zu sales and %zu refunds reported, ledger holds %zu sales\n",
      static_cast<unsigned long long>(*seed), static_cast<unsigned long long>(*iterations), seconds,
      not_open, mid_operation, expected.sales.size(), expected.refunds.size(), state.sales.size());
  // Most kills must land while the child works, or the test proves little.
  if (*iterations >= 50) {
    EXPECT_GE(mid_operation, static_cast<int>(*iterations / 4));
  }
}

}  // namespace
}  // namespace loyalpos::pos
