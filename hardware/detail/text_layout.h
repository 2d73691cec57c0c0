// Internal: centred text in a Pango layout of a given width, in one font,
// drawn at a point: what the card sheet's lines and the poster's blocks
// are made of.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <string_view>

#include "hardware/detail/cairo_handles.h"

namespace loyalpos::hardware::detail {

class TextLayout {
 public:
  // `font` as Pango reads it ("DejaVu Sans Bold 11"); `width` in points.
  TextLayout(PangoContext* context, const char* font, double width)
      : layout_(pango_layout_new(context)), font_(pango_font_description_from_string(font)) {
    pango_layout_set_font_description(layout_.get(), font_.get());
    pango_layout_set_width(layout_.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_alignment(layout_.get(), PANGO_ALIGN_CENTER);
  }

  void set_text(std::string_view text) {
    pango_layout_set_text(layout_.get(), text.data(), static_cast<int>(text.size()));
  }

  // The font's size, in points; the text is laid out again.
  void set_points(double points) {
    pango_font_description_set_size(font_.get(), static_cast<int>(points * PANGO_SCALE));
    pango_layout_set_font_description(layout_.get(), font_.get());
  }

  double height() const {
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout_.get(), &width, &height);
    return static_cast<double>(height) / PANGO_SCALE;
  }

  void draw(cairo_t* cr, double x, double y) const {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout_.get());
  }

 protected:
  PangoLayout* layout() const { return layout_.get(); }

 private:
  LayoutPtr layout_;
  FontPtr font_;
};

}  // namespace loyalpos::hardware::detail
