// Cards per second from a card id to PNG bytes (token, URL, QR, PNG), beside
// the floor any card image has to pay: libqrencode's own encode of the same
// URL plus a bare PNG write of its modules (libpng's simplified API, same
// 8 px per module and quiet zone), in one run. Goal: at least 0.7 of the
// baseline's rate. scripts/bench prints the ratio.
#include <benchmark/benchmark.h>
#include <png.h>
#include <qrencode.h>

#include <cstring>
#include <random>
#include <vector>

#include "hardware/png_writer.h"
#include "hardware/qr_code.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"

namespace loyalpos::hardware {
namespace {

constexpr int kScale = 8;
constexpr int kQuietZone = 4;
constexpr const char* kBaseUrl = "https://loyal.example";

loyalty::CardId next_id(std::mt19937_64& rng) {
  loyalty::CardId id;
  for (auto& b : id.bytes) b = static_cast<std::uint8_t>(rng());
  return id;
}

void BM_CardToPng(benchmark::State& state) {
  std::mt19937_64 rng(7);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string token = loyalty::encode_token(next_id(rng));
    auto matrix = encode_qr(loyalty::card_url(kBaseUrl, token));
    auto png = qr_png(*matrix, kScale);
    bytes = png->size();
    benchmark::DoNotOptimize(png);
  }
  state.counters["png_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CardToPng);

// The same URLs, made outside the timed loop, straight through the libraries.
void BM_QrencodePlusBarePng(benchmark::State& state) {
  std::mt19937_64 rng(7);
  std::vector<std::string> urls;
  for (int i = 0; i < 1024; ++i) {
    urls.push_back(loyalty::card_url(kBaseUrl, loyalty::encode_token(next_id(rng))));
  }
  std::size_t n = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::uint8_t> out;
  for (auto _ : state) {
    QRcode* code =
        QRcode_encodeString(urls[n++ % urls.size()].c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    const int side = (code->width + 2 * kQuietZone) * kScale;
    pixels.assign(static_cast<std::size_t>(side) * static_cast<std::size_t>(side), 0xFF);
    for (int y = 0; y < code->width; ++y) {
      for (int x = 0; x < code->width; ++x) {
        if (!(code->data[y * code->width + x] & 1)) continue;
        for (int dy = 0; dy < kScale; ++dy) {
          std::uint8_t* row = &pixels[static_cast<std::size_t>(
              ((y + kQuietZone) * kScale + dy) * side + (x + kQuietZone) * kScale)];
          std::memset(row, 0, kScale);
        }
      }
    }
    QRcode_free(code);
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(side);
    image.height = static_cast<png_uint_32>(side);
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    png_image_write_get_memory_size(image, size, 0, pixels.data(), 0, nullptr);
    out.resize(size);
    png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr);
    png_image_free(&image);
    benchmark::DoNotOptimize(out);
  }
  state.counters["png_bytes"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QrencodePlusBarePng);

}  // namespace
}  // namespace loyalpos::hardware

BENCHMARK_MAIN();
