#include "hardware/png_writer.h"

#include <png.h>

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
  const auto side = static_cast<std::size_t>(matrix.size) * static_cast<std::size_t>(scale);
  std::vector<std::uint8_t> pixels(side * side, 0xFF);
  for (std::size_t py = 0; py < side; ++py) {
    const int y = static_cast<int>(py) / scale;
    for (std::size_t px = 0; px < side; ++px) {
      if (matrix.is_dark(static_cast<int>(px) / scale, y)) pixels[py * side + px] = 0x00;
    }
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
