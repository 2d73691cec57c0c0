// A small synchronous HTTP/1.1 client for the API tests and benchmarks.
//
// Keeps one keep-alive connection to host:port across request() calls. When
// a reused connection turns out to be closed by the server (its idle
// timeout, a restart) before any of the response came back, it reconnects
// once and sends the request again. Every step is bounded by `timeout`.
// Not thread-safe: one client per thread.
//
// With ClientTls it speaks HTTPS only: the server's certificate must chain
// to the CA given (never the system's trust store) and name the host
// (a DNS or IP subjectAltName); a client certificate is offered when set.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_server.h"

namespace loyalpos::net {

// All PEM text.
struct ClientTls {
  std::string ca_pem;           // the CA(s) the server's certificate must chain to
  std::string client_cert_pem;  // optional: this client's certificate (then its key)
  std::string client_key_pem;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // HTTPS. A CA or client certificate OpenSSL refuses makes every request
  // fail with kInvalidInput saying so.
  HttpClient(std::string host, std::uint16_t port, ClientTls tls,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The response (headers with lower-case names, content_type from its
  // Content-Type) or kIo: could not connect, timed out, connection broken,
  // TLS handshake refused (either side's certificate did not verify).
  // A response with "Connection: close" closes the connection after it.
  Result<HttpResponse> request(std::string_view method, std::string_view target,
                               std::string body = {}, const Headers& headers = {});

  // How many TCP connections this client has opened so far.
  std::size_t connects() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loyalpos::net
