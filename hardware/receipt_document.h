// What a receipt says, independent of any printer, and the printer profiles
// that say how one model prints it.
//
// A ReceiptDocument is an ordered list of blocks: text lines, QR codes, paper
// feeds, cuts and cash-drawer pulses. Text lines are UTF-8 and already laid
// out by the caller for the profile's columns (half of them for double size);
// hardware never wraps or trims a line — the encoder refuses one that does
// not fit, so the printer never wraps it mid-word either.
//
// How one printer model prints it is a PrinterProfile (base/printer_profile.h).
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/printer_profile.h"

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

}  // namespace loyalpos::hardware
