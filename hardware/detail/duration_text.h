// Internal: "3 s", "1.5 s" for timeouts named in device error messages.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace loyalpos::hardware::detail {

inline std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace loyalpos::hardware::detail
