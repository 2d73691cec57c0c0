// Sync under faults, end to end, on both stores (sync_fault_fixture.h): the
// connection dropped before a request, a request cut, an answer lost after
// head office committed, an answer cut midway, delays below and above the
// agent's timeout, batches delivered twice (fault_proxy.h says how), a
// recorded TLS stream replayed, journeyd killed (SIGKILL) during ingest and
// the sync process killed part-way. After each, once a sync went through,
// head office holds exactly the terminal's events (exact_events.h), the
// terminal has nothing unsent and audits clean.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "net/http_client.h"
#include "sync/agent/enrollment.h"
#include "sync/agent/sync_agent.h"
#include "tests/journeyd/sync_fault_fixture.h"

namespace loyalpos::journeyd::faults {
namespace {

using K = Fault::Kind;

// A failed sync says so in one plain line: exit 1, no crash, the error kept
// for `sync status`.
void expect_plain_failure(const e2e::CliResult& r, const e2e::Cli& cli) {
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("head office"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  auto status = cli.run({"--json", "sync", "status"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_TRUE(status.json()["last_error"].is_string()) << status.out;
}

std::int64_t acknowledged(const e2e::Cli& cli) {
  auto status = cli.run({"--json", "sync", "status"});
  EXPECT_EQ(status.code, 0) << status.err;
  return status.code == 0 ? status.json()["acknowledged"].get<std::int64_t>() : -1;
}

TEST_P(SyncFaultsTest, ConnectionDroppedBeforeTheRequestFailsPlainlyThenSyncCompletes) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  // (`--batch` beyond what head office takes is refused before any dialling.)
  const auto too_big = cli_.run({"sync", "--batch", "1001"});
  EXPECT_EQ(too_big.code, 1);
  EXPECT_NE(too_big.err.find("--batch must be 1 to 1000"), std::string::npos) << too_big.err;
  EXPECT_EQ(proxy_.accepted(), 1);  // the claim in SetUp
  proxy_.plan({{K::kRefuse}});
  expect_plain_failure(sync(), cli_);
  EXPECT_EQ(proxy_.fired(), 1);
  EXPECT_EQ(stored(), 0);
  expect_recovered();
}

TEST_P(SyncFaultsTest, RequestCutInTheSecondPushStoresNothingOfIt) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  // The cut write makes net's client try once more on a new connection:
  // refused too, so this sync fails.
  proxy_.plan({{K::kCutRequest, past_first_push()}, {K::kRefuse}});
  expect_plain_failure(sync(), cli_);
  EXPECT_EQ(proxy_.fired(), 2);
  EXPECT_EQ(stored(), kSmall.batch);
  EXPECT_EQ(acknowledged(cli_), kSmall.batch);
  expect_recovered();
}

TEST_P(SyncFaultsTest, AnswerLostAfterTheCommitMeansTheBatchComesAgainAndIsStoredOnce) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  // The second push is stored, its answer lost; net's client sends it again
  // on a new connection (a duplicate on the wire), which fails too; the
  // next sync sends it from the anchor once more (a duplicate stored once).
  proxy_.plan({{K::kLoseAnswer, past_first_push()}, {K::kLoseAnswer, kPastHandshake}});
  expect_plain_failure(sync(), cli_);
  EXPECT_EQ(proxy_.fired(), 2);
  EXPECT_EQ(stored(), 2 * kSmall.batch);
  EXPECT_EQ(acknowledged(cli_), kSmall.batch);  // the terminal never heard of the second
  expect_recovered();
}

TEST_P(SyncFaultsTest, AnswerCutMidwayIsRetriedAndStoredOnce) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  const int before = proxy_.accepted();
  // Part of the answer's first TLS record, then the end: net's client reads
  // a truncated stream and sends the push again on a new connection, which
  // passes — this sync completes by itself.
  proxy_.plan({{K::kCutAnswer, past_first_push(), 20}});
  auto r = sync();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(proxy_.fired(), 1);
  EXPECT_EQ(proxy_.accepted() - before, 2);
  expect_recovered();
}

TEST_P(SyncFaultsTest, DelayBelowTheTimeoutOnlySlowsAboveItFailsCleanly) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  constexpr auto kTimeout = 1000ms, kLong = 1500ms;
  pos::FixedClock clock(kNow);
  {
    // The second push's bytes and its answer are each held longer than the
    // agent waits: it gives up after its timeout, saying so, long before
    // the answer could come.
    pos::Ledger ledger = open_ledger();
    sync::SyncAgent agent(ledger, enrollment_, clock, kTimeout, batch());
    proxy_.plan({{K::kDelay, past_first_push(), 0, kLong}});
    const auto began = std::chrono::steady_clock::now();
    auto report = agent.run_once();
    const auto took = std::chrono::steady_clock::now() - began;
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code(), ErrorCode::kUnavailable) << report.error().message();
    EXPECT_NE(report.error().message().find("head office"), std::string::npos);
    EXPECT_LT(took, 2 * kLong);
    EXPECT_EQ(acknowledged(cli_), kSmall.batch);
  }
  // The held bytes may still reach journeyd after the agent left: a late
  // copy of that push, which must not be stored twice either.
  EXPECT_TRUE(proxy_.wait_idle(10s));
  {
    pos::Ledger ledger = open_ledger();
    sync::SyncAgent agent(ledger, enrollment_, clock, kTimeout, batch());
    proxy_.plan({{K::kDelay, 0, 0, 50ms}});
    auto report = agent.run_once();
    ASSERT_TRUE(report.ok()) << report.error().message();
    EXPECT_EQ(report->unsent, 0);
  }
  EXPECT_TRUE(proxy_.wait_idle(5s));
  EXPECT_EQ(proxy_.fired(), 2);
  expect_recovered();
}

TEST_P(SyncFaultsTest, StoredBatchesSentAgainWithTheTerminalsCertificateAreOnlyAcknowledged) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  ASSERT_EQ(sync().code, 0);
  const auto own = own_events();
  ASSERT_EQ(store_problem(store_url_, own), "");
  // The verdict fails on a real store too when the expectation is wrong.
  EXPECT_NE(store_problem(store_url_, {own.begin(), own.end() - 1}), "");
  net::HttpClient client(
      "127.0.0.1", server_->port(),
      net::ClientTls{enrollment_.ca_pem, enrollment_.cert_pem, enrollment_.key_pem});
  // The first batch, one overlapping the first two, and the last, again.
  const int n = static_cast<int>(own.size());
  for (const auto& [from, to] : {std::pair{1, 100}, std::pair{90, 110}, std::pair{n - 50, n}}) {
    json events = json::array();
    for (int seq = from; seq <= to; ++seq) {
      events.push_back(
          sync::event_json(own[static_cast<std::size_t>(seq - 1)], sync::WireForm::kPush));
    }
    const json body{{"terminal_id", own.front().terminal_id}, {"events", events}};
    auto r = client.request("POST", "/v1/events", body.dump(),
                            {{"Content-Type", "application/json"}, {"Loyalpos-Sync", "1"}});
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->status, 200) << r->body;
    const json ack = json::parse(r->body)["ack"];
    EXPECT_EQ(ack["seq"], own.back().seq);
    EXPECT_EQ(ack["hash"], own.back().hash);
  }
  expect_recovered();
}

TEST_P(SyncFaultsTest, RecordedTlsStreamReplayedOnAFreshConnectionStoresNothing) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kSmall));
  const std::size_t first_push = past_first_push() - kPastHandshake;
  // The first push never reaches journeyd; the proxy keeps the whole client
  // stream (handshake, claim, that push) and net's client's second try is
  // refused.
  proxy_.plan({{K::kSwallowRequest, kPastHandshake}, {K::kRefuse}});
  expect_plain_failure(sync(), cli_);
  EXPECT_TRUE(proxy_.wait_idle(5s));
  const std::string recorded = proxy_.recorded();
  ASSERT_GT(recorded.size(), first_push);
  ASSERT_EQ(stored(), 0);
  // Played again to journeyd, it cannot finish a handshake with a new server
  // random: the push in it is not stored, and journeyd serves on.
  (void)replay(server_->port(), recorded, 5s);
  EXPECT_EQ(stored(), 0);
  expect_recovered();
}

TEST_P(SyncFaultsTest, JourneydKilledDuringIngestLosesAndDuplicatesNothing) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kBig));
  const std::size_t total = own_events().size();
  const pid_t syncing = spawn_sync(tmp_.file("sync.err"));
  ASSERT_GT(syncing, 0);
  // The first batch committed: the second is on its way or being stored.
  const auto limit = std::chrono::steady_clock::now() + 60s;
  while (stored() <= 0 && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(5ms);
  }
  std::mt19937 rng(std::random_device{}());
  const auto extra = std::chrono::milliseconds(rng() % 30);
  std::this_thread::sleep_for(extra);
  ASSERT_EQ(kill(server_->pid(), SIGKILL), 0);
  EXPECT_EQ(server_->wait(), 128 + SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(syncing, &status, 0), syncing);
  const std::string err = e2e::slurp(tmp_.file("sync.err"));
  // Killed mid-sync (not after it finished), it failed plainly.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
      << "killed " << extra.count() << " ms after the first commit; " << err;
  EXPECT_LT(stored(), static_cast<std::int64_t>(total)) << err;
  start_journeyd();
  expect_recovered();
}

TEST_P(SyncFaultsTest, SyncProcessKilledPartWayThenSyncedAgainIsExact) {
  ASSERT_NO_FATAL_FAILURE(write_backlog(kBig));
  const std::string err = tmp_.file("sync.err");
  const pid_t syncing = spawn_sync(err);
  ASSERT_GT(syncing, 0);
  // Its first progress line: a batch is acknowledged, the next on its way.
  const auto limit = std::chrono::steady_clock::now() + 60s;
  while (e2e::slurp(err).find("sent ") == std::string::npos &&
         std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_EQ(kill(syncing, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(syncing, &status, 0), syncing);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << e2e::slurp(err);
  EXPECT_GE(acknowledged(cli_), 1000);
  expect_recovered();
}

INSTANTIATE_TEST_SUITE_P(Stores, SyncFaultsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return testing::backend_name(p.param);
                         });

// The verdict itself can fail: a missing, a duplicated, a doctored or a
// rewritten event is each named.
TEST(ExactEvents, NamesAMissingADuplicatedADoctoredAndARewrittenEvent) {
  const std::string terminal = "0123456789abcdef0123456789abcdef";
  std::vector<JournalEvent> own;
  JournalHash prev(32, 0);
  for (std::int64_t seq = 1; seq <= 5; ++seq) {
    JournalEvent e{terminal,
                   seq,
                   "card.issued",
                   kNow + seq,
                   "CARD",
                   std::nullopt,
                   R"({"n":)" + std::to_string(seq) + "}",
                   to_hex(prev),
                   "",
                   0};
    prev = journal_event_hash(prev, terminal, seq, e.type, e.at, "CARD", std::nullopt, e.payload);
    e.hash = to_hex(prev);
    own.push_back(e);
  }
  EXPECT_EQ(exactness_problem(own, own), "");

  auto missing = own;
  missing.erase(missing.begin() + 2);
  EXPECT_EQ(exactness_problem(missing, own), "seq 3 is missing");
  auto tail_missing = own;
  tail_missing.pop_back();
  EXPECT_EQ(exactness_problem(tail_missing, own), "seq 5 is missing");
  auto twice = own;
  twice.insert(twice.begin() + 3, own[3]);
  EXPECT_EQ(exactness_problem(twice, own), "seq 4 is held 2 times");
  auto extra = own;
  extra.push_back(own.back());
  extra.back().seq = 6;
  EXPECT_NE(exactness_problem(extra, own), "");
  auto doctored = own;
  doctored[1].payload = R"({"n":20})";
  EXPECT_EQ(exactness_problem(doctored, own), "event 2 (seq 2): its hash does not recompute");
  auto unchained = own;
  unchained[3].prev_hash = own[1].hash;
  EXPECT_EQ(exactness_problem(unchained, own),
            "event 4 (seq 4) does not chain onto the one before");
  // A history rewritten with every hash recomputed chains fine, but is not
  // the terminal's.
  auto rewritten = own;
  JournalHash p(32, 0);
  for (auto& e : rewritten) {
    e.at += 1;
    e.prev_hash = to_hex(p);
    p = journal_event_hash(p, terminal, e.seq, e.type, e.at, "CARD", std::nullopt, e.payload);
    e.hash = to_hex(p);
  }
  EXPECT_EQ(exactness_problem(rewritten, own), "event 1 (seq 1) differs from the terminal's own");
}

}  // namespace
}  // namespace loyalpos::journeyd::faults
