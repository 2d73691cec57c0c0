#include "hardware/receipt_preview.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cmath>
#include <memory>
#include <string>

#include "hardware/detail/cairo_handles.h"
#include "hardware/escpos_encoder.h"
#include "hardware/escpos_raster.h"
#include "hardware/qr_code.h"

namespace loyalpos::hardware {

namespace {

constexpr const char* kFontFamily = "DejaVu Sans Mono";
constexpr int kCutSpaceLines = 2;  // GS V 66 0 feeds the last line past the cutter
constexpr int kTearFeedLines = 4;  // as the encoder feeds without a cutter

using detail::ContextPtr;
using detail::FontMapPtr;
using detail::FontPtr;
using detail::LayoutPtr;
using detail::PangoContextPtr;
using detail::SurfacePtr;

// What one block takes on the paper, prepared before drawing so the image
// can be made exactly as tall as the receipt.
struct Piece {
  enum class Kind { kText, kImage, kSpace, kCut } kind = Kind::kSpace;
  std::string text;  // kText: as the printer's table prints it
  TextStyle style;
  RasterImage image;  // kImage
  int height = 0;
};

// Pango text in a monospace font whose advance is one printer column.
class TextPainter {
 public:
  TextPainter(PangoContext* context, int column_px) : context_(context) {
    // Measure the font's advance once and size it so one character is one column.
    FontPtr probe(font(100.0, false));
    LayoutPtr layout(pango_layout_new(context_));
    pango_layout_set_font_description(layout.get(), probe.get());
    pango_layout_set_text(layout.get(), "0000000000", -1);
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout.get(), &width, &height);
    const double advance_at_100 = static_cast<double>(width) / PANGO_SCALE / 10.0;
    size_px_ = advance_at_100 > 0 ? 100.0 * column_px / advance_at_100 : column_px;
  }

  // Draws `text` in a band of `band_px` starting at y; false if a glyph is missing.
  bool draw(cairo_t* cr, const std::string& text, const TextStyle& style, int x, int y, int line_px,
            int band_px) const {
    const double scale = style.double_size ? 2.0 : 1.0;
    FontPtr description(font(size_px_ * scale, style.bold));
    LayoutPtr layout(pango_layout_new(context_));
    pango_layout_set_font_description(layout.get(), description.get());
    pango_layout_set_width(layout.get(), line_px * PANGO_SCALE);
    pango_layout_set_alignment(layout.get(), style.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                             : style.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                                            : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    int width = 0;
    int height = 0;
    pango_layout_get_pixel_size(layout.get(), &width, &height);
    cairo_move_to(cr, x, y + (band_px - height) / 2);
    pango_cairo_show_layout(cr, layout.get());
    return pango_layout_get_unknown_glyphs_count(layout.get()) == 0;
  }

 private:
  static PangoFontDescription* font(double size_px, bool bold) {
    PangoFontDescription* description = pango_font_description_new();
    pango_font_description_set_family(description, kFontFamily);
    pango_font_description_set_weight(description, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    // Absolute size is in device pixels: no 72/96 dpi conversion in the way.
    pango_font_description_set_absolute_size(description, size_px * PANGO_SCALE);
    return description;
  }

  PangoContext* context_;
  double size_px_ = 0;
};

Result<std::vector<Piece>> lay_out(const ReceiptDocument& document, const PrinterProfile& profile,
                                   EscPosEncoder& encoder, int line_height) {
  std::vector<Piece> pieces;
  for (const ReceiptBlock& block : document.blocks()) {
    Piece piece;
    if (const auto* text = std::get_if<TextBlock>(&block)) {
      auto printed = encoder.as_printed(text->text);
      if (!printed) return printed.error();
      piece.kind = Piece::Kind::kText;
      piece.text = std::move(*printed);
      piece.style = text->style;
      piece.height = line_height * (text->style.double_size ? 2 : 1);
    } else if (const auto* qr = std::get_if<QrBlock>(&block)) {
      auto matrix = encode_qr(qr->payload);
      if (!matrix) return matrix.error();
      auto image = raster_qr(*matrix, profile.qr_module_size, profile.dots_per_line);
      if (!image) return image.error();
      piece.kind = Piece::Kind::kImage;
      piece.height = image->height;
      piece.image = std::move(*image);
      pieces.push_back(std::move(piece));
      if (!profile.native_qr) continue;
      piece = Piece{};
      piece.height = line_height;  // the encoder's ESC d 1 after a native QR
    } else if (const auto* feed = std::get_if<FeedBlock>(&block)) {
      piece.height = line_height * feed->lines;
    } else if (std::holds_alternative<CutBlock>(block)) {
      piece.kind = Piece::Kind::kCut;
      piece.height = line_height * (profile.cut ? kCutSpaceLines : kTearFeedLines);
    } else {
      continue;  // a drawer pulse leaves nothing on the paper
    }
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

void draw_image(cairo_t* cr, const RasterImage& image, int x, int y) {
  for (int row = 0; row < image.height; ++row) {
    for (int col = 0; col < image.width_dots;) {
      if (!image.is_black(col, row)) {
        ++col;
        continue;
      }
      int run = 1;
      while (col + run < image.width_dots && image.is_black(col + run, row)) ++run;
      cairo_rectangle(cr, x + col, y + row, run, 1);
      col += run;
    }
  }
  cairo_fill(cr);
}

void draw_cut(cairo_t* cr, int x, int y, int width) {
  const double dash[] = {8.0, 6.0};
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
  cairo_set_line_width(cr, 1.0);
  cairo_set_dash(cr, dash, 2, 0);
  cairo_move_to(cr, x - kPreviewMargin, y + 0.5);
  cairo_line_to(cr, x + width + kPreviewMargin, y + 0.5);
  cairo_stroke(cr);
  cairo_restore(cr);
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::vector<std::uint8_t>> render_receipt_png(const ReceiptDocument& document,
                                                     const PrinterProfile& profile) {
  auto encoder = EscPosEncoder::create(profile);
  if (!encoder) return encoder.error();
  auto bytes = encoder->encode(document);  // the printer's checks, so the preview never lies
  if (!bytes) return bytes.error();

  const int column_px = profile.dots_per_line / profile.columns;
  const int line_height =
      static_cast<int>(std::lround(2.0 * profile.dots_per_line / profile.columns));
  auto pieces = lay_out(document, profile, *encoder, line_height);
  if (!pieces) return pieces.error();
  int paper_height = 0;
  for (const Piece& piece : *pieces) paper_height += piece.height;

  const int width = profile.dots_per_line + 2 * kPreviewMargin;
  const int height = paper_height + 2 * kPreviewMargin;
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::internal("cairo: cannot make a " + std::to_string(width) + "x" +
                           std::to_string(height) + " preview image");
  }
  ContextPtr cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);

  // A font map of our own: its fonts and caches go when the preview is done.
  FontMapPtr font_map(pango_cairo_font_map_new());
  PangoContextPtr pango(pango_font_map_create_context(font_map.get()));
  pango_cairo_update_context(cr.get(), pango.get());
  const TextPainter painter(pango.get(), column_px);

  int y = kPreviewMargin;
  for (const Piece& piece : *pieces) {
    switch (piece.kind) {
      case Piece::Kind::kText:
        if (!painter.draw(cr.get(), piece.text, piece.style, kPreviewMargin, y,
                          profile.dots_per_line, piece.height)) {
          return Error::internal("the preview font " + std::string(kFontFamily) +
                                 " lacks a character of \"" + piece.text +
                                 "\" (install fonts-dejavu-core)");
        }
        break;
      case Piece::Kind::kImage:
        draw_image(cr.get(), piece.image, kPreviewMargin, y);
        break;
      case Piece::Kind::kCut:
        draw_cut(cr.get(), kPreviewMargin, y + piece.height - 1, profile.dots_per_line);
        break;
      case Piece::Kind::kSpace:
        break;
    }
    y += piece.height;
  }
  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::internal(std::string("cairo: ") + cairo_status_to_string(cairo_status(cr.get())));
  }
  std::vector<std::uint8_t> png;
  const cairo_status_t written = cairo_surface_write_to_png_stream(surface.get(), append_png, &png);
  if (written != CAIRO_STATUS_SUCCESS) {
    return Error::internal(std::string("cairo: ") + cairo_status_to_string(written));
  }
  return png;
}

}  // namespace loyalpos::hardware
