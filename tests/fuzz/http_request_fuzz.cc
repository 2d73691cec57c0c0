// Fuzzes the API server's request path on raw bytes: Beast's parser with the
// server's limits, the bearer token check, the handler dispatch and the
// response bytes. It must never crash or throw; the handler sees only
// authorized requests within the limits; whatever comes back is a response
// the server can send, framed by its Content-Length. The handler also reads
// the request as the pages do (net/url_form.h): the query and the body as
// form fields, the Cookie header; every decoded value encodes and decodes
// back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "net/http_parse.h"
#include "net/http_server.h"
#include "net/url_form.h"

namespace {

using loyalpos::net::HttpRequest;
using loyalpos::net::HttpResponse;
using loyalpos::net::ServerOptions;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "http_request_fuzz: %s: '%.*s'\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

const ServerOptions& options() {
  static const ServerOptions kOptions = [] {
    ServerOptions o;
    o.bearer_token = "fuzz-token";
    o.max_body = 4096;
    return o;
  }();
  return kOptions;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Echoes the body; the target picks misbehaviour the server must absorb:
// "throw" throws, "hdr" returns the request's x-h header as a response
// header (perhaps invalid, perhaps one the server owns), "204" answers 204
// with the body.
HttpResponse handler(const HttpRequest& req, int& calls) {
  ++calls;
  if (req.body.size() > options().max_body) fail("body over the limit reached the handler", "");
  const std::string* auth = req.header("authorization");
  if (auth == nullptr || !contains(*auth, options().bearer_token)) {
    fail("unauthorized request reached the handler", auth ? *auth : "");
  }
  for (const auto& [name, value] : req.headers) {
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') fail("header name not lower-case", name);
    }
  }
  if (contains(req.target, "throw")) throw std::runtime_error("handler failure");
  const auto q = req.target.find('?');
  for (const std::string_view form :
       {std::string_view(req.body),
        q == std::string::npos ? std::string_view() : std::string_view(req.target).substr(q + 1)}) {
    auto fields = loyalpos::net::form_fields(form);
    if (!fields.ok()) continue;
    for (const auto& [name, value] : *fields) {
      auto back = loyalpos::net::url_decode(loyalpos::net::url_encode(value), true);
      if (!back.ok() || *back != value) fail("a form value does not encode back", value);
      (void)name;
    }
  }
  if (const std::string* cookie = req.header("cookie")) {
    if (auto v = loyalpos::net::cookie_value(*cookie, "journeyd_session");
        v && v->find(';') != std::string::npos) {
      fail("a cookie value runs past its ';'", *v);
    }
  }
  HttpResponse r;
  r.body = req.body;
  r.content_type = "text/plain";
  if (contains(req.target, "hdr")) {
    const std::string* h = req.header("x-h");
    r.headers.emplace_back(h ? *h : "X-H", req.method);
  }
  if (contains(req.target, "204")) r.status = 204;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  int calls = 0;
  const loyalpos::net::Handler h = [&calls](const HttpRequest& req) { return handler(req, calls); };
  const HttpResponse r = loyalpos::net::handle_raw_request(raw, options(), h);

  if (r.status < 200 || r.status > 599) fail("status out of range", std::to_string(r.status));
  if (calls > 1) fail("handler called more than once", raw);
  if (calls == 0 && r.status < 400) fail("an answer without the handler", r.body);
  if (r.status >= 400) {
    // The handler above never answers 4xx/5xx itself: these are the server's.
    if (r.content_type != "application/json" || r.body.rfind("{\"error\":{\"code\":\"", 0) != 0) {
      fail("error without a JSON error body", r.body);
    }
    if (r.status != 500 && calls != 0) fail("refused request reached the handler", r.body);
  }

  const bool head = raw.rfind("HEAD ", 0) == 0;
  const std::string out = loyalpos::net::serialize_response(r, 11, true, head);
  const std::size_t end = out.find("\r\n\r\n");
  if (out.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) fail("bad status line", out);
  const std::string_view header(out.data(), end + 2);
  if (!contains(header, "\r\nCache-Control: no-store\r\n")) fail("no Cache-Control", out);
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == '\n' && (i == 0 || header[i - 1] != '\r')) fail("bare LF in header", out);
    if (header[i] == '\r' && (i + 1 == header.size() || header[i + 1] != '\n')) {
      fail("bare CR in header", out);
    }
  }
  if (r.status != 204 && r.status != 304) {
    const std::string length = "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
    if (!contains(header, length)) fail("wrong Content-Length", out);
    if (out.size() != end + 4 + (head ? 0 : r.body.size())) fail("body not as framed", out);
  }
  return 0;
}
