// The stage of the sync fault suite (sync_faults_test.cc), once per store
// (SQLite, and PostgreSQL on tests/sync/pg_cluster.h): a real `journeyd`,
// the fault proxy in front of it (the enrollment bundle names the proxy's
// port, through `journeyd init --public-url`), and one terminal, enrolled,
// with a backlog of several push batches. The terminal, its enrollment and
// its backlog are made in-process through the library (one transaction, not
// thousands of CLI runs); the syncs are real `loyalpos_testing sync`
// processes, but for the delay cases, which need a short timeout and run the
// SyncAgent in-process.
//
// Two backlogs: the proxy faults push ~450 events in batches of 100
// (`sync --batch 100`), which keeps the suite fast under the sanitizers;
// the kill cases push ~2150 in the real batches of 1000, so a kill has
// a long transaction to land in.
#pragma once

#include <gtest/gtest.h>
#include <loyalpos/terminal.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "pos/config/config.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/random.h"
#include "pos/ledger/sale_service.h"
#include "pos/ledger/sync_outbox.h"
#include "sync/agent/enrollment.h"
#include "sync/agent/sync_agent.h"
#include "sync/store/store.h"
#include "sync/wire/event_json.h"
#include "tests/e2e/cli_runner.h"
#include "tests/journeyd/exact_events.h"
#include "tests/journeyd/fault_proxy.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::journeyd::faults {

using json = nlohmann::json;
using namespace std::chrono_literals;

using testing::Backend;

inline constexpr std::int64_t kNow = 1795430000;  // 2026-11-23, as LOYALPOS_NOW below

// Cards issued in one transaction (a card.issued event each) and sales to
// some of them (sale, stamps, … events).
struct Backlog {
  int cards = 0;
  int sales = 0;
  int batch = 0;  // `sync --batch`; 0: the default (1000)
};
inline constexpr Backlog kSmall{400, 10, 100};
inline constexpr Backlog kBig{2100, 10, 0};

// Client bytes past the TLS handshake (the client's certificate and its
// flight: a few KiB) and the claim: a fault `at` this lands in the first
// request after them.
inline constexpr std::size_t kPastHandshake = 12 * 1024;

class SyncFaultsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    ASSERT_NE(proxy_.port(), 0);
    dir_ = tmp_.file("data");
    auto url = testing::fresh_store_url(GetParam(), dir_ + "/journey.db");
    ASSERT_TRUE(url.ok()) << url.error().message();
    store_url_ = *url;
    const CommandRun made =
        run_journeyd({"init", "--data", dir_, "--listen", "127.0.0.1:0", "--public-url",
                      "https://127.0.0.1:" + std::to_string(proxy_.port()), "--store", store_url_});
    ASSERT_EQ(made.status, 0) << made.out;
    auto store = sync::make_store(store_url_);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    start_journeyd();
    const std::string bundle = tmp_.file("till-1.json");
    const CommandRun enrolled = run_journeyd(
        {"enroll", "--data", dir_, "--store", "Main St", "--terminal", "till-1", "--out", bundle});
    ASSERT_EQ(enrolled.status, 0) << enrolled.out;

    // `loyalpos init` and `loyalpos enroll`, in-process.
    cli_.set_env("LOYALPOS_NOW", "2026-11-23T10:00:00");
    auto made_terminal = Terminal::create({cli_.home(), "", kNow, ""}, "Café", {"till-1"});
    ASSERT_TRUE(made_terminal.ok()) << made_terminal.error().message();
    ASSERT_TRUE(sync::install_enrollment(cli_.home(), read_file(bundle)).ok());
    auto enrollment = sync::load_enrollment(cli_.home());
    ASSERT_TRUE(enrollment.ok()) << enrollment.error().message();
    enrollment_ = *enrollment;
    pos::Ledger ledger = open_ledger();
    pos::FixedClock clock(kNow);
    const Status claimed = sync::SyncAgent(ledger, enrollment_, clock).claim();
    ASSERT_TRUE(claimed.ok()) << claimed.error().message();
  }

  // journeyd on its data folder (again, after a kill), behind the proxy.
  void start_journeyd() {
    server_ = std::make_unique<Server>(dir_, "");
    ASSERT_NE(server_->port(), 0) << server_->first_line();
    proxy_.set_upstream(server_->port());
  }

  pos::Ledger open_ledger() {
    auto ledger = pos::Ledger::open(cli_.home() + "/ledger.db", 5000);
    EXPECT_TRUE(ledger.ok()) << ledger.error().message();
    return std::move(*ledger);
  }

  void write_backlog(const Backlog& b) {
    backlog_ = b;
    pos::Ledger ledger = open_ledger();
    std::vector<loyalty::CardId> ids;
    for (int i = 0; i < b.cards; ++i) ids.push_back(*pos::random_card_id());
    auto cards = ledger.issue_cards(ids, kNow, [](const auto&) { return ok_status(); });
    ASSERT_TRUE(cards.ok()) << cards.error().message();
    auto config = pos::parse_config(pos::default_config_text(), "built-in");
    ASSERT_TRUE(config.ok());
    pos::FixedClock clock(kNow);
    pos::SaleService sales(ledger, config->rules, clock);
    for (int i = 0; i < b.sales; ++i) {
      pos::SaleRequest sale;
      sale.items = {{"CROISSANT", 1 + i % 3}};
      sale.card_token = (*cards)[static_cast<std::size_t>(i % 5)].token;
      auto sold = sales.sell(sale);
      ASSERT_TRUE(sold.ok()) << sold.error().message();
    }
  }

  pos::OutboxLimits batch() const {
    pos::OutboxLimits limits;
    if (backlog_.batch > 0) limits.max_events = static_cast<std::size_t>(backlog_.batch);
    return limits;
  }

  // The terminal's own chain, seq 1..N.
  std::vector<JournalEvent> own_events() {
    pos::Ledger ledger = open_ledger();
    std::vector<JournalEvent> out;
    for (;;) {
      auto page = pos::read_outbox(ledger, out.empty() ? 0 : out.back().seq);
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->events.empty()) return out;
      for (auto& e : page->events) out.push_back(std::move(e));
    }
  }

  // The client bytes of the first push, with a margin for the TLS handshake,
  // the claim and the HTTP head: a fault placed `at` more than this lands
  // inside the second push.
  std::size_t past_first_push() {
    pos::Ledger ledger = open_ledger();
    auto first = pos::read_outbox(ledger, 0, batch());
    EXPECT_TRUE(first.ok() && first->more);
    json events = json::array();
    for (const auto& e : first->events)
      events.push_back(sync::event_json(e, sync::WireForm::kPush));
    const json body{{"terminal_id", ledger.terminal().terminal_id}, {"events", events}};
    return body.dump().size() + kPastHandshake;
  }

  e2e::CliResult sync() const {
    if (backlog_.batch == 0) return cli_.run({"--json", "sync"});
    return cli_.run({"--json", "sync", "--batch", std::to_string(backlog_.batch)});
  }

  // `loyalpos_testing sync` in the background (progress on stderr at `err`).
  pid_t spawn_sync(const std::string& err) const {
    const pid_t pid = fork();
    if (pid == 0) {
      const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 2);
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      setenv("LOYALPOS_HOME", cli_.home().c_str(), 1);
      setenv("LOYALPOS_NOW", "2026-11-23T10:00:00", 1);
      execl(LOYALPOS_BINARY, LOYALPOS_BINARY, "sync", static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }

  // Events head office holds now (of this one terminal).
  std::int64_t stored() {
    auto n = store_->count_events();
    return n.ok() ? *n : -1;
  }

  // After the fault: a sync through a healthy proxy completes, and then head
  // office holds exactly the terminal's events, the terminal has nothing
  // unsent and its ledger audits clean.
  void expect_recovered() {
    proxy_.plan({});
    auto r = sync();
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.json()["unsent"], 0);
    const auto own = own_events();
    ASSERT_GT(own.size(), static_cast<std::size_t>(backlog_.cards));
    EXPECT_EQ(store_problem(store_url_, own), "");
    auto status = cli_.run({"--json", "sync", "status"});
    ASSERT_EQ(status.code, 0) << status.err;
    EXPECT_EQ(status.json()["unsent"], 0);
    EXPECT_EQ(status.json()["acknowledged"], own.back().seq);
    auto audit = cli_.run({"--json", "audit"});
    ASSERT_EQ(audit.code, 0) << audit.err;
    EXPECT_EQ(audit.json()["events"], static_cast<std::int64_t>(own.size()));
  }

  loyalpos::testing::TempDir tmp_{"sync-faults"};
  FaultProxy proxy_;
  std::string dir_;
  std::string store_url_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<sync::Store> store_;  // the test's own connection, to count
  e2e::Cli cli_;
  sync::Enrollment enrollment_;
  Backlog backlog_;
};

}  // namespace loyalpos::journeyd::faults
