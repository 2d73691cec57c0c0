#include "hardware/printer_virtual.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "escpos_decoder.h"
#include "hardware/receipt_preview.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::FileSizeLimit;
using testing::TempDir;
using Bytes = std::vector<std::uint8_t>;

std::string card_url() {
  loyalty::CardId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = static_cast<std::uint8_t>(11 + i * 7);
  return loyalty::card_url("https://loyal.example", loyalty::encode_token(id));
}

PrinterProfile profile(const char* name) {
  auto p = builtin_profile(name);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : PrinterProfile{};
}

Bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ReceiptDocument receipt(const std::string& url) {
  ReceiptDocument doc;
  doc.text("КОФЕЙНЯ", {true, true, Align::kCenter});
  doc.text("Капучино           180.00 ₽");
  doc.text("Круассан           120.00 ₽");
  doc.text("ИТОГО              300.00 ₽", {true, false, Align::kLeft});
  doc.text("Штампы: 3/5 — ещё 2 до подарка");
  doc.text("Ваша карта", {false, false, Align::kCenter});
  doc.qr(url);
  doc.text("Спасибо!", {false, false, Align::kRight});
  doc.cut().open_drawer();
  return doc;
}

TEST(VirtualPrinter, WritesTheBytesAndAPreviewWhoseQrScans) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string folder = dir.file("receipts");  // made on the first job
  const std::string url = card_url();
  for (const char* name : {"xprinter-58", "epson-tm-t88"}) {
    VirtualPrinter printer(profile(name), folder);
    const Status printed = printer.print(receipt(url));
    ASSERT_TRUE(printed.ok()) << printed.error().message();
    const std::string job = printer.last_job();
    ASSERT_FALSE(job.empty());

    const Bytes bin = read_all(job + ".bin");
    auto expected = printer.encode(receipt(url));
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(bin, *expected);
    auto decoded = testing::decode_escpos(bin, printer.profile().columns);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message();
    EXPECT_EQ(decoded->texts().at(4), "Штампы: 3/5 - ещё 2 до подарка");

    const testing::GrayImage png = testing::read_png_file(job + ".png");
    EXPECT_EQ(png.width, printer.profile().dots_per_line + 2 * kPreviewMargin) << name;
    const ZXing::Result zx = testing::zxing_decode(png);
    ASSERT_TRUE(zx.isValid()) << name;
    EXPECT_EQ(zx.text(), url);
    int rc = -1;
    EXPECT_EQ(testing::zbar_decode(job + ".png", &rc), std::vector<std::string>{url}) << name;
    EXPECT_EQ(rc, 0);
  }
  EXPECT_TRUE(std::filesystem::exists(folder + "/job-0001.bin"));
  EXPECT_TRUE(std::filesystem::exists(folder + "/job-0002.png"));
  // Nothing half-written is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    EXPECT_EQ(entry.path().extension().string().find(".part"), std::string::npos);
  }
}

TEST(VirtualPrinter, NumbersContinueAcrossRestartsAndRawJobsGetOnlyBytes) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string folder = dir.file("out");
  {
    VirtualPrinter printer(profile("xprinter-58"), folder);
    ASSERT_TRUE(printer.print(ReceiptDocument().text("one")).ok());
    EXPECT_EQ(printer.last_job(), folder + "/job-0001");
  }
  VirtualPrinter again(profile("xprinter-58"), folder);
  ASSERT_TRUE(again.print(ReceiptDocument().text("two")).ok());
  EXPECT_EQ(again.last_job(), folder + "/job-0002");
  const Bytes raw = read_all(folder + "/job-0001.bin");
  ASSERT_TRUE(again.send_job(raw).ok());  // a reprint of stored bytes
  EXPECT_EQ(again.last_job(), folder + "/job-0003");
  EXPECT_EQ(read_all(folder + "/job-0003.bin"), raw);
  EXPECT_FALSE(std::filesystem::exists(folder + "/job-0003.png"));

  auto status = again.status();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->ready());

  // A document the printer would refuse is refused here too, and leaves no files.
  EXPECT_FALSE(again.print(ReceiptDocument().text(std::string(33, 'x'))).ok());
  EXPECT_FALSE(std::filesystem::exists(folder + "/job-0004.bin"));
}

std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(VirtualPrinter, AFullDiskLeavesNoFilesAndSaysTryAgain) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string folder = dir.file("receipts");
  VirtualPrinter printer(profile("xprinter-58"), folder);
  // Raster QR codes: more bytes for the printer than for the preview, so
  // the preview fits where the job does not (a disk filling up mid-job).
  const std::string url = card_url();
  const ReceiptDocument doc = ReceiptDocument().qr(url).qr(url).qr(url);
  const auto bin = printer.encode(doc);
  const auto png = render_receipt_png(doc, printer.profile());
  ASSERT_TRUE(bin.ok() && png.ok());
  ASSERT_GT(bin->size(), png->size());
  ASSERT_TRUE(std::filesystem::create_directories(folder));
  // Room for neither file; for the preview only.
  for (const std::size_t room : {std::size_t{100}, png->size()}) {
    SCOPED_TRACE("room " + std::to_string(room) + ", bin " + std::to_string(bin->size()) +
                 ", png " + std::to_string(png->size()));
    Status printed = ok_status();
    Status raw = ok_status();
    {
      FileSizeLimit full(room);
      ASSERT_TRUE(full.ok());
      printed = printer.print(doc);
      raw = printer.send_job(*bin);
    }
    ASSERT_FALSE(printed.ok());
    EXPECT_EQ(printed.error().code(), ErrorCode::kUnavailable) << printed.error().message();
    ASSERT_FALSE(raw.ok());
    EXPECT_EQ(raw.error().code(), ErrorCode::kUnavailable) << raw.error().message();
    EXPECT_EQ(files_in(folder), std::vector<std::string>{});
  }
  // With room again, the job is job-0001: nothing was left to count.
  ASSERT_TRUE(printer.print(doc).ok());
  EXPECT_EQ(printer.last_job(), folder + "/job-0001");
  EXPECT_EQ(read_all(folder + "/job-0001.bin"), *bin);
}

TEST(VirtualPrinter, UnwritableFolderIsAnError) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::ofstream(dir.file("plain-file")).close();
  VirtualPrinter printer(profile("xprinter-58"), dir.file("plain-file/receipts"));
  const Status printed = printer.print(ReceiptDocument().text("x"));
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kIo);
  EXPECT_FALSE(printer.status().ok());
}

TEST(ReceiptPreview, DrawsTextAsPrintedWithoutMissingGlyphs) {
  // Everything CP866 prints (box drawing included) is in DejaVu Sans Mono:
  // a missing glyph would be an error, not a box.
  ReceiptDocument doc;
  doc.text("Съешь же ещё этих мягких булок");
  doc.text("№ 42 ░▒▓│┤╡ ≡ ± ≥ ≤ ÷ ≈ ° ∙ √ ■", {true, false, Align::kCenter});
  doc.text("☕ é ₽ €", {false, true, Align::kRight});
  doc.feed(2).cut();
  auto png = render_receipt_png(doc, profile("epson-tm-t88"));
  ASSERT_TRUE(png.ok()) << png.error().message();
  const testing::GrayImage image = testing::read_png(png->data(), png->size());
  EXPECT_EQ(image.width, 576 + 2 * kPreviewMargin);
  // 2 normal lines (24 px) + 1 double (48) + feed 2 (48) + cut space 2 (48) + margins.
  EXPECT_EQ(image.height, 24 + 24 + 48 + 48 + 48 + 2 * kPreviewMargin);
  // Each text band has ink; the feed band has none.
  const auto ink = [&](int top, int bottom) {
    int dark = 0;
    for (int y = top; y < bottom; ++y) {
      for (int x = 0; x < image.width; ++x) {
        dark += image.pixels[static_cast<std::size_t>(y * image.width + x)] < 128 ? 1 : 0;
      }
    }
    return dark;
  };
  const int m = kPreviewMargin;
  EXPECT_GT(ink(m, m + 24), 200);
  EXPECT_GT(ink(m + 24, m + 48), 200);
  EXPECT_GT(ink(m + 48, m + 96), 200);
  EXPECT_EQ(ink(m + 96, m + 144), 0);

  EXPECT_FALSE(
      render_receipt_png(ReceiptDocument().text(std::string(49, 'x')), profile("epson-tm-t88"))
          .ok());
}

}  // namespace
}  // namespace loyalpos::hardware
