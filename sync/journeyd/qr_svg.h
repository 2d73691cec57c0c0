// A QR code as inline SVG, for journeyd's pages (the join page's new card):
// no image file, no request anywhere.
#pragma once

#include <loyalpos/result.h>

#include <string>

namespace loyalpos::journeyd {

// `text` (at most a few hundred bytes) as an SVG of its QR code
// (hardware::encode_qr: error correction M, the four-module quiet zone),
// `module_px` pixels a module.
Result<std::string> qr_svg(const std::string& text, int module_px, const std::string& label);

}  // namespace loyalpos::journeyd
