// The counter page (docs/counter-page.md): the touch screen's HTML, CSS and
// script, built into the binary (pos/api/page/, embedded by
// embed_page.cmake), and the cookie that lets that page call /v1.
//
// Who may use the API: a client with the bearer token, as before; or a
// browser holding the counter cookie. The cookie's value is an HMAC of the
// API token, so it is as hard to guess as the token, it survives a restart
// of `serve` (the page reconnects by itself), and making a new token
// (deleting <home>/api-token) signs every browser out. A browser gets it
// once, by POSTing the token to /counter/session (the page does this when
// opened as http://HOST:PORT/#key=TOKEN); it is HttpOnly, so no script on
// the page can read it, and SameSite=Strict, so no other site's page makes
// a request that carries it. A cookie request with an Origin header must
// come from the page's own origin.
//
// The page's own files and /counter/session need no credential: they hold
// nothing secret. Nothing else is admitted without the token or the cookie.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace loyalpos::api {

struct PageAsset {
  std::string_view path;  // "/", "/counter.js", ...
  std::string_view content_type;
  std::string_view bytes;
};

// The files of the page, as built into the binary.
std::span<const PageAsset> page_assets();

class CounterPage {
 public:
  // `api_token`: the bearer token of `serve`; empty: no browser may sign
  // in (the page's files are still served).
  explicit CounterPage(const std::string& api_token);

  // Whether a request without the bearer token may reach the handler:
  // the page's files, the session endpoint, and /v1 with the cookie.
  bool admits(const net::HttpRequest& request) const;

  // The answer to a request for the page's files or its session; nullopt
  // for every other path.
  std::optional<net::HttpResponse> handle(const net::HttpRequest& request) const;

  static constexpr std::string_view kCookieName = "loyalpos_counter";

 private:
  bool has_cookie(const net::HttpRequest& request) const;

  std::string api_token_;
  std::string cookie_;  // hex HMAC-SHA256(api token, "loyalpos counter session 1")
};

}  // namespace loyalpos::api
