// The only translation unit of the API that includes Boost.Beast (about a
// minute to compile under ASan): keep it that way.
//
// Shape (after Beast's http_server_async and http_server_async_ssl): the pure part, from a parsed
// request to the response bytes, is free functions shared with
// handle_raw_request (and so with the fuzz target); a Session per
// connection does the I/O only, each read and write under a deadline (the
// Session is a template on its stream, plain TCP or TLS over it); one
// io_context run by one thread, so the handler, the sessions and the
// server's bookkeeping never run concurrently.

// <utility> before Boost.Asio: its awaitable.hpp uses std::exchange under C++20.
#include <utility>
// (separate block: keep clang-format from sorting it after Boost)

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>

#include "net/http_date.h"
#include "net/http_parse.h"
#include "net/http_server.h"
#include "net/parser_eof.h"
#include "net/url_form.h"

namespace loyalpos::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;
using std::chrono::milliseconds;
using RequestParser = http::request_parser<http::string_body>;
using BeastRequest = http::request<http::string_body>;

// A header section larger than this is refused with 431: the API's requests
// carry a handful of short headers.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;

// How long a connection closed after an error response is drained of what
// the client still sends (closing with unread bytes resets the connection
// and the client may lose the response), and how much of it at most.
constexpr milliseconds kMaxLinger{1000};
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;

// How much a body read asks for at a time (Beast's own cap): Beast reads
// no more than the buffer's free capacity, which the header's 1 KiB read
// leaves at 1 KiB, and each read is a trip through Asio and OpenSSL (a
// 170 KB push took ~170 of them, 16 per TLS record).
constexpr std::size_t kBodyReadSize = 64 * 1024;
constexpr std::size_t kHeaderReadSize = 4096;

// Connections refused with 503 still being answered; beyond this a new
// connection over the cap is closed without an answer.
constexpr std::size_t kMaxRejecting = 64;

// ---------------------------------------------------------------------------
// The pure part: parsing limits, checks, dispatch, serialization.

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  // replace: a message quoting request bytes may not be UTF-8; dump() must not throw.
  r.body =
      nlohmann::json{{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}}
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

void configure(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(static_cast<std::uint64_t>(options.max_body));
}

// The answer to a request that could not be read; the connection is closed
// after it.
HttpResponse parse_error_response(const error_code& ec, const ServerOptions& options) {
  if (ec == http::error::body_limit) {
    return error_response(
        413, "too_large",
        "the request body is larger than " + std::to_string(options.max_body) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return error_response(
        431, "header_too_large",
        "the request headers are larger than " + std::to_string(kHeaderLimit) + " bytes");
  }
  if (ec == http::error::partial_message || ec == http::error::need_more ||
      ec == http::error::end_of_stream) {
    return error_response(400, "bad_request", "the request ended before it was complete");
  }
  return error_response(400, "bad_request", "malformed HTTP request: " + ec.message());
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// nullopt when the request may go on; else the 401 to send.
std::optional<HttpResponse> check_authorization(const BeastRequest& request,
                                                const ServerOptions& options) {
  if (options.bearer_token.empty()) return std::nullopt;
  bool ok = false;
  const auto it = request.find(http::field::authorization);
  if (it != request.end()) {
    const std::string_view value(it->value().data(), it->value().size());
    constexpr std::string_view kScheme = "bearer ";
    if (value.size() > kScheme.size() && iequals(value.substr(0, kScheme.size()), kScheme)) {
      std::string_view token = value.substr(kScheme.size());
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      ok = constant_time_equals(token, options.bearer_token);
    }
  }
  if (ok) return std::nullopt;
  if (options.admit_without_token) {
    HttpRequest head;
    head.method = std::string(request.method_string());
    head.target = std::string(request.target());
    for (const auto& field : request) {
      head.headers.emplace_back(
          lower(std::string_view(field.name_string().data(), field.name_string().size())),
          std::string(field.value()));
    }
    bool admitted = false;
    try {
      admitted = options.admit_without_token(head);
    } catch (...) {
      admitted = false;
    }
    if (admitted) return std::nullopt;
  }
  HttpResponse r = error_response(
      401, "unauthorized",
      it == request.end() ? "this API needs an Authorization: Bearer token"
                          : "the Authorization header does not carry the right bearer token");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

bool expects_continue(const BeastRequest& request) {
  const auto it = request.find(http::field::expect);
  return it != request.end() &&
         iequals(std::string_view(it->value().data(), it->value().size()), "100-continue");
}

HttpRequest to_request(BeastRequest&& request) {
  HttpRequest r;
  r.method = std::string(request.method_string());
  r.target = std::string(request.target());
  for (const auto& field : request) {
    r.headers.emplace_back(
        lower(std::string_view(field.name_string().data(), field.name_string().size())),
        std::string(field.value()));
  }
  r.body = std::move(request.body());
  return r;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char);
}

bool valid_header_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// Headers the server writes itself: a handler setting them would break the
// framing or the promises in http_server.h.
bool reserved_header(std::string_view name) {
  for (std::string_view r : {"content-length", "transfer-encoding", "connection", "keep-alive",
                             "upgrade", "trailer", "content-type", "cache-control", "date"}) {
    if (iequals(name, r)) return true;
  }
  return false;
}

// Empty when the server can send `r` as it is; else what is wrong with it.
std::string response_problem(const HttpResponse& r) {
  if (r.status < 200 || r.status > 599) return "status " + std::to_string(r.status);
  if ((r.status == 204 || r.status == 304) && !r.body.empty()) {
    return "a body on status " + std::to_string(r.status);
  }
  if (!valid_header_value(r.content_type)) return "the content type";
  for (const auto& [name, value] : r.headers) {
    if (!valid_header_name(name) || reserved_header(name)) return "header name \"" + name + "\"";
    if (!valid_header_value(value)) return "the value of header " + name;
  }
  return {};
}

// The handler, made safe: whatever it does, the result can be sent.
HttpResponse dispatch(const HttpRequest& request, const Handler& handler) {
  HttpResponse response;
  try {
    response = handler(request);
  } catch (...) {
    return error_response(500, "internal", "the server failed while handling the request");
  }
  const std::string problem = response_problem(response);
  if (!problem.empty()) {
    return error_response(
        500, "internal",
        "the server produced an invalid response (" + problem.substr(0, 100) + ")");
  }
  return response;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return text;
}

unsigned response_version(unsigned request_version) { return request_version == 10 ? 10 : 11; }

}  // namespace

Result<TlsOptions> TlsOptions::from_files(const std::string& cert_chain_path,
                                          const std::string& key_path,
                                          const std::string& client_ca_path,
                                          bool require_client_cert) {
  TlsOptions tls;
  tls.require_client_cert = require_client_cert;
  for (auto [path, text] :
       {std::pair{&cert_chain_path, &tls.cert_chain_pem}, std::pair{&key_path, &tls.key_pem},
        std::pair{&client_ca_path, &tls.client_ca_pem}}) {
    if (path->empty()) continue;
    auto read = read_file(*path);
    if (!read) return Error::io("cannot read " + *path);
    *text = std::move(*read);
  }
  return tls;
}

const std::string* HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

// The Date header's text, made once a second.
const std::string& http_date_now() {
  thread_local std::int64_t second = -1;
  thread_local std::string text;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (now != second) {
    text = format_http_date(now);
    second = now;
  }
  return text;
}

// Written straight into one string, in the order and form Beast's
// serializer gives: the status line, Content-Type, Cache-Control, Date, the
// handler's headers, Connection as keep-alive needs it for the version, and
// Content-Length except on 1xx, 204 and 304.
std::string serialize_response(const HttpResponse& response, unsigned version, bool keep_alive,
                               bool head_request) {
  const unsigned v = response_version(version);
  const auto status = static_cast<unsigned>(response.status);
  const beast::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
  std::string out;
  std::size_t size = 160 + response.content_type.size() + response.body.size();
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  out.reserve(size);
  out.append(v == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(reason.data(), reason.size());
  out.append("\r\nContent-Type: ").append(response.content_type);
  out.append("\r\nCache-Control: no-store\r\nDate: ").append(http_date_now()).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (v == 11 && !keep_alive) out.append("Connection: close\r\n");
  if (v == 10 && keep_alive) out.append("Connection: keep-alive\r\n");
  if (!bodiless) {
    out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  }
  out.append("\r\n");
  // HEAD: Content-Length still says what GET would send.
  if (!head_request && !bodiless) out.append(response.body);
  return out;
}

HttpResponse handle_raw_request(std::string_view bytes, const ServerOptions& options,
                                const Handler& handler) {
  try {
    RequestParser parser;
    configure(parser, options);
    std::size_t used = 0;
    // Feeds the parser until `done` (or an error), as reads from a socket
    // would; the input ends where `bytes` does.
    auto feed = [&](auto done) -> error_code {
      error_code ec;
      while (!done()) {
        if (used == bytes.size()) {
          if (!parser.got_some()) return http::error::end_of_stream;
          parser.put_eof(ec);
          if (!ec && !done()) ec = http::error::partial_message;
          return ec;
        }
        used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (ec == http::error::need_more) {
          used = bytes.size();  // all there is was offered: the input ends here
          ec = {};
        } else if (ec) {
          return ec;
        }
      }
      return ec;
    };
    if (auto ec = feed([&] { return parser.is_header_done(); })) {
      return parse_error_response(ec, options);
    }
    if (auto denied = check_authorization(parser.get(), options)) return *denied;
    if (auto ec = feed([&] { return parser.is_done(); })) return parse_error_response(ec, options);
    return dispatch(to_request(parser.release()), handler);
  } catch (...) {
    return error_response(500, "internal", "the server failed while reading the request");
  }
}

// ---------------------------------------------------------------------------
// The sockets.

namespace {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // The server is stopping: a connection with no accepted request in
  // progress is closed now; the others after their response.
  virtual void on_server_stop() = 0;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// The server's state; HttpServer::Impl is this (a separate name so that
// Session, in this file's anonymous namespace, may use it).
struct ServerCore {
  ServerCore(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  void start_accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void do_stop();
  template <typename Stream>
  void spawn(tcp::socket socket, bool counted);

  const ServerOptions options;
  const Handler handler;

  // Declared before ioc: sessions still queued in ioc when it is destroyed
  // deregister themselves from here.
  std::unordered_set<SessionBase*> sessions;
  std::size_t serving = 0;    // sessions counted against max_connections
  std::size_t rejecting = 0;  // connections being told 503
  bool listening = false;
  bool stopping = false;
  bool notify_systemd = false;
  std::atomic<bool> stop_requested{false};

  asio::io_context ioc{1};
  std::optional<asio::ssl::context> ssl;  // set by listen() when options.tls is
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  std::optional<asio::signal_set> signals;
};

// One connection: waits for a request, reads it under the deadlines, hands
// it to the server's handler, writes the answer; again while keep-alive.
// Owned by the shared_ptr in its pending completion handlers: it dies when
// the connection is done. Every member runs on the server's one thread.
// Stream is PlainStream or TlsStream; with TLS the handshake comes first.
template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  static Stream make_stream(tcp::socket socket, ServerCore& server) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server.ssl);
    } else {
      return Stream(std::move(socket));
    }
  }

 public:
  Session(ServerCore& server, tcp::socket socket, bool counted)
      : server_(server), stream_(make_stream(std::move(socket), server)), counted_(counted) {
    server_.sessions.insert(this);
    (counted_ ? server_.serving : server_.rejecting) += 1;
    error_code ignored;
    tcp().socket().set_option(tcp::no_delay(true), ignored);
    // write() tries a send that must not block.
    if constexpr (!kTls) tcp().socket().non_blocking(true, ignored);
    const auto peer = tcp().socket().remote_endpoint(ignored);
    if (!ignored) peer_address_ = peer.address().to_string();
  }
  ~Session() {
    server_.sessions.erase(this);
    (counted_ ? server_.serving : server_.rejecting) -= 1;
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the connection, or (`reject`) tells it 503 and closes it.
  void start(bool reject) {
    deadline_ = std::chrono::steady_clock::now() + server_.options.header_timeout;
    if constexpr (kTls) {
      tcp().expires_at(deadline_);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this(), reject](const error_code& ec) {
                                // Plain HTTP, an unknown CA, no certificate when one is
                                // required: nothing to answer in.
                                if (ec) return self->close();
                                self->record_peer();
                                self->begin(reject);
                              });
    } else {
      begin(reject);
    }
  }

  void on_server_stop() override {
    if (state_ != State::kHandling) close();
  }

 private:
  enum class State {
    kWaiting,   // for the first byte of a request
    kReading,   // the request header
    kHandling,  // header accepted: body, handler, response
    kClosing,   // draining after the last response
  };

  const ServerOptions& options() const { return server_.options; }
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void begin(bool reject) {
    if (!reject) return wait_for_request();
    write(error_response(503, "unavailable", "too many open connections; try again shortly"), 11,
          false, false);
  }

  // The verified client certificate's CN and serial, for the handler.
  void record_peer() {
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      X509* cert = SSL_get0_peer_certificate(ssl);
      if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return;
      X509_NAME* subject = X509_get_subject_name(cert);
      const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
      if (index >= 0) {
        const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
        peer_cn_.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                        static_cast<std::size_t>(ASN1_STRING_length(cn)));
      }
      std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
          ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), &BN_free);
      if (serial) {
        std::unique_ptr<char, void (*)(char*)> hex(BN_bn2hex(serial.get()),
                                                   [](char* p) { OPENSSL_free(p); });
        if (hex) peer_serial_ = lower(hex.get());
      }
    }
  }

  void wait_for_request() {
    state_ = State::kWaiting;
    parser_.emplace();
    configure(*parser_, options());
    if (buffer_.size() > 0) return read_header();  // pipelined
    if (!first_request_) {
      tcp().expires_after(options().idle_timeout);
    } else {
      tcp().expires_at(deadline_);
    }
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();  // closed, idle, stopped
                              self->read_header();
                            });
  }

  void read_header() {
    state_ = State::kReading;
    if (!first_request_) {
      deadline_ = std::chrono::steady_clock::now() + options().header_timeout;
    }
    parse(false);
  }

  // Feeds the parser what is buffered and reads more until the header
  // (`body` false) or the whole request is parsed, then goes on to
  // on_header or handle, or on_read_error: what http::async_read_header and
  // http::async_read do, without a composed operation and a post per
  // request. The end of the stream before any byte is end_of_stream.
  void parse(bool body) {
    error_code ec;
    const auto done = [&] { return body ? parser_->is_done() : parser_->is_header_done(); };
    while (buffer_.size() > 0 && !done()) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more || (!ec && used == 0)) {
        ec = {};
        break;
      }
      if (ec) return on_read_error(ec);
    }
    if (done()) return body ? handle() : on_header(ec);
    tcp().expires_at(deadline_);
    stream_.async_read_some(
        buffer_.prepare(body ? kBodyReadSize : kHeaderReadSize),
        [self = this->shared_from_this(), body](const error_code& read_ec, std::size_t n) {
          self->buffer_.commit(n);
          if (read_ec == asio::error::eof) {
            if (const auto end = at_end_of_stream(*self->parser_)) return self->on_read_error(end);
          } else if (read_ec) {
            return self->on_read_error(read_ec);
          }
          self->parse(body);
        });
  }

  void on_header(const error_code& ec) {
    if (ec) return on_read_error(ec);
    state_ = State::kHandling;
    const BeastRequest& request = parser_->get();
    if (auto denied = check_authorization(request, options())) {
      return write(*denied, request.version(), false, is_head());
    }
    // (A client that sent the body without waiting needs no invitation.)
    if (request.version() >= 11 && expects_continue(request) && !parser_->is_done() &&
        buffer_.size() == 0) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      tcp().expires_at(deadline_);
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = this->shared_from_this()](const error_code& e, std::size_t) {
                                 if (e) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return handle();
    parser_->eager(true);
    parse(true);
  }

  void on_read_error(const error_code& ec) {
    // Nobody to answer: the client went away, was too slow, or we stop.
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == http::error::end_of_stream || server_.stopping) {
      return close();
    }
    const unsigned version = parser_->is_header_done() ? parser_->get().version() : 11;
    write(parse_error_response(ec, options()), version, false, is_head());
  }

  // Whether the request being read is a HEAD (its answer has no body).
  bool is_head() const {
    return parser_->is_header_done() && parser_->get().method() == http::verb::head;
  }

  void handle() {
    BeastRequest request = parser_->release();
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    const bool head = request.method() == http::verb::head;
    HttpRequest r = to_request(std::move(request));
    r.peer_cn = peer_cn_;
    r.peer_serial = peer_serial_;
    r.peer_address = peer_address_;
    const HttpResponse response = dispatch(r, server_.handler);
    write(response, version, keep_alive && !server_.stopping, head);
  }

  void write(const HttpResponse& response, unsigned version, bool keep_alive, bool head) {
    state_ = State::kHandling;
    out_ = serialize_response(response, version, keep_alive, head);
    std::size_t sent = 0;
    if constexpr (!kTls) {
      // Most answers fit the socket's buffer: sent here, with no timer
      // armed and no completion to wait for. The rest, if any, goes below.
      error_code ec;
      sent = tcp().socket().write_some(asio::buffer(out_), ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return close();
      if (sent == out_.size()) return written(keep_alive);
    }
    tcp().expires_after(options().header_timeout);
    asio::async_write(
        stream_, asio::buffer(out_.data() + sent, out_.size() - sent),
        [self = this->shared_from_this(), keep_alive](const error_code& ec, std::size_t) {
          if (ec) return self->close();
          self->written(keep_alive);
        });
  }

  // The answer is out: the next request, or the end of the connection.
  void written(bool keep_alive) {
    out_.clear();
    if (server_.stopping) return shutdown_and_close();
    if (!keep_alive) return linger();
    first_request_ = false;
    if (buffer_.size() > 0) {
      // A pipelined request is already here: read it from the loop, not from
      // this call, so a client sending many at once cannot deepen the stack.
      return asio::post(tcp().get_executor(),
                        [self = this->shared_from_this()] { self->wait_for_request(); });
    }
    wait_for_request();
  }

  // After the last response: no more sending, read (and drop) what the
  // client still sends until it closes, for a short while, then close.
  void linger() {
    state_ = State::kClosing;
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().expires_after(std::min(kMaxLinger, options().header_timeout));
    drain();
  }

  void drain() {
    buffer_.clear();
    // Raw bytes, TLS or not: they are dropped unread.
    tcp().async_read_some(buffer_.prepare(4096),
                          [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kMaxLingerBytes) return self->close();
                            self->drain();
                          });
  }

  void shutdown_and_close() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    close();
  }

  void close() {
    state_ = State::kClosing;
    tcp().close();  // pending operations end with operation_aborted, timers cancelled
  }

  ServerCore& server_;
  Stream stream_;
  std::string peer_cn_;
  std::string peer_serial_;
  std::string peer_address_;
  const bool counted_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string out_;
  State state_ = State::kWaiting;
  bool first_request_ = true;
  std::chrono::steady_clock::time_point deadline_;
  std::size_t drained_ = 0;
};

void ServerCore::start_accept() {
  acceptor.async_accept(
      [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void ServerCore::on_accept(const error_code& ec, tcp::socket socket) {
  if (stopping || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors and the like: try again shortly, not in a
    // tight loop.
    accept_retry.expires_after(milliseconds(50));
    accept_retry.async_wait([this](const error_code& e) {
      if (!e && !stopping) start_accept();
    });
    return;
  }
  if (serving < options.max_connections || rejecting < kMaxRejecting) {
    const bool counted = serving < options.max_connections;
    if (ssl) {
      spawn<TlsStream>(std::move(socket), counted);
    } else {
      spawn<PlainStream>(std::move(socket), counted);
    }
  } else {
    error_code ignored;
    socket.close(ignored);
  }
  start_accept();
}

template <typename Stream>
void ServerCore::spawn(tcp::socket socket, bool counted) {
  std::make_shared<Session<Stream>>(*this, std::move(socket), counted)->start(!counted);
}

// The context every TLS session of the server shares, from options.tls.
Status make_tls_context(const TlsOptions& tls, std::optional<asio::ssl::context>& out) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  error_code ec;
  ctx.use_certificate_chain(asio::buffer(tls.cert_chain_pem), ec);
  if (ec) return Error::invalid("the server certificate is not usable PEM: " + ec.message());
  ctx.use_private_key(asio::buffer(tls.key_pem), asio::ssl::context::pem, ec);
  if (ec) return Error::invalid("the server key is not usable PEM: " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Error::invalid("the server key does not match its certificate");
  }
  if (!tls.client_ca_pem.empty()) {
    ctx.add_certificate_authority(asio::buffer(tls.client_ca_pem), ec);
    if (ec) return Error::invalid("the client CA is not usable PEM: " + ec.message());
    ctx.set_verify_mode(
        asio::ssl::verify_peer | (tls.require_client_cert ? asio::ssl::verify_fail_if_no_peer_cert
                                                          : asio::ssl::verify_none),
        ec);
    if (ec) return Error::invalid("cannot ask for client certificates: " + ec.message());
    // Verified sessions need an id context, or their resumption fails.
    static constexpr unsigned char kContext[] = "loyalpos";
    SSL_CTX_set_session_id_context(ctx.native_handle(), kContext, sizeof kContext - 1);
  }
  out.emplace(std::move(ctx));
  return ok_status();
}

void ServerCore::do_stop() {
  if (stopping) return;
  stopping = true;
  error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  if (signals) signals->cancel(ignored);
  if (notify_systemd) (void)sd_notify(0, "STOPPING=1");
  for (SessionBase* s : sessions) s->on_server_stop();
}

}  // namespace

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Result<std::uint16_t> HttpServer::listen() {
  Impl& s = *impl_;
  if (s.listening) return Error::internal("the API server is already listening");
  if (s.options.tls) LOYALPOS_TRY(make_tls_context(*s.options.tls, s.ssl));
  const std::string host = s.options.host == "localhost" ? "127.0.0.1" : s.options.host;
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return Error::invalid("API host \"" + s.options.host +
                          "\" is not an IP address (use 127.0.0.1 or ::1)");
  }
  const tcp::endpoint endpoint(address, s.options.port);
  const std::string where = host + ":" + std::to_string(s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  std::uint16_t port = 0;
  if (!ec) port = s.acceptor.local_endpoint(ec).port();
  if (ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    if (ec == asio::error::address_in_use) {
      return Error::io("cannot listen on " + where +
                       ": the port is already in use (is another loyalpos serve running?)");
    }
    if (ec == boost::system::errc::address_not_available) {
      return Error::invalid("cannot listen on " + where + ": no such address on this machine");
    }
    return Error::io("cannot listen on " + where + ": " + ec.message());
  }
  s.listening = true;
  s.start_accept();
  return port;
}

void HttpServer::run() {
  Impl& s = *impl_;
  if (!s.listening) return;
  for (;;) {
    try {
      s.ioc.run();
      return;
    } catch (const std::exception&) {
      // A bug in a session's completion handler: that connection is gone
      // (its handler was destroyed while unwinding); serving goes on.
    }
  }
}

void HttpServer::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  asio::post(impl_->ioc, [s = impl_.get()] { s->do_stop(); });
}

Status HttpServer::run_until_signal() {
  Impl& s = *impl_;
  if (!s.listening) LOYALPOS_TRY(listen());
  s.signals.emplace(s.ioc, SIGTERM, SIGINT);
  s.signals->async_wait([&s](const error_code& ec, int) {
    if (!ec) s.do_stop();
  });
  s.notify_systemd = true;
  (void)sd_notify(0, "READY=1");
  run();
  s.signals.reset();
  return ok_status();
}

}  // namespace loyalpos::net
