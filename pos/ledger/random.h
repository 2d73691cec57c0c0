// Randomness for identities (terminal ids, card ids), from OpenSSL's CSPRNG.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>

#include "loyalty/card_token.h"

namespace loyalpos::pos {

Result<loyalty::CardId> random_card_id();
// 64 random bits (coupon codes take 45 of them).
Result<std::uint64_t> random_bits();
// 32 hex digits.
Result<std::string> random_terminal_id();

}  // namespace loyalpos::pos
