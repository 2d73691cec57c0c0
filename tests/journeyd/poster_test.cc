// `journeyd poster` run as a command: the PDF it writes holds one QR that
// two independent readers (pdftoppm + zbarimg, and ZXing in-process) decode
// to exactly PUBLIC_URL/join?src=NAME; bad input is exit 2 and I/O exit 1,
// and neither writes anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/hardware/test_support.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

namespace fs = std::filesystem;
namespace hw = hardware::testing;

class PosterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    dir_ = tmp_.file("data");
    out_ = tmp_.file("out");
    fs::create_directory(out_);
    // A trailing '/' on the public URL does not double the join link's.
    const CommandRun init = run_journeyd({"init", "--data", dir_, "--listen", "127.0.0.1:0",
                                          "--public-url", "https://loyal.example:8443/"});
    ASSERT_EQ(init.status, 0) << init.out;
  }

  // What zbarimg reads on the page at 100 dpi, checked against ZXing.
  std::string code_on(const std::string& pdf) {
    const std::string png = tmp_.file("page");
    EXPECT_EQ(
        hw::run_command("pdftoppm -r 100 -png -singlefile '" + pdf + "' '" + png + "'").exit_code,
        0);
    const auto zbar = hw::zbar_decode(png + ".png");
    const auto zxing = hw::zxing_decode_all(hw::read_png_file(png + ".png"));
    EXPECT_EQ(zbar.size(), 1u);
    EXPECT_EQ(zxing.size(), 1u);
    if (zbar.size() != 1 || zxing.size() != 1) return "";
    EXPECT_EQ(zxing[0].text(), zbar[0]);
    return zbar[0];
  }

  // Line breaks as spaces: the texts wrap where the page ends.
  std::string pdf_text(const std::string& pdf) {
    std::string text = hw::run_command("pdftotext '" + pdf + "' -").out;
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
  }

  loyalpos::testing::TempDir tmp_{"journeyd-poster"};
  std::string dir_;
  std::string out_;
};

TEST_F(PosterTest, AnA4PosterScansToTheJoinLinkOfItsSource) {
  const std::string pdf = out_ + "/window.pdf";
  const CommandRun r =
      run_journeyd({"poster", "--data", dir_, "--src", "Window-poster_1", "--out", pdf});
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("https://loyal.example:8443/join?src=Window-poster_1"), std::string::npos)
      << r.out;
  EXPECT_EQ(code_on(pdf), "https://loyal.example:8443/join?src=Window-poster_1");
  EXPECT_NE(hw::run_command("pdfinfo '" + pdf + "'").out.find("(A4)"), std::string::npos);
  const std::string text = pdf_text(pdf);
  for (const char* want :
       {"Get your loyalty card", "Получите карту лояльности", "Scan the code with your phone",
        "Наведите камеру телефона", "https://loyal.example:8443/join?src=Window-poster_1"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in\n" << text;
  }
}

TEST_F(PosterTest, AnA5PosterWithItsOwnTitle) {
  const std::string pdf = out_ + "/flyer.pdf";
  const CommandRun r = run_journeyd({"poster", "--data", dir_, "--src", "flyer.station", "--size",
                                     "A5", "--title", "Кофе на вокзале", "--out", pdf});
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("(A5)"), std::string::npos) << r.out;
  EXPECT_EQ(code_on(pdf), "https://loyal.example:8443/join?src=flyer.station");
  EXPECT_NE(hw::run_command("pdfinfo '" + pdf + "'").out.find("419.528 x 595.276 pts"),
            std::string::npos);
  const std::string text = pdf_text(pdf);
  EXPECT_NE(text.find("Кофе на вокзале"), std::string::npos) << text;
  EXPECT_EQ(text.find("Get your loyalty card"), std::string::npos) << text;
}

TEST_F(PosterTest, BadInputIsExit2AndWritesNothing) {
  const std::string pdf = out_ + "/poster.pdf";
  struct Case {
    std::vector<std::string> extra;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--src", "window poster"}, "--src \"window poster\" is not a join source"},
      {{"--src", "a/b"}, "is not a join source"},
      {{"--src", std::string(65, 'x')}, "is not a join source"},
      {{"--src", "ok", "--size", "a3"}, "--size must be a4 or a5, not \"a3\""},
      {{"--src", "ok", "--title", ""}, "--title must be"},
      {{"--src", "ok", "--title", "\xff"}, "--title must be"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"poster", "--data", dir_, "--out", pdf};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const CommandRun r = run_journeyd(args);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.out.rfind("journeyd: ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
  }
  EXPECT_TRUE(fs::is_empty(out_));
}

TEST_F(PosterTest, AnUnwritableOutIsExit1AndWritesNothing) {
  CommandRun r = run_journeyd(
      {"poster", "--data", dir_, "--src", "window", "--out", out_ + "/missing/poster.pdf"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("no such folder"), std::string::npos) << r.out;
  r = run_journeyd({"poster", "--data", dir_, "--src", "window", "--out", out_});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("it is a folder"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(out_));
  // No data folder: nothing to read the public URL from.
  r = run_journeyd(
      {"poster", "--data", tmp_.file("nowhere"), "--src", "window", "--out", out_ + "/poster.pdf"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("run journeyd init first"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(out_));
}

}  // namespace
}  // namespace loyalpos::journeyd
