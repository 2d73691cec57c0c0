// The config a terminal's home folder gives, as `loyalpos` and the embedded
// Terminal (include/loyalpos/terminal.h) both read it: an explicit file, else
// <home>/config.toml, else the built-in sample café's. And what `init` writes
// there for a new shop.
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <string_view>

#include "pos/config/config.h"

namespace loyalpos::pos {

// `config_file` when given; else <home>/config.toml when anything is there (a
// folder or an unreadable file is an error, never a silent fall back to the
// built-in rules); else the built-in config.
Result<Config> load_home_config(const std::string& home, const std::string& config_file,
                                const loyalty::Currency& currency = kDefaultCurrency);

// The shipped config with no printer: what `init` writes for a real shop
// (the sample café's virtual printer is for the first-use counter only).
std::string shop_config_text();

// Writes `text` to <home>/config.toml unless a file is already there.
Status write_config_if_missing(const std::string& home, std::string_view text);

}  // namespace loyalpos::pos
