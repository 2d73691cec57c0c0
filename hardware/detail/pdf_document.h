// Internal: what the PDF renderers (card sheets, posters) share. A PDF is
// drawn into memory and then written whole (hardware/file_output.h), so a
// full disk or a missing folder never leaves half a file, and the path is
// checked before any drawing.
#pragma once

#include <cairo.h>
#include <loyalpos/result.h>

#include <functional>
#include <string>
#include <string_view>

#include "hardware/qr_code.h"

namespace loyalpos::hardware::detail {

inline constexpr double kPointsPerMm = 72.0 / 25.4;

Error cairo_error(cairo_status_t status);

// Fills the dark modules of `qr` (quiet zone included in its size) as a
// square of `side` points at (x, y), in the current source colour.
void fill_qr(cairo_t* cr, const QrMatrix& qr, double x, double y, double side);

// A PDF of `width` x `height` point pages, `title` in its metadata, drawn by
// `draw` on the surface (it shows its pages; the surface is finished here),
// written to `pdf_path` whole. A path that is anything but a regular file is
// refused before `draw` runs.
Status write_pdf(const std::string& pdf_path, double width, double height, std::string_view title,
                 const std::function<Status(cairo_surface_t*)>& draw);

}  // namespace loyalpos::hardware::detail
