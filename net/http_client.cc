// The tests' one Beast translation unit besides the server's: slow to
// compile, keep everything Beast in here.

// <utility> before Boost.Asio: its awaitable.hpp uses std::exchange under C++20.
#include <utility>
// (separate block: keep clang-format from sorting it after Boost)

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <limits>
#include <optional>

#include "net/http_client.h"

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

  // Calls f with the connected stream, whichever it is.
  template <typename F>
  auto with_stream(F f) {
    if (tls) return f(*tls);
    return f(*plain);
  }

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
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(bsv(method));
  if (verb == http::verb::unknown) {
    req.method_string(bsv(method));
  } else {
    req.method(verb);
  }
  req.target(bsv(target));
  req.version(11);
  req.set(http::field::host, c.where());
  for (const auto& [name, value] : headers) req.insert(name, value);
  req.body() = std::move(body);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = c.connected();
    if (!reused) {
      if (auto ec = c.connect()) {
        return Error::io("cannot connect to " + c.where() + ": " + ec.message());
      }
    }
    const bool may_retry = reused && attempt == 0;
    c.tcp().expires_after(c.timeout);
    error_code ec = c.with_stream([&](auto& stream) {
      return c.run([&](auto done) { http::async_write(stream, req, done); });
    });
    const bool sent = !ec;
    if (!sent && may_retry && closed_by_peer(ec)) {
      c.reset();
      continue;
    }
    // Even when sending failed, the server may have answered before it
    // stopped reading (413 to a body over its limit): read what came back.
    const error_code send_error = ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (verb == http::verb::head) parser.skip(true);
    c.tcp().expires_after(c.timeout);
    ec = c.with_stream([&](auto& stream) {
      return c.run([&](auto done) { http::async_read(stream, c.buffer, parser, done); });
    });
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
