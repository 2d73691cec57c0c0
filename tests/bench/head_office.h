// Head office for the sync benchmarks (sync_bench.cc, sync_drain_bench.cc):
// a data folder made by the real `journeyd init`, any number of real
// `journeyd serve` processes on 127.0.0.1 port 0 over its store
// (tests/journeyd/journeyd_process.h), terminals enrolled in-process and
// pushing over HTTPS with mutual TLS through net's client, the one the sync
// agent uses. Header-only, for benchmarks alone.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "sync/agent/enrollment.h"
#include "sync/journeyd/pki.h"
#include "sync/journeyd/service.h"
#include "sync/store/store.h"
#include "sync/wire/event_json.h"
#include "tests/bench/journey_chain.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/sync/pg_cluster.h"

namespace loyalpos::sync::bench {

// The binary's PostgreSQL cluster, fsync on (commits are what is measured),
// started on first use; each head office takes a fresh database of it.
inline Result<testing::PgCluster*> durable_cluster() {
  static Result<std::unique_ptr<testing::PgCluster>> cluster =
      testing::PgCluster::start({.fsync = true});
  if (!cluster.ok()) return cluster.error();
  return cluster->get();
}

// A new PostgreSQL database's URL on durable_cluster().
inline Result<std::string> fresh_pg_database() {
  auto cluster = durable_cluster();
  if (!cluster.ok()) return cluster.error();
  return (*cluster)->create_database();
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The benchmarks' Arg for the store: 0 SQLite, 1 PostgreSQL.
enum class StoreKind { kSqlite = 0, kPostgres = 1 };

class HeadOffice {
 public:
  // `journeyd init` in `dir` (which must not exist yet) with its store in
  // SQLite in the folder or in a fresh database of durable_cluster().
  static Result<std::unique_ptr<HeadOffice>> init(const std::string& dir, StoreKind kind) {
    std::string store_url = "sqlite:" + dir + "/journey.db";
    if (kind == StoreKind::kPostgres) {
      auto url = fresh_pg_database();
      if (!url.ok()) return url.error();
      store_url = *url;
    }
    const journeyd::CommandRun run = journeyd::run_journeyd(
        {"init", "--data", dir, "--listen", "127.0.0.1:0", "--store", store_url});
    if (run.status != 0) return Error::io("journeyd init failed: " + run.out);
    auto head = std::unique_ptr<HeadOffice>(new HeadOffice(dir));
    auto store = make_store(store_url);
    if (!store.ok()) return store.error();
    head->store_ = std::move(*store);
    head->ca_ = {journeyd::read_file(dir + "/ca.key"), journeyd::read_file(dir + "/ca.pem")};
    return head;
  }

  // One more `journeyd serve` over the store; the port it listens on.
  Result<std::uint16_t> serve() {
    servers_.push_back(std::make_unique<journeyd::Server>(dir_, ""));
    const auto& server = *servers_.back();
    if (server.port() == 0) return Error::io("journeyd serve: " + server.first_line());
    return server.port();
  }
  pid_t server_pid(std::size_t i) const { return servers_[i]->pid(); }

  // What `journeyd enroll` does, in-process and without its files (the
  // bundle, the index for revoke): a client certificate from the CA for a
  // new enrollment id and the enrollment's row in the store. The enrollment
  // dials 127.0.0.1:`port`.
  Result<Enrollment> enroll(const std::string& terminal_name, std::uint16_t port) {
    const std::string id = journeyd::random_hex(16);
    auto cert = journeyd::make_client_cert(ca_, id, kStoreName);
    if (!cert.ok()) return cert.error();
    LOYALPOS_TRY(store_->add_terminal(kStoreName, terminal_name, id,
                                      journeyd::serial_credential(cert->serial_hex)));
    Enrollment e;
    e.server_url = "https://127.0.0.1:" + std::to_string(port);
    e.host = "127.0.0.1";
    e.port = port;
    e.ca_pem = ca_.cert_pem;
    e.cert_pem = cert->pair.cert_pem;
    e.key_pem = cert->pair.key_pem;
    e.store = kStoreName;
    e.terminal = terminal_name;
    e.enrollment_id = id;
    return e;
  }

  // A connection of the benchmark's own, to check what was stored.
  Store& store() { return *store_; }

 private:
  static constexpr const char* kStoreName = "Bench St";
  explicit HeadOffice(std::string dir) : dir_(std::move(dir)) {}

  std::string dir_;
  journeyd::KeyPair ca_;
  std::unique_ptr<Store> store_;
  std::vector<std::unique_ptr<journeyd::Server>> servers_;
};

// A POST /v1/events body, made as the sync agent makes it (sync/wire).
inline std::string push_body(const std::string& terminal_id, const Row* rows, std::size_t n) {
  nlohmann::json events = nlohmann::json::array();
  for (std::size_t k = 0; k < n; ++k) events.push_back(event_json(rows[k].wire, WireForm::kPush));
  return nlohmann::json{{"terminal_id", terminal_id}, {"events", std::move(events)}}.dump();
}

// One terminal's keep-alive HTTPS connection to head office.
class Pusher {
 public:
  explicit Pusher(const Enrollment& e)
      : client_(e.host, e.port, net::ClientTls{e.ca_pem, e.cert_pem, e.key_pem},
                std::chrono::seconds(120)) {}

  // POST /v1/claim for `terminal_id` (the TLS handshake happens here).
  Status claim(const std::string& terminal_id) {
    return expect_ack(
        "claiming", client_.request("POST", "/v1/claim",
                                    nlohmann::json{{"terminal_id", terminal_id}}.dump(), kHeaders));
  }
  // POST /v1/events; the ack's seq.
  Result<std::int64_t> push(std::string body) {
    std::int64_t seq = 0;
    LOYALPOS_TRY(expect_ack(
        "pushing", client_.request("POST", "/v1/events", std::move(body), kHeaders), &seq));
    return seq;
  }

 private:
  inline static const net::HttpClient::Headers kHeaders = {{"Content-Type", "application/json"},
                                                           {"Loyalpos-Sync", "1"}};

  static Status expect_ack(const char* what, const Result<net::HttpResponse>& r,
                           std::int64_t* seq = nullptr) {
    if (!r.ok()) return r.error().with_context(std::string(what) + ": ");
    if (r->status != 200) {
      return Error::conflict(std::string(what) + ": " + std::to_string(r->status) + " " + r->body);
    }
    const auto body = nlohmann::json::parse(r->body, nullptr, false);
    if (body.is_discarded() || !body.contains("ack")) {
      return Error::corrupt(std::string(what) + ": no ack in " + r->body);
    }
    if (seq != nullptr) *seq = body["ack"]["seq"].get<std::int64_t>();
    return ok_status();
  }

  net::HttpClient client_;
};

// Whether the store holds each terminal's events exactly 1..N, every one
// once, and its head is the N-th event (`expected`: terminal id -> that
// event): empty, or what is wrong. Pages through every event the store
// holds, in cursor order.
inline std::string check_stored(Store& store, const std::map<std::string, WireEvent>& expected) {
  std::map<std::string, std::int64_t> last_seq;
  std::int64_t cursor = 0;
  std::int64_t total = 0;
  for (;;) {
    auto page = store.events_after(cursor, "", kMaxBatch * 10, false);
    if (!page.ok()) return page.error().message();
    if (page->empty()) break;
    for (const WireEvent& e : *page) {
      std::int64_t& last = last_seq[e.terminal_id];
      if (e.seq != last + 1) {
        return "terminal " + e.terminal_id + ": seq " + std::to_string(e.seq) + " after " +
               std::to_string(last) + " (a gap or a duplicate)";
      }
      last = e.seq;
      cursor = e.cursor;
      ++total;
    }
  }
  if (last_seq.size() != expected.size()) {
    return std::to_string(last_seq.size()) + " terminals hold events, " +
           std::to_string(expected.size()) + " pushed";
  }
  std::int64_t want = 0;
  for (const auto& [terminal, event] : expected) {
    want += event.seq;
    auto head = store.head(terminal);
    if (!head.ok()) return head.error().message();
    if (last_seq[terminal] != event.seq || head->seq != event.seq || head->hash_hex != event.hash) {
      return "terminal " + terminal + ": holds " + std::to_string(last_seq[terminal]) +
             " events, head " + std::to_string(head->seq) + ", pushed " + std::to_string(event.seq);
    }
  }
  auto count = store.count_events();
  if (!count.ok()) return count.error().message();
  if (*count != want || total != want) {
    return "the store counts " + std::to_string(*count) + " events, " + std::to_string(want) +
           " pushed";
  }
  return {};
}

}  // namespace loyalpos::sync::bench
