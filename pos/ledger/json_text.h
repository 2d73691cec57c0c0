// JSON text written directly, for the payloads the sale path builds on
// every sale (nlohmann builds a tree and allocates per value; these append
// to one buffer).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
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

// A JSON object written field by field into one buffer, byte for byte what
// dump_json writes for the same object: compact, and the keys in ascending
// byte order (nlohmann's object is a std::map), which the caller keeps —
// a key out of order is a bug and throws std::logic_error before anything
// is written anywhere.
class JsonObject {
 public:
  JsonObject() {
    out_.reserve(256);
    out_.push_back('{');
    last_key_.reserve(32);  // keys are short: no allocation per key
  }
  JsonObject& text(std::string_view key, std::string_view value);
  JsonObject& number(std::string_view key, std::int64_t value);
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  // `json` is already JSON text (a list, an object).
  JsonObject& raw(std::string_view key, std::string_view json);
  // The text, or null when there is none.
  JsonObject& text_or_null(std::string_view key, const std::optional<std::string>& value);
  // The text; the object is empty afterwards.
  std::string done();

 private:
  void key(std::string_view key);
  std::string out_;
  std::string last_key_;
};

}  // namespace loyalpos::pos
