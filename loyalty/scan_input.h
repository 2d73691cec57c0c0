// Scan input: what one line from a barcode scanner means. Pure: no I/O.
//
// A line is a loyalty card (its bare token in any letter case, or the card
// link `<card_base_url>/C/<TOKEN>`), a retail barcode (EAN-13, UPC-A, EAN-8
// with a correct check digit), or plain text for the counter to look up
// (a SKU, "COFFEE*2", "pay cash"). Invariants:
// - a kCard token has passed parse_token: a misread card is an error, never
//   another card and never text;
// - a line typed by a keyboard-wedge scanner under the Russian ЙЦУКЕН layout
//   (Caps Lock on or off) is read back by key position, then verified like
//   any other line;
// - control characters, invalid UTF-8 and lines over kMaxScanBytes are errors.
// Kept free of <ranges>/<source_location>: clang-14 builds it for fuzzing.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace loyalpos::loyalty {

inline constexpr std::size_t kMaxScanBytes = 512;

// From the config keys shop.card_base_url, scanner.prefix, scanner.suffix.
// An empty prefix/suffix means none; when set, each is stripped if present.
struct ScanSettings {
  std::string card_base_url;  // e.g. "https://loyal.example"; empty: links are never cards
  std::string prefix;
  std::string suffix;
};

struct Scan {
  enum class Kind { kCard, kProductBarcode, kText };
  Kind kind = Kind::kText;
  std::string token;    // kCard: canonical upper-case token
  std::string barcode;  // kProductBarcode: the digits as scanned (8, 12 or 13)
  std::string text;     // kText: the cleaned line as typed
  // kText only: when the line held Cyrillic, the same keys read as QWERTY
  // ("СКЩШЫЫФТЕ" -> "CROISSANT"); empty otherwise. Look up `text` first.
  std::string latin_text;
};

Result<Scan> classify_scan(std::string_view raw, const ScanSettings& settings);

// The card a line names, read exactly as classify_scan reads a scan at the
// counter (bare or grouped code, card link, any case, Russian layout), for
// every place a card is given: the canonical token, or an error when the line
// is not a card (a misread card fails its check; a product or a word is not
// a card code).
Result<std::string> read_card_code(std::string_view raw, const ScanSettings& settings);

// The link a card's QR carries: "<BASE>/C/<TOKEN>" with the base upper-cased
// (and a trailing '/' dropped) so the whole link fits QR alphanumeric mode.
std::string card_url(std::string_view base_url, std::string_view token);

// The ЙЦУКЕН -> QWERTY key-position mapping used by classify_scan; characters
// that are not on the Russian layout pass through unchanged.
std::string russian_layout_to_qwerty(std::string_view utf8);

}  // namespace loyalpos::loyalty
