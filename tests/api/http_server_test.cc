// HttpServer over real sockets on 127.0.0.1 (port 0), served by a thread
// of the test; requests come from HttpClient or, where the bytes matter
// (malformed, partial, silent), from a raw socket.
#include "net/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "net/http_client.h"
#include "net/http_date.h"
#include "net/http_parse.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::net {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::string header_of(const HttpResponse& r, std::string_view lower_name) {
  for (const auto& [name, value] : r.headers) {
    if (name == lower_name) return value;
  }
  return "<none>";
}

// A Date header the server wrote just now (net/http_date.h).
void expect_date_now(const std::string& value) {
  const auto when = parse_http_date(value);
  ASSERT_TRUE(when.has_value()) << value;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(std::abs(*when - now), 5) << value;
}

std::string error_code_of(const HttpResponse& r) {
  const auto json = nlohmann::json::parse(r.body, nullptr, false);
  if (json.is_discarded() || !json.contains("error")) return "<not an error body: " + r.body + ">";
  return json["error"].value("code", "<no code>");
}

// The echo handler: answers {"method","target","body"}; /throw throws,
// /slow sleeps 300 ms, /bad-header returns a header the server owns.
struct Echo {
  std::atomic<int> calls{0};
  std::atomic<bool> slow_entered{false};

  Handler handler() {
    return [this](const HttpRequest& req) -> HttpResponse {
      ++calls;
      if (req.target == "/throw") throw std::runtime_error("boom");
      if (req.target == "/slow") {
        slow_entered = true;
        std::this_thread::sleep_for(300ms);
      }
      HttpResponse r;
      if (req.target == "/bad-header") r.headers.emplace_back("Content-Length", "3");
      if (req.target == "/bad-value") r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=1");
      if (req.target == "/created") {
        r.status = 201;
        r.headers.emplace_back("Location", "/things/1");
      }
      const std::string* auth = req.header("authorization");
      r.body = nlohmann::json{{"method", req.method},
                              {"target", req.target},
                              {"body", req.body},
                              {"auth", auth ? *auth : ""}}
                   .dump();
      return r;
    };
  }
};

// A server listening on 127.0.0.1, run() on its own thread until the
// fixture ends (or the test stops it).
class Served {
 public:
  explicit Served(ServerOptions options, Handler handler)
      : server_(std::move(options), std::move(handler)) {
    auto port = server_.listen();
    if (!port.ok()) throw std::runtime_error(port.error().message());
    port_ = *port;
    thread_ = std::thread([this] {
      server_.run();
      returned_ = true;
    });
  }
  ~Served() { stop_and_join(); }

  std::uint16_t port() const { return port_; }
  HttpServer& server() { return server_; }
  bool returned() const { return returned_; }

  void stop_and_join() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  void join() { thread_.join(); }

 private:
  HttpServer server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

ServerOptions test_options() {
  ServerOptions o;
  o.header_timeout = 2000ms;
  o.idle_timeout = 2000ms;
  return o;
}

// A plain TCP connection for sending exact bytes.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One whole response (header + Content-Length body), or what came before
  // the connection closed or `timeout` passed.
  std::string read_response(milliseconds timeout = 3000ms) {
    const auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      const std::size_t end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const std::size_t total = end + 4 + content_length(pending_.substr(0, end));
        if (pending_.size() >= total) {
          std::string response = pending_.substr(0, total);
          pending_.erase(0, total);
          return response;
        }
      }
      if (!read_some(deadline)) return std::exchange(pending_, {});
    }
  }

  // True when the server closes the connection within `timeout` (anything
  // it sends before is dropped).
  bool closed_within(milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    while (read_some(deadline)) {
    }
    return eof_;
  }

 private:
  static std::size_t content_length(const std::string& head) {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(lower.substr(at + 17));
  }

  // False on close, error or deadline.
  bool read_some(SteadyClock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;  // closed (0) or reset (-1): either way the server is done with us
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool eof_ = false;
  std::string pending_;
};

int status_of(const std::string& raw) {
  if (raw.size() < 12 || raw.rfind("HTTP/1.", 0) != 0) return -1;
  return std::stoi(raw.substr(9, 3));
}

std::string body_of(const std::string& raw) {
  const std::size_t end = raw.find("\r\n\r\n");
  return end == std::string::npos ? "" : raw.substr(end + 4);
}

template <typename Predicate>
bool eventually(Predicate p, milliseconds timeout = 3000ms) {
  const auto deadline = SteadyClock::now() + timeout;
  while (SteadyClock::now() < deadline) {
    if (p()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return p();
}

// ---------------------------------------------------------------------------

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  for (int i = 0; i < 50; ++i) {
    const std::string body = "{\"n\":" + std::to_string(i) + "}";
    auto r = client.request("POST", "/echo?i=" + std::to_string(i), body);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->content_type, "application/json");
    EXPECT_EQ(header_of(*r, "cache-control"), "no-store");
    EXPECT_EQ(header_of(*r, "content-length"), std::to_string(r->body.size()));
    expect_date_now(header_of(*r, "date"));
    const auto json = nlohmann::json::parse(r->body);
    EXPECT_EQ(json["method"], "POST");
    EXPECT_EQ(json["target"], "/echo?i=" + std::to_string(i));
    EXPECT_EQ(json["body"], body);
  }
  EXPECT_EQ(echo.calls, 50);
  EXPECT_EQ(client.connects(), 1u);
}

TEST(HttpServer, HandlerStatusAndHeadersAreSent) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  auto r = client.request("PUT", "/created", "x");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(header_of(*r, "location"), "/things/1");
}

TEST(HttpServer, HeadSendsNoBodyAndKeepsTheConnectionInStep) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  auto head = client.request("HEAD", "/h");
  ASSERT_TRUE(head.ok()) << head.error().message();
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_NE(header_of(*head, "content-length"), "0");
  auto get = client.request("GET", "/g");
  ASSERT_TRUE(get.ok()) << get.error().message();
  EXPECT_EQ(nlohmann::json::parse(get->body)["target"], "/g");
  EXPECT_EQ(client.connects(), 1u);
}

TEST(HttpServer, Http10ConnectionIsClosedAfterTheResponse) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection raw(served.port());
  ASSERT_TRUE(raw.send("GET /old HTTP/1.0\r\n\r\n"));
  const std::string response = raw.read_response();
  EXPECT_EQ(response.rfind("HTTP/1.0 200", 0), 0u) << response;
  EXPECT_TRUE(raw.closed_within(1000ms));
  EXPECT_EQ(echo.calls, 1);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection raw(served.port());
  ASSERT_TRUE(raw.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string first = raw.read_response();
  const std::string second = raw.read_response();
  EXPECT_EQ(nlohmann::json::parse(body_of(first))["target"], "/one");
  EXPECT_EQ(nlohmann::json::parse(body_of(second))["target"], "/two");
}

// Thousands of requests in one send, many of them in each read: each is
// answered, in order, the ones already buffered read one after another.
TEST(HttpServer, AFloodOfPipelinedRequestsIsAnsweredInOrder) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection raw(served.port());
  constexpr int kRequests = 3000;
  std::string flood;
  for (int i = 0; i < kRequests; ++i) flood += "GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
  std::thread sender([&] { raw.send(flood); });
  int answered = 0;
  for (; answered < kRequests; ++answered) {
    const std::string response = raw.read_response();
    if (status_of(response) != 200) break;
    if (nlohmann::json::parse(body_of(response))["target"] != "/" + std::to_string(answered)) {
      break;
    }
  }
  sender.join();
  EXPECT_EQ(answered, kRequests);
  EXPECT_EQ(echo.calls, kRequests);
}

// A chunked body sent a byte at a time: the parser is fed what each read
// brings until the last chunk.
TEST(HttpServer, ABodyArrivingAByteAtATimeIsReadWhole) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection raw(served.port());
  const std::string request =
      "POST /slow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  for (char c : request) {
    ASSERT_TRUE(raw.send(std::string_view(&c, 1)));
    std::this_thread::sleep_for(1ms);
  }
  const std::string response = raw.read_response();
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_EQ(nlohmann::json::parse(body_of(response))["body"], "hello world");
}

TEST(HttpServer, ExpectContinueGetsAnInterimResponse) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection raw(served.port());
  ASSERT_TRUE(
      raw.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(raw.read_response(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(raw.send("hello"));
  const std::string response = raw.read_response();
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_EQ(nlohmann::json::parse(body_of(response))["body"], "hello");
}

TEST(HttpServer, RequestWithoutTheRightTokenIs401AndNotHandled) {
  Echo echo;
  ServerOptions options = test_options();
  options.bearer_token = "s3cret-token";
  Served served(options, echo.handler());
  HttpClient client("127.0.0.1", served.port());

  for (const HttpClient::Headers& headers :
       {HttpClient::Headers{}, HttpClient::Headers{{"Authorization", "Bearer s3cret-tokeN"}},
        HttpClient::Headers{{"Authorization", "Bearer s3cret-token-and-more"}},
        HttpClient::Headers{{"Authorization", "Bearer "}},
        HttpClient::Headers{{"Authorization", "Basic czNjcmV0LXRva2Vu"}}}) {
    auto r = client.request("POST", "/echo", "{}", headers);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(header_of(*r, "www-authenticate"), "Bearer");
    EXPECT_EQ(error_code_of(*r), "unauthorized");
    EXPECT_EQ(r->content_type, "application/json");
  }
  EXPECT_EQ(echo.calls, 0);

  auto ok = client.request("GET", "/echo", "", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->status, 200);
  auto lower = client.request("GET", "/echo", "", {{"Authorization", "bearer s3cret-token"}});
  ASSERT_TRUE(lower.ok()) << lower.error().message();
  EXPECT_EQ(lower->status, 200);
  EXPECT_EQ(echo.calls, 2);
}

TEST(HttpServer, BodyOverTheLimitIs413AndNotHandled) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  auto r = client.request("POST", "/echo", std::string(64 * 1024 + 1, 'x'));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(error_code_of(*r), "too_large");
  EXPECT_EQ(header_of(*r, "connection"), "close");
  EXPECT_EQ(echo.calls, 0);

  auto at_limit = client.request("POST", "/echo", std::string(64 * 1024, 'x'));
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().message();
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(echo.calls, 1);
}

TEST(HttpServer, ChunkedBodyOverTheLimitIs413) {
  Echo echo;
  ServerOptions options = test_options();
  options.max_body = 100;
  Served served(options, echo.handler());
  RawConnection raw(served.port());
  const std::string chunk(60, 'y');
  ASSERT_TRUE(raw.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n" +
                       chunk + "\r\n3c\r\n" + chunk + "\r\n0\r\n\r\n"));
  const std::string response = raw.read_response();
  EXPECT_EQ(status_of(response), 413) << response;
  EXPECT_TRUE(raw.closed_within(2000ms));
  EXPECT_EQ(echo.calls, 0);
}

TEST(HttpServer, HeaderOver8KiBIs431) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  auto r = client.request("GET", "/h", "", {{"X-Big", std::string(9000, 'h')}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(error_code_of(*r), "header_too_large");
  EXPECT_EQ(echo.calls, 0);
}

TEST(HttpServer, MalformedRequestIs400AndClosed) {
  Echo echo;
  Served served(test_options(), echo.handler());
  for (const char* bytes : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                            "GET / HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    RawConnection raw(served.port());
    ASSERT_TRUE(raw.send(bytes));
    const std::string response = raw.read_response();
    EXPECT_EQ(status_of(response), 400) << bytes << " -> " << response;
    const auto json = nlohmann::json::parse(body_of(response), nullptr, false);
    EXPECT_EQ(json["error"]["code"], "bad_request") << response;
    EXPECT_NE(response.find("Cache-Control: no-store\r\n"), std::string::npos);
    EXPECT_NE(response.find("\r\nDate: "), std::string::npos) << response;
    EXPECT_TRUE(raw.closed_within(2000ms)) << bytes;
  }
  EXPECT_EQ(echo.calls, 0);
}

TEST(HttpServer, SilentOrPartialConnectionIsClosedAfterHeaderTimeout) {
  Echo echo;
  ServerOptions options = test_options();
  options.header_timeout = 200ms;
  Served served(options, echo.handler());

  RawConnection silent(served.port());
  RawConnection partial(served.port());
  ASSERT_TRUE(silent.connected() && partial.connected());
  ASSERT_TRUE(partial.send("GET /slowloris HTTP/1.1\r\nHost: x\r\n"));
  const auto start = SteadyClock::now();
  EXPECT_TRUE(silent.closed_within(3000ms));
  EXPECT_TRUE(partial.closed_within(3000ms));
  const auto took = SteadyClock::now() - start;
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 2000ms);
  EXPECT_EQ(echo.calls, 0);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  Echo echo;
  ServerOptions options = test_options();
  options.idle_timeout = 200ms;
  Served served(options, echo.handler());
  RawConnection raw(served.port());
  ASSERT_TRUE(raw.send("GET /once HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_of(raw.read_response()), 200);
  const auto start = SteadyClock::now();
  EXPECT_TRUE(raw.closed_within(3000ms));
  EXPECT_GE(SteadyClock::now() - start, 150ms);

  // The client reconnects by itself when its kept-alive connection is gone.
  HttpClient client("127.0.0.1", served.port());
  ASSERT_TRUE(client.request("GET", "/a").ok());
  std::this_thread::sleep_for(400ms);
  auto again = client.request("GET", "/b");
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(client.connects(), 2u);
}

TEST(HttpServer, ConnectionsOverTheCapGet503) {
  Echo echo;
  ServerOptions options = test_options();
  options.max_connections = 2;
  Served served(options, echo.handler());

  // Two kept-alive connections, each proven accepted by a full request.
  RawConnection a(served.port());
  RawConnection b(served.port());
  for (RawConnection* c : {&a, &b}) {
    ASSERT_TRUE(c->send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(status_of(c->read_response()), 200);
  }

  HttpClient third("127.0.0.1", served.port());
  auto r = third.request("GET", "/third");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(error_code_of(*r), "unavailable");
  EXPECT_EQ(echo.calls, 2);

  // A freed slot is served again.
  a.close();
  EXPECT_TRUE(eventually([&] {
    auto again = third.request("GET", "/third");
    return again.ok() && again->status == 200;
  }));
  EXPECT_EQ(echo.calls, 3);
}

TEST(HttpServer, ThrowingHandlerIs500AndTheServerGoesOn) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  auto r = client.request("GET", "/throw");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(error_code_of(*r), "internal");
  EXPECT_EQ(r->body.find("boom"), std::string::npos) << "exception text leaked: " << r->body;

  auto next = client.request("GET", "/fine");
  ASSERT_TRUE(next.ok()) << next.error().message();
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(client.connects(), 1u);
  EXPECT_EQ(echo.calls, 2);
}

TEST(HttpServer, HandlerResponseTheServerCannotSendIs500) {
  Echo echo;
  Served served(test_options(), echo.handler());
  HttpClient client("127.0.0.1", served.port());
  for (const char* target : {"/bad-header", "/bad-value"}) {
    auto r = client.request("GET", target);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, 500) << target;
    EXPECT_EQ(error_code_of(*r), "internal");
    EXPECT_EQ(header_of(*r, "set-cookie"), "<none>");
  }
}

TEST(HttpServer, StopFinishesTheRequestInFlightThenRunReturns) {
  Echo echo;
  Served served(test_options(), echo.handler());
  RawConnection idle(served.port());
  ASSERT_TRUE(idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(status_of(idle.read_response()), 200);

  std::optional<Result<HttpResponse>> slow;
  std::thread client_thread([&] {
    HttpClient client("127.0.0.1", served.port());
    slow = client.request("POST", "/slow", "payload");
  });
  ASSERT_TRUE(eventually([&] { return echo.slow_entered.load(); }));
  const auto start = SteadyClock::now();
  served.server().stop();
  client_thread.join();
  served.join();
  EXPECT_LT(SteadyClock::now() - start, 2000ms);
  EXPECT_TRUE(served.returned());

  ASSERT_TRUE(slow.has_value());
  ASSERT_TRUE(slow->ok()) << slow->error().message();
  EXPECT_EQ((*slow)->status, 200);
  const auto json = nlohmann::json::parse((*slow)->body);
  EXPECT_EQ(json["body"], "payload");
  EXPECT_TRUE(idle.closed_within(1000ms));

  RawConnection after(served.port());
  EXPECT_FALSE(after.connected());
}

TEST(HttpServer, StopBeforeRunMakesRunReturn) {
  Echo echo;
  HttpServer server(test_options(), echo.handler());
  ASSERT_TRUE(server.listen().ok());
  server.stop();
  server.run();  // returns at once
  SUCCEED();
}

TEST(HttpServer, ListenOnAPortInUseIsAClearError) {
  Echo echo;
  Served first(test_options(), echo.handler());
  ServerOptions options = test_options();
  options.port = first.port();
  HttpServer second(options, echo.handler());
  auto r = second.listen();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  EXPECT_NE(r.error().message().find("already in use"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find(std::to_string(first.port())), std::string::npos);
}

TEST(HttpServer, ListenOnABadHostIsInvalidInput) {
  Echo echo;
  ServerOptions options = test_options();
  options.host = "cafe.example";
  HttpServer server(options, echo.handler());
  auto r = server.listen();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message().find("cafe.example"), std::string::npos);
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  NotifySocket() : path_(dir_.file("notify")) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // The next message, or "" after `timeout`.
  std::string receive(milliseconds timeout = 3000ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return "";
    char buf[512];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  }

 private:
  testing::TempDir dir_{"loyalpos-notify"};
  std::string path_;
  int fd_ = -1;
};

TEST(HttpServer, RunUntilSignalStopsGracefullyOnSigterm) {
  NotifySocket notify;
  ASSERT_TRUE(notify.ok());
  ASSERT_EQ(::setenv("NOTIFY_SOCKET", notify.path().c_str(), 1), 0);

  Echo echo;
  HttpServer server(test_options(), echo.handler());
  auto port = server.listen();
  ASSERT_TRUE(port.ok()) << port.error().message();
  std::optional<Status> status;
  std::thread server_thread([&] { status = server.run_until_signal(); });

  // READY=1 comes after the signal handlers are in place.
  EXPECT_EQ(notify.receive(), "READY=1");
  std::optional<Result<HttpResponse>> slow;
  std::thread client_thread([&] {
    HttpClient client("127.0.0.1", *port);
    slow = client.request("GET", "/slow");
  });
  ASSERT_TRUE(eventually([&] { return echo.slow_entered.load(); }));
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  client_thread.join();
  server_thread.join();
  ::unsetenv("NOTIFY_SOCKET");

  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->ok());
  ASSERT_TRUE(slow.has_value() && slow->ok());
  EXPECT_EQ((*slow)->status, 200);
  EXPECT_EQ(notify.receive(), "STOPPING=1");
}

// ---------------------------------------------------------------------------
// The socket-free path the fuzz target drives.

TEST(HandleRawRequest, AnswersAsTheServerDoes) {
  Echo echo;
  ServerOptions options;
  options.bearer_token = "t0k";
  options.max_body = 10;
  const Handler handler = echo.handler();

  auto ok = handle_raw_request(
      "POST /x HTTP/1.1\r\nAuthorization: Bearer t0k\r\nContent-Length: 2\r\n\r\nhi", options,
      handler);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["body"], "hi");
  EXPECT_EQ(nlohmann::json::parse(ok.body)["auth"], "Bearer t0k");

  EXPECT_EQ(handle_raw_request("GET / HTTP/1.1\r\n\r\n", options, handler).status, 401);
  EXPECT_EQ(handle_raw_request("POST / HTTP/1.1\r\nAuthorization: Bearer t0k\r\n"
                               "Content-Length: 11\r\n\r\nhello world",
                               options, handler)
                .status,
            413);
  EXPECT_EQ(handle_raw_request("POST / HTTP/1.1\r\nAuthorization: Bearer t0k\r\n"
                               "Content-Length: 5\r\n\r\nhi",
                               options, handler)
                .status,
            400);
  EXPECT_EQ(handle_raw_request("GET / HTTP/1.1\r\nHost", options, handler).status, 400);
  EXPECT_EQ(handle_raw_request("", options, handler).status, 400);
  EXPECT_EQ(handle_raw_request(std::string(9000, 'A'), options, handler).status, 431);
  EXPECT_EQ(handle_raw_request("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n",
                               options, handler)
                .status,
            431);
  EXPECT_EQ(echo.calls, 1);
}

TEST(HandleRawRequest, SerializedResponseIsFramedAndCarriesTheServerHeaders) {
  HttpResponse r;
  r.body = "{\"a\":1}";
  r.headers.emplace_back("X-Thing", "yes");
  const std::string bytes = serialize_response(r, 11, true, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nCache-Control: no-store\r\n"), std::string::npos);
  const auto date = bytes.find("\r\nDate: ");
  ASSERT_NE(date, std::string::npos) << bytes;
  expect_date_now(bytes.substr(date + 8, 29));
  EXPECT_NE(bytes.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nX-Thing: yes\r\n"), std::string::npos);
  EXPECT_EQ(body_of(bytes), r.body);

  const std::string head = serialize_response(r, 10, false, true);
  EXPECT_EQ(head.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_EQ(body_of(head), "");
}

TEST(HandleRawRequest, SerializedResponseSaysConnectionAsTheVersionNeeds) {
  HttpResponse r;
  r.body = "{}";
  const std::string kept = serialize_response(r, 11, true, false);
  EXPECT_EQ(kept.find("Connection:"), std::string::npos) << kept;
  const std::string closing = serialize_response(r, 11, false, false);
  EXPECT_NE(closing.find("\r\nConnection: close\r\n"), std::string::npos) << closing;
  const std::string old_kept = serialize_response(r, 10, true, false);
  EXPECT_NE(old_kept.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << old_kept;
  EXPECT_EQ(serialize_response(r, 10, false, false).find("Connection:"), std::string::npos);

  HttpResponse empty;
  empty.status = 204;
  const std::string none = serialize_response(empty, 11, true, false);
  EXPECT_EQ(none.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u) << none;
  EXPECT_EQ(none.find("Content-Length"), std::string::npos) << none;
  EXPECT_EQ(none.substr(none.size() - 4), "\r\n\r\n");
  HttpResponse missing;
  missing.status = 404;
  missing.body = "{\"error\":{}}";
  const std::string not_found = serialize_response(missing, 11, true, false);
  EXPECT_EQ(not_found.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << not_found;
  EXPECT_NE(not_found.find("\r\nContent-Length: 12\r\n\r\n{\"error\":{}}"), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::net

namespace loyalpos::net {
namespace {

TEST(HttpDate, WritesAndReadsTheImfFixdateForm) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(format_http_date(1795257000), "Sat, 21 Nov 2026 10:30:00 GMT");
  for (std::int64_t t : {0LL, 951782400LL, 1795257000LL, 4102444799LL}) {
    EXPECT_EQ(parse_http_date(format_http_date(t)), t);
  }
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Sun, 06 Nox 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 UTC"}) {
    EXPECT_FALSE(parse_http_date(bad).has_value()) << bad;
  }
}

TEST(HttpServer, AHandlerMayNotSetTheDate) {
  HttpResponse r;
  r.headers.emplace_back("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
  const auto answer = handle_raw_request("GET / HTTP/1.1\r\nHost: x\r\n\r\n", ServerOptions{},
                                         [&r](const HttpRequest&) { return r; });
  EXPECT_EQ(answer.status, 500);
}

}  // namespace
}  // namespace loyalpos::net
