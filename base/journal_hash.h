// The hash that chains a terminal's journey events, shared by the terminal
// (which writes the chain) and head office (which verifies every event it
// receives): SHA-256 over the previous hash followed by each field, each
// prefixed with its length as 8 bytes big-endian, in this order: terminal
// id, seq (decimal), type, at (decimal unix seconds), card id ("" when
// none), sale id (decimal, "" when none), payload. The first event of a
// chain follows 32 zero bytes. docs/ledger.md spells the bytes out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loyalpos {

using JournalHash = std::vector<std::uint8_t>;

JournalHash journal_event_hash(const JournalHash& prev, std::string_view terminal_id,
                               std::int64_t seq, std::string_view type, std::int64_t at,
                               std::string_view card_id, std::optional<std::int64_t> sale_id,
                               std::string_view payload);

// SHA-256 of any bytes (to_hex for its text).
JournalHash sha256_of(std::string_view bytes);

// A hex digit's value (either case), -1 for any other byte.
int hex_value(char c);

// Lower-case hex, and back (nullopt for anything but an even run of hex digits).
std::string to_hex(const JournalHash& bytes);
std::optional<JournalHash> from_hex(std::string_view hex);

}  // namespace loyalpos
