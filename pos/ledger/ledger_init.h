// A new terminal's ledger, as `loyalpos init` and Terminal::create make it:
// a random terminal id, the identity row and its terminal.created event,
// then, if asked, a catalog from CSV text (the sample café's, for example).
// Refuses to overwrite an existing ledger.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

struct NewTerminal {
  std::string store_name;
  std::string terminal_name;
  std::string currency = "RUB";
  std::int64_t now = 0;
  // CSV as `loyalpos catalog import` reads it; empty: no catalog yet.
  std::optional<std::string_view> catalog_csv;
};

Result<Ledger> init_ledger(const std::string& path, const NewTerminal& terminal,
                           int busy_timeout_ms);

}  // namespace loyalpos::pos
