// A card without the card: a customer who forgot it gives their phone number
// and the counter finds the card. Invariants:
// - a number is attached only with the customer's consent, recorded as a
//   card.phone journey event (the card and the time of consent; never the
//   number, nor its hash);
// - it is kept only as HMAC-SHA256 of its normal form under this ledger's
//   own random 256-bit key (meta "phone_key", made on first use), so the
//   ledger file never holds the number and nothing ever shows it back;
// - one card per number (another card's number is refused), one number per
//   card (a new one replaces the old);
// - a number that finds no card says only "no card".
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

// One form per number, "+79991234567". Spaces, '-', '.', '(' and ')' are
// dropped; then 11 digits starting with 8 or 7, or 10 digits, are a Russian
// number (+7 and the last 10 digits); '+' and 8 to 15 digits is any country's
// number as written (+7 takes exactly 10 more). The error never repeats the
// number.
Result<std::string> normalize_phone(std::string_view text);

// Attaches `phone` to `card` with the customer's consent given at
// `consented_at` (unix seconds), in one transaction with its card.phone event.
Status attach_phone(Ledger& ledger, const Card& card, std::string_view phone,
                    std::int64_t consented_at);

// The card the number was attached to; kNotFound "no card" otherwise.
Result<Card> find_card_by_phone(Ledger& ledger, std::string_view phone);

// A short check value of the ledger's phone key (every card.phone event
// carries it): audit compares them, since the key itself is in no event.
// Empty when the ledger has no key yet.
Result<std::optional<std::string>> phone_key_check(Ledger& ledger);

}  // namespace loyalpos::pos
