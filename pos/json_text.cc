#include "pos/json_text.h"

#include <cstddef>

namespace loyalpos::pos {

namespace {

// At s[i], a byte of 0x80 or above: how many bytes form a valid UTF-8
// sequence there (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or, when they do not, minus the length of the longest start of
// one (at least 1): those bytes become one U+FFFD, as Unicode recommends and
// nlohmann does.
int utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return -1;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const bool fits = i + k < s.size() && byte(i + k) >= (k == 1 ? low : 0x80) &&
                      byte(i + k) <= (k == 1 ? high : 0xBF);
    if (!fits) return -static_cast<int>(k);
  }
  return static_cast<int>(length);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Printable ASCII other than '"' and '\\' goes out as it is, a run at a time.
    std::size_t run = i;
    while (run < text.size() && text[run] >= 0x20 && text[run] < 0x7f && text[run] != '"' &&
           text[run] != '\\') {
      ++run;
    }
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const int length = utf8_sequence(text, i);
      if (length < 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD
      } else {
        out.append(text.substr(i, static_cast<std::size_t>(length)));
      }
      i += static_cast<std::size_t>(length < 0 ? -length : length);
      continue;
    }
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
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
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

}  // namespace loyalpos::pos
