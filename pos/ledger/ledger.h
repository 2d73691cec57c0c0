// The terminal's ledger: one SQLite file holding the terminal's identity,
// the catalog, the cards with their balances, the sales and the journey log.
// Everything that changes it goes through a Transaction; sales are written
// by SaleService, which owns that path.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loyalty/card_token.h"
#include "loyalty/catalog.h"
#include "loyalty/journey.h"
#include "loyalty/money.h"
#include "loyalty/stamp_card.h"
#include "pos/ledger/sqlite.h"

namespace loyalpos::pos {

struct TerminalInfo {
  std::string terminal_id;  // 32 hex digits, random, made at init
  std::string terminal_name;
  std::string store_name;
  loyalty::Currency currency;
};

struct InitRequest {
  std::string store_name;
  std::string terminal_name;
  std::string currency = "RUB";
  std::string terminal_id;  // 32 hex digits from a random source
  std::int64_t now = 0;
};

struct Card {
  std::string card_id;
  std::string token;
  std::int64_t issued_at = 0;
  std::optional<std::string> referrer;  // card id of the card that referred it
};

struct CardHistory {
  Card card;
  std::vector<loyalty::ProgramBalance> balances;
  std::int64_t visits = 0;  // its unrefunded sales, here and (peer events) in other shops
  std::optional<std::int64_t> first_visit;
  std::optional<std::int64_t> last_visit;
  loyalty::CardJourney journey;  // for tiers and the journey stage
  std::string stage;             // filled by SaleService::history
  std::string tier;              // the tier id, or empty
};

class Ledger {
 public:
  static Result<Ledger> create(const std::string& path, const InitRequest& request,
                               int busy_timeout_ms);
  static Result<Ledger> open(const std::string& path, int busy_timeout_ms);

  const TerminalInfo& terminal() const { return terminal_; }
  const std::string& path() const { return path_; }
  Database& db() { return db_; }

  // Adds or updates every product in one transaction: all or nothing.
  // `also`, when given, runs in the same transaction before the commit (a
  // published catalog records its version), and its error imports nothing.
  Status import_products(const std::vector<loyalty::Product>& products,
                         const std::function<Status()>& also = {});
  Result<std::vector<loyalty::Product>> products();
  // By SKU (case-insensitive) or barcode.
  Result<std::optional<loyalty::Product>> find_product(const std::string& sku_or_barcode);

  // `referrer`: the card that recommended this one, if any.
  Result<Card> issue_card(const loyalty::CardId& id, std::int64_t now,
                          const std::optional<Card>& referrer = std::nullopt);
  // Issues a card per id in one transaction; `publish` (writing the sheet
  // they are printed on) runs before the commit, and its error issues none.
  Result<std::vector<Card>> issue_cards(
      const std::vector<loyalty::CardId>& ids, std::int64_t now,
      const std::function<Status(const std::vector<Card>&)>& publish);
  Result<std::optional<Card>> find_card(const std::string& token);
  // The card of a token whose check symbols passed (loyalty::parse_token):
  // found, or, when this terminal has never seen it, recorded as a card
  // known from elsewhere (its row and a card.seen event, its balance summed
  // from the peer events held), inside the caller's transaction if there is
  // one, else in one of its own. A card works in every shop.
  Result<Card> known_card(const loyalty::CardId& id, std::int64_t now);
  Result<std::optional<Card>> find_card_by_id(const std::string& card_id);
  // Visits in the last `window_days` (0: none) are listed in journey.recent_visits.
  Result<CardHistory> card_history(const Card& card, std::int64_t now, int window_days);
  Result<std::vector<loyalty::ProgramBalance>> balances(const std::string& card_id);

 private:
  Ledger(Database db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  Status load_terminal();
  // The card's row and its card.issued event, inside the caller's transaction.
  Status insert_card(const Card& card);

  // Drops the remembered lookups when another connection has committed
  // since they were made (PRAGMA data_version).
  Status check_remembered();

  Database db_;
  std::string path_;
  TerminalInfo terminal_;
  // Products and cards as looked up, remembered while nothing else writes
  // the file: the counter asks for the same few on every line and sale. A
  // product change on this connection (import_products) drops them too.
  struct Remembered {
    std::int64_t data_version = -1;
    std::unordered_map<std::string, std::optional<loyalty::Product>> products;  // by code asked
    std::unordered_map<std::string, Card> cards;                                // by token
  } remembered_;
};

}  // namespace loyalpos::pos
