// HTTP's Date header (RFC 9110, 5.6.7): the IMF-fixdate form, "Sun, 06 Nov
// 1994 08:49:37 GMT", to one second. The server puts it on every response
// so a terminal can compare its clock with head office's (loyalpos doctor).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loyalpos::net {

std::string format_http_date(std::int64_t unix_seconds);
// The IMF-fixdate form only (what every current server sends); nullopt for
// anything else.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace loyalpos::net
