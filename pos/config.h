// The terminal's configuration (config.toml): the loyalty rules and the
// settings of the counter. Parsed once into plain structs and passed down.
// Every error names the file, the line and what is wrong; docs/config.md
// documents every key.
#pragma once

#include <string>
#include <string_view>

#include "loyalty/money.h"
#include "loyalty/result.h"
#include "loyalty/rules.h"

namespace loyalpos::pos {

struct Config {
  std::string card_base_url = "https://loyal.example";
  std::string timezone;  // IANA name, e.g. "Europe/Moscow"; empty: the system's
  int busy_timeout_ms = 5000;
  std::string scanner_prefix;
  std::string scanner_suffix;
  loyalty::Rules rules;  // with the language
};

inline const loyalty::Currency kDefaultCurrency{"RUB", 2};

// Amounts in the config (promotion prices) are read in `currency`.
Result<Config> parse_config(std::string_view text, const std::string& source_name,
                            const loyalty::Currency& currency = kDefaultCurrency);
Result<Config> load_config(const std::string& path,
                           const loyalty::Currency& currency = kDefaultCurrency);

// The shipped sample config (the café's rules) and catalog, embedded.
std::string_view default_config_text();
std::string_view default_catalog_csv();

}  // namespace loyalpos::pos
