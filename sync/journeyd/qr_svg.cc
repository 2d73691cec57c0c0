#include "sync/journeyd/qr_svg.h"

#include "hardware/qr_code.h"
#include "sync/journeyd/html_page.h"

namespace loyalpos::journeyd {

Result<std::string> qr_svg(const std::string& text, int module_px, const std::string& label) {
  auto qr = hardware::encode_qr(text);
  if (!qr.ok()) return qr.error();
  std::string path;
  for (int y = 0; y < qr->size; ++y) {
    for (int x = 0; x < qr->size; ++x) {
      if (qr->is_dark(x, y)) path += "M" + std::to_string(x) + " " + std::to_string(y) + "h1v1h-1z";
    }
  }
  const std::string px = std::to_string(qr->size * module_px);
  const std::string side = std::to_string(qr->size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" +
         html::escape(label) + "\" width=\"" + px + "\" height=\"" + px + "\" viewBox=\"0 0 " +
         side + " " + side +
         "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

}  // namespace loyalpos::journeyd
