#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "hardware/png_writer.h"
#include "hardware/qr_code.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::GrayImage;
using testing::TempDir;

std::string sample_url(std::uint8_t seed = 3) {
  loyalty::CardId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(seed * 37 + i * 11);
  }
  return loyalty::card_url("https://loyal.example", loyalty::encode_token(id));
}

QrMatrix encode_ok(const std::string& text, const QrOptions& options = {}) {
  auto qr = encode_qr(text, options);
  EXPECT_TRUE(qr.ok()) << (qr.ok() ? "" : qr.error().message());
  return qr.ok() ? *qr : QrMatrix{};
}

GrayImage png_image(const QrMatrix& qr, int scale) {
  auto png = qr_png(qr, scale);
  EXPECT_TRUE(png.ok());
  if (!png.ok()) return {};
  return testing::read_png(png->data(), png->size());
}

TEST(QrCode, CardUrlFitsVersion3InAlphanumericMode) {
  const std::string url = sample_url();
  ASSERT_EQ(url.size(), 52u);
  EXPECT_TRUE(fits_qr_alphanumeric(url));
  EXPECT_FALSE(fits_qr_alphanumeric("https://loyal.example"));
  EXPECT_EQ(encode_ok(url, {QrErrorCorrection::kMedium, 0}).size, 29);  // version 3
  EXPECT_EQ(encode_ok(url).size, 29 + 2 * 4);
}

TEST(QrCode, QuietZoneIsLightAndFinderPatternsAreDark) {
  const QrMatrix qr = encode_ok(sample_url());
  ASSERT_EQ(qr.dark.size(), static_cast<std::size_t>(qr.size * qr.size));
  for (int i = 0; i < qr.size; ++i) {
    for (int q = 0; q < 4; ++q) {
      EXPECT_FALSE(qr.is_dark(i, q));
      EXPECT_FALSE(qr.is_dark(i, qr.size - 1 - q));
      EXPECT_FALSE(qr.is_dark(q, i));
      EXPECT_FALSE(qr.is_dark(qr.size - 1 - q, i));
    }
  }
  // Top-left finder: 7x7 dark ring around a light ring around a 3x3 dark core.
  EXPECT_TRUE(qr.is_dark(4, 4));
  EXPECT_TRUE(qr.is_dark(10, 10));
  EXPECT_FALSE(qr.is_dark(5, 5));
  EXPECT_TRUE(qr.is_dark(7, 7));
  EXPECT_TRUE(std::all_of(qr.dark.begin(), qr.dark.end(), [](std::uint8_t d) { return d <= 1; }));
}

TEST(QrPng, DecodesInProcessWithZxing) {
  const std::string url = sample_url();
  const GrayImage image = png_image(encode_ok(url), 8);
  ASSERT_EQ(image.width, 37 * 8);
  ASSERT_EQ(image.height, 37 * 8);
  const ZXing::Result result = testing::zxing_decode(image);
  ASSERT_TRUE(result.isValid());
  EXPECT_EQ(result.text(), url);
  EXPECT_EQ(result.ecLevel(), "M");
}

TEST(QrPng, EveryErrorCorrectionLevelDecodes) {
  const std::string url = sample_url(9);
  const std::pair<QrErrorCorrection, const char*> levels[] = {{QrErrorCorrection::kLow, "L"},
                                                              {QrErrorCorrection::kMedium, "M"},
                                                              {QrErrorCorrection::kQuartile, "Q"},
                                                              {QrErrorCorrection::kHigh, "H"}};
  for (const auto& [level, name] : levels) {
    const ZXing::Result result = testing::zxing_decode(png_image(encode_ok(url, {level, 4}), 4));
    ASSERT_TRUE(result.isValid()) << name;
    EXPECT_EQ(result.text(), url);
    EXPECT_EQ(result.ecLevel(), name);
  }
}

TEST(QrPng, FileDecodesWithZbarimgToExactlyTheUrl) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (int seed : {1, 2, 3}) {
    const std::string url = sample_url(static_cast<std::uint8_t>(seed));
    const std::string path = dir.file("card-" + std::to_string(seed) + ".png");
    ASSERT_TRUE(write_qr_png(encode_ok(url), path).ok());
    int rc = -1;
    EXPECT_EQ(testing::zbar_decode(path, &rc), std::vector<std::string>{url});
    EXPECT_EQ(rc, 0);
  }
}

TEST(QrPng, MixedCaseTextKeepsItsCase) {
  const std::string text = "https://Loyal.example/c/abc?x=Y";
  EXPECT_FALSE(fits_qr_alphanumeric(text));
  const ZXing::Result result = testing::zxing_decode(png_image(encode_ok(text), 6));
  ASSERT_TRUE(result.isValid());
  EXPECT_EQ(result.text(), text);

  TempDir dir;
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(write_qr_png(encode_ok(text), dir.file("mixed.png"), 6).ok());
  EXPECT_EQ(testing::zbar_decode(dir.file("mixed.png")), std::vector<std::string>{text});
}

TEST(QrCode, BadInputIsAnError) {
  EXPECT_EQ(encode_qr("").error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(encode_qr(std::string("A\0B", 3)).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(encode_qr("ABC", {QrErrorCorrection::kMedium, -1}).error().code(),
            ErrorCode::kInvalidInput);
  auto too_long = encode_qr(std::string(2400, 'x'));  // > 2331 bytes at level M
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("too long"), std::string::npos);
  EXPECT_TRUE(encode_qr(std::string(2300, 'x')).ok());
}

TEST(QrPng, BadArgumentsAndUnwritablePathsAreErrors) {
  const QrMatrix qr = encode_ok("HELLO");
  EXPECT_EQ(qr_png(qr, 0).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(qr_png(qr, kMaxPngScale + 1).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(qr_png(QrMatrix{}, 8).error().code(), ErrorCode::kInvalidInput);
  auto status = write_qr_png(qr, "/nonexistent-dir/qr.png");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIo);
  EXPECT_NE(status.error().message().find("/nonexistent-dir/qr.png"), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::hardware
