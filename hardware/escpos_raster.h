// Raster images for printers without native QR: a 1-bit bitmap and its
// `GS v 0` command.
//
// Bitmap invariants: rows of `width_bytes = ceil(width_dots / 8)` bytes,
// `height` rows, most significant bit = leftmost dot, 1 = black; padding bits
// at the end of a row are 0 (white). The command is exactly
// 1D 76 30 00 xL xH yL yH followed by width_bytes * height data bytes, with
// xL + 256 xH = width_bytes and yL + 256 yH = height: any other count turns
// everything after the image into garbage on the paper.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <vector>

#include "hardware/qr_code.h"

namespace loyalpos::hardware {

inline constexpr int kMaxRasterWidthBytes = 255;  // one byte pair, but printers stop at 255
inline constexpr int kMaxRasterHeight = 2303;     // Epson's limit for one GS v 0

struct RasterImage {
  int width_dots = 0;
  int width_bytes = 0;
  int height = 0;
  std::vector<std::uint8_t> bits;  // width_bytes * height

  bool is_black(int x, int y) const {
    const auto byte = bits[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_bytes) +
                           static_cast<std::size_t>(x / 8)];
    return ((byte >> (7 - x % 8)) & 1) != 0;
  }
};

// The QR (quiet zone included) at `module_dots` dots per module, centred on
// a line of `line_dots` by white dots on its left: the image centres itself,
// whatever the printer does with ESC a. The module size shrinks when the
// code would not fit the line. Errors: a code wider than the line even at
// one dot per module.
Result<RasterImage> raster_qr(const QrMatrix& matrix, int module_dots, int line_dots);

// Errors: an empty image, wider than kMaxRasterWidthBytes, taller than
// kMaxRasterHeight, or bits that do not match the size.
Result<std::vector<std::uint8_t>> raster_command(const RasterImage& image);

}  // namespace loyalpos::hardware
