// The body of POST /v1/events (docs/sync-protocol.md), read straight from
// its bytes into events: {"terminal_id": "…", "events": [event, …]}.
//
// It decides exactly as nlohmann::json::parse of the whole body followed by
// parse_event_json(kPush) on each element does (the same JSON grammar:
// UTF-8 checked, escapes and surrogate pairs, a leading BOM, the last of
// duplicate keys wins, numbers beyond a double refused; the same events;
// the same words for the first event that is not one), without building the
// document first: on a 500-event batch that document was half of journeyd's
// time per push. tests/wire/push_body_test.cc and tests/fuzz/push_body_fuzz.cc
// hold it to the nlohmann path.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/journal_event.h"

namespace loyalpos::sync {

struct PushBody {
  std::string terminal_id;
  // Elements of "events", events or not: the batch size journeyd limits.
  std::size_t event_count = 0;
  // The events in order (terminal_id and cursor unset), up to the first
  // element that is not a push-form event.
  std::vector<JournalEvent> events;
  // Why that element is not one, in parse_event_json's words; none when
  // every element is an event.
  std::optional<std::string> event_error;
};

// nullopt when `body` is not JSON, or not an object of exactly those two
// fields with a string and an array (journeyd's 400 for the whole body).
std::optional<PushBody> read_push_body(std::string_view body);

}  // namespace loyalpos::sync
