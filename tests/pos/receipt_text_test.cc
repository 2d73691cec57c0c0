#include "pos/ledger/receipt_text.h"

#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class ReceiptTextTest : public LedgerTest {};

TEST_F(ReceiptTextTest, ShowsItemsDiscountReasonsTotalsAndCardProgress) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 4}}, card).ok());
  auto sale = sell({{"SIMIT", 1}, {"COFFEE", 2}}, card);
  ASSERT_TRUE(sale.ok());
  const auto lines = receipt_lines(*sale, ledger_->terminal(), clock_.zone(), 48);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  EXPECT_NE(text.find("Simit"), std::string::npos) << text;
  EXPECT_NE(text.find("5th free — Pastry card"), std::string::npos) << text;
  EXPECT_NE(text.find("-90.00"), std::string::npos) << text;
  EXPECT_NE(text.find("2 x 170.00 340.00"), std::string::npos) << text;
  EXPECT_NE(text.find("TOTAL RUB"), std::string::npos) << text;
  EXPECT_NE(text.find("Pastry card 0/5 — 5 more for a free one"), std::string::npos) << text;
}

TEST_F(ReceiptTextTest, NoLineIsWiderThanThePaperEvenInCyrillic) {
  ASSERT_TRUE(
      ledger_
          ->import_products({{"LONG", "Очень длинное название пирожного с вишней и миндалём",
                              "pastry", 99999999, ""}})
          .ok());
  const Card card = new_card();
  auto sale = sell({{"LONG", 999}, {"CROISSANT", 4}}, card);
  ASSERT_TRUE(sale.ok()) << sale.error().message();
  for (int columns : {32, 42, 48}) {
    for (const auto& line : receipt_lines(*sale, ledger_->terminal(), clock_.zone(), columns)) {
      EXPECT_LE(display_width(line), static_cast<std::size_t>(columns)) << line;
    }
  }
}

TEST_F(ReceiptTextTest, SpeaksRussianWhenConfigured) {
  auto sale = sell({{"COFFEE", 1}}, std::nullopt, "card");
  ASSERT_TRUE(sale.ok());
  std::string text;
  for (const auto& l :
       receipt_lines(*sale, ledger_->terminal(), clock_.zone(), 32, loyalty::Language::kRussian)) {
    text += l + "\n";
    EXPECT_LE(display_width(l), 32u) << l;
  }
  EXPECT_NE(text.find("ИТОГО RUB"), std::string::npos) << text;
  EXPECT_NE(text.find("карта"), std::string::npos) << text;
}

TEST(TwoColumns, CutsTheLeftSideToFit) {
  EXPECT_EQ(two_columns("Tea", "80.00", 12), "Tea    80.00");
  EXPECT_EQ(two_columns("Пахлава с орехами", "180.00", 16), "Пахлава … 180.00");
  EXPECT_EQ(display_width(two_columns("Пахлава с орехами", "180.00", 16)), 16u);
}

}  // namespace
}  // namespace loyalpos::pos
