#include "pos/app/sale_receipt.h"

#include "loyalty/scan_input.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;

class SaleReceiptTest : public LedgerTest {
 protected:
  hardware::EscPosEncoder encoder(const std::string& profile_name) {
    auto profile = builtin_profile(profile_name);
    EXPECT_TRUE(profile.ok());
    auto made = hardware::EscPosEncoder::create(*profile);
    EXPECT_TRUE(made.ok());
    return std::move(*made);
  }

  // Every text line as the paper shows it, checked against the columns.
  std::vector<std::string> texts(const hardware::ReceiptDocument& doc,
                                 hardware::EscPosEncoder& enc) {
    std::vector<std::string> out;
    for (const auto& block : doc.blocks()) {
      const auto* text = std::get_if<hardware::TextBlock>(&block);
      if (text == nullptr) continue;
      const int room = enc.profile().columns / (text->style.double_size ? 2 : 1);
      auto width = enc.printed_width(text->text);
      EXPECT_TRUE(width.ok());
      EXPECT_LE(*width, room) << "\"" << text->text << "\" is too wide";
      out.push_back(text->text);
    }
    EXPECT_TRUE(enc.encode(doc).ok());
    return out;
  }

  static std::vector<std::string> qrs(const hardware::ReceiptDocument& doc) {
    std::vector<std::string> out;
    for (const auto& block : doc.blocks()) {
      if (const auto* qr = std::get_if<hardware::QrBlock>(&block)) out.push_back(qr->payload);
    }
    return out;
  }

  static bool has(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(SaleReceiptTest, ACardSaleFitsEveryProfileAndCarriesTheCardLink) {
  const Card card = new_card();
  ASSERT_TRUE(sell({{"CROISSANT", 4}}, card).ok());
  auto sale = sell({{"ECLAIR", 1}, {"COFFEE", 2}}, card, "card");  // the 5th pastry is free
  ASSERT_TRUE(sale.ok());
  for (const char* name : {"xprinter-58", "epson-tm-t88", "generic-80"}) {
    auto enc = encoder(name);
    const auto doc = sale_receipt(*sale, ledger_->terminal(), receipt_options(config_), enc);
    const auto lines = texts(doc, enc);
    EXPECT_EQ(qrs(doc),
              std::vector<std::string>{loyalty::card_url(config_.card_base_url, card.token)});
    EXPECT_TRUE(has(lines, "TOTAL RUB")) << name;
    EXPECT_TRUE(has(lines, "5th free")) << name;         // the discount and its reason
    EXPECT_TRUE(has(lines, "2 x 170.00")) << name;       // qty and price
    EXPECT_TRUE(has(lines, "Pastry card 0/5")) << name;  // the card's progress
    EXPECT_FALSE(has(lines, "REPRINT")) << name;
  }
}

TEST_F(SaleReceiptTest, RussianLabelsAndTheJoinLinkWithoutACard) {
  config_.rules.language = loyalty::Language::kRussian;
  config_.receipt_join_url = "https://loyal.example/join";
  auto sale = sell({{"BAKLAVA", 2}, {"TEA", 1}});
  ASSERT_TRUE(sale.ok());
  for (const char* name : {"xprinter-58", "epson-tm-t88"}) {
    auto enc = encoder(name);
    auto options = receipt_options(config_, true);
    const auto doc = sale_receipt(*sale, ledger_->terminal(), options, enc);
    const auto lines = texts(doc, enc);
    EXPECT_TRUE(has(lines, "ИТОГО RUB")) << name;
    EXPECT_TRUE(has(lines, "Оплата")) << name;
    EXPECT_TRUE(has(lines, "КОПИЯ")) << name;
    EXPECT_EQ(qrs(doc), std::vector<std::string>{"https://loyal.example/join"});
  }
  config_.receipt_join_url.clear();
  auto enc = encoder("xprinter-58");
  EXPECT_TRUE(qrs(sale_receipt(*sale, ledger_->terminal(), receipt_options(config_), enc)).empty());
}

TEST_F(SaleReceiptTest, LongNamesAndTheRoubleSignAreCutToThePrintedWidth) {
  // CP866 prints ₽ as "р." (two columns): a line measured in characters would overflow.
  auto sale = sell({{"COFFEE", 1}});
  ASSERT_TRUE(sale.ok());
  sale->priced.lines[0].product.name =
      std::string(40, 'X') + " ₽₽₽ Очень длинное название";
  sale->priced.messages.push_back("₽ " + std::string(60, 'y') +
                                  " ₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽"
                                  "₽₽₽₽₽₽₽₽₽");
  TerminalInfo terminal = ledger_->terminal();
  terminal.store_name =
      "Кофейня ₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽₽";
  for (const char* name : {"xprinter-58", "epson-tm-t88"}) {
    auto enc = encoder(name);
    texts(sale_receipt(*sale, terminal, receipt_options(config_), enc), enc);
  }
}

}  // namespace
}  // namespace loyalpos::pos
