// QR matrices as PNG images: 8-bit grayscale, black modules on white,
// `scale` pixels per module (quiet zone as encoded in the matrix). Written
// with libpng's simplified API; nothing is left half-written in memory on error.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hardware/qr_code.h"

namespace loyalpos::hardware {

inline constexpr int kMaxPngScale = 32;

// Errors: an empty matrix, scale outside 1..kMaxPngScale.
Result<std::vector<std::uint8_t>> qr_png(const QrMatrix& matrix, int scale = 8);

// Writes the PNG to `path` (replaced if it exists). Errors as qr_png, plus I/O.
Status write_qr_png(const QrMatrix& matrix, const std::string& path, int scale = 8);

}  // namespace loyalpos::hardware
