// Money: an integer amount of minor units (kopecks, cents) in one currency.
// No floating point anywhere; every operation that could overflow int64 is
// checked and returns an error instead of wrapping.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace loyalpos::loyalty {

struct Currency {
  std::string code;  // ISO 4217, e.g. "RUB"
  int exponent = 2;  // digits after the point: 2 for RUB, 0 for JPY
};

// Looks up an ISO 4217 code we know the exponent of.
Result<Currency> find_currency(std::string_view code);

struct Money {
  std::int64_t minor = 0;
  std::string currency;

  friend bool operator==(const Money&, const Money&) = default;
};

// Parses a price in major units ("2.50", "150", "0.5") exactly into minor
// units of `currency`. Rejects signs, exponents, more decimals than the
// currency has, and amounts past `max_minor`.
Result<std::int64_t> parse_major_units(std::string_view text, const Currency& currency,
                                       std::int64_t max_minor = INT64_MAX);

// "150.00" for 15000 minor units with exponent 2; "-3.05" for -305.
std::string format_minor_units(std::int64_t minor, int exponent);

Result<std::int64_t> checked_add(std::int64_t a, std::int64_t b);
Result<std::int64_t> checked_sub(std::int64_t a, std::int64_t b);
Result<std::int64_t> checked_mul(std::int64_t a, std::int64_t b);

}  // namespace loyalpos::loyalty
