#include "pos/ledger/receipt_text.h"

#include "loyalty/messages.h"
#include "loyalty/money.h"
#include "loyalty/points.h"
#include "pos/ledger/clock.h"

namespace loyalpos::pos {

namespace {

bool starts_char(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

std::string centered(const std::string& text, int columns) {
  const auto width = static_cast<std::size_t>(columns);
  std::string shown = cut_to_width(text, width);
  const std::size_t pad = (width - display_width(shown)) / 2;
  return std::string(pad, ' ') + shown;
}

}  // namespace

std::size_t display_width(const std::string& utf8) {
  std::size_t chars = 0;
  for (char c : utf8) {
    if (starts_char(c)) ++chars;
  }
  return chars;
}

std::string cut_to_width(const std::string& text, std::size_t width, const Measure& measure) {
  if (measure(text) <= width) return text;
  // Grows the kept prefix one character at a time: widths are not additive
  // in every table ("₽" may print as two columns).
  std::size_t kept = 0;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i < text.size() && !starts_char(text[i])) continue;
    if (measure(text.substr(0, i)) > width) break;
    kept = i;
  }
  return text.substr(0, kept);
}

std::vector<std::string> wrap_text(const std::string& text, int columns, const Measure& measure) {
  const auto width = static_cast<std::size_t>(columns);
  std::vector<std::string> out;
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    while (measure(word) > width) {
      if (!line.empty()) out.push_back(line), line.clear();
      std::string head = cut_to_width(word, width, measure);
      if (head.empty()) break;  // a single character wider than the line: give up on it
      out.push_back(head);
      word = word.substr(head.size());
    }
    if (!line.empty() && measure(line + " " + word) > width) {
      out.push_back(line);
      line.clear();
    }
    if (!word.empty() && measure(word) <= width) line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

std::string two_columns(const std::string& left, const std::string& right, int columns,
                        const Measure& measure) {
  const auto width = static_cast<std::size_t>(columns);
  const std::size_t right_width = measure(right);
  if (right_width + 1 >= width) return cut_to_width(right, width, measure);
  const std::size_t room = width - right_width - 1;
  std::string l = left;
  if (measure(l) > room) {
    const std::size_t ellipsis = measure("…");
    l = ellipsis < room ? cut_to_width(l, room - ellipsis, measure) + "…"
                        : cut_to_width(l, room, measure);
  }
  const std::size_t used = measure(l) + right_width;
  return l + std::string(used < width ? width - used : 1, ' ') + right;
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
  for (const auto& program : rules.points_programs) {
    loyalty::ProgramBalance balance{program.id, 0, 0, 0};
    for (const auto& b : card.balances) {
      if (b.program_id == program.id) balance = b;
    }
    out.push_back(loyalty::points_progress_text(program, balance, rules.language));
  }
  return out;
}

std::vector<std::string> receipt_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                       const TimeZone& zone, int columns,
                                       loyalty::Language language) {
  std::vector<std::string> out{centered(terminal.store_name, columns)};
  for (auto& line : receipt_body_lines(sale, terminal, zone, columns, language)) {
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> receipt_body_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                            const TimeZone& zone, int columns,
                                            loyalty::Language language, const Measure& measure) {
  const bool ru = language == loyalty::Language::kRussian;
  const std::string paid_with =
      sale.payment == "cash" ? (ru ? "наличные" : "cash") : (ru ? "карта" : "card");
  const int exponent = terminal.currency.exponent;
  auto money = [&](std::int64_t minor) { return loyalty::format_minor_units(minor, exponent); };
  auto pair = [&](const std::string& left, const std::string& right) {
    return two_columns(left, right, columns, measure);
  };
  const std::string rule(static_cast<std::size_t>(columns), '-');
  std::vector<std::string> out;
  out.push_back(
      pair(local_time_text(zone, sale.at), (ru ? "Чек " : "Sale ") + std::to_string(sale.sale_id)));
  if (!sale.cashier.empty()) {
    out.push_back(cut_to_width((ru ? "Кассир: " : "Cashier: ") + sale.cashier,
                               static_cast<std::size_t>(columns), measure));
  }
  out.push_back(rule);
  for (const auto& line : sale.priced.lines) {
    const std::string qty =
        line.qty == 1 ? "" : std::to_string(line.qty) + " x " + money(line.product.price) + " ";
    out.push_back(pair(line.product.name, qty + money(line.gross)));
    for (const auto& d : line.discounts)
      out.push_back(pair("  " + d.reason, "-" + money(d.amount)));
  }
  out.push_back(rule);
  if (sale.priced.discount != 0) {
    out.push_back(pair(ru ? "Подытог" : "Subtotal", money(sale.priced.subtotal)));
    out.push_back(pair(ru ? "Скидка" : "Discount", "-" + money(sale.priced.discount)));
  }
  out.push_back(
      pair((ru ? "ИТОГО " : "TOTAL ") + terminal.currency.code, money(sale.priced.total)));
  out.push_back(pair(ru ? "Оплата" : "Paid", paid_with));
  // The journal position and sign: `loyalpos audit --receipt N SIGN` checks
  // this paper against the ledger.
  if (sale.journal_seq > 0) {
    out.push_back(pair(ru ? "Журнал" : "Journal",
                       "№ " + std::to_string(sale.journal_seq) + " · " + sale.journal_sign));
  }
  if (!sale.priced.messages.empty()) {
    out.push_back(rule);
    for (const auto& text : sale.priced.messages) {
      for (auto& l : wrap_text(text, columns, measure)) out.push_back(l);
    }
  }
  return out;
}

}  // namespace loyalpos::pos
