#include "pos/sale_service.h"

#include <nlohmann/json.hpp>

#include "pos/event_log.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Status write_balance(Database& db, const std::string& card_id,
                     const loyalty::ProgramBalance& balance) {
  auto stmt = db.cached(
      "INSERT INTO card_programs(card_id, program_id, stamps, rewards) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT(card_id, program_id) DO UPDATE SET stamps = excluded.stamps,"
      " rewards = excluded.rewards");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, card_id).bind(2, balance.program_id).bind(3, balance.stamps).bind(4,
                                                                                   balance.rewards);
  return (*stmt)->run();
}

// Records a change of one program's balance as a journey event; the balance
// itself is always the sum of these events.
Status append_stamps_event(Ledger& ledger, const std::string& card_id, std::int64_t sale_id,
                           const std::string& program_id, std::int64_t stamps,
                           std::int64_t rewards, const char* why, std::int64_t now) {
  NewEvent event{"card.stamps", now, card_id, sale_id,
                 json{{"card", card_id},
                      {"program", program_id},
                      {"stamps", stamps},
                      {"rewards", rewards},
                      {"sale", sale_id},
                      {"why", why}}
                     .dump()};
  auto seq = append_event(ledger.db(), ledger.terminal().terminal_id, event);
  if (!seq.ok()) return seq.error();
  return ok_status();
}

}  // namespace

Result<ItemRequest> parse_item(std::string_view text) {
  ItemRequest item;
  const auto star = text.find('*');
  item.code = std::string(text.substr(0, star));
  if (item.code.empty()) return Error::invalid("item \"" + std::string(text) + "\" has no SKU");
  if (star == std::string_view::npos) return item;
  const auto qty = text.substr(star + 1);
  if (qty.empty() || qty.size() > 6 || qty.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error::invalid("quantity in \"" + std::string(text) +
                          "\" must be a whole number from 1 to " +
                          std::to_string(loyalty::kMaxQuantity));
  }
  item.qty = std::stoll(std::string(qty));
  if (item.qty < 1 || item.qty > loyalty::kMaxQuantity) {
    return Error::invalid("quantity in \"" + std::string(text) +
                          "\" must be a whole number from 1 to " +
                          std::to_string(loyalty::kMaxQuantity));
  }
  return item;
}

Result<std::vector<loyalty::BasketLine>> SaleService::resolve_items(
    const std::vector<ItemRequest>& items) {
  if (items.empty()) return Error::invalid("no items: name at least one SKU or barcode");
  std::vector<loyalty::BasketLine> lines;
  for (const auto& item : items) {
    auto product = ledger_.find_product(item.code);
    if (!product.ok()) return product.error();
    if (!*product) return Error::not_found("unknown product \"" + item.code + "\"");
    lines.push_back({**product, item.qty});
  }
  return lines;
}

Result<Card> SaleService::resolve_card(std::string_view token) {
  const std::string normal = upper_ascii(token);
  auto id = loyalty::parse_token(normal);
  if (!id.ok()) return id.error();
  auto card = ledger_.find_card(normal);
  if (!card.ok()) return card.error();
  if (!*card) return Error::not_found("no card " + normal + " in this ledger");
  return **card;
}

Result<loyalty::PricingRequest> SaleService::pricing_request(
    const std::vector<loyalty::BasketLine>& lines, const std::optional<Card>& card) {
  loyalty::PricingRequest request;
  request.lines = lines;
  request.now_unix = clock_.now_unix();
  if (card) {
    auto balances = ledger_.balances(card->card_id);
    if (!balances.ok()) return balances.error();
    request.card = loyalty::CardState{card->card_id, std::move(*balances)};
  }
  return request;
}

Result<loyalty::PricedBasket> SaleService::quote(const std::vector<loyalty::BasketLine>& lines,
                                                 const std::optional<Card>& card) {
  auto request = pricing_request(lines, card);
  if (!request.ok()) return request.error();
  return loyalty::price_basket(*request, rules_);
}

Result<SaleRecord> SaleService::sell(const SaleRequest& request) {
  if (request.payment != "cash" && request.payment != "card") {
    return Error::invalid("payment must be cash or card, not \"" + request.payment + "\"");
  }
  auto lines = resolve_items(request.items);
  if (!lines.ok()) return lines.error();
  std::optional<Card> card;
  if (request.card_token) {
    auto found = resolve_card(*request.card_token);
    if (!found.ok()) return found.error();
    card = *found;
  }

  SaleRecord record;
  record.payment = request.payment;
  record.cashier = request.cashier;
  {
    auto tx = Transaction::begin(ledger_.db());
    if (!tx.ok()) return tx.error();
    // Balances are read under the write lock, so a second process cannot
    // price against the same stamps.
    auto pricing = pricing_request(*lines, card);
    if (!pricing.ok()) return pricing.error();
    record.at = pricing->now_unix;
    auto priced = loyalty::price_basket(*pricing, rules_);
    if (!priced.ok()) return priced.error();
    record.priced = std::move(*priced);
    auto sale_id = write_sale(request, card, record.priced, record.at);
    if (!sale_id.ok()) return sale_id.error();
    record.sale_id = *sale_id;
    LOYALPOS_TRY(tx->commit());
  }
  if (card) {
    auto history = ledger_.card_history(*card);
    if (!history.ok()) return history.error();
    record.card = std::move(*history);
  }
  return record;
}

Result<std::int64_t> SaleService::write_sale(const SaleRequest& request,
                                             const std::optional<Card>& card,
                                             const loyalty::PricedBasket& priced,
                                             std::int64_t now) {
  Database& db = ledger_.db();
  const auto& currency = ledger_.terminal().currency.code;
  auto sale = db.cached(
      "INSERT INTO sales(created_at, local_date, card_id, cashier, payment, currency, subtotal,"
      " discount, total, line_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!sale.ok()) return sale.error();
  (*sale)->bind(1, now).bind(2, local_date(now));
  (*sale)->bind_optional(3, card ? std::optional<std::string>(card->card_id) : std::nullopt);
  (*sale)->bind(4, request.cashier).bind(5, request.payment).bind(6, currency);
  (*sale)->bind(7, priced.subtotal).bind(8, priced.discount).bind(9, priced.total);
  (*sale)->bind(10, static_cast<std::int64_t>(priced.lines.size()));
  LOYALPOS_TRY((*sale)->run());
  const std::int64_t sale_id = db.last_insert_rowid();

  auto line_stmt = db.cached(
      "INSERT INTO sale_lines(sale_id, line_no, sku, name, category, qty, unit_price, discount,"
      " reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!line_stmt.ok()) return line_stmt.error();
  json lines_json = json::array();
  std::int64_t line_no = 0;
  for (const auto& line : priced.lines) {
    Statement& s = **line_stmt;
    s.reset();
    s.bind(1, sale_id).bind(2, ++line_no).bind(3, line.product.sku).bind(4, line.product.name);
    s.bind(5, line.product.category).bind(6, line.qty).bind(7, line.product.price);
    s.bind(8, line.discount).bind(9, line.reason());
    LOYALPOS_TRY(s.run());
    lines_json.push_back({{"sku", line.product.sku},
                          {"qty", line.qty},
                          {"unit_price", line.product.price},
                          {"discount", line.discount}});
  }

  const auto card_id = card ? std::optional<std::string>(card->card_id) : std::nullopt;
  NewEvent completed{"sale.completed", now, card_id, sale_id,
                     json{{"sale", sale_id},
                          {"card", card_id ? json(*card_id) : json(nullptr)},
                          {"payment", request.payment},
                          {"currency", currency},
                          {"subtotal", priced.subtotal},
                          {"discount", priced.discount},
                          {"total", priced.total},
                          {"lines", lines_json}}
                         .dump()};
  auto seq = append_event(db, ledger_.terminal().terminal_id, completed);
  if (!seq.ok()) return seq.error();

  for (const auto& change : priced.programs) {
    const auto& o = change.outcome;
    if (o.stamps_earned == 0 && o.stamps_spent == 0 && o.free_units == 0) continue;
    auto programs = db.cached(
        "INSERT INTO sale_programs(sale_id, program_id, stamps_earned, stamps_spent, free_units)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!programs.ok()) return programs.error();
    (*programs)->bind(1, sale_id).bind(2, change.program->id).bind(3, o.stamps_earned);
    (*programs)->bind(4, o.stamps_spent).bind(5, o.free_units);
    LOYALPOS_TRY((*programs)->run());
    LOYALPOS_TRY(write_balance(db, card->card_id, o.after));
    LOYALPOS_TRY(append_stamps_event(ledger_, card->card_id, sale_id, change.program->id,
                                     o.after.stamps - change.before.stamps,
                                     o.after.rewards - change.before.rewards, "sale", now));
  }
  return sale_id;
}

Result<RefundRecord> SaleService::refund(std::int64_t sale_id) {
  Database& db = ledger_.db();
  const std::int64_t now = clock_.now_unix();
  RefundRecord record;
  record.sale_id = sale_id;
  std::optional<Card> card;
  {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    auto sale = db.cached(
        "SELECT s.total, s.card_id, c.token, c.issued_at, r.sale_id IS NOT NULL FROM sales s"
        " LEFT JOIN cards c ON c.card_id = s.card_id"
        " LEFT JOIN refunds r ON r.sale_id = s.sale_id WHERE s.sale_id = ?1");
    if (!sale.ok()) return sale.error();
    (*sale)->bind(1, sale_id);
    auto row = (*sale)->step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::not_found("no sale " + std::to_string(sale_id));
    if ((*sale)->column_int(4) != 0) {
      return Error::conflict("sale " + std::to_string(sale_id) + " was already refunded");
    }
    record.amount = (*sale)->column_int(0);
    if (!(*sale)->column_is_null(1)) {
      card = Card{(*sale)->column_text(1), (*sale)->column_text(2), (*sale)->column_int(3)};
    }
    (*sale)->reset();

    auto insert = db.cached(
        "INSERT INTO refunds(sale_id, created_at, local_date, amount) VALUES (?1, ?2, ?3, ?4)");
    if (!insert.ok()) return insert.error();
    (*insert)->bind(1, sale_id).bind(2, now).bind(3, local_date(now)).bind(4, record.amount);
    LOYALPOS_TRY((*insert)->run());
    LOYALPOS_TRY(append_event(db, ledger_.terminal().terminal_id,
                              NewEvent{"sale.refunded", now,
                                       card ? std::optional<std::string>(card->card_id)
                                            : std::nullopt,
                                       sale_id,
                                       json{{"sale", sale_id}, {"amount", record.amount}}.dump()}));

    if (card) {
      auto balances = ledger_.balances(card->card_id);
      if (!balances.ok()) return balances.error();
      auto programs = db.prepare(
          "SELECT program_id, stamps_earned, free_units FROM sale_programs WHERE sale_id = ?1"
          " ORDER BY program_id");
      if (!programs.ok()) return programs.error();
      programs->bind(1, sale_id);
      for (;;) {
        auto prow = programs->step();
        if (!prow.ok()) return prow.error();
        if (!*prow) break;
        // Stamps the sale earned are taken back; every item it gave free
        // comes back as a banked reward, so the card is where it was.
        loyalty::ProgramBalance balance{programs->column_text(0), 0, 0};
        for (const auto& b : *balances) {
          if (b.program_id == balance.program_id) balance = b;
        }
        const std::int64_t earned = programs->column_int(1);
        const std::int64_t free_units = programs->column_int(2);
        balance.stamps -= earned;
        balance.rewards += free_units;
        record.stamps_taken_back += earned;
        record.rewards_given_back += free_units;
        LOYALPOS_TRY(write_balance(db, card->card_id, balance));
        LOYALPOS_TRY(append_stamps_event(ledger_, card->card_id, sale_id, balance.program_id,
                                         -earned, free_units, "refund", now));
      }
    }
    LOYALPOS_TRY(tx->commit());
  }
  if (card) {
    auto history = ledger_.card_history(*card);
    if (!history.ok()) return history.error();
    record.card = std::move(*history);
  }
  return record;
}

}  // namespace loyalpos::pos
