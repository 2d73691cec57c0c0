// `loyalpos counter` on a pseudo-terminal, as a barista (and a keyboard-wedge
// scanner) would use it: scan items, scan the card's QR, pay by card; the
// screen shows the total, the card's progress, "recorded", and the receipt
// goes to the (virtual) printer. Every wait is bounded.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>

#include "cli_runner.h"
#include "shipped_config.h"

namespace loyalpos::e2e {
namespace {

// The counter in a child process on a pty; the test types and reads the screen.
class PtyCounter {
 public:
  PtyCounter(const std::string& home, const std::string& now) {
    termios tio{};
    cfmakeraw(&tio);
    tio.c_lflag |= ICANON;  // line input, like a terminal, but no echo
    winsize size{30, 100, 0, 0};
    pid_ = forkpty(&fd_, nullptr, &tio, &size);
    if (pid_ == 0) {
      setenv("LOYALPOS_HOME", home.c_str(), 1);
      setenv("LOYALPOS_NOW", now.c_str(), 1);
      setenv("LANG", "C.UTF-8", 1);
      std::string binary = LOYALPOS_BINARY, command = "counter";
      char* argv[] = {binary.data(), command.data(), nullptr};
      execv(binary.c_str(), argv);
      _exit(127);
    }
  }
  ~PtyCounter() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }

  bool ok() const { return pid_ > 0 && fd_ >= 0; }
  void type(const std::string& line) {
    const std::string data = line + "\n";
    EXPECT_EQ(write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  // Reads until `text` has appeared on the screen since the last call, or 10 s pass.
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (screen_.find(text, mark_) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) return false;
      screen_.append(buf, static_cast<std::size_t>(n));
    }
    mark_ = screen_.find(text, mark_) + text.size();
    return true;
  }
  const std::string& screen() const { return screen_; }
  int finish() {
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      char buf[4096];
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) > 0 && read(fd_, buf, sizeof buf) > 0) continue;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(50000);  // a hung-up pty polls ready at once: pace the loop (~5 s in all)
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
  std::string screen_;
  std::size_t mark_ = 0;
};

TEST(CounterOnATerminal, AFullSaleWithACard) {
  Cli cli;
  cli.set_env("LOYALPOS_NOW", "2026-11-21T09:15:00");
  ASSERT_EQ(
      cli.run({"init", "--store", "Café Central", "--terminal", "c1", "--sample-catalog"}).code, 0);
  std::ofstream(cli.home() + "/config.toml")
      << shipped_config_without_printer()
      << "\n[printer]\ntype = \"virtual\"\nprofile = \"xprinter-58\"\n";
  auto issued = cli.run({"card", "issue", "--json"});
  ASSERT_EQ(issued.code, 0) << issued.err;
  const std::string url = issued.json()["url"];
  ASSERT_EQ(cli.run({"sale", "--card", issued.json()["token"], "CROISSANT*3"}).code, 0);

  PtyCounter counter(cli.home(), "2026-11-22T10:00:00");
  ASSERT_TRUE(counter.ok());
  ASSERT_TRUE(counter.wait_for("counter ready")) << counter.screen();
  counter.type("4600000000022");  // Simit's barcode
  ASSERT_TRUE(counter.wait_for("1. Simit")) << counter.screen();
  counter.type("COFFEE");
  ASSERT_TRUE(counter.wait_for("2. Turkish coffee")) << counter.screen();
  counter.type("qty 2");
  ASSERT_TRUE(counter.wait_for("Turkish coffee x2")) << counter.screen();
  // A scanner set to end its scans with TAB: the scan ends there.
  counter.type(url + "\tpay card");
  ASSERT_TRUE(counter.wait_for("Card attached")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("TOTAL RUB")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("Card: Pastry card 3/5")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("TOTAL RUB")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("Pastry card 4/5")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("Sale 2 recorded.")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("Receipt printed.")) << counter.screen();
  ASSERT_TRUE(counter.wait_for("Receipt picture: " + cli.home() + "/prints/job-0002.png"))
      << counter.screen();
  counter.type("void 7");
  ASSERT_TRUE(counter.wait_for("! nothing to void")) << counter.screen();
  counter.type("quit");
  EXPECT_EQ(counter.finish(), 0) << counter.screen();

  EXPECT_TRUE(std::filesystem::exists(cli.home() + "/prints/job-0002.png"));
  auto audit = cli.run({"audit", "--json"});
  EXPECT_EQ(audit.json()["sales"], 2);
}

}  // namespace
}  // namespace loyalpos::e2e
