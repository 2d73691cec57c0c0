#include "sync/journeyd/service.h"

#include <charconv>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "sync/wire/event_json.h"
#include "sync/wire/push_body.h"

namespace loyalpos::journeyd {
namespace {

using json = nlohmann::json;
using net::HttpRequest;
using net::HttpResponse;

constexpr std::int64_t kDefaultPeerLimit = 500;
constexpr std::int64_t kMaxPeerLimit = 1000;

HttpResponse answer(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  if (status != 204) r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers.emplace_back("Loyalpos-Sync", "1");
  return r;
}

HttpResponse error(int status, const std::string& code, const std::string& message,
                   json extra = json::object()) {
  json body = extra;
  body["error"] = {{"code", code}, {"message", message}};
  return answer(status, body);
}

HttpResponse store_error(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kUnavailable:
      return error(503, "unavailable", e.message());
    case ErrorCode::kInvalidInput:
      return error(400, "invalid_input", e.message());
    default:
      return error(500, "internal", e.message());
  }
}

json ack_json(const sync::Ack& ack) { return {{"seq", ack.seq}, {"hash", ack.hash_hex}}; }

bool is_lower_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<json> parse_object(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// The seq a corrupt refusal names ("journey event 15 of terminal …").
json corrupt_seq(const std::string& message) {
  constexpr std::string_view kPrefix = "journey event ";
  const auto at = message.find(kPrefix);
  if (at == std::string::npos) return nullptr;
  std::int64_t seq = 0;
  const char* begin = message.data() + at + kPrefix.size();
  const auto [end, ec] = std::from_chars(begin, message.data() + message.size(), seq);
  if (ec != std::errc() || end == begin) return nullptr;
  return seq;
}

// "a=1&b=2" -> the value of `name`, if present.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_nonneg(const std::string& s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// The caller: its enrollment, and the terminal id it claimed (if it did).
struct Caller {
  sync::TerminalRecord enrollment;
  std::optional<std::string> terminal_id;
};

class Request {
 public:
  Request(sync::Store& store, const HttpRequest& r) : store_(store), r_(r) {
    const auto q = r.target.find('?');
    path_ = r.target.substr(0, q);
    if (q != std::string::npos) query_ = r.target.substr(q + 1);
  }

  HttpResponse route() {
    if (const std::string* v = r_.header("loyalpos-sync"); v != nullptr && *v != "1") {
      return error(400, "unsupported_version",
                   "this journeyd speaks sync protocol version 1, not " + *v);
    }
    if (path_ == "/v1/health") {
      if (r_.method != "GET") return not_allowed("GET");
      return answer(200, {{"ok", true}, {"version", 1}});
    }
    if (path_ != "/v1/claim" && path_ != "/v1/head" && path_ != "/v1/events" &&
        path_ != "/v1/peer-events" && path_ != "/v1/published/rules" &&
        path_ != "/v1/published/catalog") {
      return error(404, "not_found", "no such endpoint: " + path_);
    }
    if (auto refused = authenticate()) return *refused;
    if (path_ == "/v1/claim") return r_.method == "POST" ? claim() : not_allowed("POST");
    if (path_ == "/v1/events") return r_.method == "POST" ? events() : not_allowed("POST");
    if (r_.method != "GET") return not_allowed("GET");
    if (path_ == "/v1/head") return head();
    if (path_ == "/v1/peer-events") return peer_events();
    return published(path_.substr(std::string_view("/v1/published/").size()));
  }

 private:
  static HttpResponse not_allowed(const std::string& allowed) {
    HttpResponse r = error(405, "method_not_allowed", "this endpoint takes " + allowed);
    r.headers.emplace_back("Allow", allowed);
    return r;
  }

  // nullopt when the caller may go on (caller_ set); else the refusal.
  std::optional<HttpResponse> authenticate() {
    if (r_.peer_cn.empty()) {
      return error(401, "unauthorized",
                   "this request needs the terminal's client certificate (journeyd enroll)");
    }
    auto rec = store_.find_terminal(r_.peer_cn);
    if (!rec.ok()) {
      if (rec.error().code() == ErrorCode::kNotFound) {
        return error(403, "forbidden", "enrollment " + r_.peer_cn + " is not known here");
      }
      return store_error(rec.error());
    }
    if (rec->credential_hash != serial_credential(r_.peer_serial)) {
      return error(403, "forbidden",
                   "this certificate is not the one issued for enrollment " + r_.peer_cn);
    }
    if (rec->revoked) {
      return error(403, "revoked",
                   "terminal " + rec->terminal_name + " was revoked; enroll it again");
    }
    caller_.enrollment = std::move(*rec);
    auto bound = store_.find_terminal(claim_row(r_.peer_cn));
    if (bound.ok()) {
      caller_.terminal_id = bound->credential_hash;
    } else if (bound.error().code() != ErrorCode::kNotFound) {
      return store_error(bound.error());
    }
    return std::nullopt;
  }

  HttpResponse not_claimed() {
    return error(409, "not_claimed",
                 "this enrollment has not claimed a terminal id yet (POST /v1/claim)");
  }

  // The row append checks: terminal_id, enrolled through this enrollment.
  Status ensure_terminal_row(const std::string& terminal_id) {
    auto row = store_.find_terminal(terminal_id);
    if (row.ok()) return ok_status();
    if (row.error().code() != ErrorCode::kNotFound) return row.error();
    const Status added =
        store_.add_terminal(caller_.enrollment.store_name, caller_.enrollment.terminal_name,
                            terminal_id, "enrollment:" + r_.peer_cn);
    if (!added.ok() && added.error().code() != ErrorCode::kConflict) return added;
    return ok_status();
  }

  HttpResponse claim() {
    auto body = parse_object(r_.body);
    if (!body || body->size() != 1 || !body->contains("terminal_id") ||
        !(*body)["terminal_id"].is_string() ||
        !is_lower_hex((*body)["terminal_id"].get<std::string>(), 32)) {
      return error(400, "invalid_input",
                   "the body must be {\"terminal_id\": 32 lower-case hex digits}");
    }
    const std::string wanted = (*body)["terminal_id"].get<std::string>();
    if (!caller_.terminal_id) {
      // A terminal id enrolled through another enrollment is not ours to take.
      auto row = store_.find_terminal(wanted);
      if (row.ok() && row->credential_hash != "enrollment:" + r_.peer_cn) {
        return error(409, "claimed", "terminal id " + wanted + " belongs to another enrollment");
      }
      const Status added =
          store_.add_terminal(caller_.enrollment.store_name, caller_.enrollment.terminal_name,
                              claim_row(r_.peer_cn), wanted);
      if (!added.ok() && added.error().code() != ErrorCode::kConflict) {
        return store_error(added.error());
      }
      auto bound = store_.find_terminal(claim_row(r_.peer_cn));  // ours, or a racing claim's
      if (!bound.ok()) return store_error(bound.error());
      caller_.terminal_id = bound->credential_hash;
    }
    if (*caller_.terminal_id != wanted) {
      return error(409, "claimed",
                   "this enrollment already belongs to terminal " + *caller_.terminal_id,
                   {{"terminal_id", *caller_.terminal_id}});
    }
    if (const Status s = ensure_terminal_row(wanted); !s.ok()) return store_error(s.error());
    auto ack = store_.head(wanted);
    if (!ack.ok()) return store_error(ack.error());
    return answer(200, {{"terminal_id", wanted}, {"ack", ack_json(*ack)}});
  }

  HttpResponse head() {
    if (!caller_.terminal_id) return not_claimed();
    auto ack = store_.head(*caller_.terminal_id);
    if (!ack.ok()) return store_error(ack.error());
    return answer(200, {{"ack", ack_json(*ack)}});
  }

  HttpResponse events() {
    auto body = sync::read_push_body(r_.body);
    if (!body) {
      return error(400, "invalid_input",
                   "the body must be {\"terminal_id\": \"…\", \"events\": [event, …]}");
    }
    if (!caller_.terminal_id) return not_claimed();
    const std::string& terminal_id = body->terminal_id;
    if (terminal_id != *caller_.terminal_id) {
      return error(403, "forbidden",
                   "this certificate speaks for terminal " + *caller_.terminal_id + " only");
    }
    if (body->event_count > sync::kMaxBatch) {
      return error(413, "too_large",
                   "a batch holds at most " + std::to_string(sync::kMaxBatch) + " events");
    }
    if (body->event_error) return error(400, "invalid_input", *body->event_error);
    std::vector<sync::WireEvent>& batch = body->events;
    for (sync::WireEvent& e : batch) e.terminal_id = terminal_id;
    const sync::AppendOutcome outcome = store_.append_or_refuse(terminal_id, batch);
    if (!outcome.refusal) return answer(200, {{"ack", ack_json(outcome.head)}});
    const Error& e = *outcome.refusal;
    switch (e.code()) {
      case ErrorCode::kConflict:
        if (outcome.expected_seq) {
          return error(409, "gap", e.message(), {{"expected_seq", *outcome.expected_seq}});
        }
        return error(403, "revoked", e.message());
      case ErrorCode::kNotFound:
        return error(403, "forbidden", e.message());
      case ErrorCode::kCorrupt:
        return error(422, "corrupt", e.message(), {{"seq", corrupt_seq(e.message())}});
      default:
        return store_error(e);
    }
  }

  HttpResponse peer_events() {
    if (!caller_.terminal_id) return not_claimed();
    std::int64_t after = 0;
    std::int64_t limit = kDefaultPeerLimit;
    if (auto a = query_param(query_, "after")) {
      auto v = parse_nonneg(*a);
      if (!v) return error(400, "invalid_input", "after must be a cursor (0 or more)");
      after = *v;
    }
    if (auto l = query_param(query_, "limit")) {
      auto v = parse_nonneg(*l);
      if (!v || *v < 1 || *v > kMaxPeerLimit) {
        return error(400, "invalid_input", "limit must be 1 to " + std::to_string(kMaxPeerLimit));
      }
      limit = *v;
    }
    auto got =
        store_.events_after(after, *caller_.terminal_id, static_cast<std::size_t>(limit), true);
    if (!got.ok()) return store_error(got.error());
    json list = json::array();
    std::int64_t cursor = after;
    for (const auto& e : *got) {
      list.push_back(sync::event_json(e, sync::WireForm::kPull));
      cursor = e.cursor;
    }
    return answer(200, {{"events", std::move(list)}, {"cursor", cursor}});
  }

  HttpResponse published(const std::string& kind) {
    std::int64_t after = 0;
    if (auto a = query_param(query_, "after")) {
      auto v = parse_nonneg(*a);
      if (!v) return error(400, "invalid_input", "after must be a version (0 or more)");
      after = *v;
    }
    auto got = store_.latest(kind, after);
    if (!got.ok()) return store_error(got.error());
    if (!*got) return answer(204, nullptr);
    return answer(200, {{"version", (*got)->version}, {"text", (*got)->bytes}});
  }

  sync::Store& store_;
  const HttpRequest& r_;
  std::string path_;
  std::string query_;
  Caller caller_;
};

}  // namespace

std::string serial_credential(const std::string& serial_hex) { return "x509-serial:" + serial_hex; }
std::string claim_row(const std::string& enrollment_id) { return "claim:" + enrollment_id; }

HttpResponse Service::handle(const HttpRequest& request) {
  if (is_owner_path(request.target)) return owner_pages_.handle(request, request.peer_address);
  if (is_card_path(request.target)) return card_pages_.handle(request, request.peer_address);
  if (is_join_path(request.target)) return join_pages_.handle(request, request.peer_address);
  return Request(store_, request).route();
}

std::int64_t Service::system_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

Status revoke_enrollment(sync::Store& store, const std::string& enrollment_id) {
  LOYALPOS_TRY(store.revoke_terminal(enrollment_id));
  auto bound = store.find_terminal(claim_row(enrollment_id));
  if (!bound.ok()) {
    if (bound.error().code() == ErrorCode::kNotFound) return ok_status();
    return bound.error();
  }
  LOYALPOS_TRY(store.revoke_terminal(claim_row(enrollment_id)));
  auto row = store.find_terminal(bound->credential_hash);
  if (row.ok() && row->credential_hash == "enrollment:" + enrollment_id) {
    LOYALPOS_TRY(store.revoke_terminal(bound->credential_hash));
  }
  return ok_status();
}

}  // namespace loyalpos::journeyd
