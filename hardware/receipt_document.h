// What a receipt says, independent of any printer, and the printer profiles
// that say how one model prints it.
//
// A ReceiptDocument is an ordered list of blocks: text lines, QR codes, paper
// feeds, cuts and cash-drawer pulses. Text lines are UTF-8 and already laid
// out by the caller for the profile's columns (half of them for double size);
// hardware never wraps or trims a line — the encoder refuses one that does
// not fit, so the printer never wraps it mid-word either.
//
// A PrinterProfile is plain data (from config or builtin_profile): paper
// width in columns and dots, the character table (`ESC t n` number and the
// iconv name of the encoding behind it — vendors number tables differently),
// native QR or raster, QR module size, cutter.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "loyalty/result.h"

namespace loyalpos::hardware {

enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  bool bold = false;
  bool double_size = false;  // double width and height: half the columns
  Align align = Align::kLeft;

  friend bool operator==(const TextStyle&, const TextStyle&) = default;
};

struct TextBlock {
  std::string text;  // one line, UTF-8, no control characters
  TextStyle style;
};
struct QrBlock {
  std::string payload;  // e.g. the card link; printed centred, error correction M
};
struct FeedBlock {
  int lines = 1;  // 1..255 empty lines
};
struct CutBlock {};     // partial cut (or a feed to the tear bar without a cutter)
struct DrawerBlock {};  // pulse the cash drawer on connector pin 2

using ReceiptBlock = std::variant<TextBlock, QrBlock, FeedBlock, CutBlock, DrawerBlock>;

class ReceiptDocument {
 public:
  ReceiptDocument& text(std::string line, TextStyle style = {});
  ReceiptDocument& qr(std::string payload);
  ReceiptDocument& feed(int lines = 1);
  ReceiptDocument& cut();
  ReceiptDocument& open_drawer();

  const std::vector<ReceiptBlock>& blocks() const { return blocks_; }

 private:
  std::vector<ReceiptBlock> blocks_;
};

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

}  // namespace loyalpos::hardware
