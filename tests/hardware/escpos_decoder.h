// A strict ESC/POS reader for tests: turns the bytes a printer would get
// back into what it would do — text lines (decoded with iconv from the
// table ESC t selected, to UTF-8) with their styles, QR payloads from GS ( k,
// raster bitmaps from GS v 0, feeds, cuts, drawer pulses, status queries.
//
// Written independently of the encoder (its own command table and iconv
// handle) so a round trip checks the encoder, not itself. It fails loudly:
// an unknown command, a truncated one, a byte >= 0x80 before ESC t or
// without FS . first (Kanji mode), a control byte in text, a raster whose
// header does not match the bytes that follow, or (when `columns` > 0) a
// line the printer would have wrapped — each is an error with the offset.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "hardware/receipt_document.h"
#include "test_support.h"

namespace loyalpos::hardware::testing {

struct DecodedLine {
  std::string text;  // UTF-8
  bool bold = false;
  bool double_size = false;
  Align align = Align::kLeft;
  std::string raw;  // the bytes as sent, in the selected table
};

struct DecodedQr {
  std::string payload;
  int model = 0;        // 50 = model 2
  int module_size = 0;  // dots
  int ecc = 0;          // 48 L, 49 M, 50 Q, 51 H
  Align align = Align::kLeft;
};

struct DecodedRaster {
  int width_bytes = 0;
  int height = 0;
  std::vector<std::uint8_t> bits;

  bool is_black(int x, int y) const;
  // 8-bit gray (0 black, 255 white), `scale` pixels per dot, with a white
  // border of `border` dots: ready for ZXing or a PNG for zbarimg.
  GrayImage to_gray(int scale = 1, int border = 0) const;
};

struct DecodedFeed {
  int lines = 0;
};
struct DecodedCut {
  int mode = 0;  // 66: feed and partial cut, 1/49: partial cut, 0/48: full cut
};
struct DecodedDrawer {
  int pin = 0;
  int on_ms = 0;
  int off_ms = 0;
};
struct DecodedStatusQuery {
  int n = 0;
};

using DecodedEvent = std::variant<DecodedLine, DecodedQr, DecodedRaster, DecodedFeed, DecodedCut,
                                  DecodedDrawer, DecodedStatusQuery>;

struct DecodedJob {
  int code_page = -1;  // n of the last ESC t
  bool initialised = false;
  bool kanji_cancelled = false;
  std::vector<DecodedEvent> events;

  std::vector<DecodedLine> lines() const;
  std::vector<std::string> texts() const;
  std::vector<DecodedQr> qr_codes() const;
  std::vector<DecodedRaster> rasters() const;
  template <typename T>
  int count() const {
    int n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
    return n;
  }
};

// Epson's numbering: 0 CP437, 17 CP866, 19 CP858, 46 CP1251.
std::map<int, std::string> epson_tables();

Result<DecodedJob> decode_escpos(std::span<const std::uint8_t> bytes, int columns = 0,
                                 const std::map<int, std::string>& tables = epson_tables());

// PNG bytes of a gray image, for zbarimg.
std::vector<std::uint8_t> gray_png(const GrayImage& image);

}  // namespace loyalpos::hardware::testing
