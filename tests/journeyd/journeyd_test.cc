// journeyd end to end: `journeyd init`, `enroll`, `revoke`, `publish` run as
// commands, `journeyd serve` as a real process on 127.0.0.1 port 0 (the port
// read from its first line), spoken to over HTTPS with mutual TLS through
// net's client; the store opened beside it to count what was stored. The
// suite runs on SQLite and on a throwaway PostgreSQL (tests/sync/pg_cluster.h).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "base/journal_hash.h"
#include "net/http_client.h"
#include "sync/journeyd/pki.h"
#include "sync/store/store.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/support/temp_dir.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::journeyd {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

using testing::Backend;

struct Bundle {
  json j;
  net::ClientTls tls() const {
    return {j.at("ca_pem").get<std::string>(), j.at("cert_pem").get<std::string>(),
            j.at("key_pem").get<std::string>()};
  }
};

// seq 1..n of `terminal`'s chain, every other event about a card.
std::vector<json> chain(const std::string& terminal, int n) {
  std::vector<json> out;
  JournalHash prev(32, 0);
  for (std::int64_t seq = 1; seq <= n; ++seq) {
    const std::string type = seq % 2 == 0 ? "card.stamps" : "sale.completed";
    const std::int64_t at = 1767225600 + seq;
    std::optional<std::string> card;
    if (seq % 2 == 0) card = "CARD" + std::to_string(seq % 5);
    std::optional<std::int64_t> sale;
    if (seq % 3 == 0) sale = seq;
    const std::string payload = R"({"n":)" + std::to_string(seq) + "}";
    JournalHash hash =
        journal_event_hash(prev, terminal, seq, type, at, card.value_or(""), sale, payload);
    out.push_back({{"seq", seq},
                   {"type", type},
                   {"at", at},
                   {"card_id", card ? json(*card) : json(nullptr)},
                   {"sale_id", sale ? json(*sale) : json(nullptr)},
                   {"payload", payload},
                   {"prev_hash", to_hex(prev)},
                   {"hash", to_hex(hash)}});
    prev = std::move(hash);
  }
  return out;
}

std::string batch(const std::string& terminal, const std::vector<json>& events, int from, int to) {
  json list = json::array();
  for (int seq = from; seq <= to; ++seq) list.push_back(events[static_cast<std::size_t>(seq - 1)]);
  return json{{"terminal_id", terminal}, {"events", list}}.dump();
}

json body_of(const Result<net::HttpResponse>& r) {
  if (!r.ok() || r->body.empty()) return nullptr;
  return json::parse(r->body, nullptr, false);
}

const std::string kTerminalA = "0123456789abcdef0123456789abcdef";
const std::string kTerminalB = "fedcba9876543210fedcba9876543210";

class JourneydTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    dir_ = tmp_.file("data");
    auto url = testing::fresh_store_url(GetParam(), dir_ + "/journey.db");
    ASSERT_TRUE(url.ok()) << url.error().message();
    store_url_ = *url;
    const CommandRun init =
        run_journeyd({"init", "--data", dir_, "--listen", "127.0.0.1:0", "--store", store_url_});
    ASSERT_EQ(init.status, 0) << init.out;
    server_ = std::make_unique<Server>(dir_, "");
    ASSERT_NE(server_->port(), 0) << server_->first_line();
    auto store = sync::make_store(store_url_);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
  }

  Bundle enroll(const std::string& terminal_name, const std::string& store_name = "Main St") {
    const std::string file = tmp_.file(terminal_name + ".json");
    const CommandRun r = run_journeyd({"enroll", "--data", dir_, "--store", store_name,
                                       "--terminal", terminal_name, "--out", file});
    EXPECT_EQ(r.status, 0) << r.out;
    return Bundle{json::parse(read_file(file), nullptr, false)};
  }

  std::unique_ptr<net::HttpClient> client(const Bundle& b) {
    return std::make_unique<net::HttpClient>("127.0.0.1", server_->port(), b.tls());
  }

  // An enrolled client that claimed `terminal`.
  std::unique_ptr<net::HttpClient> claimed(const std::string& terminal,
                                           const std::string& name = "till-1") {
    auto c = client(enroll(name));
    auto r = c->request("POST", "/v1/claim", json{{"terminal_id", terminal}}.dump());
    EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().message());
    return c;
  }

  std::int64_t count() {
    auto n = store_->count_events();
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  testing::TempDir tmp_{"journeyd-test"};
  std::string dir_;
  std::string store_url_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<sync::Store> store_;
};

TEST_P(JourneydTest, InitMakesPrivateFilesAndServeSaysWhereItListens) {
  struct stat st {};
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir_ + "/ca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(read_file(dir_ + "/journeyd.toml").find("store = "), std::string::npos);
  EXPECT_EQ(server_->first_line().rfind("listening on https://127.0.0.1:", 0), 0u);

  const std::string bundle_file = tmp_.file("b.json");
  ASSERT_EQ(run_journeyd(
                {"enroll", "--data", dir_, "--store", "S", "--terminal", "T", "--out", bundle_file})
                .status,
            0);
  ASSERT_EQ(stat(bundle_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const json b = json::parse(read_file(bundle_file));
  for (const char* k :
       {"server_url", "ca_pem", "cert_pem", "key_pem", "store", "terminal", "enrollment_id"}) {
    EXPECT_TRUE(b.contains(k)) << k;
  }
  auto rec = store_->find_terminal(b["enrollment_id"].get<std::string>());
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->terminal_name, "T");
  EXPECT_EQ(rec->store_name, "S");
}

TEST_P(JourneydTest, PushesAChainExactlyOnce) {
  auto c = claimed(kTerminalA);
  const auto events = chain(kTerminalA, 30);
  auto head0 = c->request("GET", "/v1/head");
  ASSERT_TRUE(head0.ok());
  EXPECT_EQ(body_of(head0)["ack"]["seq"], 0);

  auto r = c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 20));
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_of(r)["ack"]["seq"], 20);
  EXPECT_EQ(body_of(r)["ack"]["hash"], events[19]["hash"]);
  bool versioned = false;
  for (const auto& [name, value] : r->headers) versioned |= name == "loyalpos-sync" && value == "1";
  EXPECT_TRUE(versioned);

  // A replay: the same ack, nothing stored twice.
  auto again = c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 20));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(body_of(again)["ack"], body_of(r)["ack"]);
  EXPECT_EQ(count(), 20);

  // Overlapping: replayed part acknowledged, the rest stored.
  auto more = c->request("POST", "/v1/events", batch(kTerminalA, events, 15, 30));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->status, 200) << more->body;
  EXPECT_EQ(count(), 30);
  auto head = c->request("GET", "/v1/head");
  EXPECT_EQ(body_of(head)["ack"]["seq"], 30);
  EXPECT_EQ(body_of(head)["ack"]["hash"], events[29]["hash"]);
}

TEST_P(JourneydTest, GapAnswers409WithTheSeqExpected) {
  auto c = claimed(kTerminalA);
  const auto events = chain(kTerminalA, 10);
  ASSERT_EQ(c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 3))->status, 200);
  auto r = c->request("POST", "/v1/events", batch(kTerminalA, events, 6, 10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "gap");
  EXPECT_EQ(body_of(r)["expected_seq"], 4);
  EXPECT_EQ(count(), 3);
}

TEST_P(JourneydTest, DoctoredEventAnswers422NamingIt) {
  auto c = claimed(kTerminalA);
  auto events = chain(kTerminalA, 10);
  events[6]["payload"] = R"({"n":700})";  // seq 7, hash no longer recomputes
  auto r = c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "corrupt");
  EXPECT_EQ(body_of(r)["seq"], 7);
  EXPECT_EQ(count(), 0);
}

TEST_P(JourneydTest, ClaimBindsTheEnrollmentOnce) {
  auto c = claimed(kTerminalA);
  auto same = c->request("POST", "/v1/claim", json{{"terminal_id", kTerminalA}}.dump());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->status, 200);
  auto other = c->request("POST", "/v1/claim", json{{"terminal_id", kTerminalB}}.dump());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 409);
  EXPECT_EQ(body_of(other)["error"]["code"], "claimed");
  // Another enrollment may not take terminal A's id.
  auto c2 = client(enroll("till-2"));
  auto steal = c2->request("POST", "/v1/claim", json{{"terminal_id", kTerminalA}}.dump());
  ASSERT_TRUE(steal.ok());
  EXPECT_EQ(steal->status, 409) << steal->body;
}

TEST_P(JourneydTest, AnotherTerminalsIdInTheBatchIs403) {
  auto a = claimed(kTerminalA, "till-a");
  auto b = claimed(kTerminalB, "till-b");
  const auto events_b = chain(kTerminalB, 5);
  auto r = a->request("POST", "/v1/events", batch(kTerminalB, events_b, 1, 5));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_EQ(body_of(r)["error"]["code"], "forbidden");
  EXPECT_EQ(count(), 0);
  EXPECT_EQ(b->request("POST", "/v1/events", batch(kTerminalB, events_b, 1, 5))->status, 200);
}

TEST_P(JourneydTest, HealthNeedsNoCertificateButEverythingElseDoes) {
  const Bundle bundle = enroll("till-1");
  net::HttpClient anonymous("127.0.0.1", server_->port(),
                            net::ClientTls{bundle.tls().ca_pem, "", ""});
  auto health = anonymous.request("GET", "/v1/health");
  ASSERT_TRUE(health.ok()) << health.error().message();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(body_of(health)["version"], 1);
  auto head = anonymous.request("GET", "/v1/head");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 401);
  auto push =
      anonymous.request("POST", "/v1/events", batch(kTerminalA, chain(kTerminalA, 2), 1, 2));
  ASSERT_TRUE(push.ok());
  EXPECT_EQ(push->status, 401);
  EXPECT_EQ(count(), 0);
}

// The owner's dashboard on the real server: an owner added with `journeyd
// user add` (the password on standard input) signs in over HTTPS without a
// client certificate and opens the journey map; the sync API still wants one.
TEST_P(JourneydTest, AnOwnerSignsInWithoutACertificateAndSeesTheJourneyMap) {
  EXPECT_EQ(run_journeyd({"user", "add", "--data", dir_, "anna"}, "short\n").status, 2);
  const CommandRun added =
      run_journeyd({"user", "add", "--data", dir_, "anna"}, "correct horse battery\n");
  ASSERT_EQ(added.status, 0) << added.out;
  EXPECT_NE(added.out.find("owner anna added"), std::string::npos);
  const CommandRun twice =
      run_journeyd({"user", "add", "--data", dir_, "anna"}, "correct horse battery\n");
  EXPECT_EQ(twice.status, 1);
  EXPECT_NE(twice.out.find("already an owner named \"anna\""), std::string::npos);

  const Bundle bundle = enroll("till-1");
  net::HttpClient browser("127.0.0.1", server_->port(),
                          net::ClientTls{bundle.tls().ca_pem, "", ""});
  auto cookie_of = [](const net::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == "set-cookie" && v.rfind(name + "=", 0) == 0) return v.substr(0, v.find(';'));
    }
    return std::string();
  };
  auto form = browser.request("GET", "/owner/login");
  ASSERT_TRUE(form.ok()) << form.error().message();
  ASSERT_EQ(form->status, 200);
  const std::string login = cookie_of(*form, "journeyd_login");
  ASSERT_FALSE(login.empty());
  const std::string token = login.substr(login.find('=') + 1);
  auto in = browser.request(
      "POST", "/owner/login", "csrf=" + token + "&name=anna&password=correct+horse+battery",
      {{"Cookie", login}, {"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(in.ok()) << in.error().message();
  ASSERT_EQ(in->status, 303) << in->body;
  const std::string session = cookie_of(*in, "journeyd_session");
  ASSERT_FALSE(session.empty());
  auto page = browser.request("GET", "/owner/", "", {{"Cookie", session}});
  ASSERT_TRUE(page.ok()) << page.error().message();
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Customer journey map"), std::string::npos);
  EXPECT_NE(page->body.find("Main St"), std::string::npos);
  // The session is the dashboard's only: the sync API still wants a certificate.
  auto head = browser.request("GET", "/v1/head", "", {{"Cookie", session}});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 401);
}

// The join page on the real server, then the owner's contact commands: the
// e-mail given with consent is exported, and `forget` erases it while the
// card's journey event stays.
TEST_P(JourneydTest, AJoinedCardsContactIsExportedAndForgotten) {
  const Bundle bundle = enroll("till-1");
  net::HttpClient phone("127.0.0.1", server_->port(), net::ClientTls{bundle.tls().ca_pem, "", ""});
  auto form = phone.request("GET", "/join?src=poster-1");
  ASSERT_TRUE(form.ok()) << form.error().message();
  ASSERT_EQ(form->status, 200);
  std::string csrf;
  for (const auto& [n, v] : form->headers) {
    if (n == "set-cookie" && v.rfind("journeyd_join=", 0) == 0) csrf = v.substr(14, 32);
  }
  ASSERT_EQ(csrf.size(), 32u);
  auto joined = phone.request(
      "POST", "/join", "csrf=" + csrf + "&src=poster-1&email=anna%40example.com&consent=yes",
      {{"Cookie", "journeyd_join=" + csrf}, {"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(joined.ok());
  ASSERT_EQ(joined->status, 201) << joined->body;
  std::string token;
  for (const auto& [n, v] : joined->headers) {
    if (n == "location") token = v.substr(3);
  }
  ASSERT_EQ(token.size(), 28u);

  EXPECT_EQ(run_journeyd({"export", "contacts", "--data", dir_}).status, 2);
  CommandRun exported = run_journeyd({"export", "contacts", "--data", dir_, "--consented"});
  ASSERT_EQ(exported.status, 0) << exported.out;
  EXPECT_NE(exported.out.find("card,email,consented_at,source\n" + token + ",anna@example.com,"),
            std::string::npos)
      << exported.out;
  EXPECT_NE(exported.out.find(",poster-1\n"), std::string::npos);
  EXPECT_EQ(run_journeyd({"forget", "--data", dir_, "NOT-A-TOKEN"}).status, 2);
  const CommandRun forgot = run_journeyd({"forget", "--data", dir_, token});
  ASSERT_EQ(forgot.status, 0) << forgot.out;
  EXPECT_NE(forgot.out.find("erased the contact data"), std::string::npos);
  exported = run_journeyd({"export", "contacts", "--data", dir_, "--consented"});
  EXPECT_EQ(exported.out.find("anna"), std::string::npos);
  // The card and where it came from stay.
  auto events = store_->events_after(0, "nobody", 100, true);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_NE((*events)[0].payload.find("\"source\":\"poster-1\""), std::string::npos);
  auto page = phone.request("GET", "/C/" + token);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
}

// A chain's terminals each keep a connection open: more than the 64 the
// loopback API of `loyalpos serve` allows.
TEST_P(JourneydTest, KeepsAHundredTerminalsConnectedAtOnce) {
  const Bundle bundle = enroll("till-1");
  std::vector<std::unique_ptr<net::HttpClient>> open;
  for (int i = 0; i < 100; ++i) {
    open.push_back(client(bundle));
    auto r = open.back()->request("GET", "/v1/health");
    ASSERT_TRUE(r.ok()) << i << ": " << r.error().message();
    ASSERT_EQ(r->status, 200) << i << ": " << r->body;
  }
  for (const auto& c : open) EXPECT_EQ(c->connects(), 1u);
}

TEST_P(JourneydTest, ACertificateFromAnotherCaIsRefused) {
  const Bundle bundle = enroll("till-1");
  auto other_ca = make_ca("someone else");
  ASSERT_TRUE(other_ca.ok());
  // The same CN as a real enrollment, signed by the wrong CA.
  auto forged =
      make_client_cert(*other_ca, bundle.j["enrollment_id"].get<std::string>(), "Main St");
  ASSERT_TRUE(forged.ok());
  net::HttpClient c(
      "127.0.0.1", server_->port(),
      net::ClientTls{bundle.tls().ca_pem, forged->pair.cert_pem, forged->pair.key_pem});
  auto r = c.request("POST", "/v1/claim", json{{"terminal_id", kTerminalA}}.dump());
  EXPECT_FALSE(r.ok() && r->status == 200) << r->body;
  auto found = store_->find_terminal("claim:" + bundle.j["enrollment_id"].get<std::string>());
  EXPECT_FALSE(found.ok());
}

TEST_P(JourneydTest, TheClientRefusesAServerItsCaDidNotSign) {
  const Bundle bundle = enroll("till-1");
  auto other_ca = make_ca("someone else");
  ASSERT_TRUE(other_ca.ok());
  net::HttpClient c("127.0.0.1", server_->port(),
                    net::ClientTls{other_ca->cert_pem, bundle.tls().client_cert_pem,
                                   bundle.tls().client_key_pem});
  auto r = c.request("GET", "/v1/health");
  EXPECT_FALSE(r.ok());
}

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Everything the peer sends until it closes (or 5 s pass).
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, 5000) > 0) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

TEST_P(JourneydTest, PlainHttpToTheTlsPortIsRefusedAndStoresNothing) {
  claimed(kTerminalA);
  const std::string body = batch(kTerminalA, chain(kTerminalA, 3), 1, 3);
  const int fd = connect_to(server_->port());
  ASSERT_GE(fd, 0);
  const std::string req =
      "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!write(fd, req.data(), req.size());
  const std::string answer = read_all(fd);
  close(fd);
  EXPECT_EQ(answer.find("HTTP/"), std::string::npos) << answer;
  EXPECT_EQ(count(), 0);
}

TEST_P(JourneydTest, RevokedIs403AtOnce) {
  auto c = claimed(kTerminalA, "till-9");
  const auto events = chain(kTerminalA, 4);
  ASSERT_EQ(c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 2))->status, 200);
  const CommandRun r = run_journeyd({"revoke", "--data", dir_, "--terminal", "till-9"});
  ASSERT_EQ(r.status, 0) << r.out;
  // The same keep-alive connection: checked per request, not per handshake.
  auto push = c->request("POST", "/v1/events", batch(kTerminalA, events, 3, 4));
  ASSERT_TRUE(push.ok());
  EXPECT_EQ(push->status, 403);
  EXPECT_EQ(body_of(push)["error"]["code"], "revoked");
  auto head = c->request("GET", "/v1/head");
  EXPECT_EQ(head->status, 403);
  EXPECT_EQ(count(), 2);
}

TEST_P(JourneydTest, OversizedOrMalformedBodiesStoreNothing) {
  auto c = claimed(kTerminalA);
  const auto events = chain(kTerminalA, 1001);
  const std::int64_t before = count();
  auto too_many = c->request("POST", "/v1/events", batch(kTerminalA, events, 1, 1001));
  ASSERT_TRUE(too_many.ok());
  EXPECT_EQ(too_many->status, 413) << too_many->body;
  auto huge = c->request("POST", "/v1/events", std::string(4 * 1024 * 1024 + 10, ' '));
  ASSERT_TRUE(huge.ok()) << huge.error().message();
  EXPECT_EQ(huge->status, 413);
  c->close();
  for (const std::string& bad :
       {std::string("{not json"), std::string(R"({"terminal_id":")" + kTerminalA + R"("})"),
        std::string(R"({"terminal_id":")" + kTerminalA + R"(","events":[{"seq":1}]})"),
        std::string(R"({"terminal_id":")" + kTerminalA + R"(","events":"x"})")}) {
    auto r = c->request("POST", "/v1/events", bad);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << bad;
  }
  json extra = json::parse(batch(kTerminalA, events, 1, 2));
  extra["events"][0]["surprise"] = 1;
  EXPECT_EQ(c->request("POST", "/v1/events", extra.dump())->status, 400);
  EXPECT_EQ(count(), before);
}

TEST_P(JourneydTest, PeersPullOtherTerminalsCardEvents) {
  auto a = claimed(kTerminalA, "till-a");
  auto b = claimed(kTerminalB, "till-b");
  ASSERT_EQ(a->request("POST", "/v1/events", batch(kTerminalA, chain(kTerminalA, 6), 1, 6))->status,
            200);
  auto r = b->request("GET", "/v1/peer-events?after=0&limit=2");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  json j = body_of(r);
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["terminal_id"], kTerminalA);
  EXPECT_EQ(j["events"][0]["seq"], 2);  // card events only
  auto rest = b->request("GET", "/v1/peer-events?after=" + j["cursor"].dump());
  EXPECT_EQ(body_of(rest)["events"].size(), 1u);
  EXPECT_EQ(body_of(a->request("GET", "/v1/peer-events"))["events"].size(), 0u);
}

TEST_P(JourneydTest, PublishedRulesArriveWithAVersion) {
  auto c = claimed(kTerminalA);
  EXPECT_EQ(c->request("GET", "/v1/published/rules")->status, 204);
  const std::string rules = tmp_.file("rules.toml");
  const std::string text = "[journey]\nretention_visits = 3\n";
  std::ofstream(rules) << text;
  const CommandRun r = run_journeyd({"publish", "--data", dir_, rules});
  ASSERT_EQ(r.status, 0) << r.out;
  auto got = c->request("GET", "/v1/published/rules?after=0");
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(body_of(got)["text"], text);
  const auto version = body_of(got)["version"].get<std::int64_t>();
  EXPECT_EQ(c->request("GET", "/v1/published/rules?after=" + std::to_string(version))->status, 204);
  EXPECT_EQ(c->request("GET", "/v1/published/catalog")->status, 204);
}

// A TLS connection made by hand, to send a request in pieces.
class RawTls {
 public:
  RawTls(std::uint16_t port, const net::ClientTls& tls) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    BIO* cb =
        BIO_new_mem_buf(tls.client_cert_pem.data(), static_cast<int>(tls.client_cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    BIO* kb =
        BIO_new_mem_buf(tls.client_key_pem.data(), static_cast<int>(tls.client_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    SSL_CTX_use_certificate(ctx_, cert);
    SSL_CTX_use_PrivateKey(ctx_, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    fd_ = connect_to(port);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    ok_ = fd_ >= 0 && SSL_connect(ssl_) == 1;
  }
  ~RawTls() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return ok_; }
  bool send(const std::string& s) {
    return SSL_write(ssl_, s.data(), static_cast<int>(s.size())) == static_cast<int>(s.size());
  }
  std::string read_all() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl_, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool ok_ = false;
};

TEST_P(JourneydTest, SigtermLetsARequestInFlightFinishThenExits0) {
  const Bundle bundle = enroll("till-1");
  auto c = client(bundle);
  ASSERT_EQ(c->request("POST", "/v1/claim", json{{"terminal_id", kTerminalA}}.dump())->status, 200);
  const std::string body = batch(kTerminalA, chain(kTerminalA, 5), 1, 5);
  RawTls raw(server_->port(), bundle.tls());
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 40)));
  std::this_thread::sleep_for(300ms);
  server_->signal_term();
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(raw.send(body.substr(40)));
  const std::string answer = raw.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_EQ(server_->wait(), 0);
  EXPECT_EQ(count(), 5);
}

INSTANTIATE_TEST_SUITE_P(Stores, JourneydTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return testing::backend_name(p.param);
                         });

}  // namespace
}  // namespace loyalpos::journeyd
