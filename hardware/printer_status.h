// What a printer said about itself. A reply is information; no reply is
// "unknown", never "ready": many printers never answer a status query, and
// a job sent to a printer that is out of paper is not an error on the wire.
#pragma once

#include <string>

namespace loyalpos::hardware {

struct PrinterStatus {
  bool known = false;  // false: no valid answer; every flag below is meaningless
  bool online = false;
  bool cover_open = false;
  bool paper_out = false;
  bool paper_near_end = false;

  static PrinterStatus unknown() { return {}; }
  // Known, online, cover closed, paper in.
  bool ready() const { return known && online && !cover_open && !paper_out; }
};

// One line for the barista: "printer is out of paper: put in a new roll", ...
std::string describe(const PrinterStatus& status);

}  // namespace loyalpos::hardware
