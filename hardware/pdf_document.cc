#include "hardware/detail/pdf_document.h"

#include <cairo-pdf.h>

#include <cstdint>
#include <vector>

#include "hardware/detail/cairo_handles.h"
#include "hardware/file_output.h"

namespace loyalpos::hardware::detail {

namespace {

// Cairo writes the PDF into memory; write_file_whole puts it on disk.
cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Error cairo_error(cairo_status_t status) {
  return Error::internal("cairo: " + std::string(cairo_status_to_string(status)));
}

void fill_qr(cairo_t* cr, const QrMatrix& qr, double x, double y, double side) {
  const double module = side / qr.size;
  for (int row = 0; row < qr.size; ++row) {
    for (int col = 0; col < qr.size;) {
      if (!qr.is_dark(col, row)) {
        ++col;
        continue;
      }
      int run = 1;
      while (col + run < qr.size && qr.is_dark(col + run, row)) ++run;
      cairo_rectangle(cr, x + col * module, y + row * module, run * module, module);
      col += run;
    }
  }
  cairo_fill(cr);
}

Status write_pdf(const std::string& pdf_path, double width, double height, std::string_view title,
                 const std::function<Status(cairo_surface_t*)>& draw) {
  LOYALPOS_TRY(check_writable_target(pdf_path));
  std::vector<std::uint8_t> pdf;
  {
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(append_bytes, &pdf, width, height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return cairo_error(cairo_surface_status(surface.get()));
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   std::string(title).c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "loyalpos");
    LOYALPOS_TRY(draw(surface.get()));
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return cairo_error(cairo_surface_status(surface.get()));
    }
  }
  return write_file_whole(pdf_path, pdf);
}

}  // namespace loyalpos::hardware::detail
