// Where the terminal keeps its files: $LOYALPOS_HOME, else
// $XDG_DATA_HOME/loyalpos, else ~/.local/share/loyalpos.
#pragma once

#include <string>

namespace loyalpos::pos {

std::string default_home();
inline std::string ledger_path(const std::string& home) { return home + "/ledger.db"; }
inline std::string config_path(const std::string& home) { return home + "/config.toml"; }

}  // namespace loyalpos::pos
