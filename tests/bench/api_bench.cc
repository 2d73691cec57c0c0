// What the loopback API adds to a sale. BM_CardSaleHttpVsInProcess rings up,
// in one loop, the durable 3-line card sale of sale_bench through
// SaleService::sell on one ledger file and the same sale as POST /v1/sales
// (JSON body, bearer token, keep-alive HttpClient) to an ApiService on a
// second ledger file in the same directory, served by HttpServer on a thread
// on 127.0.0.1. The two take turns going first (ABBA), as in sale_bench's
// BM_CardSaleVsBaseline, so fsync latency drifting falls on both alike.
// Counters: inproc_per_s, http_per_s (1 / mean latency), their ratio
// http / in-process (goal >= 0.8), and p50_us / p99_us of each.
//
// BM_QuoteOverHttp: POST /v1/quote of the same basket and card, no write:
// p50_us / p99_us (goal: p99 < 1 ms).
//
// BM_CardSaleHttpCapacity: sales per second with 1, 2 and 4 keep-alive
// connections at once vs one in-process thread (what the API costs in
// capacity rather than in one request's latency). BM_LoopbackRoundTripFloor:
// a bare TCP ping-pong between two threads, the platform's share of any
// HTTP request's latency. BM_CardSaleLoopbackFloorVsInProcess: the same
// sale behind a bare loopback message, the ratio no loopback API can beat
// on the machine. Both also split the served sale's time, as the client
// sees it, into to_handler_p50_us (the request sent, the serving thread
// woken, the request read), in_handler_p50_us and from_handler_p50_us
// (the answer written, the client woken, the answer read): side by side,
// what HTTP costs in each direction beyond the bare message.
//
// Files go to /tmp, which must be a real disk for the sale figures to mean
// anything (on tmpfs fsync is free). scripts/bench builds this in Release.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "net/http_server.h"
#include "pos/api/api_service.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"
#include "tests/bench/durable_bench.h"
#include "tests/e2e/test_ledger.h"

namespace loyalpos::api {

using net::HttpClient;
using net::HttpServer;
using net::ServerOptions;
namespace {

namespace support = loyalpos::pos::test_ledger;
using Steady = std::chrono::steady_clock;
using nlohmann::json;

constexpr benchmark::IterationCount kDurableIterations = 2000;
constexpr const char* kToken = "bench-token-0123456789abcdef";

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

double per_second(const std::vector<double>& us) {
  const double total = std::accumulate(us.begin(), us.end(), 0.0);
  return total > 0 ? static_cast<double>(us.size()) * 1e6 / total : 0;
}

void latencies(benchmark::State& state, const std::string& prefix, const std::vector<double>& us) {
  state.counters[prefix + "p50_us"] = percentile(us, 50);
  state.counters[prefix + "p99_us"] = percentile(us, 99);
  state.counters[prefix + "max_us"] = us.empty() ? 0 : *std::max_element(us.begin(), us.end());
}

pos::SaleRequest card_sale(const std::string& token) {
  pos::SaleRequest request;
  request.items = {{"CROISSANT", 1}, {"SIMIT", 1}, {"LATTE", 1}};
  request.card_token = token;
  request.cashier = "bench";
  request.payment = "card";
  return request;
}

std::string card_sale_json(const std::string& token) {
  return json{{"items", {{{"sku", "CROISSANT"}}, {{"sku", "SIMIT"}}, {{"sku", "LATTE"}}}},
              {"card", token},
              {"cashier", "bench"},
              {"payment", "card"}}
      .dump();
}

// Where a sale rung on a peer thread spends its time, as the client sees
// it: until the handler starts (the request sent, the peer woken, the
// request read), in the handler, and after it (the answer written, the
// client woken, the answer read). around() runs on the serving thread,
// record() on the client's once the answer is in.
class ServedSplit {
 public:
  template <typename F>
  auto around(F&& f) {
    in_.store(Steady::now().time_since_epoch().count());
    auto result = f();
    out_.store(Steady::now().time_since_epoch().count());
    return result;
  }
  void record(Steady::time_point start, Steady::time_point end) {
    const Steady::time_point in{Steady::duration(in_.load())};
    const Steady::time_point out{Steady::duration(out_.load())};
    to_.push_back(micros(in - start));
    in_handler_.push_back(micros(out - in));
    from_.push_back(micros(end - out));
  }
  // to_handler_p50_us, in_handler_p50_us, from_handler_p50_us.
  void counters(benchmark::State& state) const {
    state.counters["to_handler_p50_us"] = percentile(to_, 50);
    state.counters["in_handler_p50_us"] = percentile(in_handler_, 50);
    state.counters["from_handler_p50_us"] = percentile(from_, 50);
  }

 private:
  static double micros(Steady::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
  }
  std::atomic<Steady::rep> in_{0}, out_{0};
  std::vector<double> to_, in_handler_, from_;
};

// The API on a ledger, served on a thread until destroyed.
struct ServedRig : pos::durable_bench::LedgerWithCards {
  std::optional<ApiService> service;
  std::optional<HttpServer> server;
  std::thread thread;
  std::optional<HttpClient> client;
  std::uint16_t port = 0;
  ServedSplit split;  // of every request the server answers

  Status start(const std::string& path) {
    LOYALPOS_TRY(open_ledger(path, 100));
    service.emplace(*ledger, *rules, clock, ApiOptions{});
    ServerOptions options;
    options.bearer_token = kToken;
    server.emplace(options, [this](const net::HttpRequest& request) {
      return split.around([&] { return service->handle(request); });
    });
    auto listening = server->listen();
    if (!listening.ok()) return listening.error();
    port = *listening;
    thread = std::thread([this] { server->run(); });
    client.emplace("127.0.0.1", port);
    return ok_status();
  }
  ~ServedRig() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }

  Status post(const char* target, const std::string& body, int want) {
    auto r =
        client->request("POST", target, body, {{"Authorization", std::string("Bearer ") + kToken}});
    if (!r.ok()) return r.error();
    if (r->status != want) return Error::internal(std::string(target) + ": " + r->body);
    return ok_status();
  }
};

bool check(benchmark::State& state, const Status& s) {
  if (!s.ok()) state.SkipWithError(s.error().message().c_str());
  return s.ok();
}

// Two ledger files in one directory: one sold to in-process, one behind the
// API, each with 100 cards.
struct LocalAndServed {
  support::TempDir dir{"loyalpos-bench-api"};
  pos::durable_bench::LedgerWithCards local;
  ServedRig served;
  std::optional<pos::SaleService> sales;  // on `local`

  bool start(benchmark::State& state) {
    if (!check(state, local.open_ledger(dir.file("local.db"), 100)) ||
        !check(state, served.start(dir.file("served.db")))) {
      return false;
    }
    sales.emplace(*local.ledger, *local.rules, local.clock);
    for (const auto& card : local.cards) requests.push_back(card_sale(card.token));
    return true;
  }

  // The benchmarked sale in process, for the next card in turn.
  Status sell_local() {
    auto r = sales->sell(requests[next_local++ % requests.size()]);
    if (!r.ok()) return r.error();
    return ok_status();
  }

 private:
  std::vector<pos::SaleRequest> requests;
  std::size_t next_local = 0;
};

// Calls `local` and `other` once per iteration, taking turns at going first
// (ABBA, as sale_bench's BM_CardSaleVsBaseline), so fsync latency drifting
// falls on both alike; one of each goes first, untimed (statements
// prepared, connection open). Counters: inproc_per_s and <name>_per_s
// (1 / mean latency), their ratio <name> / in-process, and the p50, p99 and
// max of each.
template <typename Local, typename Other>
void interleave(benchmark::State& state, Local&& local, Other&& other, const std::string& name) {
  if (!check(state, local()) || !check(state, other())) return;
  std::vector<double> local_us, other_us;
  auto timed = [&](std::vector<double>& into, auto&& f) {
    const auto start = Steady::now();
    const Status s = f();
    into.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    return check(state, s);
  };
  for (auto _ : state) {
    const bool local_first = local_us.size() % 2 == 0;
    const bool ok = local_first ? timed(local_us, local) && timed(other_us, other)
                                : timed(other_us, other) && timed(local_us, local);
    if (!ok) break;
  }
  const double inproc = per_second(local_us), theirs = per_second(other_us);
  state.counters["inproc_per_s"] = inproc;
  state.counters[name + "_per_s"] = theirs;
  state.counters["ratio"] = inproc > 0 ? theirs / inproc : 0;
  latencies(state, "inproc_", local_us);
  latencies(state, name + "_", other_us);
}

void BM_CardSaleHttpVsInProcess(benchmark::State& state) {
  LocalAndServed rigs;
  if (!rigs.start(state)) return;
  std::vector<std::string> bodies;
  for (const auto& card : rigs.served.cards) bodies.push_back(card_sale_json(card.token));
  std::size_t next = 0;
  interleave(
      state, [&] { return rigs.sell_local(); },
      [&] {
        const auto start = Steady::now();
        Status s = rigs.served.post("/v1/sales", bodies[next++ % bodies.size()], 201);
        rigs.served.split.record(start, Steady::now());
        return s;
      },
      "http");
  rigs.served.split.counters(state);
}
BENCHMARK(BM_CardSaleHttpVsInProcess)
    ->Iterations(kDurableIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The same pair with no network: the sale as the API's handler sees it
// (ApiService::handle on a parsed request: the JSON body read, the card
// looked up, the answer written) vs SaleService::sell, interleaved. What
// it adds is the API's own share of BM_CardSaleHttpVsInProcess's gap; the
// rest is HTTP and the loopback.
void BM_CardSaleHandlerVsInProcess(benchmark::State& state) {
  LocalAndServed rigs;
  if (!rigs.start(state)) return;
  std::vector<net::HttpRequest> posts;
  for (const auto& card : rigs.served.cards) {
    net::HttpRequest post;
    post.method = "POST";
    post.target = "/v1/sales";
    post.headers = {{"content-type", "application/json"}};
    post.body = card_sale_json(card.token);
    posts.push_back(std::move(post));
  }
  std::size_t next = 0;
  interleave(
      state, [&] { return rigs.sell_local(); },
      [&]() -> Status {
        const auto r = rigs.served.service->handle(posts[next++ % posts.size()]);
        if (r.status != 201) return Error::internal("POST /v1/sales: " + r.body);
        return ok_status();
      },
      "handler");
}
BENCHMARK(BM_CardSaleHandlerVsInProcess)
    ->Iterations(kDurableIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Capacity: the sales per second the API sustains for the counter pages
// and programs of one terminal, each on its own keep-alive connection, vs
// the in-process sales per second of one thread. `clients` connections post
// back to back; the server handles one request at a time, as always, so
// while one sale waits for its fsync the next request is already there and
// no wakeup is waited for. Blocks of kBlock sales take turns (ABBA) with
// blocks of in-process sales, so fsync drift falls on both.
void BM_CardSaleHttpCapacity(benchmark::State& state) {
  constexpr std::size_t kBlock = 100;
  const auto clients = static_cast<std::size_t>(state.range(0));
  LocalAndServed rigs;
  if (!rigs.start(state)) return;
  auto& served = rigs.served;
  std::vector<std::unique_ptr<HttpClient>> connections;
  for (std::size_t i = 0; i < clients; ++i) {
    connections.push_back(std::make_unique<HttpClient>("127.0.0.1", served.port));
  }
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < 100; ++i) bodies.push_back(card_sale_json(served.cards[i].token));
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", std::string("Bearer ") + kToken}};
  std::atomic<bool> failed{false};
  // kBlock sales split over the connections, each on its own thread.
  auto http_block = [&]() {
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        for (std::size_t i = c; i < kBlock; i += clients) {
          auto r = connections[c]->request("POST", "/v1/sales", bodies[i % bodies.size()], auth);
          if (!r.ok() || r->status != 201) failed = true;
        }
      });
    }
    for (auto& t : threads) t.join();
  };
  auto local_block = [&]() {
    for (std::size_t i = 0; i < kBlock; ++i) {
      if (!rigs.sell_local().ok()) failed = true;
    }
  };
  local_block();
  http_block();  // connections open, statements prepared
  double local_s = 0, http_s = 0;
  std::size_t blocks = 0;
  auto timed = [](auto&& f) {
    const auto start = Steady::now();
    f();
    return std::chrono::duration<double>(Steady::now() - start).count();
  };
  for (auto _ : state) {
    if (blocks++ % 2 == 0) {
      local_s += timed(local_block);
      http_s += timed(http_block);
    } else {
      http_s += timed(http_block);
      local_s += timed(local_block);
    }
    if (failed) {
      state.SkipWithError("a sale failed");
      return;
    }
  }
  const double sold = static_cast<double>(blocks * kBlock);
  state.counters["inproc_per_s"] = sold / local_s;
  state.counters["http_per_s"] = sold / http_s;
  state.counters["ratio"] = local_s / http_s;
}
BENCHMARK(BM_CardSaleHttpCapacity)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Iterations(20)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A kept TCP connection on 127.0.0.1 between this thread and a peer thread,
// with no protocol at all: exchange() moves kBytes each way.
class LoopbackPair {
 public:
  static constexpr std::size_t kBytes = 300;

  // Starts `serve(fd)` on a thread with the accepted end; false if the
  // loopback cannot be set up.
  template <typename Serve>
  bool start(Serve serve) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
        ::listen(listener_, 1) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
      return false;
    }
    peer_ = std::thread([this, serve] {
      const int fd = ::accept(listener_, nullptr, nullptr);
      no_delay(fd);
      serve(fd);
      ::close(fd);
    });
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    no_delay(fd_);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~LoopbackPair() {
    if (fd_ >= 0) {
      ::shutdown(fd_, SHUT_RDWR);
      ::close(fd_);
    }
    if (peer_.joinable()) peer_.join();
    if (listener_ >= 0) ::close(listener_);
  }

  // kBytes from `buf` out on `fd`, or kBytes in from it; false when the
  // connection is gone.
  static bool send_all(int fd, char* buf) {
    return all(buf, [fd](char* b, std::size_t n) { return ::send(fd, b, n, MSG_NOSIGNAL); });
  }
  static bool receive_all(int fd, char* buf) {
    return all(buf, [fd](char* b, std::size_t n) { return ::recv(fd, b, n, 0); });
  }
  // This end's round trip: kBytes out, then kBytes in.
  bool exchange(char* buf) const { return send_all(fd_, buf) && receive_all(fd_, buf); }

 private:
  template <typename Io>
  static bool all(char* buf, Io io) {
    for (std::size_t done = 0; done < kBytes;) {
      const ssize_t n = io(buf + done, kBytes - done);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  static void no_delay(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  int listener_ = -1;
  int fd_ = -1;
  std::thread peer_;
};

// The platform's floor under any loopback API: a 300-byte request and a
// 300-byte answer over a kept TCP connection on 127.0.0.1 between two
// threads, nothing else (no HTTP, no JSON, no ledger). Its p50 is what two
// thread wakeups and the loopback cost on this machine; an HTTP sale cannot
// add less than that to the in-process one.
void BM_LoopbackRoundTripFloor(benchmark::State& state) {
  LoopbackPair pair;
  const bool up = pair.start([](int fd) {
    char buf[LoopbackPair::kBytes];
    while (LoopbackPair::receive_all(fd, buf) && LoopbackPair::send_all(fd, buf)) {
    }
  });
  if (!up) {
    state.SkipWithError("cannot connect on 127.0.0.1");
    return;
  }
  char buf[LoopbackPair::kBytes] = {};
  std::vector<double> us;
  for (auto _ : state) {
    const auto start = Steady::now();
    const bool ok = pair.exchange(buf);
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    if (!ok) {
      state.SkipWithError("the loopback exchange failed");
      break;
    }
  }
  latencies(state, "", us);
}
BENCHMARK(BM_LoopbackRoundTripFloor)
    ->Iterations(5000)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The ceiling of any loopback API on this machine: the same sale rung by a
// peer thread on the served ledger when a 300-byte message arrives over a
// kept loopback TCP connection, answered with 300 bytes (no HTTP, no JSON,
// no token), vs SaleService::sell in this thread, interleaved (ABBA) as in
// BM_CardSaleHttpVsInProcess. Its ratio is what the two thread wakeups alone
// leave of the in-process sale; BM_CardSaleHttpVsInProcess's ratio can only
// be lower, and the difference between the two is what HTTP, JSON and the
// API cost.
void BM_CardSaleLoopbackFloorVsInProcess(benchmark::State& state) {
  LocalAndServed rigs;  // the served ledger's HTTP server stays idle
  if (!rigs.start(state)) return;
  auto& served = rigs.served;
  pos::SaleService served_sales(*served.ledger, *served.rules, served.clock);
  std::atomic<bool> failed{false};
  LoopbackPair pair;
  const bool up = pair.start([&](int fd) {
    char buf[LoopbackPair::kBytes];
    for (std::size_t next = 0; LoopbackPair::receive_all(fd, buf); ++next) {
      const auto sold = served.split.around([&] {
        return served_sales.sell(card_sale(served.cards[next % served.cards.size()].token));
      });
      if (!sold.ok()) failed = true;
      if (!LoopbackPair::send_all(fd, buf)) return;
    }
  });
  if (!up) {
    state.SkipWithError("cannot connect on 127.0.0.1");
    return;
  }
  char buf[LoopbackPair::kBytes] = {};
  interleave(
      state, [&] { return rigs.sell_local(); },
      [&]() -> Status {
        const auto start = Steady::now();
        const bool exchanged = pair.exchange(buf);
        served.split.record(start, Steady::now());
        if (!exchanged || failed) return Error::internal("the loopback sale failed");
        return ok_status();
      },
      "loopback");
  served.split.counters(state);
}
BENCHMARK(BM_CardSaleLoopbackFloorVsInProcess)
    ->Iterations(kDurableIterations)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The HTTP layer's own round trip: GET /v1/health (no ledger, no JSON
// body to read) over the same keep-alive HttpClient and HttpServer. Its p50
// less BM_LoopbackRoundTripFloor's is what Beast, the client and the
// server's bookkeeping add to every request.
void BM_HealthOverHttp(benchmark::State& state) {
  support::TempDir dir("loyalpos-bench-health");
  ServedRig served;
  if (!check(state, served.start(dir.file("served.db")))) return;
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", std::string("Bearer ") + kToken}};
  std::vector<double> us;
  for (auto _ : state) {
    const auto start = Steady::now();
    auto r = served.client->request("GET", "/v1/health", "", auth);
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    if (!r.ok() || r->status != 200) {
      state.SkipWithError("GET /v1/health failed");
      break;
    }
  }
  latencies(state, "", us);
}
BENCHMARK(BM_HealthOverHttp)->Iterations(5000)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_QuoteOverHttp(benchmark::State& state) {
  support::TempDir dir("loyalpos-bench-quote");
  ServedRig served;
  if (!check(state, served.start(dir.file("served.db")))) return;
  // Quotes are held 15 minutes, at most 1000: the oldest go as new ones come.
  json basket = json::parse(card_sale_json(served.cards[0].token));
  basket.erase("payment");
  basket.erase("cashier");
  const std::string body = basket.dump();
  if (!check(state, served.post("/v1/quote", body, 200))) return;
  std::vector<double> us;
  for (auto _ : state) {
    const auto start = Steady::now();
    const Status s = served.post("/v1/quote", body, 200);
    us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    if (!check(state, s)) break;
  }
  state.counters["quotes_per_s"] = per_second(us);
  latencies(state, "", us);
}
BENCHMARK(BM_QuoteOverHttp)->Iterations(5000)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace loyalpos::api

BENCHMARK_MAIN();
