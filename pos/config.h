// The terminal's configuration (config.toml): the loyalty rules and the
// settings of the counter. Parsed once into plain structs and passed down.
// Every error names the file, the line and what is wrong; docs/config.md
// documents every key.
#pragma once

#include <string>
#include <string_view>

#include "loyalty/result.h"
#include "loyalty/rules.h"

namespace loyalpos::pos {

struct Config {
  std::string language = "en";  // "en" | "ru"
  std::string card_base_url = "https://loyal.example";
  int busy_timeout_ms = 5000;
  std::string scanner_prefix;
  std::string scanner_suffix;
  loyalty::Rules rules;
};

Result<Config> parse_config(std::string_view text, const std::string& source_name);
Result<Config> load_config(const std::string& path);

// The shipped sample config (the café's rules) and catalog, embedded.
std::string_view default_config_text();
std::string_view default_catalog_csv();

}  // namespace loyalpos::pos
