// Card tokens: what a loyalty card's QR carries and what a person can type.
//
// A card id is 128 random bits (made by the caller; this module has no I/O).
// Its token is 26 base32 symbols for the id plus 2 check symbols, all from
// "0123456789ABCDEFGHJKMNPQRSTVWXYZ" (Crockford's alphabet: no I, L, O, U),
// which QR alphanumeric mode can hold. The check is a position-weighted sum
// modulo the prime 1021, so any single changed symbol and any swap of two
// neighbouring symbols is rejected rather than read as another card.
#pragma once

#include <loyalpos/result.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace loyalpos::loyalty {

struct CardId {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const CardId&, const CardId&) = default;
};

inline constexpr std::size_t kTokenLength = 28;

std::string encode_token(const CardId& id);

// Accepts exactly a token (upper case; callers normalise case and
// separators). Errors name what is wrong: length, a symbol outside the
// alphabet, or a failed check.
Result<CardId> parse_token(std::string_view token);

// 32 lower-case hex digits: how the ledger and the wire name a card.
std::string card_id_hex(const CardId& id);
Result<CardId> card_id_from_hex(std::string_view hex);

// "XXXX XXXX ... XXXX": the token in groups of four, for the line printed
// under the QR.
std::string group_token(std::string_view token);

}  // namespace loyalpos::loyalty
