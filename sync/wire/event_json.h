// The JSON of a journey event on the wire (docs/sync-protocol.md), one codec
// for the terminal's sync agent and for journeyd: the eight chain fields in a
// push; with the event's terminal_id and head office's cursor in a pull.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/journal_event.h"

namespace loyalpos::sync {

enum class WireForm {
  kPush,  // seq, type, at, card_id, sale_id, payload, prev_hash, hash
  kPull,  // those, terminal_id and cursor
};

nlohmann::json event_json(const JournalEvent& event, WireForm form);

// Exactly the form's fields, each of its type (card_id and sale_id may be
// null); anything else is nullopt with `why` saying what was wrong.
std::optional<JournalEvent> parse_event_json(const nlohmann::json& j, WireForm form,
                                             std::string& why);

}  // namespace loyalpos::sync
