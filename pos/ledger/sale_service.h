// SaleService: rings up and refunds sales. A sale is priced by loyalty's pure
// function inside one write transaction and committed whole (sale, lines,
// the cards' balances, journey events) before anything is printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/pricing.h"
#include "loyalty/rules.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/published.h"

namespace loyalpos::pos {

struct ItemRequest {
  std::string code;  // SKU or barcode
  std::int64_t qty = 1;
};

// "CROISSANT" or "CROISSANT*3".
Result<ItemRequest> parse_item(std::string_view text);

struct SaleRequest {
  std::vector<ItemRequest> items;
  std::optional<std::string> card_token;
  std::string cashier;
  std::string payment = "cash";     // "cash" | "card"
  std::vector<std::string> redeem;  // bank-mode programs whose rewards to use
  std::vector<std::string> codes;   // promotion codes given (any case); unknown ones are errors
  std::vector<std::string> skip_promotions;  // promotion ids the cashier took off this sale
  // The API's Idempotency-Key (docs/api.md): recorded with the sale in its
  // transaction, with `request_hash` (any text that identifies the request).
  // The same key again with the same hash records nothing and answers with
  // the first sale (SaleRecord::replayed); with another hash it is kConflict.
  std::optional<std::string> idempotency_key;
  std::string request_hash;
  // A quote being committed: the pricing_fingerprint the basket must still
  // price to now, or kConflict and nothing is recorded.
  std::optional<std::string> expected_pricing;
};

// Keys longer than this are refused (kInvalidInput).
inline constexpr std::size_t kMaxIdempotencyKey = 200;

struct SaleRecord {
  std::int64_t sale_id = 0;
  std::int64_t at = 0;
  std::string payment;
  std::string cashier;
  loyalty::PricedBasket priced;
  std::optional<CardHistory> card;  // after the sale
  // Printed on the receipt: the seq of the sale's last journey event and
  // its sign (receipt_sign), so the paper can be checked against the ledger.
  std::int64_t journal_seq = 0;
  std::string journal_sign;
  // Sales with an idempotency key only: the sale as sale_json text, as it
  // was recorded with the key. A replay (`replayed`) is the first sale's
  // text and sale_id, and nothing else of the record is filled.
  std::optional<std::string> recorded_json;
  bool replayed = false;
};

// What a priced basket charges and says, as one comparable text: its lines
// (product, quantity, price, discount and reason), totals, promotions and
// messages. Two pricings with the same fingerprint ring up the same sale.
std::string pricing_fingerprint(const loyalty::PricedBasket& priced);

// What one refund returned of one line of the sale.
struct RefundedLine {
  std::int64_t line = 0;  // 1-based, in the sale's order
  std::string sku;
  std::string name;
  std::int64_t qty = 0;
  std::int64_t amount = 0;
};

struct RefundRecord {
  std::int64_t sale_id = 0;
  std::int64_t amount = 0;
  std::int64_t stamps_taken_back = 0;
  std::int64_t rewards_given_back = 0;
  std::optional<CardHistory> card;  // after the refund
  std::vector<RefundedLine> lines;  // what this refund returned
  bool complete = true;             // the sale is now refunded in full
};

class SaleService {
 public:
  // Prices with `rules` as they are.
  SaleService(Ledger& ledger, const loyalty::Rules& rules, const Clock& clock)
      : ledger_(ledger), rules_(rules), clock_(clock) {}
  // Prices with `rules`, which follow what head office publishes: before
  // each quote and sale, rules the sync agent stored (pos/ledger/published.h)
  // that are newer replace `rules` (read with `read`; null: never): between sales, never
  // inside one. `rules` stays the caller's, so what it shows (stages,
  // progress lines) and what sales price with are one object.
  SaleService(Ledger& ledger, loyalty::Rules& rules, const Clock& clock, PublishedRulesReader read)
      : ledger_(ledger), rules_(rules), clock_(clock), followed_(&rules), read_rules_(read) {}

  // Applies newer published rules now (a front end calls it once when it
  // opens, to show what it sells with). The error is that of rules that do
  // not read: they are passed over, and sales go on with the rules in force
  // until newer ones arrive. Nothing to do for fixed rules.
  Status refresh_published_rules();

  const Clock& clock() const { return clock_; }

  Result<std::vector<loyalty::BasketLine>> resolve_items(const std::vector<ItemRequest>& items);
  // A token as typed or scanned (any case); unknown or misread cards are errors.
  Result<Card> resolve_card(std::string_view token);
  // The card's balances, visits, journey stage and tier now.
  Result<CardHistory> history(const Card& card);
  // Prices without committing, for the counter's running basket.
  Result<loyalty::PricedBasket> quote(const std::vector<loyalty::BasketLine>& lines,
                                      const std::optional<Card>& card,
                                      const std::vector<std::string>& redeem = {},
                                      const std::vector<std::string>& codes = {},
                                      const std::vector<std::string>& skip_promotions = {});

  Result<SaleRecord> sell(const SaleRequest& request);
  // The sale recorded with idempotency key `key`, as a replay (see
  // SaleRequest::idempotency_key), or nullopt when the key is unused.
  // kConflict when the key was used by a request of another hash.
  Result<std::optional<SaleRecord>> keyed_sale(const std::string& key,
                                               const std::string& request_hash);
  // Returns `items` of sale `sale_id` (SKU and quantity, as in a sale), or
  // everything not returned yet when `items` is empty. The money, and what
  // the sale did to any card, go back pro rata (loyalty/pro_rata.h): parts
  // in any order add up to the whole refund, never more. docs/cli.md.
  Result<RefundRecord> refund(std::int64_t sale_id, const std::vector<ItemRequest>& items = {});

 private:
  // `loaded`, when given, receives the card's history the price is based on.
  Result<loyalty::PricingRequest> pricing_request(const std::vector<loyalty::BasketLine>& lines,
                                                  const std::optional<Card>& card,
                                                  const std::vector<std::string>& redeem,
                                                  const std::vector<std::string>& codes,
                                                  std::int64_t now, CardHistory* loaded = nullptr);
  // Past uses of the promotions with usage limits, read from the sales'
  // events (one statement, only when some promotion is limited).
  Result<std::vector<loyalty::PromotionUses>> promotion_uses(const std::optional<Card>& card);
  // The card after a sale, from what the sale knew: no reading back.
  CardHistory after_sale(CardHistory card, const loyalty::PricedBasket& priced,
                         std::int64_t now) const;
  void describe(CardHistory& card, std::int64_t now) const;
  // Records the sale's key and answer, inside the sale's transaction.
  Status record_key(SaleRecord& record, const SaleRequest& request);
  // Writes the sale and fills `record`'s sale_id and journal mark.
  Status write_sale(SaleRecord& record, const SaleRequest& request, const std::optional<Card>& card,
                    const loyalty::PricingRequest& pricing, const loyalty::PricedBasket& priced);
  Status write_card_changes(EventWriter& events, const Card& card, std::int64_t sale_id,
                            const loyalty::PricingRequest& pricing,
                            const loyalty::PricedBasket& priced);
  // The referral bonus on the referrer's card.
  Status give_bonus(EventWriter& events, const std::string& card_id, const std::string& program_id,
                    std::int64_t stamps, std::int64_t sale_id, std::int64_t now);
  Status record_stage_change(EventWriter& events, const Card& card,
                             const loyalty::CardJourney& before, const loyalty::CardJourney& after,
                             std::int64_t sale_id, std::int64_t now);
  int tier_window_days() const;

  Ledger& ledger_;
  const loyalty::Rules& rules_;
  const Clock& clock_;
  loyalty::Rules* followed_ = nullptr;  // = &rules_ when following published rules
  PublishedRulesReader read_rules_ = nullptr;
  std::int64_t unreadable_rules_ = 0;  // the version that did not read, passed over
};

}  // namespace loyalpos::pos
