#include "pos/ledger/json_output.h"

#include "loyalty/messages.h"
#include "loyalty/points.h"
#include "pos/ledger/json_text.h"

namespace loyalpos::pos {

using nlohmann::json;

namespace {

// A JSON list of the objects (already JSON text) in `items`.
std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out.push_back(',');
    out.append(item);
  }
  out.push_back(']');
  return out;
}

const loyalty::ProgramBalance& balance_of(const CardHistory& card, const std::string& program_id,
                                          const loyalty::ProgramBalance& none) {
  for (const auto& b : card.balances) {
    if (b.program_id == program_id) return b;
  }
  return none;
}

std::string priced_lines_json_text(const loyalty::PricedBasket& priced) {
  std::vector<std::string> lines;
  lines.reserve(priced.lines.size());
  for (const auto& line : priced.lines) {
    lines.push_back(JsonObject()
                        .number("discount", line.discount)
                        .text("name", line.product.name)
                        .number("qty", line.qty)
                        .text("reason", line.reason())
                        .text("sku", line.product.sku)
                        .number("unit_price", line.product.price)
                        .done());
  }
  return json_list(lines);
}

std::string optional_number(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

}  // namespace

std::string card_json_text(const CardHistory& card, const loyalty::Rules& rules) {
  std::vector<std::string> programs;
  for (const auto& program : rules.stamp_programs) {
    const loyalty::ProgramBalance none{program.id, 0, 0, 0};
    const auto& balance = balance_of(card, program.id, none);
    programs.push_back(
        JsonObject()
            .number("every", program.every)
            .text("id", program.id)
            .text("mode", program.mode == loyalty::RewardMode::kBank ? "bank" : "apply_now")
            .text("name", program.name)
            .text("progress", loyalty::progress_text(program, balance, rules.language))
            .number("rewards_available", balance.rewards)
            .number("stamps", balance.stamps)
            .done());
  }
  // A points card's balance is kept in `stamps` like a stamp card's.
  for (const auto& program : rules.points_programs) {
    const loyalty::ProgramBalance none{program.id, 0, 0, 0};
    const auto& balance = balance_of(card, program.id, none);
    programs.push_back(
        JsonObject()
            .text("id", program.id)
            .text("mode", "points")
            .text("name", program.name)
            .number("points", balance.stamps)
            .text("progress", loyalty::points_progress_text(program, balance, rules.language))
            .number("reward_amount", program.reward_amount)
            .number("rewards_available",
                    balance.stamps > 0 ? balance.stamps / program.threshold : 0)
            .number("stamps", balance.stamps)
            .number("threshold", program.threshold)
            .done());
  }
  return JsonObject()
      .text("card_id", card.card.card_id)
      .raw("first_visit", optional_number(card.first_visit))
      .number("issued_at", card.card.issued_at)
      .raw("last_visit", optional_number(card.last_visit))
      .raw("programs", json_list(programs))
      .text_or_null("referrer", card.card.referrer)
      .text("stage", card.stage)
      .text_or_null("tier", card.tier.empty() ? std::nullopt : std::optional(card.tier))
      .text("token", card.card.token)
      .number("visits", card.visits)
      .done();
}

std::string quote_json_text(const loyalty::PricedBasket& priced,
                            const std::optional<CardHistory>& card, const TerminalInfo& terminal,
                            const loyalty::Rules& rules) {
  return JsonObject()
      .raw("card", card ? card_json_text(*card, rules) : "null")
      .text("currency", terminal.currency.code)
      .number("discount", priced.discount)
      .raw("lines", priced_lines_json_text(priced))
      .raw("messages", json_string_list(priced.messages))
      .raw("promotions", json_string_list(priced.promotions_applied))
      .number("subtotal", priced.subtotal)
      .number("total", priced.total)
      .done();
}

std::string sale_json_text(const SaleRecord& sale, const TerminalInfo& terminal,
                           const loyalty::Rules& rules) {
  return JsonObject()
      .number("at", sale.at)
      .raw("card", sale.card ? card_json_text(*sale.card, rules) : "null")
      .text("currency", terminal.currency.code)
      .number("discount", sale.priced.discount)
      .raw("journal",
           JsonObject().number("seq", sale.journal_seq).text("sign", sale.journal_sign).done())
      .raw("lines", priced_lines_json_text(sale.priced))
      .raw("messages", json_string_list(sale.priced.messages))
      .text("payment", sale.payment)
      .raw("promotions", json_string_list(sale.priced.promotions_applied))
      .number("sale_id", sale.sale_id)
      .number("subtotal", sale.priced.subtotal)
      .number("total", sale.priced.total)
      .done();
}

json card_json(const CardHistory& card, const loyalty::Rules& rules) {
  return json::parse(card_json_text(card, rules));
}

json quote_json(const loyalty::PricedBasket& priced, const std::optional<CardHistory>& card,
                const TerminalInfo& terminal, const loyalty::Rules& rules) {
  return json::parse(quote_json_text(priced, card, terminal, rules));
}

json sale_json(const SaleRecord& sale, const TerminalInfo& terminal, const loyalty::Rules& rules) {
  return json::parse(sale_json_text(sale, terminal, rules));
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
