// What journeyd's pages share (the owner's dashboard, the customer's card
// page): HTML escaping, the page shell with its style and security headers,
// the language (English or Russian) a request asks for, cookies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.h"
#include "net/url_form.h"

namespace loyalpos::journeyd::html {

enum class Lang { kEn, kRu };

// A text in English and in Russian.
struct Words {
  const char* en;
  const char* ru;
  const char* operator()(Lang l) const { return l == Lang::kRu ? ru : en; }
};

std::string escape(std::string_view text);

// The path and the query of a request target.
std::string path_of(const std::string& target);
std::string query_of(const std::string& target);

std::optional<std::string> cookie(const net::HttpRequest& r, std::string_view name);
// A Set-Cookie value: Secure, HttpOnly, SameSite=Strict, for `path`.
std::string set_cookie(std::string_view name, const std::string& value, std::string_view path,
                       std::int64_t max_age);

// The language of a request: ?lang=en|ru (then `remember` is set to it, for a
// cookie), else the journeyd_lang cookie, else the browser's first
// Accept-Language.
Lang language(const net::HttpRequest& r, const net::FormFields& query, std::string* remember);
// The Set-Cookie that keeps a language chosen with ?lang=.
std::string remember_language(const std::string& lang);

// What every page reads first: its query's fields (none when they do not
// read) and its language; finish() adds to an answer the cookie that keeps
// a language chosen with ?lang=.
class PageContext {
 public:
  explicit PageContext(const net::HttpRequest& request);
  net::HttpResponse finish(net::HttpResponse response) const;

  net::FormFields query;
  Lang lang = Lang::kEn;

 private:
  std::string remember_;
};

// A whole page: `heading` in the bar at the top beside the language switch,
// `body` (HTML) below; no script, no request anywhere else.
net::HttpResponse page(int status, Lang lang, const std::string& heading, const std::string& title,
                       const std::string& body);

// 303 to `to`.
net::HttpResponse redirect(const std::string& to);

}  // namespace loyalpos::journeyd::html
