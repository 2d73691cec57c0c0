#include "pos/ledger/sale_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "pos/ledger/card_balance.h"
#include "pos/ledger/coupons.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/text_field.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

}  // namespace

std::string pricing_fingerprint(const loyalty::PricedBasket& priced) {
  return fmt::format("{}|{}|{}|{}|{}|{}", priced_lines_json(priced.lines), priced.subtotal,
                     priced.discount, priced.total, json_string_list(priced.promotions_applied),
                     json_string_list(priced.messages));
}

Result<ItemRequest> parse_item(std::string_view text) {
  ItemRequest item;
  const auto star = text.find('*');
  item.code = std::string(text.substr(0, star));
  if (item.code.empty()) return Error::invalid("item \"" + std::string(text) + "\" has no SKU");
  if (star == std::string_view::npos) return item;
  const auto qty = text.substr(star + 1);
  if (qty.empty() || qty.size() > 6 ||
      qty.find_first_not_of("0123456789") != std::string_view::npos) {
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
  // A token that passes its check is a card, wherever it was issued: one
  // this terminal has not seen is recorded as known from elsewhere.
  return ledger_.known_card(*id, clock_.now_unix());
}

int SaleService::tier_window_days() const {
  int days = 0;
  for (const auto& tier : rules_.tiers) days = std::max(days, tier.window_days);
  return days;
}

void SaleService::describe(CardHistory& card, std::int64_t now) const {
  card.stage = loyalty::stage_name(loyalty::journey_stage(rules_, card.journey, now));
  const auto* tier = loyalty::card_tier(rules_, card.journey, now, false);
  card.tier = tier != nullptr ? tier->id : "";
}

Result<CardHistory> SaleService::history(const Card& card) {
  const std::int64_t now = clock_.now_unix();
  auto history = ledger_.card_history(card, now, tier_window_days());
  if (!history.ok()) return history.error();
  describe(*history, now);
  return history;
}

CardHistory SaleService::after_sale(CardHistory card, const loyalty::PricedBasket& priced,
                                    std::int64_t now) const {
  // Stamp cards and points cards alike: the balance the sale left.
  const auto settle = [&card](const loyalty::ProgramBalance& after) {
    auto it = std::find_if(
        card.balances.begin(), card.balances.end(),
        [&](const loyalty::ProgramBalance& b) { return b.program_id == after.program_id; });
    if (it == card.balances.end()) {
      card.balances.push_back(after);
    } else {
      *it = after;
    }
  };
  for (const auto& change : priced.programs) settle(change.outcome.after);
  for (const auto& change : priced.points) settle(change.outcome.after);
  card.visits += 1;
  if (!card.first_visit) card.first_visit = now;
  card.last_visit = now;
  card.journey.visits = card.visits;
  card.journey.last_visit = now;
  card.journey.recent_visits.push_back(now);
  describe(card, now);
  return card;
}

Result<loyalty::PricingRequest> SaleService::pricing_request(
    const std::vector<loyalty::BasketLine>& lines, const std::optional<Card>& card,
    const std::vector<std::string>& redeem, const std::vector<std::string>& codes, std::int64_t now,
    CardHistory* loaded) {
  loyalty::PricingRequest request;
  request.lines = lines;
  request.now_unix = now;
  request.local = clock_.local_time(now);
  request.redeem = redeem;
  request.codes = codes;
  LOYALPOS_TRY(take_coupons(ledger_.db(), rules_, request.codes, request.coupons));
  auto uses = promotion_uses(card);
  if (!uses.ok()) return uses.error();
  request.uses = std::move(*uses);
  if (card) {
    auto history = ledger_.card_history(*card, now, tier_window_days());
    if (!history.ok()) return history.error();
    loyalty::CardState state;
    state.card_id = card->card_id;
    state.balances = history->balances;
    state.journey = history->journey;
    state.referral_pending = card->referrer.has_value() && history->visits == 0;
    request.card = std::move(state);
    if (loaded != nullptr) *loaded = std::move(*history);
  }
  return request;
}

Result<std::vector<loyalty::PromotionUses>> SaleService::promotion_uses(
    const std::optional<Card>& card) {
  std::vector<loyalty::PromotionUses> out;
  const auto& promotions = rules_.promotions;
  if (std::none_of(promotions.begin(), promotions.end(),
                   [](const loyalty::Promotion& p) { return p.max_uses || p.max_uses_per_card; })) {
    return out;
  }
  // A use is a sale whose sale.completed event lists the promotion, unless
  // the sale was refunded in full. The cost grows with the terminal's
  // sales: one pass over its events, paid on every sale and quote only
  // while a limited promotion is in the config.
  auto stmt = ledger_.db().cached(
      "SELECT p.value, COUNT(*), TOTAL(e.card_id IS ?2) FROM events e"
      " JOIN sales s ON s.sale_id = e.sale_id AND s.refunded = 0,"
      " json_each(e.payload, '$.promotions') p"
      " WHERE e.terminal_id = ?1 AND e.type = 'sale.completed' GROUP BY p.value");
  if (!stmt.ok()) return stmt.error();
  Statement& uses = **stmt;
  uses.bind(1, ledger_.terminal().terminal_id);
  uses.bind_optional(2, card ? std::optional<std::string>(card->card_id) : std::nullopt);
  for (;;) {
    auto row = uses.step();
    if (!row.ok()) {
      uses.reset();
      return row.error();
    }
    if (!*row) break;
    out.push_back({uses.column_text(0), uses.column_int(1), uses.column_int(2)});
  }
  uses.reset();
  return out;
}

Status SaleService::refresh_published_rules() {
  if (followed_ == nullptr || read_rules_ == nullptr) return ok_status();
  return refresh_rules(ledger_, *followed_, read_rules_, unreadable_rules_);
}

Result<loyalty::PricedBasket> SaleService::quote(const std::vector<loyalty::BasketLine>& lines,
                                                 const std::optional<Card>& card,
                                                 const std::vector<std::string>& redeem,
                                                 const std::vector<std::string>& codes,
                                                 const std::vector<std::string>& skip_promotions) {
  (void)refresh_published_rules();  // passed over when unreadable: the rules in force price the
                                    // basket
  auto request = pricing_request(lines, card, redeem, codes, clock_.now_unix());
  if (!request.ok()) return request.error();
  request->skip_promotions = skip_promotions;
  return loyalty::price_basket(*request, rules_);
}

Result<SaleRecord> SaleService::sell(const SaleRequest& request) {
  if (request.payment != "cash" && request.payment != "card") {
    return Error::invalid("payment must be cash or card, not \"" + request.payment + "\"");
  }
  LOYALPOS_TRY(check_text_field("the cashier's name", request.cashier, kMaxShortName));
  if (request.idempotency_key &&
      (request.idempotency_key->empty() || request.idempotency_key->size() > kMaxIdempotencyKey)) {
    return Error::invalid("the idempotency key must be 1 to " + std::to_string(kMaxIdempotencyKey) +
                          " characters");
  }
  SaleRecord record;
  record.payment = request.payment;
  record.cashier = request.cashier;
  {
    // Everything the sale reads is read inside its one write transaction:
    // one lock for the whole sale, and no other process can change a
    // product or the card between the lookup and the commit.
    auto tx = Transaction::begin(ledger_.db());
    if (!tx.ok()) return tx.error();
    // Newer published rules are taken here, before anything is priced: the
    // read costs no lock of its own inside the sale's transaction. Rules
    // that do not read are passed over; the rules in force price the sale.
    (void)refresh_published_rules();
    for (const auto& program_id : request.redeem) {
      const auto& points = rules_.points_programs;
      if (std::any_of(points.begin(), points.end(),
                      [&](const loyalty::PointsProgram& p) { return p.id == program_id; })) {
        // Whether the card holds enough points is the pricing's to say.
        if (!request.card_token) {
          return Error::invalid("redeeming points needs the customer's card");
        }
        continue;
      }
      const auto& programs = rules_.stamp_programs;
      auto it = std::find_if(programs.begin(), programs.end(),
                             [&](const loyalty::StampProgram& p) { return p.id == program_id; });
      if (it == programs.end()) {
        return Error::not_found("no loyalty program \"" + program_id + "\"");
      }
      if (it->mode != loyalty::RewardMode::kBank) {
        return Error::invalid("program \"" + program_id + "\" applies its rewards by itself");
      }
      if (!request.card_token) {
        return Error::invalid("redeeming a reward needs the customer's card");
      }
    }
    // Under the write lock: a second request with the key waits for the
    // first to commit, then finds its sale.
    if (request.idempotency_key) {
      auto replay = keyed_sale(*request.idempotency_key, request.request_hash);
      if (!replay.ok()) return replay.error();
      if (*replay) return std::move(**replay);
    }
    auto lines = resolve_items(request.items);
    if (!lines.ok()) return lines.error();
    std::optional<Card> card;
    if (request.card_token) {
      auto found = resolve_card(*request.card_token);
      if (!found.ok()) return found.error();
      card = *found;
    }
    // The card is read under the write lock, so a second process cannot
    // price against the same stamps.
    record.at = clock_.now_unix();
    CardHistory before;
    auto pricing = pricing_request(*lines, card, request.redeem, request.codes, record.at, &before);
    if (!pricing.ok()) return pricing.error();
    pricing->skip_promotions = request.skip_promotions;
    auto priced = loyalty::price_basket(*pricing, rules_);
    if (!priced.ok()) return priced.error();
    if (request.expected_pricing && *request.expected_pricing != pricing_fingerprint(*priced)) {
      return Error::conflict(
          "the basket no longer prices as quoted (a price, promotion or the card's balance "
          "changed): quote it again");
    }
    record.priced = std::move(*priced);
    LOYALPOS_TRY(write_sale(record, request, card, *pricing, record.priced));
    if (card) record.card = after_sale(std::move(before), record.priced, record.at);
    if (request.idempotency_key) LOYALPOS_TRY(record_key(record, request));
    LOYALPOS_TRY(tx->commit());
    // Nothing after the commit may fail: the sale is recorded.
  }
  return record;
}

Result<std::optional<SaleRecord>> SaleService::keyed_sale(const std::string& key,
                                                          const std::string& request_hash) {
  auto stmt = ledger_.db().cached(
      "SELECT request_hash, sale_id, answer FROM sale_keys WHERE idempotency_key = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& found = **stmt;
  found.bind(1, key);
  auto row = found.step();
  if (!row.ok()) {
    found.reset();
    return row.error();
  }
  if (!*row) {
    found.reset();
    return std::optional<SaleRecord>();
  }
  const std::string hash = found.column_text(0);
  SaleRecord record;
  record.sale_id = found.column_int(1);
  record.recorded_json = found.column_text(2);
  record.replayed = true;
  found.reset();
  if (hash != request_hash) {
    return Error::conflict("the idempotency key was used by another request (sale " +
                           std::to_string(record.sale_id) + ")");
  }
  return std::optional<SaleRecord>(std::move(record));
}

Status SaleService::record_key(SaleRecord& record, const SaleRequest& request) {
  record.recorded_json = sale_json_text(record, ledger_.terminal(), rules_);
  auto stmt = ledger_.db().cached(
      "INSERT INTO sale_keys(idempotency_key, request_hash, sale_id, answer)"
      " VALUES (?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.error();
  Statement& row = **stmt;
  row.bind(1, *request.idempotency_key).bind(2, request.request_hash);
  row.bind(3, record.sale_id).bind(4, *record.recorded_json);
  return row.run();
}

Status SaleService::write_sale(SaleRecord& record, const SaleRequest& request,
                               const std::optional<Card>& card,
                               const loyalty::PricingRequest& pricing,
                               const loyalty::PricedBasket& priced) {
  Database& db = ledger_.db();
  const std::int64_t now = pricing.now_unix;
  const auto& currency = ledger_.terminal().currency.code;
  // The sale's number is taken under the write lock; its row is written
  // last, when its events (and so their seqs) are known.
  auto next = db.cached("SELECT COALESCE(MAX(sale_id), 0) + 1 FROM sales");
  if (!next.ok()) return next.error();
  auto next_row = (*next)->step();
  if (!next_row.ok()) return next_row.error();
  const std::int64_t sale_id = (*next)->column_int(0);
  (*next)->reset();

  std::int64_t stamps_earned = 0;
  std::int64_t free_units = 0;
  for (const auto& change : priced.programs) {
    stamps_earned += change.outcome.stamps_earned;
    free_units += change.outcome.free_units;
  }
  // The event holds everything the sale's row holds (audit rebuilds the
  // row from it), and the lines with the products' names for head office.
  const std::string date = clock_.local_date(now);
  const auto card_id = card ? std::optional<std::string>(card->card_id) : std::nullopt;
  const std::string messages = json_string_list(priced.messages);  // the row keeps them too
  const NewEvent completed =
      sale_completed_event(SaleCompleted{sale_id, now, card_id, request.cashier, currency, date,
                                         request.payment, &priced, stamps_earned, free_units});
  EventWriter events(db, ledger_.terminal().terminal_id);
  auto first_event = events.append(completed);
  if (!first_event.ok()) return first_event.error();
  if (card) LOYALPOS_TRY(write_card_changes(events, *card, sale_id, pricing, priced));

  auto sale = db.cached(
      "INSERT INTO sales(sale_id, created_at, local_date, card_id, cashier, payment, currency,"
      " subtotal, discount, total, line_count, stamps_earned, free_units, first_event, last_event,"
      " messages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  if (!sale.ok()) return sale.error();
  Statement& row = **sale;
  row.bind(1, sale_id).bind(2, now).bind(3, date);
  row.bind_optional(4, card ? std::optional<std::string>(card->card_id) : std::nullopt);
  row.bind(5, request.cashier).bind(6, request.payment).bind(7, currency);
  row.bind(8, priced.subtotal).bind(9, priced.discount).bind(10, priced.total);
  row.bind(11, static_cast<std::int64_t>(priced.lines.size()));
  row.bind(12, stamps_earned).bind(13, free_units);
  row.bind(14, *first_event).bind(15, events.last_seq());
  row.bind(16, messages);
  LOYALPOS_TRY(row.run());
  LOYALPOS_TRY(use_coupons(db, pricing.coupons, sale_id));
  record.sale_id = sale_id;
  record.journal_seq = events.last_seq();
  record.journal_sign = receipt_sign(events.last_hash());
  return ok_status();
}

Status SaleService::write_card_changes(EventWriter& events, const Card& card, std::int64_t sale_id,
                                       const loyalty::PricingRequest& pricing,
                                       const loyalty::PricedBasket& priced) {
  Database& db = ledger_.db();
  const std::int64_t now = pricing.now_unix;
  for (const auto& change : priced.programs) {
    const auto& o = change.outcome;
    // Stamps that lapsed before the sale are their own event, which a refund
    // of the sale leaves alone.
    const std::int64_t stamps = o.after.stamps - change.before.stamps + o.stamps_expired;
    const std::int64_t rewards = o.after.rewards - change.before.rewards;
    // The time of the last stamp changes too when new stamps only replace
    // lapsed ones: their own lapsing counts from it.
    const bool changed = stamps != 0 || rewards != 0 || o.free_units != 0 ||
                         o.after.last_stamp_at != change.before.last_stamp_at;
    if (!changed && o.stamps_expired == 0) continue;
    LOYALPOS_TRY(write_balance(db, card.card_id, o.after));
    if (o.stamps_expired != 0) {
      LOYALPOS_TRY(append_stamps_event(events, card.card_id, sale_id, change.program->id,
                                       -o.stamps_expired, 0, "lapsed", now));
    }
    if (!changed) continue;
    LOYALPOS_TRY(append_stamps_event(events, card.card_id, sale_id, change.program->id, stamps,
                                     rewards, "sale", now));
  }
  // A points card's balance changes like a stamp card's: its points are the
  // event's stamps, so audits and refunds treat both alike.
  for (const auto& change : priced.points) {
    const std::int64_t points = change.outcome.after.stamps - change.before.stamps;
    if (points == 0 && change.outcome.rewards_used == 0) continue;
    LOYALPOS_TRY(write_balance(db, card.card_id, change.outcome.after));
    // "redeem" marks the sale that spent a reward (the day report counts them).
    const char* why = change.outcome.rewards_used > 0 ? "redeem" : "sale";
    LOYALPOS_TRY(append_stamps_event(events, card.card_id, sale_id, change.program->id, points, 0,
                                     why, now));
  }

  loyalty::CardJourney after = pricing.card->journey;
  after.visits += 1;
  after.last_visit = now;
  after.recent_visits.push_back(now);
  LOYALPOS_TRY(record_stage_change(events, card, pricing.card->journey, after, sale_id, now));

  if (priced.referrer_bonus > 0 && card.referrer) {
    auto referrer = ledger_.find_card_by_id(*card.referrer);
    if (!referrer.ok()) return referrer.error();
    if (*referrer) {
      auto before = ledger_.card_history(**referrer, now, tier_window_days());
      if (!before.ok()) return before.error();
      LOYALPOS_TRY(give_bonus(events, (*referrer)->card_id, priced.referrer_program,
                              priced.referrer_bonus, sale_id, now));
      loyalty::CardJourney referrer_after = before->journey;
      referrer_after.referred_someone = true;
      LOYALPOS_TRY(
          record_stage_change(events, **referrer, before->journey, referrer_after, sale_id, now));
    }
  }
  return ok_status();
}

Status SaleService::give_bonus(EventWriter& events, const std::string& card_id,
                               const std::string& program_id, std::int64_t stamps,
                               std::int64_t sale_id, std::int64_t now) {
  const auto& programs = rules_.stamp_programs;
  const auto program =
      std::find_if(programs.begin(), programs.end(),
                   [&](const loyalty::StampProgram& p) { return p.id == program_id; });
  if (program == programs.end()) {
    return Error::not_found("no loyalty program \"" + program_id + "\"");
  }
  auto balances = ledger_.balances(card_id);
  if (!balances.ok()) return balances.error();
  loyalty::ProgramBalance before{program_id, 0, 0, 0};
  for (const auto& b : *balances) {
    if (b.program_id == program_id) before = b;
  }
  // Like stamps bought: lapsed ones go first (their own event, as in a
  // sale), the bonus lapses in turn, and a reward's worth becomes a reward.
  const auto outcome = loyalty::add_bonus_stamps(*program, before, stamps, now);
  const auto& after = outcome.after;
  LOYALPOS_TRY(write_balance(ledger_.db(), card_id, after));
  if (outcome.stamps_expired != 0) {
    LOYALPOS_TRY(append_stamps_event(events, card_id, sale_id, program_id, -outcome.stamps_expired,
                                     0, "lapsed", now));
  }
  return append_stamps_event(events, card_id, sale_id, program_id,
                             after.stamps - before.stamps + outcome.stamps_expired,
                             after.rewards - before.rewards, "referral", now);
}

Status SaleService::record_stage_change(EventWriter& events, const Card& card,
                                        const loyalty::CardJourney& before,
                                        const loyalty::CardJourney& after, std::int64_t sale_id,
                                        std::int64_t now) {
  const auto from = loyalty::journey_stage(rules_, before, now);
  const auto to = loyalty::journey_stage(rules_, after, now);
  if (from == to) return ok_status();
  auto seq = events.append(card_stage_event(card.card_id, sale_id, loyalty::stage_name(from),
                                            loyalty::stage_name(to), now));
  if (!seq.ok()) return seq.error();
  return ok_status();
}

}  // namespace loyalpos::pos
