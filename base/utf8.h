// UTF-8, the text every part of loyalpos speaks: checking a sequence and
// writing a code point. One place for the byte rules (RFC 3629).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace loyalpos {

// Length of the UTF-8 sequence at byte `at` of `text`, or 0 when the bytes
// there are not valid UTF-8 (overlong forms, surrogates and code points past
// U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// True when all of `text` is valid UTF-8 (the strict check above, over the
// whole text). Everything loyalpos takes in as text (catalog, config, scans)
// passes this check before it is stored.
bool is_valid_utf8(std::string_view text);

// The number of code points in valid UTF-8 `text` (for length limits that
// mean characters, not bytes).
std::size_t utf8_length(std::string_view text);

// `text` with a-z made A-Z and every other byte kept: case-insensitive keys
// (SKUs, card tokens, codes, receipt signs) are compared this way.
std::string upper_ascii(std::string_view text);

// Appends code point `c` (at most U+10FFFF) as UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace loyalpos
