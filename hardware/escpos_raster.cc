#include "hardware/escpos_raster.h"

#include <string>

namespace loyalpos::hardware {

Result<RasterImage> raster_qr(const QrMatrix& matrix, int module_dots, int line_dots) {
  if (matrix.size <= 0 || matrix.dark.size() != static_cast<std::size_t>(matrix.size) *
                                                    static_cast<std::size_t>(matrix.size)) {
    return Error::invalid("QR matrix is empty or malformed");
  }
  int module = module_dots < 1 ? 1 : module_dots;
  while (module > 1 && matrix.size * module > line_dots) --module;
  const int side = matrix.size * module;
  if (side > line_dots) {
    return Error::invalid("QR code of " + std::to_string(matrix.size) +
                          " modules does not fit a line of " + std::to_string(line_dots) + " dots");
  }
  if (side > kMaxRasterHeight) return Error::invalid("QR code is too tall for one raster image");

  RasterImage image;
  const int left = (line_dots - side) / 2;
  image.width_dots = left + side;
  image.width_bytes = (image.width_dots + 7) / 8;
  image.height = side;
  image.bits.assign(static_cast<std::size_t>(image.width_bytes) * static_cast<std::size_t>(side),
                    0);
  for (int y = 0; y < side; ++y) {
    const std::size_t row =
        static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width_bytes);
    for (int col = 0; col < matrix.size; ++col) {
      if (!matrix.is_dark(col, y / module)) continue;
      for (int x = left + col * module; x < left + (col + 1) * module; ++x) {
        image.bits[row + static_cast<std::size_t>(x / 8)] |=
            static_cast<std::uint8_t>(0x80u >> (x % 8));
      }
    }
  }
  return image;
}

Result<std::vector<std::uint8_t>> raster_command(const RasterImage& image) {
  if (image.width_bytes <= 0 || image.height <= 0) return Error::invalid("raster image is empty");
  if (image.width_bytes != (image.width_dots + 7) / 8) {
    return Error::invalid("raster image width in bytes does not match its width in dots");
  }
  if (image.width_bytes > kMaxRasterWidthBytes) {
    return Error::invalid("raster image is wider than " + std::to_string(kMaxRasterWidthBytes * 8) +
                          " dots");
  }
  if (image.height > kMaxRasterHeight) {
    return Error::invalid("raster image is taller than " + std::to_string(kMaxRasterHeight) +
                          " dots");
  }
  const std::size_t data =
      static_cast<std::size_t>(image.width_bytes) * static_cast<std::size_t>(image.height);
  if (image.bits.size() != data) return Error::invalid("raster image bits do not match its size");

  std::vector<std::uint8_t> out;
  out.reserve(8 + data);
  out.insert(out.end(), {0x1D, 0x76, 0x30, 0x00});
  out.push_back(static_cast<std::uint8_t>(image.width_bytes & 0xFF));
  out.push_back(static_cast<std::uint8_t>(image.width_bytes >> 8));
  out.push_back(static_cast<std::uint8_t>(image.height & 0xFF));
  out.push_back(static_cast<std::uint8_t>(image.height >> 8));
  out.insert(out.end(), image.bits.begin(), image.bits.end());
  return out;
}

}  // namespace loyalpos::hardware
