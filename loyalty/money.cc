#include "loyalty/money.h"

#include <array>
#include <cstdlib>

namespace loyalpos::loyalty {

namespace {

struct KnownCurrency {
  const char* code;
  int exponent;
};

constexpr std::array<KnownCurrency, 22> kCurrencies{{
    {"RUB", 2}, {"BYN", 2}, {"KZT", 2}, {"UAH", 2}, {"AMD", 2}, {"GEL", 2}, {"AZN", 2}, {"UZS", 2},
    {"KGS", 2}, {"TRY", 2}, {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"PLN", 2}, {"CZK", 2},
    {"SEK", 2}, {"NOK", 2}, {"CAD", 2}, {"AUD", 2}, {"JPY", 0}, {"KRW", 0},
}};

}  // namespace

Result<Currency> find_currency(std::string_view code) {
  for (const auto& c : kCurrencies) {
    if (code == c.code) return Currency{c.code, c.exponent};
  }
  return Error::invalid("unknown currency \"" + std::string(code) +
                        "\" (use an ISO 4217 code such as RUB, EUR, USD)");
}

Result<std::int64_t> parse_major_units(std::string_view text, const Currency& currency,
                                       std::int64_t max_minor) {
  const std::string shown(text);
  if (text.empty()) return Error::invalid("empty price");
  std::int64_t whole = 0;
  std::size_t i = 0;
  int int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    auto next = checked_mul(whole, 10);
    if (!next.ok()) return Error::overflow("price \"" + shown + "\" is too large");
    auto sum = checked_add(*next, text[i] - '0');
    if (!sum.ok()) return Error::overflow("price \"" + shown + "\" is too large");
    whole = *sum;
  }
  if (int_digits == 0) return Error::invalid("price \"" + shown + "\" is not a number");
  std::int64_t fraction = 0;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits >= currency.exponent) {
        return Error::invalid("price \"" + shown + "\" has more than " +
                              std::to_string(currency.exponent) + " decimal places for " +
                              currency.code);
      }
      fraction = fraction * 10 + (text[i] - '0');
    }
    if (frac_digits == 0) return Error::invalid("price \"" + shown + "\" ends with a point");
  }
  if (i != text.size()) {
    return Error::invalid("price \"" + shown + "\" is not a number like 150 or 2.50");
  }
  for (int d = frac_digits; d < currency.exponent; ++d) fraction *= 10;
  std::int64_t scale = 1;
  for (int d = 0; d < currency.exponent; ++d) scale *= 10;
  auto scaled = checked_mul(whole, scale);
  if (!scaled.ok()) return Error::overflow("price \"" + shown + "\" is too large");
  auto total = checked_add(*scaled, fraction);
  if (!total.ok() || *total > max_minor) {
    return Error::overflow("price \"" + shown + "\" is too large");
  }
  return *total;
}

std::string format_minor_units(std::int64_t minor, int exponent) {
  const bool negative = minor < 0;
  // Work in unsigned so INT64_MIN has a magnitude.
  std::uint64_t magnitude =
      negative ? ~static_cast<std::uint64_t>(minor) + 1 : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    const auto e = static_cast<std::size_t>(exponent);
    if (digits.size() <= e) digits.insert(0, e + 1 - digits.size(), '0');
    digits.insert(digits.size() - e, ".");
  }
  return negative ? "-" + digits : digits;
}

Result<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return Error::overflow("amount out of range");
  return r;
}

Result<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return Error::overflow("amount out of range");
  return r;
}

Result<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return Error::overflow("amount out of range");
  return r;
}

}  // namespace loyalpos::loyalty
