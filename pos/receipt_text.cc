#include "pos/receipt_text.h"

#include "loyalty/messages.h"
#include "loyalty/money.h"
#include "pos/clock.h"

namespace loyalpos::pos {

namespace {

// Keeps at most `width` characters of a UTF-8 string.
std::string cut(const std::string& text, std::size_t width) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == width) return text.substr(0, i);
      ++chars;
    }
  }
  return text;
}

std::string centered(const std::string& text, int columns) {
  const auto width = static_cast<std::size_t>(columns);
  std::string shown = cut(text, width);
  const std::size_t pad = (width - display_width(shown)) / 2;
  return std::string(pad, ' ') + shown;
}

// Breaks text into lines of at most `columns` characters at spaces.
std::vector<std::string> wrap(const std::string& text, int columns) {
  std::vector<std::string> out;
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    while (display_width(word) > static_cast<std::size_t>(columns)) {
      if (!line.empty()) out.push_back(line), line.clear();
      std::string head = cut(word, static_cast<std::size_t>(columns));
      out.push_back(head);
      word = word.substr(head.size());
    }
    if (!line.empty() &&
        display_width(line) + 1 + display_width(word) > static_cast<std::size_t>(columns)) {
      out.push_back(line);
      line.clear();
    }
    if (!word.empty()) line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::size_t display_width(const std::string& utf8) {
  std::size_t chars = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  }
  return chars;
}

std::string two_columns(const std::string& left, const std::string& right, int columns) {
  const auto width = static_cast<std::size_t>(columns);
  const std::size_t right_width = display_width(right);
  if (right_width + 1 >= width) return cut(right, width);
  const std::size_t room = width - right_width - 1;
  std::string l = left;
  if (display_width(l) > room) l = cut(l, room - 1) + "…";
  return l + std::string(width - display_width(l) - right_width, ' ') + right;
}

std::vector<std::string> card_progress_lines(const CardHistory& card, const loyalty::Rules& rules) {
  std::vector<std::string> out;
  for (const auto& program : rules.stamp_programs) {
    loyalty::ProgramBalance balance{program.id, 0, 0, 0};
    for (const auto& b : card.balances) {
      if (b.program_id == program.id) balance = b;
    }
    out.push_back(loyalty::progress_text(program, balance, rules.language));
  }
  return out;
}

std::vector<std::string> receipt_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                       int columns, loyalty::Language language) {
  const bool ru = language == loyalty::Language::kRussian;
  const std::string paid_with =
      sale.payment == "cash" ? (ru ? "наличные" : "cash") : (ru ? "карта" : "card");
  const int exponent = terminal.currency.exponent;
  auto money = [&](std::int64_t minor) { return loyalty::format_minor_units(minor, exponent); };
  const std::string rule(static_cast<std::size_t>(columns), '-');
  std::vector<std::string> out;
  out.push_back(centered(terminal.store_name, columns));
  out.push_back(two_columns(local_time_text(sale.at),
                            (ru ? "Чек " : "Sale ") + std::to_string(sale.sale_id), columns));
  if (!sale.cashier.empty())
    out.push_back(
        cut((ru ? "Кассир: " : "Cashier: ") + sale.cashier, static_cast<std::size_t>(columns)));
  out.push_back(rule);
  for (const auto& line : sale.priced.lines) {
    const std::string qty =
        line.qty == 1 ? "" : std::to_string(line.qty) + " x " + money(line.product.price) + " ";
    out.push_back(two_columns(line.product.name, qty + money(line.gross), columns));
    for (const auto& d : line.discounts) {
      out.push_back(two_columns("  " + d.reason, "-" + money(d.amount), columns));
    }
  }
  out.push_back(rule);
  if (sale.priced.discount != 0) {
    out.push_back(two_columns(ru ? "Подытог" : "Subtotal", money(sale.priced.subtotal), columns));
    out.push_back(
        two_columns(ru ? "Скидка" : "Discount", "-" + money(sale.priced.discount), columns));
  }
  out.push_back(two_columns((ru ? "ИТОГО " : "TOTAL ") + terminal.currency.code,
                            money(sale.priced.total), columns));
  out.push_back(two_columns(ru ? "Оплата" : "Paid", paid_with, columns));
  if (!sale.priced.messages.empty()) {
    out.push_back(rule);
    for (const auto& text : sale.priced.messages) {
      for (auto& l : wrap(text, columns)) out.push_back(l);
    }
  }
  return out;
}

}  // namespace loyalpos::pos
