// What printing a receipt costs before the bytes leave the machine.
// BM_Receipt10LinesWithQr builds a 10-line Cyrillic receipt with the card's
// QR link and prints it to a null transport (a SinkPrinter that drops the
// bytes): document, code page conversion, styles, the QR (GS ( k on the
// Epson profile; libqrencode + raster GS v 0 on the 58 mm profile) — from
// "pay" to the last byte. BM_QrEncodeOnly is libqrencode's encode of the same
// link (hardware::encode_qr), the floor of the raster case. The printer is
// made once, as the counter makes it at start-up.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string>

#include "hardware/printer.h"
#include "hardware/qr_code.h"

namespace loyalpos::hardware {
namespace {

constexpr const char* kCardUrl = "HTTPS://LOYAL.EXAMPLE/C/55N2ZR54F4XFZCVM1758WGR4V646";

ReceiptDocument ten_line_receipt() {
  ReceiptDocument doc;
  doc.text("КОФЕЙНЯ «ЛАТТЕ»", {true, true, Align::kCenter});
  doc.text("ул. Ленина, 5 — касса 1", {false, false, Align::kCenter});
  doc.text("Чек 000042   2024-05-14 09:41");
  doc.text("Капучино 0,3        180.00 ₽");
  doc.text("Круассан            120.00 ₽");
  doc.text("Пахлава ×2          240.00 ₽");
  doc.text("ИТОГО               540.00 ₽", {true, false, Align::kLeft});
  doc.text("Карта: 3/5 штампов, ещё 2…");
  doc.text("Ваша карта:", {false, false, Align::kCenter});
  doc.qr(kCardUrl);
  doc.text("Спасибо!", {false, false, Align::kCenter});
  doc.cut();
  return doc;
}

void BM_Receipt10LinesWithQr(benchmark::State& state, const char* profile_name) {
  auto profile = builtin_profile(profile_name);
  if (!profile.ok()) {
    state.SkipWithError(profile.error().message().c_str());
    return;
  }
  std::size_t bytes = 0;
  SinkPrinter printer(*profile, [&bytes](std::span<const std::uint8_t> job) {
    bytes = job.size();
    benchmark::DoNotOptimize(job.data());
    return ok_status();
  });
  for (auto _ : state) {
    const ReceiptDocument doc = ten_line_receipt();
    const Status printed = printer.print(doc);
    if (!printed.ok()) {
      state.SkipWithError(printed.error().message().c_str());
      return;
    }
  }
  state.counters["job_bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_Receipt10LinesWithQr, native_qr_epson, "epson-tm-t88")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Receipt10LinesWithQr, raster_qr_xprinter58, "xprinter-58")
    ->Unit(benchmark::kMicrosecond);

void BM_QrEncodeOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto qr = encode_qr(kCardUrl);
    benchmark::DoNotOptimize(qr);
  }
}
BENCHMARK(BM_QrEncodeOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace loyalpos::hardware

BENCHMARK_MAIN();
