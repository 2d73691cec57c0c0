// The customer's card page (docs/journeyd.md "The card page"): what a card's
// QR opens, /C/<TOKEN>. The card's stamps per program with their progress,
// the rewards ready, the visits and the shops it was used in, from every
// shop's events in the store; nothing else (no name, no contact, no sale).
//
// An unknown, misread or malformed token gets the same plain "card not
// found" (404), which says nothing about why. Lookups are limited per
// address (kCardLookups a minute, then 429), so tokens cannot be guessed at
// speed (they are 128 random bits besides).
//
// Below the card, a feedback form (1 to 5 stars, an optional comment of up
// to kMaxComment bytes), POST /C/<TOKEN>/feedback with the form's token (a
// cookie of its own must match it): head office records it as a
// "card.feedback" journey event in its own chain (head_office_chain.h), tied
// to the card's last visit (its terminal, sale and shop). A card with no
// visit yet is asked to come first; a form that does not read changes
// nothing. Sending feedback counts against the same per-address limit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/rules.h"
#include "net/http_server.h"
#include "sync/journeyd/head_office_chain.h"
#include "sync/journeyd/html_page.h"
#include "sync/journeyd/owner_accounts.h"
#include "sync/journeyd/rate_limiter.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

inline constexpr int kCardLookups = 30;                // per address…
inline constexpr std::int64_t kCardLookupWindow = 60;  // …per this many seconds
inline constexpr std::size_t kMaxCardEvents = 20000;   // read for one page
inline constexpr std::size_t kMaxComment = 500;        // bytes of a feedback comment

// What the page shows of one card, from its events.
struct CardSummary {
  struct Program {
    std::string id;
    std::int64_t stamps = 0;   // the balance (a points card's points)
    std::int64_t rewards = 0;  // rewards banked, ready to redeem
  };
  std::vector<Program> programs;  // in the order first seen
  std::int64_t visits = 0;        // sales, less those refunded whole
  std::optional<std::int64_t> last_visit;
  std::string last_terminal;  // of the last sale
  std::int64_t last_sale_id = 0;
  std::vector<std::string> shops;  // sorted, once each
};

// The summary of `events` (one card's, in cursor order); `shop_of` names a
// terminal's shop.
CardSummary summarize_card(const std::vector<sync::WireEvent>& events,
                           const std::function<std::string(const std::string&)>& shop_of);

// Whether a request is for a card page (its path starts with /C/).
bool is_card_path(const std::string& target);

class CardPages {
 public:
  CardPages(sync::Store& store, HeadOfficeChain& chain, OwnerAccounts::Now now)
      : store_(store), now_(std::move(now)), chain_(chain) {}

  net::HttpResponse handle(const net::HttpRequest& request, const std::string& address);

 private:
  // The rules for program names and progress: the ones head office
  // published last, else the shipped café's.
  const loyalty::Rules& rules();
  std::string shop_of(const std::string& terminal_id);
  net::HttpResponse feedback(const net::HttpRequest& request, const std::string& token,
                             const CardSummary& card, html::Lang lang);

  sync::Store& store_;
  OwnerAccounts::Now now_;
  HeadOfficeChain& chain_;
  RateLimiter lookups_{kCardLookups, kCardLookupWindow};
  std::optional<loyalty::Rules> rules_;
  std::int64_t rules_version_ = -1;
  std::map<std::string, std::string> shops_;  // terminal id -> shop name
};

}  // namespace loyalpos::journeyd
