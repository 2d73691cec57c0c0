// The plain values the embedded Terminal (loyalpos/terminal.h) takes and
// returns. No behaviour, no library types: a POS written in C++ copies them
// into its own model.
//
// Money: every amount (prices, discounts, totals, refunds) is a
// std::int64_t count of minor units (kopecks, cents) of the ledger's currency,
// Terminal::currency() (e.g. 15000 = 150.00 RUB). Times are unix seconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loyalpos {

// One line of a basket: a SKU (any letter case) or a product barcode, and
// how many (1 to 999).
struct Item {
  std::string sku;
  std::int64_t qty = 1;
};

struct Basket {
  std::vector<Item> items;
  // The customer's card as the counter reads it (its code in any case,
  // grouped or not, its link, or either typed under the Russian layout);
  // empty: no card.
  std::string card;
  // Programs whose banked reward (or a points card's reward) to use.
  std::vector<std::string> redeem;
  // Promotion codes or one-shot coupons the customer showed (any case).
  std::vector<std::string> codes;
  // Who rang it up, as recorded with the sale (may be empty).
  std::string cashier;
};

enum class Payment { kCash, kCard };

// A priced line, in basket order.
struct Line {
  std::string sku;
  std::string name;
  std::int64_t qty = 0;
  std::int64_t unit_price = 0;
  std::int64_t gross = 0;            // unit_price * qty
  std::int64_t discount = 0;         // never above gross
  std::vector<std::string> reasons;  // one per discount: "5th free — Pastry card"

  std::int64_t net() const { return gross - discount; }
};

// A card's standing in one of the rules' programs.
struct ProgramProgress {
  std::string id;           // "pastry"
  std::string name;         // "Pastry card"
  std::string mode;         // "apply_now", "bank" or "points"
  std::int64_t stamps = 0;  // stamps towards the next reward (points for a points card)
  std::int64_t every = 0;   // stamp cards: every N-th free; points cards: the threshold
  std::int64_t rewards_available = 0;
  std::string progress;  // the receipt's line: "Pastry card 3/5 — 2 more for a free one"
};

struct Card {
  std::string token;    // the 28-character code
  std::string card_id;  // the id behind it (32 hex digits)
  std::string url;      // what the card's QR holds
  std::int64_t issued_at = 0;
  std::int64_t visits = 0;  // sales with this card that were not refunded
  std::optional<std::int64_t> first_visit;
  std::optional<std::int64_t> last_visit;
  std::string stage;  // journey stage: "new", "purchase", "retention", "loyalty", "lapsed"
  std::string tier;   // the tier id, or empty
  std::optional<std::string> referrer;  // the referring card's id
  std::vector<ProgramProgress> programs;
};

// A basket priced by the rules in force now; nothing recorded.
struct Quote {
  std::vector<Line> lines;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t total = 0;               // subtotal - discount: what the customer pays
  std::string currency;                 // ISO 4217
  std::vector<std::string> promotions;  // ids of the promotions applied
  std::vector<std::string> messages;    // the card's progress lines, as a receipt says them
};

// A recorded sale: its quote as committed, and the card after it.
struct Sale : Quote {
  std::int64_t sale_id = 0;
  std::int64_t at = 0;
  Payment payment = Payment::kCash;
  std::optional<Card> card;  // after the sale
  // The receipt's journal mark ("№ 1234 · 7F3A-91C2"): the seq of the
  // sale's last journey event and its short sign.
  std::int64_t journal_seq = 0;
  std::string journal_sign;
};

struct RefundLine {
  std::int64_t line = 0;  // 1-based, in the sale's order
  std::string sku;
  std::string name;
  std::int64_t qty = 0;
  std::int64_t amount = 0;
};

struct Refund {
  std::int64_t sale_id = 0;
  std::int64_t amount = 0;  // this refund's money back
  std::string currency;
  std::int64_t stamps_taken_back = 0;
  std::int64_t rewards_given_back = 0;
  bool complete = false;  // every item of the sale is now refunded
  std::vector<RefundLine> lines;
  std::optional<Card> card;  // after the refund
};

struct PaymentTotals {
  std::int64_t sales = 0;
  std::int64_t revenue = 0;
};

// One local calendar day's figures.
struct DayReport {
  std::string date;  // YYYY-MM-DD, the terminal's local time
  std::string currency;
  std::int64_t sales = 0;
  std::int64_t revenue = 0;
  std::int64_t discounts = 0;
  std::int64_t stamps_given = 0;
  std::int64_t rewards_redeemed = 0;
  std::int64_t refunds = 0;
  std::int64_t refunded = 0;
  std::int64_t net = 0;                             // revenue - refunded
  std::map<std::string, PaymentTotals> by_payment;  // "cash", "card"
};

// One journey event of this terminal's hash chain (docs/ledger.md): what
// sync reads. `hash` is SHA-256 over `prev_hash` and the event's fields;
// the first event's prev_hash is 32 zero bytes.
struct Event {
  std::int64_t seq = 0;  // 1, 2, 3... without gaps
  std::string type;      // "card.issued", "sale.completed", "card.stamps", ...
  std::int64_t at = 0;
  std::optional<std::string> card_id;
  std::optional<std::int64_t> sale_id;
  std::string payload;    // compact JSON text
  std::string prev_hash;  // 64 lower-case hex digits
  std::string hash;       // 64 lower-case hex digits
};

}  // namespace loyalpos
