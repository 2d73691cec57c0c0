#include "hardware/printer_status.h"

namespace loyalpos::hardware {

std::string describe(const PrinterStatus& status) {
  if (!status.known) {
    return "printer status unknown: it did not answer (many printers never do); "
           "check the paper and the light yourself";
  }
  if (status.paper_out) return "printer is out of paper: put in a new roll, then reprint";
  if (status.cover_open) return "printer cover is open: close it";
  if (!status.online) return "printer is offline: check its light, paper and cover";
  if (status.paper_near_end)
    return "printer is ready, but the paper is running out: have a roll ready";
  return "printer is ready";
}

}  // namespace loyalpos::hardware
