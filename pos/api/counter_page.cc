#include "pos/api/counter_page.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <nlohmann/json.hpp>

#include "net/url_form.h"

namespace loyalpos::api {

namespace detail {
// pos/api/page/*, made into bytes at build time (embed_page.cmake).
extern const PageAsset kPageAssets[];
extern const std::size_t kPageAssetCount;
}  // namespace detail

namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr std::string_view kSessionPath = "/counter/session";

std::string session_cookie(const std::string& token) {
  if (token.empty()) return {};
  static constexpr std::string_view kPurpose = "loyalpos counter session 1";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), token.data(), static_cast<int>(token.size()),
           reinterpret_cast<const unsigned char*>(kPurpose.data()), kPurpose.size(), digest,
           &size) == nullptr) {
    return {};  // no browser signs in rather than a guessable cookie
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string_view path_of(const HttpRequest& request) {
  const std::string_view target = request.target;
  return target.substr(0, target.find('?'));
}

const PageAsset* find_asset(std::string_view path) {
  for (std::size_t i = 0; i < detail::kPageAssetCount; ++i) {
    if (detail::kPageAssets[i].path == path) return &detail::kPageAssets[i];
  }
  return nullptr;
}

HttpResponse json_answer(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

HttpResponse error_answer(int status, const char* code, const std::string& message) {
  return json_answer(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace

std::span<const PageAsset> page_assets() { return {detail::kPageAssets, detail::kPageAssetCount}; }

CounterPage::CounterPage(const std::string& api_token)
    : api_token_(api_token), cookie_(session_cookie(api_token)) {}

bool CounterPage::has_cookie(const HttpRequest& request) const {
  if (cookie_.empty()) return false;
  const std::string* header = request.header("cookie");
  if (header == nullptr) return false;
  if (!net::constant_time_equals(net::cookie_value(*header, kCookieName).value_or(""), cookie_)) {
    return false;
  }
  // A browser names the page that sent a POST; it must be ours.
  const std::string* origin = request.header("origin");
  if (origin == nullptr) return true;
  const std::string* host = request.header("host");
  return host != nullptr && (*origin == "http://" + *host || *origin == "https://" + *host);
}

bool CounterPage::admits(const HttpRequest& request) const {
  const std::string_view path = path_of(request);
  if (request.method == "GET" || request.method == "HEAD") {
    if (find_asset(path) != nullptr) return true;
  }
  if (path == kSessionPath) return true;
  return path.rfind("/v1/", 0) == 0 && has_cookie(request);
}

std::optional<HttpResponse> CounterPage::handle(const HttpRequest& request) const {
  const std::string_view path = path_of(request);
  if (path == kSessionPath) {
    if (request.method == "DELETE") {
      HttpResponse out = json_answer(200, {{"ok", true}});
      out.headers.emplace_back("Set-Cookie", std::string(kCookieName) +
                                                 "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      return out;
    }
    if (request.method != "POST") {
      HttpResponse out = error_answer(405, "method_not_allowed", "use POST or DELETE here");
      out.headers.emplace_back("Allow", "POST, DELETE");
      return out;
    }
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("key") || !body["key"].is_string()) {
      return error_answer(400, "invalid_input", "the body must be {\"key\": \"<api token>\"}");
    }
    const std::string key = body["key"].get<std::string>();
    if (cookie_.empty() || !net::constant_time_equals(key, api_token_)) {
      return error_answer(401, "unauthorized",
                          "that is not this terminal's key (<home>/api-token)");
    }
    HttpResponse out = json_answer(200, {{"ok", true}});
    // 400 days, the most a browser keeps a cookie.
    out.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=" + cookie_ +
                                               "; Path=/; Max-Age=34560000; HttpOnly; "
                                               "SameSite=Strict");
    return out;
  }
  const PageAsset* asset = find_asset(path);
  if (asset == nullptr) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse out = error_answer(405, "method_not_allowed", "use GET here");
    out.headers.emplace_back("Allow", "GET, HEAD");
    return out;
  }
  HttpResponse out;
  out.status = 200;
  out.content_type = std::string(asset->content_type);
  out.body = std::string(asset->bytes);
  // Everything the page loads is its own: no other origin, no framing.
  out.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  out.headers.emplace_back("X-Content-Type-Options", "nosniff");
  out.headers.emplace_back("Referrer-Policy", "no-referrer");
  return out;
}

}  // namespace loyalpos::api
