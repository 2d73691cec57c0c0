// A till ringing up a regular at the sample café through loyalpos/terminal.h:
//   till HOME
// opens the terminal in HOME (making it with the sample café the first time),
// issues a card and rings up its third visit of 2 croissants and a coffee, the
// visit whose fifth pastry is free, printing each sale's lines with their
// discounts and the card's progress. Exits 0, or 1 with the error.
#include <loyalpos/terminal.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

// Minor units as "150.00" for a two-digit currency.
std::string money(std::int64_t minor, int exponent) {
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  const std::int64_t whole = minor / scale;
  const std::int64_t part = (minor < 0 ? -minor : minor) % scale;
  char text[48];
  if (exponent == 0) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(whole));
  } else {
    std::snprintf(text, sizeof text, "%s%lld.%0*lld", minor < 0 && whole == 0 ? "-" : "",
                  static_cast<long long>(whole), exponent, static_cast<long long>(part));
  }
  return text;
}

int fail(const loyalpos::Error& error) {
  std::cerr << "till: " << error.message() << " (" << error.code_name() << ")\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: till HOME\n";
    return 2;
  }
  loyalpos::TerminalOptions options;
  options.home = argv[1];
  auto terminal = std::filesystem::exists(std::string(argv[1]) + "/ledger.db")
                      ? loyalpos::Terminal::open(options)
                      : loyalpos::Terminal::create(options, "Café", {"till"});
  if (!terminal.ok()) return fail(terminal.error());
  const int exponent = terminal->currency_exponent();

  auto card = terminal->issue_card();
  if (!card.ok()) return fail(card.error());
  std::cout << "Card " << card->token << "\n";

  loyalpos::Basket basket;
  basket.items = {{"CROISSANT", 2}, {"COFFEE", 1}};
  basket.card = card->url;  // as the scanner reads the card's QR
  for (int visit = 1; visit <= 3; ++visit) {
    auto sale = terminal->sell(basket, loyalpos::Payment::kCard);
    if (!sale.ok()) return fail(sale.error());
    std::cout << "Sale " << sale->sale_id << " (visit " << visit << ")\n";
    for (const auto& line : sale->lines) {
      std::cout << "  " << line.qty << " x " << line.name << "  " << money(line.gross, exponent)
                << "\n";
      for (const auto& reason : line.reasons) {
        std::cout << "    discount -" << money(line.discount, exponent) << "  " << reason << "\n";
      }
    }
    std::cout << "  Total " << money(sale->total, exponent) << " " << sale->currency << "\n";
    if (sale->card) {
      for (const auto& program : sale->card->programs) {
        std::cout << "  " << program.progress << "\n";
      }
    }
  }
  return 0;
}
