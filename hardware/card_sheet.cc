#include "hardware/card_sheet.h"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "hardware/detail/cairo_handles.h"
#include "hardware/detail/pdf_document.h"
#include "hardware/detail/text_layout.h"
#include "hardware/qr_code.h"

namespace loyalpos::hardware {

namespace {

using detail::kPointsPerMm;
constexpr double kPageWidth = 210.0 * kPointsPerMm;
constexpr double kPageHeight = 297.0 * kPointsPerMm;
constexpr double kCardWidth = 85.6 * kPointsPerMm;
constexpr double kCardHeight = 54.0 * kPointsPerMm;
constexpr double kPadding = 4.0 * kPointsPerMm;
constexpr double kGap = 1.0 * kPointsPerMm;  // between the texts and the QR's quiet zone
constexpr double kMarginX = (kPageWidth - kCardSheetColumns * kCardWidth) / 2;
constexpr double kMarginY = (kPageHeight - kCardSheetRows * kCardHeight) / 2;
constexpr const char* kNameFont = "DejaVu Sans Bold 11";
constexpr const char* kCodeFont = "DejaVu Sans Mono 9";

using detail::ContextPtr;
using detail::FontMapPtr;
using detail::PangoContextPtr;

// One centred line of text, kept within the card's width.
class TextLine : public detail::TextLayout {
 public:
  TextLine(PangoContext* context, const char* font)
      : TextLayout(context, font, kCardWidth - 2 * kPadding) {
    pango_layout_set_ellipsize(layout(), PANGO_ELLIPSIZE_END);
  }

  bool ellipsized() const { return pango_layout_is_ellipsized(layout()) != 0; }
};

struct CardTexts {
  TextLine name;
  TextLine code;
};

// Fails only when the code would not be printed in full.
Status draw_card(cairo_t* cr, CardTexts& texts, const QrMatrix& qr, std::string_view token,
                 double x, double y) {
  texts.code.set_text(std::string(token));
  if (texts.code.ellipsized())
    return Error::invalid("card code " + std::string(token) + " is too long to print");

  cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);  // cut mark
  cairo_set_line_width(cr, 0.25);
  cairo_rectangle(cr, x, y, kCardWidth, kCardHeight);
  cairo_stroke(cr);

  cairo_set_source_rgb(cr, 0, 0, 0);
  const double text_x = x + kPadding;
  const double name_bottom = y + kPadding + texts.name.height();
  texts.name.draw(cr, text_x, y + kPadding);
  const double code_top = y + kCardHeight - kPadding - texts.code.height();
  texts.code.draw(cr, text_x, code_top);

  const double side = std::min(code_top - name_bottom - 2 * kGap, kCardWidth - 2 * kPadding);
  detail::fill_qr(cr, qr, x + (kCardWidth - side) / 2, name_bottom + kGap, side);
  return ok_status();
}

// Draws every page; the caller owns the surface and finishes it.
Status draw_sheet(cairo_surface_t* surface, const std::vector<SheetCard>& cards,
                  const std::vector<QrMatrix>& codes, std::string_view heading) {
  ContextPtr cr(cairo_create(surface));
  // A font map of our own rather than Pango's process-wide default: its
  // fonts and caches are released when the sheet is done.
  FontMapPtr font_map(pango_cairo_font_map_new());
  PangoContextPtr pango(pango_font_map_create_context(font_map.get()));
  pango_cairo_update_context(cr.get(), pango.get());
  pango_cairo_context_set_resolution(pango.get(), 72);  // font points = PDF points
  CardTexts texts{TextLine(pango.get(), kNameFont), TextLine(pango.get(), kCodeFont)};
  texts.name.set_text(heading);
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const auto slot = static_cast<int>(i % kCardsPerSheetPage);
    if (i > 0 && slot == 0) cairo_show_page(cr.get());
    const double x = kMarginX + (slot % kCardSheetColumns) * kCardWidth;
    const double y = kMarginY + (slot / kCardSheetColumns) * kCardHeight;
    LOYALPOS_TRY(draw_card(cr.get(), texts, codes[i], cards[i].token, x, y));
  }
  cairo_show_page(cr.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    return detail::cairo_error(cairo_status(cr.get()));
  return ok_status();
}

}  // namespace

Status write_card_sheet(const std::vector<SheetCard>& cards, std::string_view shop_name,
                        const std::string& pdf_path) {
  return write_code_sheet(cards, shop_name, std::string(shop_name) + " loyalty cards", pdf_path);
}

Status write_code_sheet(const std::vector<SheetCard>& cards, std::string_view heading,
                        std::string_view title, const std::string& pdf_path) {
  if (cards.empty()) return Error::invalid("no cards to print");
  std::vector<QrMatrix> codes;
  codes.reserve(cards.size());
  for (const SheetCard& card : cards) {
    auto qr = encode_qr(card.url);
    if (!qr) return qr.error().with_context("card " + card.token + ": ");
    codes.push_back(std::move(*qr));
  }

  // A device, a folder or a link at the path is refused before any drawing.
  return detail::write_pdf(pdf_path, kPageWidth, kPageHeight, title, [&](cairo_surface_t* surface) {
    return draw_sheet(surface, cards, codes, heading);
  });
}

}  // namespace loyalpos::hardware
