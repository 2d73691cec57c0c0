// The shipped config (packaging/config.toml) without its [printer] table, for
// tests that name a printer of their own (a second [printer] is a TOML error).
#pragma once

#include <string>

#include "cli_runner.h"

namespace loyalpos::e2e {

inline std::string shipped_config_without_printer() {
  std::string text = slurp(std::string(LOYALPOS_SOURCE_DIR) + "/packaging/config.toml");
  const std::string printer = "[printer]\ntype = \"virtual\"\n";
  if (const auto at = text.find(printer); at != std::string::npos) text.erase(at, printer.size());
  return text;
}

}  // namespace loyalpos::e2e
