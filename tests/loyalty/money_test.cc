#include "loyalty/money.h"

#include <gtest/gtest.h>

namespace loyalpos::loyalty {
namespace {

const Currency kRub{"RUB", 2};
const Currency kJpy{"JPY", 0};

TEST(ParseMajorUnits, ReadsWholeAndFractionalPricesExactly) {
  EXPECT_EQ(*parse_major_units("150", kRub), 15000);
  EXPECT_EQ(*parse_major_units("2.50", kRub), 250);
  EXPECT_EQ(*parse_major_units("2.5", kRub), 250);
  EXPECT_EQ(*parse_major_units("0.01", kRub), 1);
  EXPECT_EQ(*parse_major_units("0", kRub), 0);
  EXPECT_EQ(*parse_major_units("1500", kJpy), 1500);
}

TEST(ParseMajorUnits, RejectsWhatIsNotAPrice) {
  for (const char* bad : {"", "-1", "+1", "1e3", "1,50", "1.", ".5", "abc", "1.5x", " 1", "0x10"}) {
    auto r = parse_major_units(bad, kRub);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput) << bad;
    }
  }
}

TEST(ParseMajorUnits, RejectsMoreDecimalsThanTheCurrencyHas) {
  auto r = parse_major_units("2.505", kRub);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("decimal"), std::string::npos);
  EXPECT_FALSE(parse_major_units("1.5", kJpy).ok());
}

TEST(ParseMajorUnits, OverflowIsAnErrorNotAWrap) {
  auto r = parse_major_units("92233720368547758.08", kRub);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kOverflow);
  EXPECT_EQ(*parse_major_units("92233720368547758.07", kRub), INT64_MAX);
  EXPECT_FALSE(parse_major_units("99999999999999999999999", kRub).ok());
  EXPECT_FALSE(parse_major_units("1000", kRub, 99999).ok());
}

TEST(FormatMinorUnits, PrintsWithTheCurrencyExponent) {
  EXPECT_EQ(format_minor_units(15000, 2), "150.00");
  EXPECT_EQ(format_minor_units(5, 2), "0.05");
  EXPECT_EQ(format_minor_units(-305, 2), "-3.05");
  EXPECT_EQ(format_minor_units(1500, 0), "1500");
  EXPECT_EQ(format_minor_units(INT64_MIN, 2), "-92233720368547758.08");
}

TEST(CheckedArithmetic, OverflowIsAnError) {
  EXPECT_FALSE(checked_add(INT64_MAX, 1).ok());
  EXPECT_FALSE(checked_sub(INT64_MIN, 1).ok());
  EXPECT_FALSE(checked_mul(INT64_MAX / 2 + 1, 2).ok());
  EXPECT_EQ(*checked_mul(3, 4), 12);
}

TEST(FindCurrency, KnowsExponentsAndRejectsUnknownCodes) {
  EXPECT_EQ(find_currency("RUB")->exponent, 2);
  EXPECT_EQ(find_currency("JPY")->exponent, 0);
  EXPECT_FALSE(find_currency("XXX").ok());
  EXPECT_FALSE(find_currency("rub").ok());
}

}  // namespace
}  // namespace loyalpos::loyalty
