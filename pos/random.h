// Randomness for identities (terminal ids, card ids), from OpenSSL's CSPRNG.
#pragma once

#include "loyalty/card_token.h"
#include "loyalty/result.h"

namespace loyalpos::pos {

Result<loyalty::CardId> random_card_id();
// 32 hex digits.
Result<std::string> random_terminal_id();

}  // namespace loyalpos::pos
