#include "pos/ledger/random.h"

#include <openssl/rand.h>

namespace loyalpos::pos {

Result<loyalty::CardId> random_card_id() {
  loyalty::CardId id;
  if (RAND_bytes(id.bytes.data(), static_cast<int>(id.bytes.size())) != 1) {
    return Error::internal("the system's random source failed");
  }
  return id;
}

Result<std::uint64_t> random_bits() {
  std::uint64_t bits = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&bits), sizeof bits) != 1) {
    return Error::internal("the system's random source failed");
  }
  return bits;
}

Result<std::string> random_terminal_id() {
  auto id = random_card_id();
  if (!id.ok()) return id.error();
  return loyalty::card_id_hex(*id);
}

}  // namespace loyalpos::pos
