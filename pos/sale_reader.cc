#include "pos/sale_reader.h"

#include <nlohmann/json.hpp>

namespace loyalpos::pos {

namespace {

Status read_lines(Database& db, std::int64_t sale_id, loyalty::PricedBasket& priced) {
  auto stmt = db.cached(
      "SELECT sku, name, category, qty, unit_price, discount, reason FROM sale_lines"
      " WHERE sale_id = ?1 ORDER BY line_no");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, sale_id);
  for (;;) {
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    loyalty::PricedLine line;
    line.product.sku = s.column_text(0);
    line.product.name = s.column_text(1);
    line.product.category = s.column_text(2);
    line.qty = s.column_int(3);
    line.product.price = s.column_int(4);
    line.gross = line.qty * line.product.price;
    line.discount = s.column_int(5);
    if (line.discount != 0) line.discounts.push_back({line.discount, 0, s.column_text(6), ""});
    priced.lines.push_back(std::move(line));
  }
  return ok_status();
}

}  // namespace

Result<SaleRecord> read_sale(Ledger& ledger, std::int64_t sale_id) {
  Database& db = ledger.db();
  auto stmt = db.cached(
      "SELECT s.created_at, s.payment, COALESCE(s.cashier, ''), s.subtotal, s.discount, s.total,"
      " s.messages, c.card_id, c.token, c.issued_at FROM sales s"
      " LEFT JOIN cards c ON c.card_id = s.card_id WHERE s.sale_id = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, sale_id);
  auto row = s.step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::not_found("no sale " + std::to_string(sale_id));
  SaleRecord record;
  record.sale_id = sale_id;
  record.at = s.column_int(0);
  record.payment = s.column_text(1);
  record.cashier = s.column_text(2);
  record.priced.subtotal = s.column_int(3);
  record.priced.discount = s.column_int(4);
  record.priced.total = s.column_int(5);
  const auto messages = nlohmann::json::parse(s.column_text(6), nullptr, false);
  if (messages.is_array()) {
    for (const auto& m : messages) {
      if (m.is_string()) record.priced.messages.push_back(m.get<std::string>());
    }
  }
  if (!s.column_is_null(7)) {
    CardHistory card;
    card.card = Card{s.column_text(7), s.column_text(8), s.column_int(9), std::nullopt};
    record.card = std::move(card);
  }
  s.reset();
  LOYALPOS_TRY(read_lines(db, sale_id, record.priced));
  return record;
}

}  // namespace loyalpos::pos
