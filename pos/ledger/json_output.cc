#include "pos/ledger/json_output.h"

#include "loyalty/messages.h"
#include "loyalty/points.h"

namespace loyalpos::pos {

using nlohmann::json;

json card_json(const CardHistory& card, const loyalty::Rules& rules) {
  json programs = json::array();
  for (const auto& program : rules.stamp_programs) {
    loyalty::ProgramBalance balance{program.id, 0, 0, 0};
    for (const auto& b : card.balances) {
      if (b.program_id == program.id) balance = b;
    }
    programs.push_back({{"id", program.id},
                        {"name", program.name},
                        {"stamps", balance.stamps},
                        {"every", program.every},
                        {"rewards_available", balance.rewards},
                        {"mode", program.mode == loyalty::RewardMode::kBank ? "bank" : "apply_now"},
                        {"progress", loyalty::progress_text(program, balance, rules.language)}});
  }
  // A points card's balance is kept in `stamps` like a stamp card's.
  for (const auto& program : rules.points_programs) {
    loyalty::ProgramBalance balance{program.id, 0, 0, 0};
    for (const auto& b : card.balances) {
      if (b.program_id == program.id) balance = b;
    }
    programs.push_back(
        {{"id", program.id},
         {"name", program.name},
         {"mode", "points"},
         {"stamps", balance.stamps},
         {"points", balance.stamps},
         {"threshold", program.threshold},
         {"reward_amount", program.reward_amount},
         {"rewards_available", balance.stamps > 0 ? balance.stamps / program.threshold : 0},
         {"progress", loyalty::points_progress_text(program, balance, rules.language)}});
  }
  return {{"token", card.card.token},
          {"card_id", card.card.card_id},
          {"issued_at", card.card.issued_at},
          {"visits", card.visits},
          {"first_visit", card.first_visit ? json(*card.first_visit) : json(nullptr)},
          {"last_visit", card.last_visit ? json(*card.last_visit) : json(nullptr)},
          {"stage", card.stage},
          {"tier", card.tier.empty() ? json(nullptr) : json(card.tier)},
          {"referrer", card.card.referrer ? json(*card.card.referrer) : json(nullptr)},
          {"programs", programs}};
}

namespace {

json priced_lines_json(const loyalty::PricedBasket& priced) {
  json lines = json::array();
  for (const auto& line : priced.lines) {
    lines.push_back({{"sku", line.product.sku},
                     {"name", line.product.name},
                     {"qty", line.qty},
                     {"unit_price", line.product.price},
                     {"discount", line.discount},
                     {"reason", line.reason()}});
  }
  return lines;
}

}  // namespace

json quote_json(const loyalty::PricedBasket& priced, const std::optional<CardHistory>& card,
                const TerminalInfo& terminal, const loyalty::Rules& rules) {
  return {{"subtotal", priced.subtotal},
          {"discount", priced.discount},
          {"total", priced.total},
          {"currency", terminal.currency.code},
          {"lines", priced_lines_json(priced)},
          {"promotions", priced.promotions_applied},
          {"messages", priced.messages},
          {"card", card ? card_json(*card, rules) : json(nullptr)}};
}

json sale_json(const SaleRecord& sale, const TerminalInfo& terminal, const loyalty::Rules& rules) {
  const json lines = priced_lines_json(sale.priced);
  return {{"sale_id", sale.sale_id},
          {"at", sale.at},
          {"payment", sale.payment},
          {"subtotal", sale.priced.subtotal},
          {"discount", sale.priced.discount},
          {"total", sale.priced.total},
          {"currency", terminal.currency.code},
          {"lines", lines},
          {"promotions", sale.priced.promotions_applied},
          {"messages", sale.priced.messages},
          {"card", sale.card ? card_json(*sale.card, rules) : json(nullptr)},
          {"journal", {{"seq", sale.journal_seq}, {"sign", sale.journal_sign}}}};
}

json refund_json(const RefundRecord& refund, const TerminalInfo& terminal,
                 const loyalty::Rules& rules) {
  json lines = json::array();
  for (const auto& line : refund.lines) {
    lines.push_back({{"line", line.line},
                     {"sku", line.sku},
                     {"name", line.name},
                     {"qty", line.qty},
                     {"amount", line.amount}});
  }
  return {{"sale_id", refund.sale_id},
          {"refunded", refund.amount},
          {"currency", terminal.currency.code},
          {"stamps_taken_back", refund.stamps_taken_back},
          {"rewards_given_back", refund.rewards_given_back},
          {"complete", refund.complete},
          {"lines", lines},
          {"card", refund.card ? card_json(*refund.card, rules) : json(nullptr)}};
}

json report_json(const DayReport& report, const TerminalInfo& terminal) {
  json by_payment = json::object();
  for (const auto& [method, totals] : report.by_payment) {
    by_payment[method] = {{"sales", totals.sales}, {"revenue", totals.revenue}};
  }
  return {{"date", report.date},
          {"currency", terminal.currency.code},
          {"sales", report.sales},
          {"revenue", report.revenue},
          {"discounts", report.discounts},
          {"stamps_given", report.stamps_given},
          {"rewards_redeemed", report.rewards_redeemed},
          {"refunds", report.refunds},
          {"refunded", report.refunded},
          {"net", report.revenue - report.refunded},
          {"by_payment", by_payment}};
}

json product_json(const loyalty::Product& product) {
  return {{"sku", product.sku},
          {"name", product.name},
          {"category", product.category},
          {"price", product.price},
          {"barcode", product.barcode.empty() ? json(nullptr) : json(product.barcode)}};
}

json error_json(const Error& error) {
  return {{"error", {{"code", error.code_name()}, {"message", error.message()}}}};
}

}  // namespace loyalpos::pos
