#include "loyalty/card_token.h"

namespace loyalpos::loyalty {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kIdSymbols = 26;  // 130 bits; the top 2 are always 0
constexpr int kCheckModulus = 1021;

int symbol_value(char c) {
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

int check_value(const std::array<int, kIdSymbols>& symbols) {
  int sum = 0;
  for (std::size_t i = 0; i < kIdSymbols; ++i) {
    sum = (sum + symbols[i] * static_cast<int>(i + 1)) % kCheckModulus;
  }
  return sum;
}

}  // namespace

std::string encode_token(const CardId& id) {
  // Read the 128 bits big-endian, 5 at a time, after 2 leading zero bits.
  std::array<int, kIdSymbols> symbols{};
  for (std::size_t s = 0; s < kIdSymbols; ++s) {
    int v = 0;
    for (int b = 0; b < 5; ++b) {
      const int bit_index = static_cast<int>(s) * 5 + b - 2;  // -2..127
      int bit = 0;
      if (bit_index >= 0) {
        bit = (id.bytes[static_cast<std::size_t>(bit_index / 8)] >> (7 - bit_index % 8)) & 1;
      }
      v = (v << 1) | bit;
    }
    symbols[s] = v;
  }
  std::string token;
  token.reserve(kTokenLength);
  for (int v : symbols) token.push_back(kAlphabet[static_cast<std::size_t>(v)]);
  const int check = check_value(symbols);
  token.push_back(kAlphabet[static_cast<std::size_t>(check / 32)]);
  token.push_back(kAlphabet[static_cast<std::size_t>(check % 32)]);
  return token;
}

Result<CardId> parse_token(std::string_view token) {
  if (token.size() != kTokenLength) {
    return Error::invalid("a card code has " + std::to_string(kTokenLength) + " characters, got " +
                          std::to_string(token.size()));
  }
  std::array<int, kIdSymbols> symbols{};
  for (std::size_t i = 0; i < kTokenLength; ++i) {
    const int v = symbol_value(token[i]);
    if (v < 0) {
      return Error::invalid("card code has an invalid character at position " +
                            std::to_string(i + 1));
    }
    if (i < kIdSymbols) symbols[i] = v;
  }
  if (symbols[0] > 7) return Error::invalid("card code failed its check (misread or mistyped)");
  const int check = symbol_value(token[26]) * 32 + symbol_value(token[27]);
  if (check != check_value(symbols)) {
    return Error::invalid("card code failed its check (misread or mistyped)");
  }
  CardId id;
  for (std::size_t s = 0; s < kIdSymbols; ++s) {
    for (int b = 0; b < 5; ++b) {
      const int bit_index = static_cast<int>(s) * 5 + b - 2;
      if (bit_index < 0) continue;
      if ((symbols[s] >> (4 - b)) & 1) {
        id.bytes[static_cast<std::size_t>(bit_index / 8)] |=
            static_cast<std::uint8_t>(1u << (7 - bit_index % 8));
      }
    }
  }
  return id;
}

std::string card_id_hex(const CardId& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (auto b : id.bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<CardId> card_id_from_hex(std::string_view hex) {
  if (hex.size() != 32) return Error::invalid("a card id has 32 hex digits");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  CardId id;
  for (std::size_t i = 0; i < 16; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error::invalid("a card id has 32 lower-case hex digits");
    id.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return id;
}

std::string group_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(token[i]);
  }
  return out;
}

}  // namespace loyalpos::loyalty
