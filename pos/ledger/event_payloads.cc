#include "pos/ledger/event_payloads.h"

#include "pos/ledger/json_text.h"

namespace loyalpos::pos {

std::string priced_lines_json(const std::vector<loyalty::PricedLine>& lines) {
  std::string out = "[";
  for (const auto& line : lines) {
    if (out.size() > 1) out.push_back(',');
    out.append(JsonObject()
                   .text("category", line.product.category)
                   .number("discount", line.discount)
                   .text("name", line.product.name)
                   .number("qty", line.qty)
                   .text("reason", line.reason())
                   .text("sku", line.product.sku)
                   .number("unit_price", line.product.price)
                   .done());
  }
  out.push_back(']');
  return out;
}

namespace {

// The promotion codes a sale was given, with their touchpoints: "source"
// empty when the promotion names none.
std::string codes_json(const std::vector<loyalty::CodeUse>& codes) {
  std::string out = "[";
  for (const auto& code : codes) {
    if (out.size() > 1) out.push_back(',');
    out.append(JsonObject().text("code", code.code).text("source", code.source).done());
  }
  out.push_back(']');
  return out;
}

}  // namespace

NewEvent terminal_initialized_event(std::int64_t at, const std::string& store,
                                    const std::string& terminal, const std::string& currency) {
  return {"terminal.initialized", at, std::nullopt, std::nullopt,
          JsonObject()
              .text("currency", currency)
              .text("store", store)
              .text("terminal", terminal)
              .done()};
}

NewEvent card_issued_event(const std::string& card_id, std::int64_t at,
                           const std::optional<std::string>& referrer) {
  JsonObject payload;
  payload.text("card", card_id);
  if (referrer) payload.text("referrer", *referrer);
  return {"card.issued", at, card_id, std::nullopt, payload.done()};
}

NewEvent card_seen_event(const std::string& card_id, std::int64_t at) {
  JsonObject payload;
  payload.text("card", card_id);
  return {"card.seen", at, card_id, std::nullopt, payload.done()};
}

NewEvent card_stamps_event(const std::string& card_id, std::int64_t sale_id,
                           const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                           const char* why, std::int64_t at) {
  return {"card.stamps", at, card_id, sale_id,
          JsonObject()
              .text("card", card_id)
              .text("program", program_id)
              .number("rewards", rewards)
              .number("sale", sale_id)
              .number("stamps", stamps)
              .text("why", why)
              .done()};
}

NewEvent card_stage_event(const std::string& card_id, std::int64_t sale_id, const char* from,
                          const char* to, std::int64_t at) {
  return {"card.stage", at, card_id, sale_id,
          JsonObject().text("card", card_id).text("from", from).text("to", to).done()};
}

NewEvent card_phone_event(const std::string& card_id, std::int64_t consented_at,
                          const std::string& phone_hash_hex, const std::string& key_check) {
  return {"card.phone", consented_at, card_id, std::nullopt,
          JsonObject()
              .text("card", card_id)
              .text("consent", "phone lookup")
              .number("consented_at", consented_at)
              .text("key_check", key_check)
              .text("phone_hash", phone_hash_hex)
              .done()};
}

NewEvent coupon_issued_event(const std::vector<std::string>& codes, const std::string& promotion_id,
                             std::int64_t at) {
  return {
      "coupon.issued", at, std::nullopt, std::nullopt,
      JsonObject().raw("codes", json_string_list(codes)).text("promotion", promotion_id).done()};
}

NewEvent sale_completed_event(const SaleCompleted& sale) {
  const loyalty::PricedBasket& priced = *sale.priced;
  return {"sale.completed", sale.at, sale.card_id, sale.sale_id,
          JsonObject()
              .text_or_null("card", sale.card_id)
              .text("cashier", sale.cashier)
              .raw("codes", codes_json(priced.codes))
              .text("currency", sale.currency)
              .number("discount", priced.discount)
              .number("free_units", sale.free_units)
              .raw("lines", priced_lines_json(priced.lines))
              .text("local_date", sale.local_date)
              .raw("messages", json_string_list(priced.messages))
              .text("payment", sale.payment)
              .raw("promotions", json_string_list(priced.promotions_applied))
              .number("sale", sale.sale_id)
              .number("stamps_earned", sale.stamps_earned)
              .number("subtotal", priced.subtotal)
              .number("total", priced.total)
              .done()};
}

std::string refund_lines_json(const std::vector<RefundLineUnits>& lines) {
  std::string out = "[";
  for (const auto& line : lines) {
    if (out.size() > 1) out.push_back(',');
    out.append(JsonObject().number("line", line.line).number("qty", line.qty).done());
  }
  out.push_back(']');
  return out;
}

NewEvent sale_refunded_event(std::int64_t sale_id, const std::optional<std::string>& card_id,
                             std::int64_t amount, bool complete,
                             const std::vector<RefundLineUnits>& lines,
                             const std::string& local_date, std::int64_t at) {
  return {"sale.refunded", at, card_id, sale_id,
          JsonObject()
              .number("amount", amount)
              .boolean("complete", complete)
              .raw("lines", refund_lines_json(lines))
              .text("local_date", local_date)
              .number("sale", sale_id)
              .done()};
}

}  // namespace loyalpos::pos
