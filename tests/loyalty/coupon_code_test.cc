#include "loyalty/coupon_code.h"

#include <gtest/gtest.h>

namespace loyalpos::loyalty {
namespace {

TEST(CouponCode, IsTenSymbolsOfTheCardAlphabetWithACheck) {
  const std::string code = encode_coupon_code(0x1234'5678'9ABCULL);
  EXPECT_EQ(code.size(), kCouponCodeLength);
  EXPECT_TRUE(is_coupon_code(code));
  EXPECT_EQ(code.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
}

TEST(CouponCode, AnyOneChangedSymbolIsRejected) {
  const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const std::string code = encode_coupon_code(987654321987ULL);
  for (std::size_t i = 0; i < code.size(); ++i) {
    for (char c : alphabet) {
      if (c == code[i]) continue;
      std::string typo = code;
      typo[i] = c;
      EXPECT_FALSE(is_coupon_code(typo)) << typo;
    }
  }
  EXPECT_FALSE(is_coupon_code(code.substr(1)));
  EXPECT_FALSE(is_coupon_code("I" + code.substr(1)));
}

}  // namespace
}  // namespace loyalpos::loyalty
