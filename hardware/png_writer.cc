#include "hardware/png_writer.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace loyalpos::hardware {

namespace {

// Owns a png_image's libpng state; png_image_free is a no-op once freed.
class PngImage {
 public:
  PngImage() {
    std::memset(&image_, 0, sizeof image_);
    image_.version = PNG_IMAGE_VERSION;
  }
  ~PngImage() { png_image_free(&image_); }
  PngImage(const PngImage&) = delete;
  PngImage& operator=(const PngImage&) = delete;

  png_image* get() { return &image_; }

 private:
  png_image image_;
};

std::vector<std::uint8_t> rasterize(const QrMatrix& matrix, int scale) {
  const auto modules = static_cast<std::size_t>(matrix.size);
  const auto px = static_cast<std::size_t>(scale);
  const std::size_t side = modules * px;
  std::vector<std::uint8_t> pixels(side * side, 0xFF);
  // Draw one pixel row per module row, then copy it down `scale` times.
  for (std::size_t my = 0; my < modules; ++my) {
    std::uint8_t* row = &pixels[my * px * side];
    for (std::size_t mx = 0; mx < modules; ++mx) {
      if (matrix.dark[my * modules + mx] != 0) std::fill_n(row + mx * px, px, std::uint8_t{0});
    }
    for (std::size_t k = 1; k < px; ++k) std::copy_n(row, side, row + k * side);
  }
  return pixels;
}

}  // namespace

Result<std::vector<std::uint8_t>> qr_png(const QrMatrix& matrix, int scale) {
  if (matrix.size <= 0 || matrix.dark.size() != static_cast<std::size_t>(matrix.size) *
                                                    static_cast<std::size_t>(matrix.size)) {
    return Error::invalid("QR matrix is empty or malformed");
  }
  if (scale < 1 || scale > kMaxPngScale) {
    return Error::invalid("PNG scale must be 1 to " + std::to_string(kMaxPngScale) +
                          " pixels per module");
  }
  const std::vector<std::uint8_t> pixels = rasterize(matrix, scale);
  const auto side = static_cast<png_uint_32>(matrix.size * scale);

  PngImage image;
  image.get()->width = side;
  image.get()->height = side;
  image.get()->format = PNG_FORMAT_GRAY;

  png_alloc_size_t size = 0;  // first pass: ask libpng how much room it needs
  if (!png_image_write_to_memory(image.get(), nullptr, &size, 0, pixels.data(), 0, nullptr)) {
    return Error::internal(std::string("libpng: ") + image.get()->message);
  }
  std::vector<std::uint8_t> png(size);
  if (!png_image_write_to_memory(image.get(), png.data(), &size, 0, pixels.data(), 0, nullptr)) {
    return Error::internal(std::string("libpng: ") + image.get()->message);
  }
  png.resize(size);
  return png;
}

Status write_qr_png(const QrMatrix& matrix, const std::string& path, int scale) {
  auto png = qr_png(matrix, scale);
  if (!png) return png.error();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out)
    out.write(reinterpret_cast<const char*>(png->data()),
              static_cast<std::streamsize>(png->size()));
  if (out) out.close();
  if (!out) return Error::io("cannot write " + path + ": " + std::strerror(errno));
  return ok_status();
}

}  // namespace loyalpos::hardware
