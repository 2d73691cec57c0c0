#include "sync/journeyd/html_page.h"

namespace loyalpos::journeyd::html {

namespace {

constexpr std::string_view kLangCookie = "journeyd_lang";

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

std::string query_of(const std::string& target) {
  const auto q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

std::optional<std::string> cookie(const net::HttpRequest& r, std::string_view name) {
  const std::string* header = r.header("cookie");
  return header ? net::cookie_value(*header, name) : std::nullopt;
}

std::string set_cookie(std::string_view name, const std::string& value, std::string_view path,
                       std::int64_t max_age) {
  return std::string(name) + "=" + value + "; Path=" + std::string(path) +
         "; Max-Age=" + std::to_string(max_age) + "; Secure; HttpOnly; SameSite=Strict";
}

Lang language(const net::HttpRequest& r, const net::FormFields& query, std::string* remember) {
  if (auto l = net::field(query, "lang"); l && (*l == "en" || *l == "ru")) {
    *remember = *l;
    return *l == "ru" ? Lang::kRu : Lang::kEn;
  }
  if (auto l = cookie(r, kLangCookie)) {
    if (*l == "ru") return Lang::kRu;
    if (*l == "en") return Lang::kEn;
  }
  if (const std::string* accept = r.header("accept-language")) {
    // The first language the browser names.
    std::string first = accept->substr(0, accept->find_first_of(",;"));
    while (!first.empty() && first.front() == ' ') first.erase(0, 1);
    if (first.rfind("ru", 0) == 0) return Lang::kRu;
  }
  return Lang::kEn;
}

std::string remember_language(const std::string& lang) {
  return set_cookie(kLangCookie, lang, "/", 365 * 86400);
}

PageContext::PageContext(const net::HttpRequest& request) {
  auto fields = net::form_fields(query_of(request.target));
  if (fields.ok()) query = std::move(*fields);
  lang = language(request, query, &remember_);
}

net::HttpResponse PageContext::finish(net::HttpResponse response) const {
  if (!remember_.empty()) response.headers.emplace_back("Set-Cookie", remember_language(remember_));
  return response;
}

net::HttpResponse page(int status, Lang lang, const std::string& heading, const std::string& title,
                       const std::string& body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
                         " form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  const char* other = lang == Lang::kRu ? "en" : "ru";
  r.body = std::string("<!doctype html>\n<html lang=\"") + (lang == Lang::kRu ? "ru" : "en") +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width, initial-scale=1\"><title>" +
           escape(title) +
           "</title><style>"
           "body{font-family:DejaVu Sans,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
           "header{display:flex;gap:1em;align-items:center;justify-content:space-between;"
           "padding:.6em 1em;background:#2d3e50;color:#fff}header a{color:#fff}"
           "main{padding:1em;max-width:80em;margin:auto}"
           "form.inline{display:inline}label{display:block;margin:.5em 0 .2em}"
           "input,select,button{font-size:1em;padding:.4em}button{cursor:pointer}"
           ".error{color:#a00;font-weight:bold}"
           ".stages{display:grid;grid-template-columns:repeat(auto-fit,minmax(11em,1fr));gap:.6em}"
           ".stage{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.6em}"
           ".stage h2{font-size:1.05em;margin:.1em 0 .4em}.stage.drop{border:2px solid #c0392b}"
           ".flag{color:#c0392b;font-weight:bold}.absent{color:#777}"
           "progress{width:100%;height:1.2em}"
           "dl{margin:0}dt{font-size:.8em;color:#555}dd{margin:0 0 .35em;font-size:1.1em}"
           "svg{max-width:100%;height:auto}</style></head><body><header><strong>" +
           escape(heading) + "</strong><a href=\"?lang=" + other + "\">" +
           (lang == Lang::kRu ? "English" : "Русский") + "</a></header><main>" + body +
           "</main></body></html>\n";
  return r;
}

net::HttpResponse redirect(const std::string& to) {
  net::HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", to);
  r.body = "See " + to + "\n";
  return r;
}

}  // namespace loyalpos::journeyd::html
