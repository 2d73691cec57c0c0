#include "base/journal_hash.h"

#include <openssl/evp.h>

#include <array>

namespace loyalpos {

namespace {

// Length-prefixed so no two different field lists hash the same bytes.
void put(std::string& bytes, std::string_view field) {
  const std::uint64_t size = field.size();
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(size >> (8 * (7 - i))));
  bytes.append(field);
}

// OpenSSL 3 looks an algorithm up on every EVP_sha256() use; fetching it
// once keeps hashing off the sale's critical path. Immutable once made.
const EVP_MD* sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A hex digit's value, -1 for any other byte; a table, not branches: two
// hashes per event go through it.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<std::int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = static_cast<std::int8_t>(10 + c);
    t['A' + c] = static_cast<std::int8_t>(10 + c);
  }
  return t;
}();

}  // namespace

int hex_value(char c) { return kHexValue[static_cast<unsigned char>(c)]; }

JournalHash journal_event_hash(const JournalHash& prev, std::string_view terminal_id,
                               std::int64_t seq, std::string_view type, std::int64_t at,
                               std::string_view card_id, std::optional<std::int64_t> sale_id,
                               std::string_view payload) {
  // The hashed bytes in one buffer and one digest call (cheaper than an
  // update per field).
  std::string bytes;
  bytes.reserve(prev.size() + terminal_id.size() + type.size() + payload.size() + 128);
  bytes.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  put(bytes, terminal_id);
  put(bytes, std::to_string(seq));
  put(bytes, type);
  put(bytes, std::to_string(at));
  put(bytes, card_id);
  put(bytes, sale_id ? std::to_string(*sale_id) : "");
  put(bytes, payload);
  return sha256_of(bytes);
}

JournalHash sha256_of(std::string_view bytes) {
  JournalHash out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, sha256(), nullptr);
  out.resize(size);
  return out;
}

std::string to_hex(const JournalHash& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::optional<JournalHash> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  // Sized once and filled in place: journeyd decodes two hashes per event it
  // receives.
  JournalHash out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

}  // namespace loyalpos
