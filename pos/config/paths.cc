#include "pos/config/paths.h"

#include <cstdlib>

namespace loyalpos::pos {

std::string default_home() {
  if (const char* home = std::getenv("LOYALPOS_HOME"); home != nullptr && *home != '\0') {
    return home;
  }
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/loyalpos";
  }
  const char* user_home = std::getenv("HOME");
  return std::string(user_home != nullptr ? user_home : ".") + "/.local/share/loyalpos";
}

}  // namespace loyalpos::pos
