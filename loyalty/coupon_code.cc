#include "loyalty/coupon_code.h"

namespace loyalpos::loyalty {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kRandomSymbols = kCouponCodeLength - 1;

int check_of(std::string_view symbols) {
  int sum = 0;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    sum += static_cast<int>(kAlphabet.find(symbols[i]) * (2 * i + 1));
  }
  return sum % 32;
}

}  // namespace

std::string encode_coupon_code(std::uint64_t random) {
  std::string code;
  code.reserve(kCouponCodeLength);
  for (std::size_t i = 0; i < kRandomSymbols; ++i) {
    code.push_back(kAlphabet[random & 31U]);
    random >>= 5U;
  }
  code.push_back(kAlphabet[static_cast<std::size_t>(check_of(code))]);
  return code;
}

bool is_coupon_code(std::string_view code) {
  if (code.size() != kCouponCodeLength) return false;
  for (char c : code) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return kAlphabet[static_cast<std::size_t>(check_of(code.substr(0, kRandomSymbols)))] ==
         code.back();
}

}  // namespace loyalpos::loyalty
