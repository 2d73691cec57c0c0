#include "hardware/escpos_codepage.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/utf8.h"

namespace loyalpos::hardware {

namespace {

const iconv_t kBadIconv = reinterpret_cast<iconv_t>(-1);
constexpr std::size_t kIconvFailed = static_cast<std::size_t>(-1);

struct Substitution {
  char32_t code_point;
  std::array<const char*, 2> choices;  // tried in order; nullptr ends the list
};

// Only used when the table lacks the character itself.
constexpr Substitution kSubstitutions[] = {
    {U'\u20BD', {"р.", "RUB"}},     // ₽
    {U'\u20AC', {"EUR", nullptr}},  // €
    {U'\u2014', {"-", nullptr}},    // — em dash
    {U'\u2013', {"-", nullptr}},    // – en dash
    {U'\u2012', {"-", nullptr}},    // figure dash
    {U'\u2212', {"-", nullptr}},    // minus sign
    {U'\u00AB', {"\"", nullptr}},   // «
    {U'\u00BB', {"\"", nullptr}},   // »
    {U'\u201C', {"\"", nullptr}},   // “
    {U'\u201D', {"\"", nullptr}},   // ”
    {U'\u201E', {"\"", nullptr}},   // „
    {U'\u2018', {"'", nullptr}},    // ‘
    {U'\u2019', {"'", nullptr}},    // ’
    {U'\u2026', {"...", nullptr}},  // …
    {U'\u2116', {"No", nullptr}},   // №
    {U'\u00A0', {" ", nullptr}},    // no-break space
    {U'\u2022', {"*", nullptr}},    // •
    {U'\u00D7', {"x", nullptr}},    // ×
    {U'\u0451', {"е", "e"}},        // ё on tables without it
    {U'\u0401', {"Е", "E"}},        // Ё
};

char32_t code_point(std::string_view seq) {
  const auto byte = [&](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(seq[i]));
  };
  switch (seq.size()) {
    case 1:
      return byte(0);
    case 2:
      return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3:
      return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default:
      return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
             (byte(3) & 0x3F);
  }
}

const Substitution* find_substitution(char32_t cp) {
  for (const Substitution& s : kSubstitutions) {
    if (s.code_point == cp) return &s;
  }
  return nullptr;
}

void reset(iconv_t cd) { iconv(cd, nullptr, nullptr, nullptr, nullptr); }

// Converts from `in` on, appending to `out`, until all of it is converted
// (0) or iconv stops at a sequence it cannot convert: then `in` points at
// it and the errno that stopped it is returned.
int convert_some(iconv_t cd, char*& in, std::size_t& in_left, std::string& out) {
  char buf[256];
  while (in_left > 0) {
    char* o = buf;
    std::size_t o_left = sizeof buf;
    const std::size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, static_cast<std::size_t>(o - buf));
    if (r == kIconvFailed && errno != E2BIG) return errno;
  }
  return 0;
}

}  // namespace

void CodePage::IconvClose::operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }

Result<CodePage> CodePage::open(const std::string& encoding) {
  iconv_t to_page = iconv_open(encoding.c_str(), "UTF-8");
  if (to_page == kBadIconv) {
    return Error::invalid("unknown printer encoding \"" + encoding +
                          "\" (use an iconv name such as CP866, CP858 or CP1251)");
  }
  IconvPtr to(to_page);
  iconv_t from_page = iconv_open("UTF-8", encoding.c_str());
  if (from_page == kBadIconv) {
    return Error::invalid("unknown printer encoding \"" + encoding + "\"");
  }
  return CodePage(encoding, std::move(to), IconvPtr(from_page));
}

// Converts all of `utf8` or nothing: `out` is unchanged when the table lacks
// any of its characters.
bool CodePage::convert_exact(std::string_view utf8, std::string& out) {
  auto cd = static_cast<iconv_t>(to_page_.get());
  reset(cd);
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  std::string converted;
  if (convert_some(cd, in, in_left, converted) != 0) {
    reset(cd);
    return false;
  }
  out += converted;
  return true;
}

Result<std::string> CodePage::encode(std::string_view utf8) {
  for (std::size_t at = 0; at < utf8.size();) {
    const std::size_t len = utf8_sequence_length(utf8, at);
    if (len == 0) {
      return Error::invalid("text is not valid UTF-8 (byte " + std::to_string(at + 1) + ")");
    }
    at += len;
  }
  auto cd = static_cast<iconv_t>(to_page_.get());
  reset(cd);
  std::string out;
  out.reserve(utf8.size());
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  for (int stopped; (stopped = convert_some(cd, in, in_left, out)) != 0;) {
    if (stopped != EILSEQ && stopped != EINVAL) {
      return Error::internal(std::string("iconv to ") + encoding_ + ": " + std::strerror(stopped));
    }
    // The table lacks this character: a substitution it can print, else '?'.
    const auto at = static_cast<std::size_t>(in - utf8.data());
    const std::size_t len = utf8_sequence_length(utf8, at);
    if (len == 0) return Error::internal("iconv stopped inside a UTF-8 sequence");
    bool done = false;
    if (const Substitution* sub = find_substitution(code_point(utf8.substr(at, len)))) {
      for (const char* choice : sub->choices) {
        if (choice != nullptr && convert_exact(choice, out)) {
          done = true;
          break;
        }
      }
    }
    if (!done) out += '?';
    in += len;
    in_left -= len;
    reset(cd);
  }
  return out;
}

std::string CodePage::decode(std::string_view bytes) {
  auto cd = static_cast<iconv_t>(from_page_.get());
  reset(cd);
  std::string out;
  out.reserve(bytes.size() * 2);
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  while (convert_some(cd, in, in_left, out) != 0) {
    out += '?';  // a byte the table leaves undefined
    ++in;
    --in_left;
    reset(cd);
  }
  return out;
}

}  // namespace loyalpos::hardware
