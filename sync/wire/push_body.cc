#include "sync/wire/push_body.h"

#include <locale.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "base/journal_hash.h"
#include "base/utf8.h"

namespace loyalpos::sync {

namespace {

// A value as parse_event_json tells values apart.
enum class Kind {
  kAbsent,
  kString,
  kInt,          // fits an int64_t
  kOtherNumber,  // a fraction, an exponent, or an integer beyond int64_t
  kNull,
  kOther,  // true, false, an object, an array
};

struct Value {
  Kind kind = Kind::kAbsent;
  std::int64_t number = 0;
  std::string text;  // kept between events: its capacity is reused
};

// The push form's fields in std::set order: parse_event_json names the
// first one missing in that order.
enum Field { kAt, kCardId, kHash, kPayload, kPrevHash, kSaleId, kSeq, kType, kFields };
constexpr std::array<std::string_view, kFields> kFieldNames = {
    "at", "card_id", "hash", "payload", "prev_hash", "sale_id", "seq", "type"};

// nlohmann's check for a number that is not an integer (or is one beyond
// 64 bits): strtod must give a finite double, else the whole document is
// refused. In the C locale whatever the process's, as nlohmann reads '.'.
bool finite_double(const char* begin, const char* end) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", nullptr);
  const std::string text(begin, end);
  return std::isfinite(strtod_l(text.c_str(), nullptr, c_locale));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes a string holds as they are: printable ASCII and DEL, not '"' or '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// One pass over the body. Every read_* starts at the value's first byte
// (whitespace skipped) and returns false when the bytes are not JSON: the
// caller then gives up on the whole body, as nlohmann refuses it whole.
class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  std::optional<PushBody> read() {
    if (end_ - p_ >= 3 && p_[0] == '\xEF' && p_[1] == '\xBB' && p_[2] == '\xBF') p_ += 3;
    skip_space();
    if (!consume('{')) return std::nullopt;
    skip_space();
    PushBody out;
    Value terminal_id;
    bool events_array = false, events_seen = false;
    if (!consume('}')) {
      for (;;) {
        if (!read_key()) return std::nullopt;
        if (key_ == "terminal_id") {
          if (!read_value(terminal_id)) return std::nullopt;
        } else if (key_ == "events") {
          // The last "events" wins: forget an earlier one.
          out.event_count = 0;
          out.events.clear();
          out.event_error.reset();
          events_seen = true;
          events_array = peek('[');
          if (!(events_array ? read_events(out) : read_value(scratch_))) return std::nullopt;
        } else {
          return std::nullopt;  // a third field: refused whatever follows
        }
        const Next n = next('}');
        if (n == Next::kBad) return std::nullopt;
        if (n == Next::kClosed) break;
      }
    }
    skip_space();
    // nlohmann's lexer takes a NUL byte for the end of its input (C
    // strings): whatever follows one after the document is ignored.
    const bool ended = p_ == end_ || *p_ == '\0';
    if (!ended || !events_seen || !events_array || terminal_id.kind != Kind::kString) {
      return std::nullopt;
    }
    out.terminal_id = std::move(terminal_id.text);
    return out;
  }

 private:
  bool peek(char c) const { return p_ != end_ && *p_ == c; }
  bool consume(char c) {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }
  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }

  // After a member or element: another follows (',' and the space after it
  // skipped), or `close` ends its object or array (consumed), or neither.
  enum class Next { kMore, kClosed, kBad };
  Next next(char close) {
    skip_space();
    if (consume(close)) return Next::kClosed;
    if (!consume(',')) return Next::kBad;
    skip_space();
    return Next::kMore;
  }

  // `"key"` and its ':' into key_, up to the value's first byte.
  bool read_key() {
    if (!peek('"') || !read_string(key_)) return false;
    skip_space();
    if (!consume(':')) return false;
    skip_space();
    return true;
  }

  bool read_events(PushBody& out) {
    ++p_;  // '['
    skip_space();
    if (consume(']')) return true;
    for (;;) {
      ++out.event_count;
      if (out.event_error) {
        if (!read_value(scratch_)) return false;
      } else if (peek('{')) {
        if (!read_event(out)) return false;
      } else {
        if (!read_value(scratch_)) return false;
        out.event_error = "an event is not a JSON object";
      }
      const Next n = next(']');
      if (n != Next::kMore) return n == Next::kClosed;
    }
  }

  // One event object: its fields (the last of duplicates wins), then
  // parse_event_json's checks in its order.
  bool read_event(PushBody& out) {
    ++p_;  // '{'
    for (Value& v : fields_) v.kind = Kind::kAbsent;
    bool unknown = false;
    skip_space();
    if (!consume('}')) {
      for (;;) {
        if (!read_key()) return false;
        const auto* name = std::find(kFieldNames.begin(), kFieldNames.end(), key_);
        if (name != kFieldNames.end()) {
          if (!read_value(fields_[name - kFieldNames.begin()])) return false;
        } else {
          // nlohmann's object is a std::map: the unknown field named is the least.
          if (!unknown || key_ < unknown_) unknown_ = key_;
          unknown = true;
          if (!read_value(scratch_)) return false;
        }
        const Next n = next('}');
        if (n == Next::kBad) return false;
        if (n == Next::kClosed) break;
      }
    }
    if (unknown) {
      out.event_error = "an event has an unknown field \"" + unknown_ + "\"";
    } else if (auto why = to_event(out.events.emplace_back())) {
      out.events.pop_back();
      out.event_error = std::move(why);
    }
    return true;
  }

  // The event from fields_, or why they are not one.
  std::optional<std::string> to_event(JournalEvent& e) {
    for (int f = 0; f < kFields; ++f) {
      if (fields_[f].kind == Kind::kAbsent) {
        return "an event lacks \"" + std::string(kFieldNames[f]) + "\"";
      }
    }
    if (fields_[kSeq].kind != Kind::kInt || fields_[kAt].kind != Kind::kInt) {
      return "an event's seq and at must be integers";
    }
    e.seq = fields_[kSeq].number;
    e.at = fields_[kAt].number;
    const std::string seq = std::to_string(e.seq);
    for (Field f : {kType, kPayload, kPrevHash, kHash}) {
      if (fields_[f].kind != Kind::kString) {
        return "event " + seq + ": \"" + std::string(kFieldNames[f]) + "\" must be a string";
      }
    }
    // Copies, not moves: the fields keep their capacity for the next event.
    e.type = fields_[kType].text;
    e.payload = fields_[kPayload].text;
    e.prev_hash = fields_[kPrevHash].text;
    e.hash = fields_[kHash].text;
    if (fields_[kCardId].kind == Kind::kString) {
      e.card_id = fields_[kCardId].text;
    } else if (fields_[kCardId].kind != Kind::kNull) {
      return "event " + seq + ": card_id must be a string or null";
    }
    if (fields_[kSaleId].kind == Kind::kInt) {
      e.sale_id = fields_[kSaleId].number;
    } else if (fields_[kSaleId].kind != Kind::kNull) {
      return "event " + seq + ": sale_id must be an integer or null";
    }
    return std::nullopt;
  }

  // Any value; strings and numbers kept in `v`, objects and arrays checked
  // and dropped (kOther).
  bool read_value(Value& v) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        v.kind = Kind::kString;
        return read_string(v.text);
      case 'n':
        v.kind = Kind::kNull;
        return literal("null");
      case 't':
        v.kind = Kind::kOther;
        return literal("true");
      case 'f':
        v.kind = Kind::kOther;
        return literal("false");
      case '{':
      case '[':
        v.kind = Kind::kOther;
        return skip_container();
      default:
        return read_number(v);
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // JSON's number grammar; the value when it fits an int64_t.
  bool read_number(Value& v) {
    const char* const start = p_;
    consume('-');
    if (consume('0')) {
    } else if (p_ != end_ && *p_ >= '1' && *p_ <= '9') {
      skip_digits();
    } else {
      return false;
    }
    bool integer = true;
    if (consume('.')) {
      integer = false;
      if (!skip_digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++p_;
      integer = false;
      if (!consume('+')) consume('-');
      if (!skip_digits()) return false;
    }
    if (integer) {
      const auto [end, ec] = std::from_chars(start, p_, v.number);
      if (ec == std::errc() && end == p_) {
        v.kind = Kind::kInt;
        return true;
      }
    }
    v.kind = Kind::kOtherNumber;
    return finite_double(start, p_);
  }

  bool skip_digits() {
    const char* const start = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != start;
  }

  // An object or array at any depth, without recursion (a body may nest
  // deeper than the stack would take).
  bool skip_container() {
    std::string open;  // the enclosing '{' and '[', innermost last
    for (;;) {
      // At a value.
      if (peek('{') || peek('[')) {
        open.push_back(*p_++);
        skip_space();
        if (open.back() == '{' ? !consume('}') : !consume(']')) {
          if (open.back() == '{' && !read_key()) return false;
          continue;
        }
        open.pop_back();
      } else if (!read_value(scratch_)) {
        return false;
      }
      // After a value: close what ends here, or go on to the next value.
      for (;;) {
        if (open.empty()) return true;
        const Next n = next(open.back() == '{' ? '}' : ']');
        if (n == Next::kBad) return false;
        if (n == Next::kMore) break;
        open.pop_back();
      }
      if (open.back() == '{' && !read_key()) return false;
    }
  }

  // A string at '"', unescaped into `out`: nlohmann's lexer's rules (no
  // control characters, UTF-8 without overlongs or surrogates, \u escapes
  // with surrogates in pairs).
  bool read_string(std::string& out) {
    out.clear();
    ++p_;  // '"'
    for (;;) {
      const char* const run = p_;
      while (p_ != end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
      out.append(run, p_);
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!read_escape(out)) return false;
      } else if (!read_utf8(out)) {
        return false;
      }
    }
  }

  bool read_escape(std::string& out) {
    ++p_;  // '\'
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.push_back(c);
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    std::uint32_t cp = 0;
    if (!read_hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (!consume('\\') || !consume('u') || !read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, static_cast<char32_t>(cp));
    return true;
  }

  bool read_hex4(std::uint32_t& cp) {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const int d = hex_value(*p_++);
      if (d < 0) return false;
      cp = cp * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
  }

  // One well-formed UTF-8 sequence of two to four bytes (RFC 3629).
  bool read_utf8(std::string& out) {
    const auto c = static_cast<unsigned char>(*p_);
    int more = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c == 0xE0) {
      more = 2;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      more = 2;
    } else if (c == 0xED) {
      more = 2;
      hi = 0x9F;
    } else if (c == 0xF0) {
      more = 3;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      more = 3;
    } else if (c == 0xF4) {
      more = 3;
      hi = 0x8F;
    } else {
      return false;  // a control character, a continuation byte, C0, C1, F5-FF
    }
    if (end_ - p_ <= more) return false;
    for (int i = 1; i <= more; ++i) {
      const auto b = static_cast<unsigned char>(p_[i]);
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return false;
    }
    out.append(p_, static_cast<std::size_t>(more + 1));
    p_ += more + 1;
    return true;
  }

  const char* p_;
  const char* const end_;
  std::string key_;
  std::string unknown_;
  std::array<Value, kFields> fields_;
  Value scratch_;  // values read only to be checked
};

}  // namespace

std::optional<PushBody> read_push_body(std::string_view body) { return Reader(body).read(); }

}  // namespace loyalpos::sync
