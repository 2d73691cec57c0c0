// A small HTTP/1.1 server for the loopback JSON API of `loyalpos serve`.
//
// It knows nothing of loyalty: every request that passes the checks below
// goes to one Handler, a pure function from request to response. The
// handler always runs on the thread that called run(), one request at a
// time, so it needs no locking of its own (and a slow handler delays every
// other client: keep it short).
//
// Checks made before the handler is called, each answered with a JSON body
// {"error":{"code":...,"message":...}} and the connection closed:
//   malformed HTTP                    -> 400 bad_request
//   header section over 8 KiB         -> 431 header_too_large
//   body over max_body                -> 413 too_large
//   bearer_token set, and no or wrong
//   "Authorization: Bearer <token>",
//   and admit_without_token (if set)
//   does not admit the request        -> 401 unauthorized (+ WWW-Authenticate: Bearer)
//   more than max_connections open    -> 503 unavailable (new connection only)
// A handler that throws gets 500 internal; one that returns a response the
// server cannot send (status outside 200-599, a body on 204/304, a header
// name or value that is not valid HTTP, or a header the server owns:
// Content-Type, Content-Length, Cache-Control, Date, Connection,
// Transfer-Encoding) gets 500 too. The connection stays open after a 500.
//
// Every response carries Content-Type, Content-Length (except 204/304),
// "Cache-Control: no-store" and Date (the server's clock, net/http_date.h).
// Timeouts: a request (header and body) must arrive within header_timeout
// of its first byte (of the connection, for the first request); a
// keep-alive connection with no request for idle_timeout is closed.
//
// With ServerOptions::tls set the server speaks HTTPS only (TLS 1.2 or
// newer): a connection that does not complete the TLS handshake within
// header_timeout (plain HTTP, a client certificate from another CA, none when
// one is required) is closed without an answer. A verified client
// certificate's subject CN and serial reach the handler in HttpRequest.
//
// Boost.Beast stays inside http_server.cc: it is slow to compile.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loyalpos::net {

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", ...
  std::string target;  // path and query, as sent ("/cards/ABC?x=1")
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  // The client certificate TLS verified: its subject's CN and its serial as
  // lower-case hex. Both empty without TLS or without a client certificate.
  std::string peer_cn;
  std::string peer_serial;
  // The client's IP address as text ("127.0.0.1"); empty when not from a socket.
  std::string peer_address;

  // The value of the first header with that (lower-case) name, or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// The server's side of TLS, all PEM text (from_files reads it from files).
struct TlsOptions {
  std::string cert_chain_pem;  // the server's certificate, then any intermediates
  std::string key_pem;         // its private key (unencrypted)
  // CA certificates a client certificate must chain to; empty: none asked for.
  std::string client_ca_pem;
  // Refuse, in the handshake, a client that sends no certificate. When
  // false a client without one gets through with empty peer_cn/peer_serial
  // (a certificate that does not verify is refused either way).
  bool require_client_cert = false;

  // kIo naming the file that cannot be read; client_ca_path may be empty.
  static Result<TlsOptions> from_files(const std::string& cert_chain_path,
                                       const std::string& key_path,
                                       const std::string& client_ca_path, bool require_client_cert);
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP address, or "localhost"
  std::uint16_t port = 0;          // 0: any free port (listen() says which)
  std::size_t max_body = 64 * 1024;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_connections = 64;
  std::string bearer_token;  // required on every request when non-empty
  // Asked, before the body is read, about a request without the right
  // bearer token (HttpRequest with an empty body): true lets it through to
  // the handler instead of the 401. The counter page's files and its
  // session cookie (pos/api/counter_page.h). Unset: the token or nothing.
  std::function<bool(const HttpRequest&)> admit_without_token;
  std::optional<TlsOptions> tls;  // HTTPS only when set
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts listening; returns the port actually bound. Errors:
  // kInvalidInput for a host that is not an IP address or TLS certificates
  // or keys OpenSSL will not take (naming which), kIo when the port
  // is taken or cannot be bound. Call once, before run().
  Result<std::uint16_t> listen();

  // Serves on the calling thread until stop(). Returns at once if listen()
  // did not succeed.
  void run();

  // May be called from any thread (or from the handler): stops accepting,
  // closes connections waiting for (or part-way through reading) a request,
  // lets requests already accepted finish and their responses be written,
  // then run() returns. Not async-signal-safe: from a signal use
  // run_until_signal().
  void stop();

  // run() that also stops as stop() does on SIGTERM or SIGINT, and tells
  // systemd (sd_notify, when NOTIFY_SOCKET is set) "READY=1" once serving
  // and "STOPPING=1" when stopping. Calls listen() first if it was not.
  Status run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loyalpos::net
