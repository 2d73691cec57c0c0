#include "hardware/poster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::TempDir;

const std::string kUrl = "https://loyal.example:8443/join?src=Window-poster_2";

Poster make_poster(PaperSize size) {
  return {size, "Get your loyalty card\nПолучите карту лояльности",
          "Scan the code with your phone's camera. / Наведите камеру телефона на код.", kUrl};
}

std::string pdfinfo(const std::string& pdf) {
  return testing::run_command("pdfinfo '" + pdf + "'").out;
}

// The page at `dpi` as PNG; zbarimg's and ZXing's readings of it must agree.
std::string only_code_on_page(const TempDir& dir, const std::string& pdf, int dpi) {
  const std::string png = dir.file("page-" + std::to_string(dpi));
  const auto r = testing::run_command("pdftoppm -r " + std::to_string(dpi) + " -png -singlefile '" +
                                      pdf + "' '" + png + "'");
  EXPECT_EQ(r.exit_code, 0);
  const auto zbar = testing::zbar_decode(png + ".png");
  EXPECT_EQ(zbar.size(), 1u);
  const auto zxing = testing::zxing_decode_all(testing::read_png_file(png + ".png"));
  EXPECT_EQ(zxing.size(), 1u);
  if (zbar.size() != 1 || zxing.size() != 1) return "";
  EXPECT_EQ(zxing[0].text(), zbar[0]);
  return zbar[0];
}

TEST(Poster, A4PosterHoldsOneQrOfExactlyTheLink) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string pdf = dir.file("poster.pdf");
  const Status status = write_poster(make_poster(PaperSize::kA4), pdf);
  ASSERT_TRUE(status.ok()) << status.error().message();
  const std::string info = pdfinfo(pdf);
  EXPECT_NE(info.find("Pages:           1\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Page size:       595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  EXPECT_NE(info.find("Get your loyalty card Получите карту лояльности"), std::string::npos)
      << info;
  EXPECT_EQ(only_code_on_page(dir, pdf, 100), kUrl);
}

TEST(Poster, A5PosterScansToo) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string pdf = dir.file("poster.pdf");
  ASSERT_TRUE(write_poster(make_poster(PaperSize::kA5), pdf).ok());
  // 148 x 210 mm
  EXPECT_NE(pdfinfo(pdf).find("Page size:       419.528 x 595.276 pts"), std::string::npos)
      << pdfinfo(pdf);
  EXPECT_EQ(only_code_on_page(dir, pdf, 100), kUrl);
}

TEST(Poster, PrintsTheTitleTheInstructionAndTheLink) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string pdf = dir.file("poster.pdf");
  ASSERT_TRUE(write_poster(make_poster(PaperSize::kA4), pdf).ok());
  const std::string raw = testing::run_command("pdftotext '" + pdf + "' -").out;
  // Each line of the title on one line: the font shrinks rather than wrap it.
  EXPECT_NE(raw.find("Get your loyalty card\nПолучите карту лояльности\n"), std::string::npos)
      << raw;
  // Line breaks as spaces: the instruction wraps where the page ends.
  std::string text = raw;
  std::replace(text.begin(), text.end(), '\n', ' ');
  for (const char* want : {"Get your loyalty card", "Получите карту лояльности",
                           "Наведите камеру телефона на код", kUrl.c_str()}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in\n" << text;
  }
}

TEST(Poster, TextsThatLeaveNoRoomForTheQrAreRefusedAndWriteNothing) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Poster poster = make_poster(PaperSize::kA5);
  for (int i = 0; i < 12; ++i) poster.title += "\nOne more line of title";
  const std::string pdf = dir.file("poster.pdf");
  const Status status = write_poster(poster, pdf);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.error().message().find("too small to scan"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Poster, BadTextsAndUnwritablePathsAreErrors) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string pdf = dir.file("poster.pdf");
  Poster poster = make_poster(PaperSize::kA4);
  poster.title = "";
  EXPECT_EQ(write_poster(poster, pdf).error().code(), ErrorCode::kInvalidInput);
  poster = make_poster(PaperSize::kA4);
  poster.title = "\xff\xfe";
  EXPECT_EQ(write_poster(poster, pdf).error().code(), ErrorCode::kInvalidInput);
  poster = make_poster(PaperSize::kA4);
  poster.url = std::string(3000, 'x');
  EXPECT_EQ(write_poster(poster, pdf).error().code(), ErrorCode::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(pdf));

  const Status missing = write_poster(make_poster(PaperSize::kA4), dir.file("no/such/poster.pdf"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kIo);
  const Status folder = write_poster(make_poster(PaperSize::kA4), dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code(), ErrorCode::kIo);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace loyalpos::hardware
