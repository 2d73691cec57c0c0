#include "pos/ledger/json_text.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/utf8.h"

namespace loyalpos::pos {

namespace {

// Text that is not valid UTF-8 (the catalog and the config are checked on the
// way in, so hardly ever): nlohmann writes it, with U+FFFD for the bad bytes.
void append_with_replacement(std::string& out, std::string_view text) {
  out.append(dump_json(nlohmann::json(std::string(text))));
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Most text (every key, SKUs, ids, English names) is printable ASCII with
  // nothing to escape: it goes out whole, with no UTF-8 check.
  std::size_t plain = 0;
  while (plain < text.size()) {
    const auto c = static_cast<unsigned char>(text[plain]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++plain;
  }
  if (plain == text.size()) {
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  if (!is_valid_utf8(text)) {
    append_with_replacement(out, text);
    return;
  }
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Everything but '"', '\\' and control characters goes out as it is
    // (UTF-8 included), a run at a time.
    std::size_t run = i;
    while (run < text.size() && static_cast<unsigned char>(text[run]) >= 0x20 && text[run] != '"' &&
           text[run] != '\\') {
      ++run;
    }
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

std::string json_string_list(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (const auto& text : texts) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, text);
  }
  out.push_back(']');
  return out;
}

void JsonObject::key(std::string_view key) {
  if (out_.size() > 1) {
    if (key <= last_key_) {
      throw std::logic_error("JSON key \"" + std::string(key) + "\" after \"" + last_key_ +
                             "\": keys must be in ascending order");
    }
    out_.push_back(',');
  }
  last_key_.assign(key);
  append_json_string(out_, key);
  out_.push_back(':');
}

JsonObject& JsonObject::text(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}

JsonObject& JsonObject::number(std::string_view k, std::int64_t value) {
  key(k);
  out_.append(std::to_string(value));
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view k, bool value) {
  key(k);
  out_.append(value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::null(std::string_view k) {
  key(k);
  out_.append("null");
  return *this;
}

JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
  key(k);
  out_.append(json);
  return *this;
}

JsonObject& JsonObject::text_or_null(std::string_view k, const std::optional<std::string>& value) {
  return value ? text(k, *value) : null(k);
}

std::string JsonObject::done() {
  out_.push_back('}');
  return std::move(out_);
}

}  // namespace loyalpos::pos
