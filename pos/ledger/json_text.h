// JSON text written directly, for the payloads the sale path builds on
// every sale (nlohmann builds a tree and allocates per value; these append
// to one buffer).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace loyalpos::pos {

// Appends `text` as a JSON string literal: quoted; `"`, `\` and control
// characters escaped; UTF-8 kept as it is. Text that is not valid UTF-8 is
// written by nlohmann with U+FFFD for each broken sequence
// (error_handler_t::replace), so the result is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// The same, as a new string.
std::string json_string(std::string_view text);

// `value` as compact JSON text. Total: never throws, whatever bytes its
// strings hold (text that is not valid UTF-8 gets U+FFFD for each broken
// sequence). Every JSON loyalpos writes goes through here or the
// functions above, so no output can abort after a sale has committed.
std::string dump_json(const nlohmann::json& value);

// A JSON list of strings: ["a","b"].
std::string json_string_list(const std::vector<std::string>& texts);

}  // namespace loyalpos::pos
