// QR matrices as SVG text: a white background and one black <path> whose
// sub-paths are horizontal runs of dark modules ("M x y h n v1 h -n z"), in
// module units (viewBox 0 0 size size), so it scales without blur.
#pragma once

#include <loyalpos/result.h>

#include <string>

#include "hardware/qr_code.h"

namespace loyalpos::hardware {

// `module_px` sets the width/height attributes (size * module_px). Errors:
// an empty matrix, module_px outside 1..64.
Result<std::string> qr_svg(const QrMatrix& matrix, int module_px = 8);

}  // namespace loyalpos::hardware
