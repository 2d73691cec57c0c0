#include "sync/agent/sync_agent.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pos/config/config.h"
#include "pos/ledger/peer_events.h"
#include "pos/ledger/published.h"
#include "pos/ledger/sync_outbox.h"
#include "sync/agent/head_office_client.h"
#include "sync/wire/event_json.h"

namespace loyalpos::sync {

namespace {

using nlohmann::json;

constexpr std::int64_t kPullLimit = 500;

// What head office said, in words, for an answer that is not the one hoped for.
Error refusal(const net::HttpResponse& r, const std::string& what) {
  const json body = json::parse(r.body, nullptr, false);
  std::string message = "head office answered " + std::to_string(r.status);
  if (!body.is_discarded() && body.contains("error") && body["error"].is_object()) {
    message += ": " + body["error"].value("message", std::string());
  }
  const std::string text = what + ": " + message;
  if (r.status == 401 || r.status == 403) return Error::invalid(text);
  if (r.status == 422) return Error::corrupt(text);
  if (r.status >= 500) return Error::unavailable(text);
  return Error::conflict(text);
}

Result<json> json_of(const net::HttpResponse& r, const std::string& what) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error::corrupt(what + ": head office's answer is not JSON");
  }
  return body;
}

}  // namespace

SyncAgent::SyncAgent(pos::Ledger& ledger, Enrollment enrollment, const pos::Clock& clock,
                     std::chrono::milliseconds timeout, pos::OutboxLimits batch)
    : ledger_(ledger), enrollment_(std::move(enrollment)), clock_(clock), batch_(batch) {
  client_ = head_office_client(enrollment_, timeout);
}

Status SyncAgent::claim() {
  const json body{{"terminal_id", ledger_.terminal().terminal_id}};
  auto r = client_->request("POST", "/v1/claim", body.dump(),
                            {{"Content-Type", "application/json"}, {"Loyalpos-Sync", "1"}});
  if (!r.ok()) return Error::unavailable("cannot reach head office: " + r.error().message());
  if (r->status != 200) return refusal(*r, "claiming this terminal");
  return ok_status();
}

Result<std::int64_t> SyncAgent::push(const SyncProgress& progress) {
  auto start = pos::anchor(ledger_);
  if (!start.ok()) return start.error();
  auto waiting = pos::unsent_count(ledger_);
  if (!waiting.ok()) return waiting.error();
  std::int64_t after = start->seq;
  std::int64_t pushed = 0;
  std::int64_t last_gap_resend = -1;
  for (;;) {
    auto batch = pos::read_outbox(ledger_, after, batch_);
    if (!batch.ok()) return batch.error();
    if (batch->events.empty()) return pushed;
    json events = json::array();
    for (const auto& e : batch->events) events.push_back(event_json(e, WireForm::kPush));
    const json body{{"terminal_id", ledger_.terminal().terminal_id}, {"events", std::move(events)}};
    auto r = client_->request("POST", "/v1/events", body.dump(),
                              {{"Content-Type", "application/json"}, {"Loyalpos-Sync", "1"}});
    if (!r.ok()) return Error::unavailable("cannot reach head office: " + r.error().message());
    auto answer = json_of(*r, "pushing events");
    if (r->status == 409 && answer.ok() && answer->contains("expected_seq")) {
      // Head office holds less (or more) than the anchor says: resend from
      // where it stands, once per position.
      const std::int64_t expected = (*answer)["expected_seq"].get<std::int64_t>();
      if (expected - 1 == last_gap_resend || expected < 1) {
        return Error::conflict("head office keeps asking for event " + std::to_string(expected));
      }
      last_gap_resend = expected - 1;
      after = expected - 1;
      continue;
    }
    if (r->status != 200) return refusal(*r, "pushing events");
    if (!answer.ok()) return answer.error();
    const json& ack = (*answer)["ack"];
    if (!ack.is_object() || !ack.contains("seq") || !ack.contains("hash")) {
      return Error::corrupt("pushing events: head office's answer has no ack");
    }
    const std::int64_t seq = ack["seq"].get<std::int64_t>();
    LOYALPOS_TRY(pos::record_ack(ledger_, seq, ack["hash"].get<std::string>(), clock_.now_unix()));
    if (seq <= after) {
      return Error::conflict("head office acknowledged event " + std::to_string(seq) +
                             " for a batch after " + std::to_string(after));
    }
    pushed += seq - std::max(after, start->seq);
    after = seq;
    if (progress) progress(pushed, *waiting);
  }
}

Result<std::int64_t> SyncAgent::pull() {
  std::int64_t pulled = 0;
  for (;;) {
    auto cursor = pos::peer_cursor(ledger_);
    if (!cursor.ok()) return cursor.error();
    auto r = client_->request(
        "GET",
        "/v1/peer-events?after=" + std::to_string(*cursor) + "&limit=" + std::to_string(kPullLimit),
        {}, {{"Loyalpos-Sync", "1"}});
    if (!r.ok()) return Error::unavailable("cannot reach head office: " + r.error().message());
    if (r->status != 200) return refusal(*r, "pulling other terminals' events");
    auto answer = json_of(*r, "pulling other terminals' events");
    if (!answer.ok()) return answer.error();
    const json& list = (*answer)["events"];
    if (!list.is_array()) return Error::corrupt("pulling: head office's answer has no events");
    if (list.empty()) return pulled;
    std::vector<pos::PeerEvent> batch;
    batch.reserve(list.size());
    for (const auto& j : list) {
      std::string why;
      auto e = parse_event_json(j, WireForm::kPull, why);
      if (!e)
        return Error::corrupt("pulling: head office sent an event that does not read: " + why);
      batch.push_back(std::move(*e));
    }
    const std::int64_t next = (*answer).value("cursor", batch.back().cursor);
    if (next <= *cursor) return Error::corrupt("pulling: head office's cursor went back");
    auto stored = pos::store_peer_events(ledger_, batch, next);
    if (!stored.ok()) return stored.error();
    pulled += stored->stored;
  }
}

Result<std::int64_t> SyncAgent::pull_published(const std::string& kind, SyncReport& report) {
  auto held = pos::published_version(ledger_, kind);
  if (!held.ok()) return held.error();
  const std::string what = "pulling head office's " + kind;
  auto r = client_->request("GET", "/v1/published/" + kind + "?after=" + std::to_string(*held), {},
                            {{"Loyalpos-Sync", "1"}});
  if (!r.ok()) return Error::unavailable("cannot reach head office: " + r.error().message());
  if (r->status == 204) return std::int64_t{0};
  if (r->status != 200) return refusal(*r, what);
  auto answer = json_of(*r, what);
  if (!answer.ok()) return answer.error();
  const json& version = (*answer)["version"];
  const json& text = (*answer)["text"];
  if (!version.is_number_integer() || version.get<std::int64_t>() <= *held || !text.is_string()) {
    return Error::corrupt(what + ": head office's answer has no newer version and text");
  }
  const std::int64_t v = version.get<std::int64_t>();
  const std::string source = "head office's " + kind + " version " + std::to_string(v);
  const std::int64_t now = clock_.now_unix();
  if (kind == "rules") {
    // Read now, so rules that do not read are refused here, where the sync
    // reports them, and never reach a sale. The language is the shop's own.
    auto rules = pos::parse_published_rules(text.get<std::string>(), source,
                                            ledger_.terminal().currency, loyalty::Language{});
    if (!rules.ok()) return rules.error();
    LOYALPOS_TRY(pos::store_published_rules(ledger_, v, text.get<std::string>(), now));
    report.rules_version = v;
  } else {
    auto imported = pos::apply_published_catalog(ledger_, v, text.get<std::string>(), now);
    if (!imported.ok()) return imported.error();
    report.catalog_version = v;
    report.catalog_products = *imported;
  }
  return v;
}

Result<SyncReport> SyncAgent::exchange(const SyncProgress& progress) {
  SyncReport report;
  LOYALPOS_TRY(claim());
  auto pushed = push(progress);
  if (!pushed.ok()) return pushed.error();
  report.pushed = *pushed;
  auto pulled = pull();
  if (!pulled.ok()) return pulled.error();
  report.pulled = *pulled;
  // Rules that do not read do not hold back the catalog, nor it them.
  std::optional<Error> refused;
  for (const char* kind : {"rules", "catalog"}) {
    auto got = pull_published(kind, report);
    if (!got.ok() && !refused) refused = got.error();
  }
  if (refused) return *refused;
  auto a = pos::anchor(ledger_);
  if (!a.ok()) return a.error();
  report.acked_seq = a->seq;
  auto unsent = pos::unsent_count(ledger_);
  if (!unsent.ok()) return unsent.error();
  report.unsent = *unsent;
  return report;
}

Result<SyncReport> SyncAgent::run_once(const SyncProgress& progress) {
  auto report = exchange(progress);
  if (!report.ok()) {
    // Best effort: the error is what matters to the caller.
    (void)pos::record_sync_error(ledger_, report.error().message(), clock_.now_unix());
  }
  return report;
}

std::chrono::milliseconds sync_backoff(int failures, std::chrono::milliseconds every,
                                       std::chrono::milliseconds most, double jitter) {
  auto wait = every;
  for (int i = 0; i < failures && wait < most; ++i) wait *= 2;
  wait = std::min(wait, most);
  const double factor = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(wait.count()) * factor));
}

}  // namespace loyalpos::sync
