#include "loyalty/card_token.h"

#include <gtest/gtest.h>

#include <random>

namespace loyalpos::loyalty {
namespace {

CardId random_id(std::mt19937_64& rng) {
  CardId id;
  for (auto& b : id.bytes) b = static_cast<std::uint8_t>(rng());
  return id;
}

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(CardToken, RoundTripsEveryIdAndUsesOnlyQrAlphanumericSymbols) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const CardId id = random_id(rng);
    const std::string token = encode_token(id);
    ASSERT_EQ(token.size(), kTokenLength);
    EXPECT_EQ(token.find_first_not_of(kAlphabet), std::string::npos) << token;
    auto back = parse_token(token);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(*back, id);
  }
  CardId zeros;
  CardId ones;
  ones.bytes.fill(0xff);
  EXPECT_EQ(*parse_token(encode_token(zeros)), zeros);
  EXPECT_EQ(*parse_token(encode_token(ones)), ones);
}

TEST(CardToken, RejectsEverySingleCharacterChange) {
  std::mt19937_64 rng(7);
  for (int t = 0; t < 20; ++t) {
    const std::string token = encode_token(random_id(rng));
    for (std::size_t pos = 0; pos < token.size(); ++pos) {
      for (char c : std::string(kAlphabet) + "ILOUa-* ") {
        if (c == token[pos]) continue;
        std::string changed = token;
        changed[pos] = c;
        EXPECT_FALSE(parse_token(changed).ok()) << token << " -> " << changed;
      }
    }
  }
}

TEST(CardToken, RejectsSwappedNeighbours) {
  std::mt19937_64 rng(9);
  for (int t = 0; t < 50; ++t) {
    const std::string token = encode_token(random_id(rng));
    for (std::size_t pos = 0; pos + 1 < token.size(); ++pos) {
      if (token[pos] == token[pos + 1]) continue;
      std::string swapped = token;
      std::swap(swapped[pos], swapped[pos + 1]);
      EXPECT_FALSE(parse_token(swapped).ok()) << token << " -> " << swapped;
    }
  }
}

TEST(CardToken, ErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_token("ABC").error().message().find("28 characters"), std::string::npos);
  std::string bad(kTokenLength, '0');
  bad[3] = 'I';
  EXPECT_NE(parse_token(bad).error().message().find("position 4"), std::string::npos);
}

TEST(CardId, HexRoundTrip) {
  std::mt19937_64 rng(1);
  const CardId id = random_id(rng);
  EXPECT_EQ(*card_id_from_hex(card_id_hex(id)), id);
  EXPECT_FALSE(card_id_from_hex("xyz").ok());
  EXPECT_FALSE(card_id_from_hex(std::string(32, 'G')).ok());
}

TEST(GroupToken, SplitsIntoFours) { EXPECT_EQ(group_token("ABCDEFGHJK"), "ABCD EFGH JK"); }

}  // namespace
}  // namespace loyalpos::loyalty
