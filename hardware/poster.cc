#include "hardware/poster.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <string_view>

#include "base/utf8.h"
#include "hardware/detail/cairo_handles.h"
#include "hardware/detail/pdf_document.h"
#include "hardware/detail/text_layout.h"
#include "hardware/qr_code.h"

namespace loyalpos::hardware {

namespace {

using detail::ContextPtr;
using detail::FontMapPtr;
using detail::kPointsPerMm;
using detail::PangoContextPtr;

// A4's measures; A5 is the same poster scaled by 1/sqrt(2).
constexpr double kA4Width = 210.0 * kPointsPerMm;
constexpr double kA4Height = 297.0 * kPointsPerMm;
constexpr double kA5Width = 148.0 * kPointsPerMm;
constexpr double kA5Height = 210.0 * kPointsPerMm;
constexpr double kMargin = 18.0 * kPointsPerMm;
constexpr double kGap = 8.0 * kPointsPerMm;
constexpr double kTitlePoints = 34;
constexpr double kSmallestTitlePoints = 22;
constexpr double kInstructionPoints = 16;
constexpr double kSmallestInstructionPoints = 12;
constexpr double kUrlPoints = 11;

// A block of centred text wrapped to `width` points.
class TextBlock : public detail::TextLayout {
 public:
  TextBlock(PangoContext* context, const char* family, double points, double width,
            PangoWrapMode wrap, std::string_view text)
      : TextLayout(context, family, width), text_(text), points_(points) {
    set_points(points);
    pango_layout_set_wrap(layout(), wrap);
    set_text(text);
  }

  // Shrinks the font, down to `smallest` points, until no line of the text
  // is wrapped: a title reads best with its lines as written. Past that it
  // wraps.
  void shrink_to_lines(double smallest) {
    const int written = 1 + static_cast<int>(std::count(text_.begin(), text_.end(), '\n'));
    while (pango_layout_get_line_count(layout()) > written && points_ - 1 >= smallest) {
      points_ -= 1;
      set_points(points_);
    }
  }

 private:
  std::string_view text_;
  double points_;
};

Status draw_poster(cairo_surface_t* surface, const Poster& poster, const QrMatrix& qr,
                   double page_width, double page_height) {
  const double scale = page_width / kA4Width;
  const double margin = kMargin * scale;
  const double gap = kGap * scale;
  const double width = page_width - 2 * margin;

  ContextPtr cr(cairo_create(surface));
  // A font map of our own, as the card sheet has: released when done.
  FontMapPtr font_map(pango_cairo_font_map_new());
  PangoContextPtr pango(pango_font_map_create_context(font_map.get()));
  pango_cairo_update_context(cr.get(), pango.get());
  pango_cairo_context_set_resolution(pango.get(), 72);  // font points = PDF points
  TextBlock title(pango.get(), "DejaVu Sans Bold", kTitlePoints * scale, width,
                  PANGO_WRAP_WORD_CHAR, poster.title);
  title.shrink_to_lines(kSmallestTitlePoints * scale);
  TextBlock instruction(pango.get(), "DejaVu Sans", kInstructionPoints * scale, width,
                        PANGO_WRAP_WORD_CHAR, poster.instruction);
  instruction.shrink_to_lines(kSmallestInstructionPoints * scale);
  const TextBlock url(pango.get(), "DejaVu Sans Mono", kUrlPoints * scale, width, PANGO_WRAP_CHAR,
                      poster.url);

  double y = margin;
  const double title_top = y;
  y += title.height() + gap;
  const double instruction_top = y;
  if (!poster.instruction.empty()) y += instruction.height() + gap;
  const double url_top = page_height - margin - url.height();
  // The QR takes what is left, as a square, its quiet zone included.
  const double side = std::min(width, url_top - gap / 2 - y);
  if (side < page_width / 2) {
    return Error::invalid(
        "the poster's texts are too long: the QR code would be too small to scan");
  }

  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  title.draw(cr.get(), margin, title_top);
  if (!poster.instruction.empty()) instruction.draw(cr.get(), margin, instruction_top);
  const double qr_top = y + (url_top - gap / 2 - y - side) / 2;
  detail::fill_qr(cr.get(), qr, (page_width - side) / 2, qr_top, side);
  url.draw(cr.get(), margin, url_top);
  cairo_show_page(cr.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return detail::cairo_error(cairo_status(cr.get()));
  }
  return ok_status();
}

// The title as one line, for the PDF's metadata.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

Status write_poster(const Poster& poster, const std::string& pdf_path) {
  if (poster.title.empty()) return Error::invalid("a poster needs a title");
  if (poster.url.empty()) return Error::invalid("a poster needs a link for its QR code");
  for (const std::string* text : {&poster.title, &poster.instruction, &poster.url}) {
    if (!is_valid_utf8(*text)) return Error::invalid("a poster's text must be UTF-8");
  }
  // Quartile: a poster on a window gets scuffed and sun-bleached.
  auto qr = encode_qr(poster.url, {QrErrorCorrection::kQuartile, 4});
  if (!qr) return qr.error().with_context("the poster's link: ");
  const bool a5 = poster.size == PaperSize::kA5;
  const double page_width = a5 ? kA5Width : kA4Width;
  const double page_height = a5 ? kA5Height : kA4Height;
  return detail::write_pdf(pdf_path, page_width, page_height, one_line(poster.title),
                           [&](cairo_surface_t* surface) {
                             return draw_poster(surface, poster, *qr, page_width, page_height);
                           });
}

}  // namespace loyalpos::hardware
