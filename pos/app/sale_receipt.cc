#include "pos/app/sale_receipt.h"

#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "pos/ledger/receipt_text.h"

namespace loyalpos::pos {

namespace {

constexpr hardware::TextStyle kCentred{false, false, hardware::Align::kCenter};

}  // namespace

ReceiptOptions receipt_options(const Config& config, bool reprint) {
  auto zone = store_time_zone(config.timezone);  // the config has checked the name
  return {config.rules.language, config.card_base_url, config.receipt_join_url, reprint,
          zone.ok() ? *zone : TimeZone::system()};
}

std::string receipt_qr_payload(const SaleRecord& sale, const ReceiptOptions& options) {
  if (sale.card) return loyalty::card_url(options.card_base_url, sale.card->card.token);
  return options.join_url;
}

hardware::ReceiptDocument sale_receipt(const SaleRecord& sale, const TerminalInfo& terminal,
                                       const ReceiptOptions& options,
                                       hardware::EscPosEncoder& encoder) {
  const Measure measure = [&encoder](const std::string& text) {
    auto width = encoder.printed_width(text);
    return width.ok() ? static_cast<std::size_t>(*width) : display_width(text);
  };
  const bool ru = options.language == loyalty::Language::kRussian;
  const int columns = encoder.profile().columns;
  const auto width = static_cast<std::size_t>(columns);

  hardware::ReceiptDocument doc;
  for (const auto& line : wrap_text(terminal.store_name, columns / 2, measure)) {
    doc.text(line, {true, true, hardware::Align::kCenter});
  }
  if (options.reprint) {
    doc.text(cut_to_width(ru ? "*** КОПИЯ ***" : "*** REPRINT ***", width, measure),
             {true, false, hardware::Align::kCenter});
  }
  for (auto& line :
       receipt_body_lines(sale, terminal, options.zone, columns, options.language, measure)) {
    doc.text(std::move(line));
  }
  const std::string qr = receipt_qr_payload(sale, options);
  if (!qr.empty()) {
    doc.feed(1);
    const std::string caption =
        sale.card ? (ru ? "Ваша карта лояльности" : "Your loyalty card")
                  : (ru ? "Станьте нашим постоянным гостем" : "Join our loyalty club");
    for (const auto& line : wrap_text(caption, columns, measure)) doc.text(line, kCentred);
    doc.qr(qr);
    if (sale.card) {
      // The code in readable text, for when the QR does not scan.
      for (const auto& line :
           wrap_text(loyalty::group_token(sale.card->card.token), columns, measure)) {
        doc.text(line, kCentred);
      }
    }
  }
  doc.feed(1);
  doc.cut();
  return doc;
}

}  // namespace loyalpos::pos
