// QR codes as a plain matrix of modules, made with libqrencode.
//
// A QrMatrix is square: `dark` holds size*size bytes, row by row, 1 for a
// dark module and 0 for a light one; the quiet zone, when asked for, is
// already part of it (light modules on every side). Text that fits the QR
// alphanumeric set (0-9 A-Z space $%*+-./:) is encoded in that mode, which
// is why card links are upper case; any other text is encoded as bytes,
// case preserved.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace loyalpos::hardware {

enum class QrErrorCorrection { kLow, kMedium, kQuartile, kHigh };

struct QrOptions {
  QrErrorCorrection error_correction = QrErrorCorrection::kMedium;
  int quiet_zone = 4;  // light modules on each side; the standard asks for 4
};

struct QrMatrix {
  int size = 0;                    // modules per side, quiet zone included
  std::vector<std::uint8_t> dark;  // size*size, row-major, 1 = dark

  bool is_dark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                static_cast<std::size_t>(x)] != 0;
  }
};

// True when every character is in the QR alphanumeric set.
bool fits_qr_alphanumeric(std::string_view text);

// Errors: empty text, a NUL byte, text too long for a QR code, quiet zone
// outside 0..16.
Result<QrMatrix> encode_qr(std::string_view text, const QrOptions& options = {});

}  // namespace loyalpos::hardware
