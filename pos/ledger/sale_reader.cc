#include "pos/ledger/sale_reader.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "pos/ledger/event_log.h"

namespace loyalpos::pos {

namespace {

bool read_text(const nlohmann::json& line, const char* key, std::string& out) {
  const auto it = line.find(key);
  if (it == line.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool read_int(const nlohmann::json& line, const char* key, std::int64_t& out) {
  const auto it = line.find(key);
  if (it == line.end() || !it->is_number_integer()) return false;
  out = it->get<std::int64_t>();
  return true;
}

// The sale's lines from their JSON list (the sale_lines_json view, pos/schema.cc).
Status read_lines(const std::string& text, std::int64_t sale_id, loyalty::PricedBasket& priced) {
  const auto lines = nlohmann::json::parse(text, nullptr, false);
  const auto broken = [&] {
    return Error(ErrorCode::kCorrupt, "sale " + std::to_string(sale_id) +
                                          " has unreadable lines; the ledger is damaged");
  };
  if (!lines.is_array()) return broken();
  for (const auto& l : lines) {
    if (!l.is_object()) return broken();
    loyalty::PricedLine line;
    std::string reason;
    if (!read_text(l, "sku", line.product.sku) || !read_text(l, "name", line.product.name) ||
        !read_text(l, "category", line.product.category) || !read_int(l, "qty", line.qty) ||
        !read_int(l, "unit_price", line.product.price) || !read_int(l, "discount", line.discount) ||
        !read_text(l, "reason", reason)) {
      return broken();
    }
    if (line.qty < 1 || line.qty > loyalty::kMaxQuantity || line.product.price < 0 ||
        line.product.price > std::numeric_limits<std::int64_t>::max() / line.qty) {
      return broken();
    }
    line.gross = line.qty * line.product.price;
    if (line.discount != 0) line.discounts.push_back({line.discount, 0, reason, ""});
    priced.lines.push_back(std::move(line));
  }
  return ok_status();
}

}  // namespace

Result<SaleRecord> read_sale(Ledger& ledger, std::int64_t sale_id) {
  Database& db = ledger.db();
  auto stmt = db.cached(
      "SELECT s.created_at, s.payment, COALESCE(s.cashier, ''), s.subtotal, s.discount, s.total,"
      " s.messages, c.card_id, c.token, c.issued_at, l.lines, s.last_event, e.hash FROM sales s"
      " JOIN sale_lines_json l ON l.sale_id = s.sale_id"
      " LEFT JOIN cards c ON c.card_id = s.card_id"
      " LEFT JOIN events e ON e.seq = s.last_event WHERE s.sale_id = ?1");
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
  const std::string lines = s.column_text(10);
  if (!s.column_is_null(12)) {
    record.journal_seq = s.column_int(11);
    record.journal_sign = receipt_sign(s.column_blob(12));
  }
  s.reset();
  LOYALPOS_TRY(read_lines(lines, sale_id, record.priced));
  return record;
}

Result<std::vector<SaleSummary>> recent_sales(Ledger& ledger, int limit) {
  auto stmt = ledger.db().cached(
      "SELECT s.sale_id, s.created_at, s.payment, s.total, s.refunded,"
      " COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.sale_id = s.sale_id), 0),"
      " COALESCE(c.token, '') FROM sales s LEFT JOIN cards c ON c.card_id = s.card_id"
      " ORDER BY s.sale_id DESC LIMIT ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<SaleSummary> out;
  for (;;) {
    auto row = s.step();
    if (!row.ok()) {
      s.reset();
      return row.error();
    }
    if (!*row) break;
    out.push_back({s.column_int(0), s.column_int(1), s.column_text(2), s.column_int(3),
                   s.column_int(5), s.column_int(4) != 0, s.column_text(6)});
  }
  s.reset();
  return out;
}

}  // namespace loyalpos::pos
