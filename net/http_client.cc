// The tests' one Beast translation unit besides the server's: slow to
// compile, keep everything Beast in here.

// <utility> before Boost.Asio: its awaitable.hpp uses std::exchange under C++20.
#include <utility>
// (separate block: keep clang-format from sorting it after Boost)

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <limits>
#include <optional>

#include "net/http_client.h"
#include "net/parser_eof.h"

namespace loyalpos::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Beast 1.74 speaks boost::string_view.
beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

// The server closed a kept-alive connection before answering: nothing of
// the request was handled, it is safe to send it again on a new one.
bool closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::eof ||
         ec == asio::ssl::error::stream_truncated;
}

// The request as it goes on the wire: the request line, Host, the caller's
// headers in their order, Content-Length as Beast's prepare_payload sets it
// (when there is a body, and always for POST, PUT and OPTIONS), the body.
std::string serialize_request(std::string_view method, http::verb verb, std::string_view target,
                              std::string_view host, const HttpClient::Headers& headers,
                              std::string_view body) {
  std::string out;
  std::size_t size = method.size() + target.size() + host.size() + body.size() + 64;
  for (const auto& [name, value] : headers) size += name.size() + value.size() + 4;
  out.reserve(size);
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
  out.append("\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put ||
      verb == http::verb::options) {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

bool is_ip_address(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct HttpClient::Impl {
  std::string host;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc{1};
  // Exactly one of these while connected: plain, or TLS when `ssl` is set.
  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  std::optional<asio::ssl::context> ssl;
  std::optional<Error> tls_error;  // the TLS setup OpenSSL refused
  beast::flat_buffer buffer;
  std::size_t connects = 0;

  std::string where() const { return host + ":" + std::to_string(port); }
  bool connected() const { return plain.has_value() || tls.has_value(); }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  void setup_tls(const ClientTls& t) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    error_code ec;
    ctx.add_certificate_authority(asio::buffer(t.ca_pem), ec);
    if (ec) {
      tls_error = Error::invalid("the CA certificate is not usable PEM: " + ec.message());
      return;
    }
    if (!t.client_cert_pem.empty()) {
      ctx.use_certificate_chain(asio::buffer(t.client_cert_pem), ec);
      if (!ec) ctx.use_private_key(asio::buffer(t.client_key_pem), asio::ssl::context::pem, ec);
      if (ec) {
        tls_error =
            Error::invalid("the client certificate or key is not usable PEM: " + ec.message());
        return;
      }
    }
    ssl.emplace(std::move(ctx));
  }

  // Runs the one operation `start` begins to completion (its time is
  // bounded by the stream's expiry) and returns its error.
  template <typename Start>
  error_code run(Start start) {
    error_code result = asio::error::would_block;
    start([&result](const error_code& ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // A plain connection's exchange skips asio: the request is sent with
  // send() and the answer read with recv(), each waiting in poll() for at
  // most what is left of `deadline`. Half the system calls of asio's loop
  // (no timer armed and cancelled per step, no reactor passes), and no
  // handler allocations: this is the path every loopback API call takes.
  using Deadline = std::chrono::steady_clock::time_point;

  // Waits until the socket is ready for `events`; timeout at the deadline.
  error_code wait_plain(short events, Deadline deadline) {
    for (;;) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return beast::error::timeout;
      pollfd p{plain->socket().native_handle(), events, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n > 0) return {};
      if (n == 0) return beast::error::timeout;
      if (errno != EINTR) return error_code(errno, asio::error::get_system_category());
    }
  }

  error_code send_plain(std::string_view bytes, Deadline deadline) {
    const int fd = plain->socket().native_handle();
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (auto ec = wait_plain(POLLOUT, deadline)) return ec;
      } else if (n < 0 && errno != EINTR) {
        return error_code(errno, asio::error::get_system_category());
      }
    }
    return {};
  }

  // As http::read: what is buffered first, then reads until the parser is
  // done; the end of the stream before any byte is end_of_stream.
  template <typename Parser>
  error_code read_plain(Parser& parser, Deadline deadline) {
    const int fd = plain->socket().native_handle();
    constexpr std::size_t kReadSize = 16 * 1024;
    error_code ec;
    for (;;) {
      if (buffer.size() > 0) {
        buffer.consume(parser.put(buffer.data(), ec));
        if (ec != http::error::need_more) {
          if (ec) return ec;
          if (parser.is_done()) return {};
          continue;
        }
        ec = {};
      }
      const auto space = buffer.prepare(kReadSize);
      const ssize_t n = ::recv(fd, space.data(), space.size(), MSG_DONTWAIT);
      if (n > 0) {
        buffer.commit(static_cast<std::size_t>(n));
      } else if (n == 0) {
        return at_end_of_stream(parser);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (auto waited = wait_plain(POLLIN, deadline)) return waited;
      } else if (errno != EINTR) {
        return error_code(errno, asio::error::get_system_category());
      }
    }
  }

  // Sends `bytes` and reads the answer into `parser`, each step bounded by
  // the client's timeout. The read's error is returned, the send's is left
  // in `send_error` (set when not all of the request went).
  template <typename Parser>
  error_code exchange(const std::string& bytes, Parser& parser, error_code& send_error) {
    if (plain) {
      send_error = send_plain(bytes, std::chrono::steady_clock::now() + timeout);
      return read_plain(parser, std::chrono::steady_clock::now() + timeout);
    }
    tcp().expires_after(timeout);
    send_error = run([&](auto done) { asio::async_write(*tls, asio::buffer(bytes), done); });
    tcp().expires_after(timeout);
    return run([&](auto done) { http::async_read(*tls, buffer, parser, done); });
  }

  error_code connect() {
    reset();
    error_code ec;
    const auto address =
        asio::ip::make_address(host == "localhost" ? std::string("127.0.0.1") : host, ec);
    if (ec) return ec;
    if (ssl) {
      tls.emplace(ioc, *ssl);
    } else {
      plain.emplace(ioc);
    }
    tcp().expires_after(timeout);
    ec = run([&](auto done) { tcp().async_connect(tcp::endpoint(address, port), done); });
    if (ec) {
      reset();
      return ec;
    }
    ++connects;
    error_code ignored;
    tcp().socket().set_option(tcp::no_delay(true), ignored);
    if (tls) {
      // SNI for a name only (RFC 6066 forbids an IP literal); the name or IP
      // must be in the certificate's subjectAltName either way.
      if (!is_ip_address(host)) SSL_set_tlsext_host_name(tls->native_handle(), host.c_str());
      tls->set_verify_callback(asio::ssl::host_name_verification(host), ec);
      if (!ec) {
        ec = run([&](auto done) { tls->async_handshake(asio::ssl::stream_base::client, done); });
      }
      if (ec) {
        reset();
        return ec;
      }
    }
    return {};
  }

  void reset() {
    if (connected()) {
      error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp().close();
      plain.reset();
      tls.reset();
      ioc.restart();
      ioc.run();  // lets cancelled operations finish
    }
    buffer.clear();
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::HttpClient(std::string host, std::uint16_t port, ClientTls tls,
                       std::chrono::milliseconds timeout)
    : HttpClient(std::move(host), port, timeout) {
  impl_->setup_tls(tls);
}

HttpClient::~HttpClient() { impl_->reset(); }

std::size_t HttpClient::connects() const { return impl_->connects; }

void HttpClient::close() { impl_->reset(); }

Result<HttpResponse> HttpClient::request(std::string_view method, std::string_view target,
                                         std::string body, const Headers& headers) {
  Impl& c = *impl_;
  if (c.tls_error) return *c.tls_error;
  const http::verb verb = http::string_to_verb(bsv(method));
  const std::string bytes = serialize_request(method, verb, target, c.where(), headers, body);

  for (int attempt = 0;; ++attempt) {
    const bool reused = c.connected();
    if (!reused) {
      if (auto ec = c.connect()) {
        return Error::io("cannot connect to " + c.where() + ": " + ec.message());
      }
    }
    const bool may_retry = reused && attempt == 0;
    // Even when sending fails, the server may have answered before it
    // stopped reading (413 to a body over its limit): what came back is read.
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (verb == http::verb::head) parser.skip(true);
    error_code send_error;
    error_code ec = c.exchange(bytes, parser, send_error);
    const bool sent = !send_error;
    if (!sent && may_retry && closed_by_peer(send_error) && !parser.got_some()) {
      c.reset();
      continue;
    }
    if (ec && !sent) {
      c.reset();
      return Error::io("cannot send the request to " + c.where() + ": " + send_error.message());
    }
    if (!sent) c.reset();  // the response is in hand; the connection is not reusable
    if (ec) {
      c.reset();
      if (may_retry && closed_by_peer(ec)) continue;
      return Error::io("no response from " + c.where() + ": " + ec.message());
    }
    http::response<http::string_body> res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type.clear();
    for (const auto& field : res) {
      std::string name =
          lower(std::string_view(field.name_string().data(), field.name_string().size()));
      std::string value(field.value());
      if (name == "content-type" && out.content_type.empty()) out.content_type = value;
      out.headers.emplace_back(std::move(name), std::move(value));
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) c.reset();
    return out;
  }
}

}  // namespace loyalpos::net
