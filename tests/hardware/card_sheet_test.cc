#include "hardware/card_sheet.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::TempDir;

std::vector<SheetCard> make_cards(int count) {
  std::vector<SheetCard> cards;
  for (int n = 0; n < count; ++n) {
    loyalty::CardId id;
    for (std::size_t i = 0; i < id.bytes.size(); ++i) {
      id.bytes[i] = static_cast<std::uint8_t>(n * 53 + static_cast<int>(i) * 29 + 7);
    }
    const std::string token = loyalty::encode_token(id);
    cards.push_back(
        {loyalty::card_url("https://loyal.example", token), loyalty::group_token(token)});
  }
  return cards;
}

std::set<std::string> urls_of(const std::vector<SheetCard>& cards, std::size_t from,
                              std::size_t to) {
  std::set<std::string> urls;
  for (std::size_t i = from; i < to && i < cards.size(); ++i) urls.insert(cards[i].url);
  return urls;
}

int page_count(const std::string& pdf) {
  for (const std::string& line :
       testing::lines(testing::run_command("pdfinfo '" + pdf + "'").out)) {
    if (line.rfind("Pages:", 0) == 0) return std::stoi(line.substr(6));
  }
  return -1;
}

// Renders one page at 150 dpi and returns what zbarimg finds on it.
std::set<std::string> scan_page(const TempDir& dir, const std::string& pdf, int page) {
  const std::string png = dir.file("page" + std::to_string(page));
  const std::string p = std::to_string(page);
  const auto r = testing::run_command("pdftoppm -r 150 -png -singlefile -f " + p + " -l " + p +
                                      " '" + pdf + "' '" + png + "'");
  EXPECT_EQ(r.exit_code, 0);
  const auto found = testing::zbar_decode(png + ".png");
  return {found.begin(), found.end()};
}

TEST(CardSheet, EveryCardOnThePageScansBackToItsUrl) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const auto cards = make_cards(3);
  const std::string pdf = dir.file("sheet.pdf");
  const Status status = write_card_sheet(cards, "Café Ёлка", pdf);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(page_count(pdf), 1);
  EXPECT_EQ(scan_page(dir, pdf, 1), urls_of(cards, 0, 3));

  // And an independent in-process decoder agrees.
  const auto image = testing::read_png_file(dir.file("page1.png"));
  ASSERT_GT(image.width, 1000);
  std::set<std::string> zxing;
  for (const auto& result : testing::zxing_decode_all(image)) zxing.insert(result.text());
  EXPECT_EQ(zxing, urls_of(cards, 0, 3));
}

TEST(CardSheet, PrintsShopNameAndGroupedCodeUnderEachQr) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const auto cards = make_cards(2);
  const std::string pdf = dir.file("sheet.pdf");
  ASSERT_TRUE(write_card_sheet(cards, "Café Ёлка", pdf).ok());
  const std::string text = testing::run_command("pdftotext -layout '" + pdf + "' -").out;
  EXPECT_NE(text.find("Café Ёлка"), std::string::npos) << text;
  for (const SheetCard& card : cards) {
    EXPECT_NE(text.find(card.token), std::string::npos) << text;
  }
}

TEST(CardSheet, MoreCardsThanAPageHoldsGoOnMorePages) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const auto cards = make_cards(kCardsPerSheetPage + 2);
  const std::string pdf = dir.file("sheet.pdf");
  ASSERT_TRUE(write_card_sheet(cards, "Bean There", pdf).ok());
  EXPECT_EQ(page_count(pdf), 2);
  EXPECT_EQ(scan_page(dir, pdf, 1), urls_of(cards, 0, kCardsPerSheetPage));
  EXPECT_EQ(scan_page(dir, pdf, 2), urls_of(cards, kCardsPerSheetPage, cards.size()));
}

TEST(CardSheet, ExactlyOnePageFullMakesNoBlankPage) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string pdf = dir.file("sheet.pdf");
  ASSERT_TRUE(write_card_sheet(make_cards(kCardsPerSheetPage), "Bean There", pdf).ok());
  EXPECT_EQ(page_count(pdf), 1);
}

TEST(CardSheet, CodeThatCannotBePrintedInFullIsAnErrorAndLeavesNoFile) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto cards = make_cards(2);
  cards[1].token = cards[1].token + cards[1].token;  // 56 symbols do not fit a card's width
  const std::string pdf = dir.file("sheet.pdf");
  const Status status = write_card_sheet(cards, "Shop", pdf);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("too long to print"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(pdf));
  EXPECT_FALSE(std::filesystem::exists(pdf + ".part"));
}

TEST(CardSheet, NoCardsOrAnUnwritablePathIsAnError) {
  EXPECT_EQ(write_card_sheet({}, "Shop", "/tmp/never.pdf").error().code(),
            ErrorCode::kInvalidInput);
  const Status status = write_card_sheet(make_cards(1), "Shop", "/nonexistent-dir/sheet.pdf");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace loyalpos::hardware

// Fontconfig loads its configuration once per process (on a Pango thread)
// and never frees it; LeakSanitizer reports that at exit. Not ours to fix.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
