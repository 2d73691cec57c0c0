#include "sync/wire/event_json.h"

#include <cstdint>
#include <set>

namespace loyalpos::sync {

namespace {

using nlohmann::json;

std::optional<std::int64_t> as_int64(const json& j) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  return std::nullopt;
}

const std::set<std::string>& fields(WireForm form) {
  static const std::set<std::string> kPush = {"seq",     "type",    "at",        "card_id",
                                              "sale_id", "payload", "prev_hash", "hash"};
  static const std::set<std::string> kPull = [] {
    auto f = kPush;
    f.insert("terminal_id");
    f.insert("cursor");
    return f;
  }();
  return form == WireForm::kPush ? kPush : kPull;
}

}  // namespace

json event_json(const JournalEvent& e, WireForm form) {
  json j{{"seq", e.seq},
         {"type", e.type},
         {"at", e.at},
         {"card_id", e.card_id ? json(*e.card_id) : json(nullptr)},
         {"sale_id", e.sale_id ? json(*e.sale_id) : json(nullptr)},
         {"payload", e.payload},
         {"prev_hash", e.prev_hash},
         {"hash", e.hash}};
  if (form == WireForm::kPull) {
    j["terminal_id"] = e.terminal_id;
    j["cursor"] = e.cursor;
  }
  return j;
}

std::optional<JournalEvent> parse_event_json(const json& j, WireForm form, std::string& why) {
  if (!j.is_object()) {
    why = "an event is not a JSON object";
    return std::nullopt;
  }
  const auto& wanted = fields(form);
  for (const auto& [key, value] : j.items()) {
    if (wanted.count(key) == 0) {
      why = "an event has an unknown field \"" + key + "\"";
      return std::nullopt;
    }
  }
  for (const auto& f : wanted) {
    if (!j.contains(f)) {
      why = "an event lacks \"" + f + "\"";
      return std::nullopt;
    }
  }
  JournalEvent e;
  const auto seq = as_int64(j["seq"]);
  const auto at = as_int64(j["at"]);
  if (!seq || !at) {
    why = "an event's seq and at must be integers";
    return std::nullopt;
  }
  e.seq = *seq;
  e.at = *at;
  for (const char* f : {"type", "payload", "prev_hash", "hash"}) {
    if (!j[f].is_string()) {
      why = std::string("event ") + std::to_string(e.seq) + ": \"" + f + "\" must be a string";
      return std::nullopt;
    }
  }
  e.type = j["type"].get<std::string>();
  e.payload = j["payload"].get<std::string>();
  e.prev_hash = j["prev_hash"].get<std::string>();
  e.hash = j["hash"].get<std::string>();
  if (j["card_id"].is_string()) {
    e.card_id = j["card_id"].get<std::string>();
  } else if (!j["card_id"].is_null()) {
    why = "event " + std::to_string(e.seq) + ": card_id must be a string or null";
    return std::nullopt;
  }
  if (!j["sale_id"].is_null()) {
    const auto sale = as_int64(j["sale_id"]);
    if (!sale) {
      why = "event " + std::to_string(e.seq) + ": sale_id must be an integer or null";
      return std::nullopt;
    }
    e.sale_id = *sale;
  }
  if (form == WireForm::kPull) {
    const auto cursor = as_int64(j["cursor"]);
    if (!j["terminal_id"].is_string() || !cursor) {
      why = "event " + std::to_string(e.seq) + ": terminal_id and cursor must be given";
      return std::nullopt;
    }
    e.terminal_id = j["terminal_id"].get<std::string>();
    e.cursor = *cursor;
  }
  return e;
}

}  // namespace loyalpos::sync
