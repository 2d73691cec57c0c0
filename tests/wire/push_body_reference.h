// How journeyd read a POST /v1/events body before sync/wire/push_body.h:
// the whole body parsed into nlohmann's document, its shape checked, each
// element through parse_event_json. read_push_body must decide exactly as
// this does; push_body_test.cc and tests/fuzz/push_body_fuzz.cc compare them.
// Header-only, for tests alone.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sync/wire/event_json.h"
#include "sync/wire/push_body.h"

namespace loyalpos::sync::testing {

inline std::optional<PushBody> reference_read_push_body(std::string_view text) {
  using nlohmann::json;
  // A std::string, as journeyd passed the request body.
  const json body = json::parse(std::string(text), nullptr, false);
  if (body.is_discarded() || !body.is_object() || body.size() != 2 ||
      !body.contains("terminal_id") || !body.contains("events") ||
      !body["terminal_id"].is_string() || !body["events"].is_array()) {
    return std::nullopt;
  }
  PushBody out;
  out.terminal_id = body["terminal_id"].get<std::string>();
  out.event_count = body["events"].size();
  for (const json& j : body["events"]) {
    std::string why;
    auto e = parse_event_json(j, WireForm::kPush, why);
    if (!e) {
      out.event_error = why;
      break;
    }
    out.events.push_back(std::move(*e));
  }
  return out;
}

// The decision as text, for comparing two readers and showing how they differ.
inline std::string describe(const std::optional<PushBody>& b) {
  if (!b) return "refused: not {terminal_id, events}";
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : b->events) events.push_back(event_json(e, WireForm::kPull));
  return nlohmann::json{{"terminal_id", b->terminal_id},
                        {"count", b->event_count},
                        {"events", events},
                        {"error", b->event_error ? nlohmann::json(*b->event_error) : nullptr}}
      .dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

// Whether the two decide the same: the same refusal, or the same terminal,
// count, events (every field, byte for byte) and event error.
inline bool same_decision(const std::optional<PushBody>& a, const std::optional<PushBody>& b) {
  if (!a || !b) return !a && !b;
  if (a->terminal_id != b->terminal_id || a->event_count != b->event_count ||
      a->event_error != b->event_error || a->events.size() != b->events.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a->events.size(); ++i) {
    const JournalEvent& x = a->events[i];
    const JournalEvent& y = b->events[i];
    if (x.terminal_id != y.terminal_id || x.seq != y.seq || x.type != y.type || x.at != y.at ||
        x.card_id != y.card_id || x.sale_id != y.sale_id || x.payload != y.payload ||
        x.prev_hash != y.prev_hash || x.hash != y.hash || x.cursor != y.cursor) {
      return false;
    }
  }
  return true;
}

}  // namespace loyalpos::sync::testing
