// Coupon codes: what a one-shot coupon's QR carries and what a barista can
// type. 9 random symbols (45 bits) and a check symbol, from the card tokens'
// alphabet "0123456789ABCDEFGHJKMNPQRSTVWXYZ" (loyalty/card_token.h: no I,
// L, O, U; QR alphanumeric mode holds it). The check is the sum of the
// symbols weighted 1, 3, 5, … modulo 32: any single changed symbol is
// rejected rather than read as another coupon.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loyalpos::loyalty {

inline constexpr std::size_t kCouponCodeLength = 10;

// The code for 45 random bits (the low bits of `random`; the rest unused).
std::string encode_coupon_code(std::uint64_t random);

// Exactly a code (upper case): length, alphabet and check.
bool is_coupon_code(std::string_view code);

}  // namespace loyalpos::loyalty
