#include "pos/terminal/convert.h"

#include "loyalty/messages.h"
#include "loyalty/points.h"
#include "loyalty/scan_input.h"

namespace loyalpos::pos {

namespace {

loyalty::ProgramBalance balance_of(const CardHistory& card, const std::string& program_id) {
  for (const auto& b : card.balances) {
    if (b.program_id == program_id) return b;
  }
  return {program_id, 0, 0, 0};
}

}  // namespace

// The same figures as `loyalpos card show --json` (pos/ledger/json_output.cc).
loyalpos::Card public_card(const CardHistory& card, const loyalty::Rules& rules,
                           const std::string& base_url) {
  loyalpos::Card out;
  out.token = card.card.token;
  out.card_id = card.card.card_id;
  out.url = loyalty::card_url(base_url, card.card.token);
  out.issued_at = card.card.issued_at;
  out.visits = card.visits;
  out.first_visit = card.first_visit;
  out.last_visit = card.last_visit;
  out.stage = card.stage;
  out.tier = card.tier;
  out.referrer = card.card.referrer;
  for (const auto& program : rules.stamp_programs) {
    const auto balance = balance_of(card, program.id);
    out.programs.push_back({program.id, program.name,
                            program.mode == loyalty::RewardMode::kBank ? "bank" : "apply_now",
                            balance.stamps, program.every, balance.rewards,
                            loyalty::progress_text(program, balance, rules.language)});
  }
  // A points card's balance is kept in `stamps` like a stamp card's.
  for (const auto& program : rules.points_programs) {
    const auto balance = balance_of(card, program.id);
    out.programs.push_back({program.id, program.name, "points", balance.stamps, program.threshold,
                            balance.stamps > 0 ? balance.stamps / program.threshold : 0,
                            loyalty::points_progress_text(program, balance, rules.language)});
  }
  return out;
}

loyalpos::Quote public_quote(const loyalty::PricedBasket& priced, const std::string& currency) {
  loyalpos::Quote out;
  for (const auto& line : priced.lines) {
    loyalpos::Line l;
    l.sku = line.product.sku;
    l.name = line.product.name;
    l.qty = line.qty;
    l.unit_price = line.product.price;
    l.gross = line.gross;
    l.discount = line.discount;
    for (const auto& d : line.discounts) l.reasons.push_back(d.reason);
    out.lines.push_back(std::move(l));
  }
  out.subtotal = priced.subtotal;
  out.discount = priced.discount;
  out.total = priced.total;
  out.currency = currency;
  out.promotions = priced.promotions_applied;
  out.messages = priced.messages;
  return out;
}

loyalpos::Sale public_sale(const SaleRecord& record, const TerminalInfo& terminal,
                           const loyalty::Rules& rules, const std::string& base_url) {
  loyalpos::Sale out;
  static_cast<loyalpos::Quote&>(out) = public_quote(record.priced, terminal.currency.code);
  out.sale_id = record.sale_id;
  out.at = record.at;
  out.payment = record.payment == "card" ? loyalpos::Payment::kCard : loyalpos::Payment::kCash;
  if (record.card) out.card = public_card(*record.card, rules, base_url);
  out.journal_seq = record.journal_seq;
  out.journal_sign = record.journal_sign;
  return out;
}

loyalpos::Refund public_refund(const RefundRecord& record, const TerminalInfo& terminal,
                               const loyalty::Rules& rules, const std::string& base_url) {
  loyalpos::Refund out;
  out.sale_id = record.sale_id;
  out.amount = record.amount;
  out.currency = terminal.currency.code;
  out.stamps_taken_back = record.stamps_taken_back;
  out.rewards_given_back = record.rewards_given_back;
  out.complete = record.complete;
  for (const auto& line : record.lines) {
    out.lines.push_back({line.line, line.sku, line.name, line.qty, line.amount});
  }
  if (record.card) out.card = public_card(*record.card, rules, base_url);
  return out;
}

loyalpos::DayReport public_report(const pos::DayReport& report, const TerminalInfo& terminal) {
  loyalpos::DayReport out;
  out.date = report.date;
  out.currency = terminal.currency.code;
  out.sales = report.sales;
  out.revenue = report.revenue;
  out.discounts = report.discounts;
  out.stamps_given = report.stamps_given;
  out.rewards_redeemed = report.rewards_redeemed;
  out.refunds = report.refunds;
  out.refunded = report.refunded;
  out.net = report.revenue - report.refunded;
  for (const auto& [method, totals] : report.by_payment) {
    out.by_payment[method] = {totals.sales, totals.revenue};
  }
  return out;
}

std::string hex(const Hash& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

}  // namespace loyalpos::pos
