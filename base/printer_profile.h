// A printer model as plain data: paper width in columns and dots, the
// character table (`ESC t n` number and the iconv name of the encoding behind
// it — vendors number tables differently), native QR or raster, QR module
// size, cutter. The config reads one (pos/config) and hardware prints with
// it; neither needs the other, so it lives here.
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <string_view>
#include <vector>

namespace loyalpos {

struct PrinterProfile {
  std::string name;
  int columns = 48;                // Font A characters per line
  int dots_per_line = 576;         // printable width in dots (203 dpi)
  int code_page = 17;              // n of ESC t n for `encoding` on this model
  std::string encoding = "CP866";  // iconv name of that table; single-byte tables only
  bool native_qr = true;           // GS ( k; false: a raster image (GS v 0)
  int qr_module_size = 6;          // dots per QR module, 1..16
  bool cut = true;                 // has a cutter (GS V); false: feed to the tear bar
  // Answers DLE EOT: a network receipt counts as printed when the printer
  // says "ready" after it (hardware/printer_tcp.h), not only when it closes.
  bool status_after_job = false;
};

// Errors: columns, dots, table number or module size out of range, no encoding.
Status validate_profile(const PrinterProfile& profile);

// "epson-tm-t88" (80 mm, 48 columns, 576 dots, native QR), "xprinter-58"
// (58 mm, 32 columns, 384 dots, raster QR, no cutter), "generic-80" (80 mm,
// 42 columns on 512 dots, raster QR: safe on any 80 mm clone). All use CP866
// as table 17. Errors: an unknown name (the message lists the known ones).
Result<PrinterProfile> builtin_profile(std::string_view name);
std::vector<std::string> builtin_profile_names();

}  // namespace loyalpos
