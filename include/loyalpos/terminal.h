// Terminal: loyalpos embedded in another C++ point of sale. One object per
// open ledger (<home>/ledger.db) with its config; it prices baskets, records
// sales and refunds, issues and finds cards, reports a day and reads the
// journey journal. docs/embedding.md shows how to link it
// (find_package(loyalpos) + loyalpos::terminal).
//
// - A sale here is exactly a `loyalpos sale`: the same transaction, rows and
//   journey events, durable (WAL, synchronous=FULL) before sell() returns.
//   It prints no receipt: printing is the embedding POS's business (the
//   Sale carries the lines, the card's progress and the journal mark).
// - Errors are values: every call returns a Result (loyalpos/result.h) with a
//   code and a message for the person at the counter; no exception crosses
//   this API. A call that fails records nothing.
// - Threads: one Terminal may be used from several threads; its calls are
//   serialized by an internal mutex. Several Terminals, in one process or
//   several, may share one ledger: SQLite's locking orders their writes, and
//   a call that waits for the file longer than the config's busy timeout
//   ([ledger] busy_timeout_ms) returns ErrorCode::kUnavailable (try again).
// - Time zone: each Terminal keeps its own (TerminalOptions::time_zone, else
//   the config's `timezone`, else the system's); nothing sets the process's
//   TZ, so Terminals of one process may be in different zones.
// - Money is std::int64_t minor units of currency() (loyalpos/types.h).
#pragma once

#include <loyalpos/result.h>
#include <loyalpos/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loyalpos {

struct TerminalOptions {
  // The folder of ledger.db and config.toml.
  std::string home;
  // The rules and settings; empty: <home>/config.toml if there is one, else
  // the built-in sample café config.
  std::string config_file;
  // Unix seconds the clock stands at, for tests and demos; empty: the
  // system clock.
  std::optional<std::int64_t> fixed_now;
  // The store's time zone (IANA, "Europe/Moscow") for local dates and
  // promotion hours; empty: the config's `timezone`, else the system's.
  std::string time_zone;
};

// What create() makes, beside the store's name.
struct NewLedgerOptions {
  std::string terminal_name;  // empty: the machine's host name
  std::string currency = "RUB";
  bool sample_catalog = true;  // load the sample café's products
};

class Terminal {
 public:
  // Opens an existing ledger (made by `loyalpos init` or create()); kNotFound
  // when there is none at <home>/ledger.db.
  static Result<Terminal> open(const TerminalOptions& options);
  // Makes a new ledger as `loyalpos init` does (a random terminal id, the
  // identity, <home>/config.toml with no printer unless a config is there)
  // and opens it. kConflict when a ledger is already there.
  static Result<Terminal> create(const TerminalOptions& options, const std::string& store_name,
                                 const NewLedgerOptions& ledger = {});

  Terminal(Terminal&&) noexcept;
  Terminal& operator=(Terminal&&) noexcept;
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  ~Terminal();

  std::string currency() const;   // ISO 4217 code of every amount
  int currency_exponent() const;  // digits after the point: 2 for RUB
  std::string store_name() const;
  std::string terminal_name() const;
  std::string terminal_id() const;  // 32 hex digits

  // Prices the basket with the rules in force now; commits nothing.
  Result<Quote> quote(const Basket& basket);
  // Prices and records the basket in one durable transaction.
  Result<Sale> sell(const Basket& basket, Payment payment);
  // Returns `items` of the sale (SKU and quantity), or everything not returned
  // yet when empty. Money and stamps go back pro rata (docs/cli.md,
  // `refund`). Asking for more than is left is kInvalidInput; a sale already
  // refunded in full is kConflict.
  Result<Refund> refund(std::int64_t sale_id, const std::vector<Item>& items = {});

  // A new card; `referrer`, when given, is the recommending customer's card
  // (read like find_card's `scanned`).
  Result<Card> issue_card(const std::string& referrer = {});
  // The card a scan or typed text names: its code (any case, grouped or
  // not), its link, or either typed under the Russian layout. kInvalidInput
  // when the text is not a card code or fails its check; kNotFound when the
  // card is not in this ledger.
  Result<Card> find_card(const std::string& scanned);

  // The figures of a local day "YYYY-MM-DD"; empty: today.
  Result<DayReport> day_report(const std::string& date = {});
  // Journey events with seq > `after_seq`, in order, at most `limit`: page
  // through the journal with the last seq each page returned.
  Result<std::vector<Event>> events_since(std::int64_t after_seq, std::size_t limit = 1000);

 private:
  struct Impl;
  explicit Terminal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace loyalpos
