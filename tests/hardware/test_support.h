// Helpers for hardware tests that shell out to independent decoders
// (zbarimg, pdftoppm, pdfinfo, pdftotext, python3) and read images back in-process with ZXing.
// Every file a test writes goes into its own TempDir, removed afterwards.
#pragma once

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <png.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace loyalpos::hardware::testing {

// A fresh directory removed with its contents (tests/support/temp_dir.h).
using TempDir = loyalpos::testing::TempDir;

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only: stderr goes to /dev/null (zbarimg's dbus noise)
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// zbarimg prints one line per code found; -q drops the summary.
inline std::vector<std::string> zbar_decode(const std::string& image_path,
                                            int* exit_code = nullptr) {
  const CommandResult r = run_command("zbarimg --raw -q '" + image_path + "'");
  if (exit_code != nullptr) *exit_code = r.exit_code;
  return lines(r.out);
}

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

inline GrayImage read_png(const void* data, std::size_t size) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  GrayImage out;
  if (!png_image_begin_read_from_memory(&image, data, size)) return out;
  image.format = PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return out;
  }
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels = std::move(pixels);
  return out;
}

inline GrayImage read_png_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return read_png(bytes.data(), bytes.size());
}

inline std::vector<ZXing::Result> zxing_decode_all(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  if (image.pixels.empty()) return {};
  return ZXing::ReadBarcodes(
      ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
      hints);
}

inline ZXing::Result zxing_decode(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  return ZXing::ReadBarcode(
      ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
      hints);
}

}  // namespace loyalpos::hardware::testing
