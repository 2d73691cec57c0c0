// The ESC/POS real-time status query, DLE EOT n, and its answer.
//
// status_query() asks three things in one go: n = 1 (printer: bit 3 offline),
// n = 2 (offline cause: bit 2 cover open, bit 5 stopped at paper end),
// n = 4 (roll sensor: bits 2+3 near end, bits 5+6 paper out). Each answer is
// one byte of the form 0xx1xx10. parse_status_reply() says "known" only when
// all three answers arrived and each has that form; anything less is unknown.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hardware/printer_status.h"

namespace loyalpos::hardware {

inline constexpr std::size_t kStatusReplyBytes = 3;

// 10 04 01  10 04 02  10 04 04
std::vector<std::uint8_t> status_query();

PrinterStatus parse_status_reply(std::span<const std::uint8_t> reply);

}  // namespace loyalpos::hardware
