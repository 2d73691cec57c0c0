// A picture of the paper a receipt comes out as, for anyone without the
// printer: a PNG one pixel per printer dot (the profile's dots per line, plus
// a white margin), text in DejaVu Sans Mono sized to the profile's columns,
// bold and double size as printed, each line as the printer's table prints it
// (substitutions and '?' included), QR codes dot for dot as the raster
// fallback prints them, feeds as blank space, cuts as a dashed line.
//
// The document is checked exactly as the encoder checks it: what the preview
// accepts, the printer prints. Fonts: fonts-dejavu-core; a glyph the font
// lacks is an error, never a silent box.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <vector>

#include "hardware/receipt_document.h"

namespace loyalpos::hardware {

inline constexpr int kPreviewMargin = 16;  // pixels of white around the paper's print area

Result<std::vector<std::uint8_t>> render_receipt_png(const ReceiptDocument& document,
                                                     const PrinterProfile& profile);

}  // namespace loyalpos::hardware
