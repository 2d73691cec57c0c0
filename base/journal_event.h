// One journey event with its chain fields, as it travels between the
// terminal and head office (docs/sync-protocol.md): the hashes in lower-case
// hex, the payload's text exactly as it was hashed. The terminal's outbox,
// the peer events it pulls and head office's store all speak it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace loyalpos {

struct JournalEvent {
  std::string terminal_id;
  std::int64_t seq = 0;
  std::string type;
  std::int64_t at = 0;
  std::optional<std::string> card_id;
  std::optional<std::int64_t> sale_id;
  std::string payload;
  std::string prev_hash;
  std::string hash;
  // Head office's store-wide ingest position (0 when it did not come from there).
  std::int64_t cursor = 0;
};

}  // namespace loyalpos
