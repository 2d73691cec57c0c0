#include "hardware/svg_writer.h"

namespace loyalpos::hardware {

Result<std::string> qr_svg(const QrMatrix& matrix, int module_px) {
  if (matrix.size <= 0 || matrix.dark.size() != static_cast<std::size_t>(matrix.size) *
                                                    static_cast<std::size_t>(matrix.size)) {
    return Error::invalid("QR matrix is empty or malformed");
  }
  if (module_px < 1 || module_px > 64) {
    return Error::invalid("SVG module size must be 1 to 64 pixels");
  }
  const std::string side = std::to_string(matrix.size);
  const std::string px = std::to_string(matrix.size * module_px);
  std::string path;
  for (int y = 0; y < matrix.size; ++y) {
    for (int x = 0; x < matrix.size;) {
      if (!matrix.is_dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < matrix.size && matrix.is_dark(x + run, y)) ++run;
      path += "M" + std::to_string(x) + " " + std::to_string(y) + "h" + std::to_string(run) +
              "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " +
         side + " " + side + "\" width=\"" + px + "\" height=\"" + px +
         "\" shape-rendering=\"crispEdges\">\n"
         "<rect width=\"" +
         side + "\" height=\"" + side +
         "\" fill=\"#ffffff\"/>\n"
         "<path fill=\"#000000\" d=\"" +
         path +
         "\"/>\n"
         "</svg>\n";
}

}  // namespace loyalpos::hardware
