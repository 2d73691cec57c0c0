#include "sync/store/json_members.h"

#include <string_view>

namespace loyalpos::sync::detail {

namespace {

constexpr int kMaxDepth = 512;

// Character classes by table: a million sales' payloads go through here, and
// strchr per byte was a tenth of the promotions report.
struct CharClasses {
  bool hex[256] = {};
  bool escape[256] = {};  // what may follow a backslash, 'u' aside
  bool scalar[256] = {};  // what a number, true, false or null is made of
  constexpr CharClasses() {
    for (const char c : std::string_view("0123456789abcdefABCDEF")) hex[as_index(c)] = true;
    for (const char c : std::string_view("\"\\/bfnrt")) escape[as_index(c)] = true;
    for (const char c : std::string_view("0123456789+-.eEtruefalsn")) scalar[as_index(c)] = true;
  }
  static constexpr std::size_t as_index(char c) { return static_cast<unsigned char>(c); }
};
constexpr CharClasses kClasses;

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool at_end() const { return p_ == end_; }
  bool take(char c) {
    space();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  const char* here() const { return p_; }

  // A string at the cursor (after space): its text between the quotes.
  bool string(std::string_view* text) {
    space();
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    while (p_ < end_) {
      const char c = *p_;
      if (c == '"') {
        if (text != nullptr) *text = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (++p_ == end_) return false;
        if (*p_ == 'u') {
          for (int i = 0; i < 4; ++i) {
            if (++p_ == end_ || !kClasses.hex[CharClasses::as_index(*p_)]) return false;
          }
        } else if (!kClasses.escape[CharClasses::as_index(*p_)]) {
          return false;
        }
      }
      ++p_;
    }
    return false;
  }

  // Any value at the cursor (after space).
  bool value(int depth) {
    space();
    if (p_ == end_ || depth > kMaxDepth) return false;
    if (*p_ == '"') return string(nullptr);
    if (*p_ == '{' || *p_ == '[') {
      const char close = *p_ == '{' ? '}' : ']';
      const bool object = close == '}';
      ++p_;
      if (take(close)) return true;
      do {
        if (object && (!string(nullptr) || !take(':'))) return false;
        if (!value(depth + 1)) return false;
      } while (take(','));
      return take(close);
    }
    const char* start = p_;
    while (p_ < end_ && kClasses.scalar[CharClasses::as_index(*p_)]) ++p_;
    return p_ > start;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

bool json_members(std::string_view json, const std::string_view* keys, std::string_view* values,
                  std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) values[i] = {};
  Scanner s(json);
  if (!s.take('{')) return false;
  if (!s.take('}')) {
    do {
      std::string_view key;
      if (!s.string(&key) || !s.take(':')) return false;
      s.space();
      const char* start = s.here();
      if (!s.value(1)) return false;
      for (std::size_t i = 0; i < n; ++i) {
        if (key == keys[i])
          values[i] = std::string_view(start, static_cast<std::size_t>(s.here() - start));
      }
    } while (s.take(','));
    if (!s.take('}')) return false;
  }
  s.space();
  return s.at_end();
}

bool json_elements(std::string_view json, const std::function<void(std::string_view)>& visit) {
  Scanner s(json);
  if (!s.take('[')) return false;
  if (!s.take(']')) {
    do {
      s.space();
      const char* start = s.here();
      if (!s.value(1)) return false;
      visit(std::string_view(start, static_cast<std::size_t>(s.here() - start)));
    } while (s.take(','));
    if (!s.take(']')) return false;
  }
  s.space();
  return s.at_end();
}

}  // namespace loyalpos::sync::detail
