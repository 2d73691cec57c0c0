// Every journey event the terminal writes, with its payload: the one place
// that says what each type holds (docs/ledger.md lists them). Payloads are
// compact JSON with their keys in ascending order, byte for byte what
// nlohmann's dump writes (json_text.h's JsonObject): these bytes are hashed
// into the chain, so they never change for a given event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/pricing.h"
#include "pos/ledger/event_log.h"

namespace loyalpos::pos {

NewEvent terminal_initialized_event(std::int64_t at, const std::string& store,
                                    const std::string& terminal, const std::string& currency);

NewEvent card_issued_event(const std::string& card_id, std::int64_t at,
                           const std::optional<std::string>& referrer);

// A change of a stamp card's (or a points card's) balance: `why` is "sale",
// "redeem", "lapsed", "referral", "refund".
// A card issued elsewhere (its token's check passed) first scanned here: the
// row this terminal keeps for it is rebuilt from this event, as an issued
// card's is from its card.issued event.
NewEvent card_seen_event(const std::string& card_id, std::int64_t at);

NewEvent card_stamps_event(const std::string& card_id, std::int64_t sale_id,
                           const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                           const char* why, std::int64_t at);

NewEvent card_stage_event(const std::string& card_id, std::int64_t sale_id, const char* from,
                          const char* to, std::int64_t at);

// The customer's consent to phone lookup: the keyed hash, never the number.
NewEvent card_phone_event(const std::string& card_id, std::int64_t consented_at,
                          const std::string& phone_hash_hex, const std::string& key_check);

NewEvent coupon_issued_event(const std::vector<std::string>& codes, const std::string& promotion_id,
                             std::int64_t at);

// What a sale.completed event holds: everything the sale's row holds (audit
// rebuilds the row from it), and the lines with the products' names for head
// office.
struct SaleCompleted {
  std::int64_t sale_id = 0;
  std::int64_t at = 0;
  std::optional<std::string> card_id;
  std::string cashier;
  std::string currency;
  std::string local_date;
  std::string payment;
  const loyalty::PricedBasket* priced = nullptr;
  std::int64_t stamps_earned = 0;
  std::int64_t free_units = 0;
};
NewEvent sale_completed_event(const SaleCompleted& sale);
// The lines as that event holds them (the sales table's lines view reads them).
std::string priced_lines_json(const std::vector<loyalty::PricedLine>& lines);

// A refund of `lines` (1-based line numbers and units) of sale `sale_id`.
struct RefundLineUnits {
  std::int64_t line = 0;
  std::int64_t qty = 0;
};
// [{"line":1,"qty":2},…]: the refund's event and its row hold the same.
std::string refund_lines_json(const std::vector<RefundLineUnits>& lines);
NewEvent sale_refunded_event(std::int64_t sale_id, const std::optional<std::string>& card_id,
                             std::int64_t amount, bool complete,
                             const std::vector<RefundLineUnits>& lines,
                             const std::string& local_date, std::int64_t at);

}  // namespace loyalpos::pos
