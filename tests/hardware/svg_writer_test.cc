#include "hardware/svg_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "hardware/qr_code.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::TempDir;

constexpr const char* kUrl = "HTTPS://LOYAL.EXAMPLE/C/0Q1Z8Y9JZ0NB2VNK4SMM6TT9XG3J";

std::string svg_of(const QrMatrix& qr) {
  auto svg = qr_svg(qr);
  EXPECT_TRUE(svg.ok());
  return svg.ok() ? *svg : std::string();
}

// Reads the one path's "M x y h n v1 h -n z" runs back into a module matrix.
QrMatrix matrix_from_svg(const std::string& svg, int size) {
  QrMatrix out{size, std::vector<std::uint8_t>(static_cast<std::size_t>(size * size), 0)};
  const std::regex path_re("<path [^>]*d=\"([^\"]*)\"");
  std::smatch path;
  if (!std::regex_search(svg, path, path_re)) return {};
  const std::string d = path[1];
  const std::regex run_re("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  std::size_t consumed = 0;
  for (auto it = std::sregex_iterator(d.begin(), d.end(), run_re); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    if (static_cast<std::size_t>(m.position()) != consumed || m[3] != m[4]) return {};
    consumed += static_cast<std::size_t>(m.length());
    const int x = std::stoi(m[1]);
    const int y = std::stoi(m[2]);
    const int run = std::stoi(m[3]);
    for (int k = 0; k < run; ++k) {
      if (x + k >= size || y >= size) return {};
      out.dark[static_cast<std::size_t>(y * size + x + k)] += 1;  // overlaps would show as 2
    }
  }
  if (consumed != d.size()) return {};
  return out;
}

// An independent XML parser (python3 is in scripts/setup; xmllint is not).
std::string xml_check(const std::string& path) {
  return "python3 -c 'import sys, xml.dom.minidom as m; "
         "d = m.parse(sys.argv[1]); sys.exit(d.documentElement.tagName != \"svg\")' '" +
         path + "'";
}

TEST(QrSvg, IsWellFormedXml) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("qr.svg");
  std::ofstream(path) << svg_of(*encode_qr(kUrl));
  EXPECT_EQ(testing::run_command(xml_check(path)).exit_code, 0);
  std::ofstream(path) << "<svg><path></svg>";  // the check can fail
  EXPECT_NE(testing::run_command(xml_check(path)).exit_code, 0);
}

TEST(QrSvg, HasOnePathCoveringExactlyTheDarkModules) {
  const QrMatrix qr = *encode_qr(kUrl);
  const std::string svg = svg_of(qr);
  EXPECT_NE(svg.find("viewBox=\"0 0 37 37\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"296\""), std::string::npos);
  std::size_t paths = 0;
  for (auto pos = svg.find("<path"); pos != std::string::npos; pos = svg.find("<path", pos + 1)) {
    ++paths;
  }
  EXPECT_EQ(paths, 1u);
  const QrMatrix back = matrix_from_svg(svg, qr.size);
  ASSERT_EQ(back.size, qr.size);
  EXPECT_EQ(back.dark, qr.dark);
}

TEST(QrSvg, PathRasterizedBackDecodesToTheUrl) {
  const QrMatrix back = matrix_from_svg(svg_of(*encode_qr(kUrl)), 37);
  ASSERT_EQ(back.size, 37);
  constexpr int kScale = 4;
  testing::GrayImage image{37 * kScale, 37 * kScale,
                           std::vector<std::uint8_t>(37 * kScale * 37 * kScale, 0xFF)};
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (back.is_dark(x / kScale, y / kScale)) {
        image.pixels[static_cast<std::size_t>(y * image.width + x)] = 0;
      }
    }
  }
  const ZXing::Result result = testing::zxing_decode(image);
  ASSERT_TRUE(result.isValid());
  EXPECT_EQ(result.text(), kUrl);
}

TEST(QrSvg, BadArgumentsAreErrors) {
  EXPECT_FALSE(qr_svg(QrMatrix{}).ok());
  EXPECT_FALSE(qr_svg(*encode_qr("A"), 0).ok());
}

}  // namespace
}  // namespace loyalpos::hardware
