// SaleService::refund: returning a whole sale or some of its units.
//
// Everything is pro rata to units, cumulative per sale, so any sequence of
// partial refunds adds up to the whole refund exactly and never more:
// - money: each line's net (gross - discount) over its units;
// - each card.stamps change the sale made: over the units of the lines its
//   program counts (all lines if none of them does any more);
// - the referrer's bonus and the sale's visit: only when the last unit goes.
#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "loyalty/pro_rata.h"
#include "pos/ledger/card_balance.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/sale_reader.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct SoldLine {
  loyalty::Product product;
  std::int64_t qty = 0;
  std::int64_t net = 0;       // what the customer paid for the line
  std::int64_t returned = 0;  // units returned by earlier refunds
  std::int64_t taking = 0;    // units this refund returns
};

struct SoldSale {
  std::int64_t total = 0, stamps_earned = 0, free_units = 0;
  std::int64_t first_event = 0, last_event = 0;
  std::optional<std::string> card_id;
  std::vector<SoldLine> lines;
};

Error broken_sale(std::int64_t sale_id) {
  return Error(ErrorCode::kCorrupt,
               "sale " + std::to_string(sale_id) + " cannot be read back; run loyalpos audit");
}

// The sale as recorded (its lines read back as for a reprint), and what a
// refund needs beside them.
Result<SoldSale> read_sold(Ledger& ledger, std::int64_t sale_id) {
  auto stmt = ledger.db().cached(
      "SELECT refunded, stamps_earned, free_units, first_event, last_event FROM sales"
      " WHERE sale_id = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, sale_id);
  auto row = s.step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::not_found("no sale " + std::to_string(sale_id));
  const bool refunded = s.column_int(0) != 0;
  SoldSale sale;
  sale.stamps_earned = s.column_int(1);
  sale.free_units = s.column_int(2);
  sale.first_event = s.column_int(3);
  sale.last_event = s.column_int(4);
  s.reset();
  if (refunded) return Error::conflict("sale " + std::to_string(sale_id) + " was already refunded");
  auto record = read_sale(ledger, sale_id);
  if (!record.ok()) return record.error();
  sale.total = record->priced.total;
  if (record->card) sale.card_id = record->card->card.card_id;
  for (auto& priced : record->priced.lines) {
    if (priced.net() < 0) return broken_sale(sale_id);
    sale.lines.push_back({std::move(priced.product), priced.qty, priced.net(), 0, 0});
  }
  return sale;
}

// Units of each line that earlier refunds of the sale returned. A refund
// without a list of lines returned all of it.
Status read_returned(Database& db, std::int64_t sale_id, SoldSale& sale) {
  auto stmt = db.cached("SELECT lines FROM refunds WHERE sale_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, sale_id);
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    if ((*stmt)->column_is_null(0)) {
      for (auto& line : sale.lines) line.returned = line.qty;
      continue;
    }
    const auto returned = json::parse((*stmt)->column_text(0), nullptr, false);
    if (!returned.is_array()) return broken_sale(sale_id);
    for (const auto& r : returned) {
      const auto index = r.value("line", std::int64_t{0});
      if (index < 1 || index > static_cast<std::int64_t>(sale.lines.size())) {
        return broken_sale(sale_id);
      }
      sale.lines[static_cast<std::size_t>(index - 1)].returned += r.value("qty", std::int64_t{0});
    }
  }
  (*stmt)->reset();
  return ok_status();
}

// Which units this refund takes: the items asked for, line by line in the
// sale's order, or everything left.
Status choose_units(std::int64_t sale_id, const std::vector<ItemRequest>& items, SoldSale& sale) {
  std::int64_t left = 0;
  for (auto& line : sale.lines) left += line.qty - line.returned;
  if (left == 0)
    return Error::conflict("sale " + std::to_string(sale_id) + " was already refunded");
  if (items.empty()) {
    for (auto& line : sale.lines) line.taking = line.qty - line.returned;
    return ok_status();
  }
  for (const auto& item : items) {
    const std::string sku = upper_ascii(item.code);
    std::int64_t wanted = item.qty, found = 0;
    for (auto& line : sale.lines) {
      if (upper_ascii(line.product.sku) != sku) continue;
      found += line.qty - line.returned - line.taking;
      const std::int64_t take = std::min(wanted, line.qty - line.returned - line.taking);
      line.taking += take;
      wanted -= take;
    }
    if (wanted > 0) {
      const std::string sale_name = "sale " + std::to_string(sale_id);
      if (found == 0 && std::none_of(sale.lines.begin(), sale.lines.end(), [&](const auto& l) {
            return upper_ascii(l.product.sku) == sku;
          })) {
        return Error::not_found(sale_name + " has no " + item.code);
      }
      return Error::invalid(sale_name + " has " + std::to_string(found) + " " + item.code +
                            " left to refund, not " + std::to_string(item.qty));
    }
  }
  return ok_status();
}

struct StampChange {
  std::string card_id, program_id, why;
  std::int64_t stamps = 0, rewards = 0;
};

Result<std::vector<StampChange>> sale_stamp_changes(Database& db, const std::string& terminal_id,
                                                    const SoldSale& sale) {
  auto stmt = db.prepare(
      "SELECT card_id, json_extract(payload, '$.program'), json_extract(payload, '$.stamps'),"
      " json_extract(payload, '$.rewards'), json_extract(payload, '$.why') FROM events"
      " WHERE terminal_id = ?1 AND seq BETWEEN ?2 AND ?3 AND type = 'card.stamps'"
      " AND json_extract(payload, '$.why') IS NOT 'lapsed' ORDER BY seq");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, terminal_id).bind(2, sale.first_event).bind(3, sale.last_event);
  std::vector<StampChange> changes;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) return changes;
    changes.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(4),
                       stmt->column_int(2), stmt->column_int(3)});
  }
}

}  // namespace

Result<RefundRecord> SaleService::refund(std::int64_t sale_id,
                                         const std::vector<ItemRequest>& items) {
  Database& db = ledger_.db();
  const std::int64_t now = clock_.now_unix();
  RefundRecord record;
  record.sale_id = sale_id;
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto sold = read_sold(ledger_, sale_id);
  if (!sold.ok()) return sold.error();
  SoldSale& sale = *sold;
  LOYALPOS_TRY(read_returned(db, sale_id, sale));
  LOYALPOS_TRY(choose_units(sale_id, items, sale));

  std::int64_t units = 0, before = 0, after = 0;
  std::vector<RefundLineUnits> returned;
  for (std::size_t i = 0; i < sale.lines.size(); ++i) {
    const SoldLine& line = sale.lines[i];
    units += line.qty;
    before += line.returned;
    after += line.returned + line.taking;
    if (line.taking == 0) continue;
    const std::int64_t amount =
        loyalty::pro_rata_share(line.net, line.returned, line.returned + line.taking, line.qty);
    record.amount += amount;
    record.lines.push_back({static_cast<std::int64_t>(i + 1), line.product.sku, line.product.name,
                            line.taking, amount});
    returned.push_back({static_cast<std::int64_t>(i + 1), line.taking});
  }
  record.complete = after == units;
  record.stamps_taken_back = loyalty::pro_rata_share(sale.stamps_earned, before, after, units);
  record.rewards_given_back = loyalty::pro_rata_share(sale.free_units, before, after, units);

  std::optional<Card> card;
  std::optional<CardHistory> history_before;
  if (sale.card_id) {
    auto found = ledger_.find_card_by_id(*sale.card_id);
    if (!found.ok()) return found.error();
    if (!*found) return broken_sale(sale_id);
    card = **found;
    auto history = ledger_.card_history(*card, now, tier_window_days());
    if (!history.ok()) return history.error();
    history_before = std::move(*history);
  }

  // As for a sale, the row is written last and records its events.
  const std::string date = clock_.local_date(now);
  EventWriter events(db, ledger_.terminal().terminal_id);
  auto refunded = events.append(sale_refunded_event(sale_id, sale.card_id, record.amount,
                                                    record.complete, returned, date, now));
  if (!refunded.ok()) return refunded.error();

  // Every stamp change the sale made, on any card, is undone by its
  // opposite, pro rata: the stamps it earned are taken back and the rewards
  // or stamps it used are given back. Stamps that lapsed at the sale stay
  // lapsed; the referrer's bonus goes with the sale's last unit.
  auto changes = sale_stamp_changes(db, ledger_.terminal().terminal_id, sale);
  if (!changes.ok()) return changes.error();
  for (const auto& c : *changes) {
    std::int64_t weight = 0, from = 0, to = 0;
    const auto program =
        std::find_if(rules_.stamp_programs.begin(), rules_.stamp_programs.end(),
                     [&](const loyalty::StampProgram& p) { return p.id == c.program_id; });
    const auto points =
        std::find_if(rules_.points_programs.begin(), rules_.points_programs.end(),
                     [&](const loyalty::PointsProgram& p) { return p.id == c.program_id; });
    for (const auto& line : sale.lines) {
      if (c.why == "referral" ||
          (program != rules_.stamp_programs.end() && !program->qualifies(line.product)) ||
          (points != rules_.points_programs.end() && !points->qualifies(line.product))) {
        continue;
      }
      weight += line.qty;
      from += line.returned;
      to += line.returned + line.taking;
    }
    if (weight == 0) weight = units, from = before, to = after;  // the program's lines are gone
    if (c.why == "referral") from = 0, to = record.complete ? weight : 0;
    const std::int64_t stamps = loyalty::pro_rata_share(c.stamps, from, to, weight);
    const std::int64_t rewards = loyalty::pro_rata_share(c.rewards, from, to, weight);
    if (stamps == 0 && rewards == 0) continue;
    LOYALPOS_TRY(change_balance(ledger_, events, c.card_id, c.program_id, -stamps, -rewards,
                                sale_id, "refund", now));
  }

  if (record.complete) {
    auto mark = db.cached("UPDATE sales SET refunded = 1 WHERE sale_id = ?1");
    if (!mark.ok()) return mark.error();
    (*mark)->bind(1, sale_id);
    LOYALPOS_TRY((*mark)->run());
  }
  if (card) {
    auto history_after = ledger_.card_history(*card, now, tier_window_days());
    if (!history_after.ok()) return history_after.error();
    LOYALPOS_TRY(record_stage_change(events, *card, history_before->journey, history_after->journey,
                                     sale_id, now));
    describe(*history_after, now);
    record.card = std::move(*history_after);
  }
  auto insert = db.cached(
      "INSERT INTO refunds(refund_id, sale_id, created_at, local_date, amount, first_event,"
      " last_event, lines) VALUES (?5, ?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.error();
  (*insert)->bind(1, sale_id).bind(2, now).bind(3, date).bind(4, record.amount);
  (*insert)->bind(5, *refunded).bind(6, events.last_seq()).bind(7, refund_lines_json(returned));
  LOYALPOS_TRY((*insert)->run());
  LOYALPOS_TRY(tx->commit());
  return record;
}

}  // namespace loyalpos::pos
