#include "hardware/escpos_status.h"

namespace loyalpos::hardware {

namespace {

// Fixed bits of every DLE EOT answer: bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0.
bool is_status_byte(std::uint8_t b) { return (b & 0x93) == 0x12; }

}  // namespace

std::vector<std::uint8_t> status_query() {
  return {0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04};
}

PrinterStatus parse_status_reply(std::span<const std::uint8_t> reply) {
  if (reply.size() != kStatusReplyBytes) return PrinterStatus::unknown();
  for (std::uint8_t b : reply) {
    if (!is_status_byte(b)) return PrinterStatus::unknown();
  }
  const std::uint8_t printer = reply[0];
  const std::uint8_t cause = reply[1];
  const std::uint8_t paper = reply[2];
  PrinterStatus status;
  status.known = true;
  status.online = (printer & 0x08) == 0;
  status.cover_open = (cause & 0x04) != 0;
  status.paper_out = (paper & 0x60) != 0 || (cause & 0x20) != 0;
  status.paper_near_end = (paper & 0x0C) != 0;
  return status;
}

}  // namespace loyalpos::hardware
