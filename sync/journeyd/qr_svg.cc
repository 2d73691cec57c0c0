#include "sync/journeyd/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "sync/journeyd/html_page.h"

namespace loyalpos::journeyd {

Result<std::string> qr_svg(const std::string& text, int module_px, const std::string& label) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return Error::invalid("the text does not fit a QR code");
  constexpr int kQuiet = 4;
  const int size = qr->width + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if (qr->data[y * qr->width + x] & 1) {
        path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  const std::string px = std::to_string(size * module_px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" +
         html::escape(label) + "\" width=\"" + px + "\" height=\"" + px + "\" viewBox=\"0 0 " +
         std::to_string(size) + " " + std::to_string(size) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

}  // namespace loyalpos::journeyd
