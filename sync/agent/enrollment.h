// The enrollment bundle `journeyd enroll` writes (docs/journeyd.md) as the
// terminal keeps it: <home>/enrollment.json, mode 0600 — it holds the
// terminal's private key, the key to head office for this terminal.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace loyalpos::sync {

struct Enrollment {
  std::string server_url;  // "https://HOST:PORT"
  std::string host;
  std::uint16_t port = 0;
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string store;
  std::string terminal;
  std::string enrollment_id;
};

// Errors name what is missing or wrong ("the bundle has no ca_pem").
Result<Enrollment> parse_enrollment(std::string_view text);

std::string enrollment_path(const std::string& home);
// Writes `text` (checked first) as the home's enrollment, 0600, whole or not at all.
Status install_enrollment(const std::string& home, std::string_view text);
// kNotFound "this terminal is not enrolled …" when there is none.
Result<Enrollment> load_enrollment(const std::string& home);

}  // namespace loyalpos::sync
