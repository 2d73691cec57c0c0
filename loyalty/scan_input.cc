#include "loyalty/scan_input.h"

#include <cstdint>
#include <cstdio>
#include <utility>

#include "base/utf8.h"
#include "loyalty/card_token.h"

namespace loyalpos::loyalty {

namespace {

constexpr std::string_view kTokenAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// A line this close to a token's shape is a (mis)read card, so a failed
// check is reported instead of being looked up as a SKU.
constexpr std::size_t kTokenShapeSlack = 2;
constexpr std::size_t kGroupedTokenLength = kTokenLength + kTokenLength / 4 - 1;

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_terminator(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_terminator(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_terminator(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip_affixes(std::string_view s, const ScanSettings& settings) {
  s = trim(s);
  if (!settings.prefix.empty() && s.substr(0, settings.prefix.size()) == settings.prefix) {
    s.remove_prefix(settings.prefix.size());
  }
  if (!settings.suffix.empty() && s.size() >= settings.suffix.size() &&
      s.substr(s.size() - settings.suffix.size()) == settings.suffix) {
    s.remove_suffix(settings.suffix.size());
  }
  return trim(s);
}

std::string hex_byte(unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", value & 0xFFu);
  return buf;
}

// One decoded code point and its length in bytes; length 0 = invalid.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;
};

CodePoint decode_utf8(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, value = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, value = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, value = b0 & 0x07u, min = 0x10000;
  } else {
    return {};
  }
  if (i + length > s.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    value = (value << 6) | (b & 0x3Fu);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

bool is_cyrillic(char32_t c) { return c >= 0x0400 && c <= 0x04FF; }

// Checks UTF-8 and control characters; reports whether Cyrillic occurs.
Result<bool> check_text(std::string_view s) {
  bool cyrillic = false;
  for (std::size_t i = 0; i < s.size();) {
    const CodePoint cp = decode_utf8(s, i);
    if (cp.length == 0) {
      return Error::invalid("scan is not valid UTF-8 text (byte " +
                            hex_byte(static_cast<unsigned char>(s[i])) + " at position " +
                            std::to_string(i + 1) + ")");
    }
    if (cp.value < 0x20 || (cp.value >= 0x7F && cp.value <= 0x9F)) {
      return Error::invalid("scan contains a control character (" +
                            hex_byte(static_cast<unsigned>(cp.value)) + ") at position " +
                            std::to_string(i + 1));
    }
    cyrillic = cyrillic || is_cyrillic(cp.value);
    i += cp.length;
  }
  return cyrillic;
}

// A character the Russian (ЙЦУКЕН) layout types and the character the same
// key (and shift state) types under US QWERTY.
struct LayoutKey {
  char32_t russian;
  char qwerty;
};

constexpr LayoutKey kRussianLayout[] = {
    // Letter row 1: q w e r t y u i o p [ ]
    {U'й', 'q'},
    {U'ц', 'w'},
    {U'у', 'e'},
    {U'к', 'r'},
    {U'е', 't'},
    {U'н', 'y'},
    {U'г', 'u'},
    {U'ш', 'i'},
    {U'щ', 'o'},
    {U'з', 'p'},
    {U'х', '['},
    {U'ъ', ']'},
    {U'Й', 'Q'},
    {U'Ц', 'W'},
    {U'У', 'E'},
    {U'К', 'R'},
    {U'Е', 'T'},
    {U'Н', 'Y'},
    {U'Г', 'U'},
    {U'Ш', 'I'},
    {U'Щ', 'O'},
    {U'З', 'P'},
    {U'Х', '{'},
    {U'Ъ', '}'},
    // Row 2: a s d f g h j k l ; '
    {U'ф', 'a'},
    {U'ы', 's'},
    {U'в', 'd'},
    {U'а', 'f'},
    {U'п', 'g'},
    {U'р', 'h'},
    {U'о', 'j'},
    {U'л', 'k'},
    {U'д', 'l'},
    {U'ж', ';'},
    {U'э', '\''},
    {U'Ф', 'A'},
    {U'Ы', 'S'},
    {U'В', 'D'},
    {U'А', 'F'},
    {U'П', 'G'},
    {U'Р', 'H'},
    {U'О', 'J'},
    {U'Л', 'K'},
    {U'Д', 'L'},
    {U'Ж', ':'},
    {U'Э', '"'},
    // Row 3: z x c v b n m , . /
    {U'я', 'z'},
    {U'ч', 'x'},
    {U'с', 'c'},
    {U'м', 'v'},
    {U'и', 'b'},
    {U'т', 'n'},
    {U'ь', 'm'},
    {U'б', ','},
    {U'ю', '.'},
    {U'.', '/'},
    {U'Я', 'Z'},
    {U'Ч', 'X'},
    {U'С', 'C'},
    {U'М', 'V'},
    {U'И', 'B'},
    {U'Т', 'N'},
    {U'Ь', 'M'},
    {U'Б', '<'},
    {U'Ю', '>'},
    {U',', '?'},
    // Number row and backslash: only the shifted symbols differ.
    {U'ё', '`'},
    {U'Ё', '~'},
    {U'"', '@'},
    {U'№', '#'},
    {U';', '$'},
    {U':', '^'},
    {U'?', '&'},
    {U'/', '|'},
};

int russian_key(char32_t c) {
  for (const LayoutKey& key : kRussianLayout) {
    if (key.russian == c) return static_cast<unsigned char>(key.qwerty);
  }
  return -1;
}

// Check digit of EAN-13, UPC-A and EAN-8 alike: weights 3,1,3,... from the
// right, skipping the check digit itself.
bool gtin_check_ok(std::string_view digits) {
  int sum = 0;
  int weight = 3;
  for (std::size_t i = digits.size() - 1; i-- > 0;) {
    sum += (digits[i] - '0') * weight;
    weight = 4 - weight;
  }
  return (10 - sum % 10) % 10 == digits.back() - '0';
}

Scan card_scan(std::string token) {
  Scan scan;
  scan.kind = Scan::Kind::kCard;
  scan.token = std::move(token);
  return scan;
}

Result<Scan> classify_token(std::string_view candidate) {
  std::string token = ascii_upper(candidate);
  auto id = parse_token(token);
  if (!id) return id.error();
  return card_scan(std::move(token));
}

// `s` is valid UTF-8; its length is counted in characters.
bool is_token_shaped(std::string_view s) {
  std::size_t length = 0;
  std::size_t foreign = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t width = decode_utf8(s, i).length;
    ++length;
    if (width != 1 || kTokenAlphabet.find(ascii_upper(s[i])) == std::string_view::npos) ++foreign;
    i += width == 0 ? 1 : width;
  }
  return length + kTokenShapeSlack >= kTokenLength && length <= kTokenLength + kTokenShapeSlack &&
         foreign <= kTokenShapeSlack;
}

// "ABCD EFGH ... WXYZ" or with '-': the code as printed under the QR.
bool ungroup_token(std::string_view s, std::string& out) {
  if (s.size() != kGroupedTokenLength) return false;
  const char separator = s[4];
  if (separator != ' ' && separator != '-') return false;
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i % 5 == 4) {
      if (s[i] != separator) return false;
    } else {
      if (s[i] == ' ' || s[i] == '-') return false;
      out.push_back(s[i]);
    }
  }
  return true;
}

struct UrlParts {
  std::string_view scheme;  // empty when the line has none
  std::string_view rest;    // host and path
};

UrlParts split_url(std::string_view url) {
  const auto pos = url.find("://");
  if (pos == std::string_view::npos) return {{}, url};
  return {url.substr(0, pos), url.substr(pos + 3)};
}

bool is_web_scheme(std::string_view s) { return iequals(s, "http") || iequals(s, "https"); }

std::string_view base_without_slash(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return base;
}

bool looks_like_link(std::string_view line, const ScanSettings& settings) {
  if (line.find("://") != std::string_view::npos) return true;
  const UrlParts base = split_url(base_without_slash(settings.card_base_url));
  return !base.rest.empty() && istarts_with(line, std::string(base.rest) + "/");
}

Result<Scan> classify_link(std::string_view line, const ScanSettings& settings) {
  const UrlParts base = split_url(base_without_slash(settings.card_base_url));
  const UrlParts url = split_url(line);
  const bool scheme_ok = url.scheme.empty() || iequals(url.scheme, base.scheme) ||
                         (is_web_scheme(url.scheme) && is_web_scheme(base.scheme));
  const std::string card_path = std::string(base.rest) + "/C/";
  if (base.rest.empty() || !scheme_ok || !istarts_with(url.rest, card_path)) {
    return Error::invalid("scanned a link that is not a loyalty card of this shop");
  }
  auto scan = classify_token(url.rest.substr(card_path.size()));
  if (!scan) return scan.error().with_context("card link: ");
  return scan;
}

Scan text_scan(std::string_view line) {
  Scan scan;
  scan.kind = Scan::Kind::kText;
  scan.text = std::string(line);
  return scan;
}

// `line` is trimmed, non-empty, valid UTF-8 without control characters.
Result<Scan> classify_line(std::string_view line, const ScanSettings& settings) {
  if (looks_like_link(line, settings)) return classify_link(line, settings);
  std::string ungrouped;
  if (ungroup_token(line, ungrouped) && is_token_shaped(ungrouped)) {
    return classify_token(ungrouped);
  }
  if (is_token_shaped(line)) return classify_token(line);
  bool all_digits = true;
  for (char c : line) all_digits = all_digits && is_digit(c);
  if (all_digits && (line.size() == 8 || line.size() == 12 || line.size() == 13)) {
    if (!gtin_check_ok(line)) {
      return Error::invalid("barcode " + std::string(line) + " has a wrong check digit");
    }
    Scan scan;
    scan.kind = Scan::Kind::kProductBarcode;
    scan.barcode = std::string(line);
    return scan;
  }
  return text_scan(line);
}

// What the same keys type with Caps Lock toggled: under ЙЦУКЕН the keys for
// ; ' [ ] , . are letters too, so Caps Lock turns "Ж" (:) into "ж" (;).
std::string toggle_cyrillic_case(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const CodePoint cp = decode_utf8(utf8, i);
    if (cp.length == 0) {
      out.push_back(utf8[i++]);
      continue;
    }
    char32_t c = cp.value;
    if (c >= 0x0410 && c <= 0x042F) {
      c += 0x20;
    } else if (c >= 0x0430 && c <= 0x044F) {
      c -= 0x20;
    } else if (c == 0x0401 || c == 0x0451) {
      c ^= 0x0401 ^ 0x0451;
    }
    append_utf8(out, c);
    i += cp.length;
  }
  return out;
}

}  // namespace

std::string russian_layout_to_qwerty(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const CodePoint cp = decode_utf8(utf8, i);
    if (cp.length == 0) {  // not ours to judge: copy the byte through
      out.push_back(utf8[i++]);
      continue;
    }
    const int key = russian_key(cp.value);
    if (key >= 0) {
      out.push_back(static_cast<char>(key));
    } else {
      out.append(utf8.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

Result<Scan> classify_scan(std::string_view raw, const ScanSettings& settings) {
  if (raw.size() > kMaxScanBytes) {
    return Error::invalid("scan is too long (" + std::to_string(raw.size()) + " bytes, at most " +
                          std::to_string(kMaxScanBytes) + ")");
  }
  const std::string_view line = strip_affixes(raw, settings);
  auto cyrillic = check_text(line);
  if (!cyrillic) return cyrillic.error();
  if (line.empty()) return Error::invalid("scan is empty");
  if (!*cyrillic) return classify_line(line, settings);

  // A keyboard-wedge scanner under the Russian layout types Cyrillic for
  // Latin keys: read the keys back. A line mixing both alphabets may instead
  // be a damaged scan, so its literal reading is kept as a fallback.
  const std::string qwerty = russian_layout_to_qwerty(line);
  const std::string_view mapped = strip_affixes(qwerty, settings);
  if (mapped.empty()) return Error::invalid("scan is empty");
  auto by_keys = classify_line(mapped, settings);
  if (by_keys.ok() && by_keys->kind != Scan::Kind::kText) return by_keys;
  if (!by_keys) return by_keys.error().with_context("read as Russian keyboard layout: ");
  // Caps Lock on inverts the case of every letter key, punctuation keys included.
  const std::string caps_qwerty = russian_layout_to_qwerty(toggle_cyrillic_case(line));
  const std::string_view caps_mapped = strip_affixes(caps_qwerty, settings);
  if (!caps_mapped.empty()) {
    auto by_caps = classify_line(caps_mapped, settings);
    if (!by_caps) return by_caps.error().with_context("read as Russian layout with Caps Lock: ");
    if (by_caps->kind != Scan::Kind::kText) return by_caps;
  }
  auto literal = classify_line(line, settings);
  if (!literal || literal->kind != Scan::Kind::kText) return literal;
  literal->latin_text = std::string(mapped);
  return literal;
}

Result<std::string> read_card_code(std::string_view raw, const ScanSettings& settings) {
  auto scan = classify_scan(raw, settings);
  if (!scan) return scan.error();
  switch (scan->kind) {
    case Scan::Kind::kCard:
      return scan->token;
    case Scan::Kind::kProductBarcode:
      return Error::invalid(scan->barcode + " is a product barcode, not a card code");
    case Scan::Kind::kText:
      break;
  }
  // Not card-shaped: say what a card code is, as parse_token does.
  auto id = parse_token(ascii_upper(scan->text));
  if (!id) return id.error();
  return Error::invalid("\"" + scan->text + "\" is not a card code");
}

std::string card_url(std::string_view base_url, std::string_view token) {
  return ascii_upper(base_without_slash(base_url)) + "/C/" + ascii_upper(token);
}

}  // namespace loyalpos::loyalty
