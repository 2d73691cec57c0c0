// The join page (docs/journeyd.md "The join page"): what a poster's or a
// flyer's QR opens, /join?src=SOURCE. It issues a digital card on the spot,
// shown as a QR to save or screenshot, and records where the customer came
// from: a "card.issued" journey event in head office's chain
// (head_office_chain.h) with the source, which the tills receive with the
// peer events (and accept the card at its first purchase, as any card).
//
// An e-mail is optional, and kept only with explicit consent to marketing,
// with the moment of consent, as a contact apart from the events
// (`journeyd export contacts --consented`, `journeyd forget TOKEN`).
//
// A source is 1 to 64 letters, digits, '.', '_' or '-'. Issuing is limited
// per address (kJoinsPerHour) and needs the form's own token.
#pragma once

#include <cstdint>
#include <string>

#include "net/http_server.h"
#include "sync/journeyd/head_office_chain.h"
#include "sync/journeyd/owner_accounts.h"
#include "sync/journeyd/rate_limiter.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

inline constexpr int kJoinsPerHour = 5;
inline constexpr std::size_t kMaxEmail = 254;

bool is_join_path(const std::string& target);
bool valid_source(const std::string& source);

class JoinPages {
 public:
  // `public_url`: journeyd's as the tills dial it; the new card's QR opens
  // PUBLIC_URL/C/<TOKEN>, the card page.
  JoinPages(sync::Store& store, HeadOfficeChain& chain, OwnerAccounts::Now now,
            std::string public_url)
      : store_(store), chain_(chain), now_(std::move(now)), public_url_(std::move(public_url)) {}

  net::HttpResponse handle(const net::HttpRequest& request, const std::string& address);

 private:
  sync::Store& store_;
  HeadOfficeChain& chain_;
  OwnerAccounts::Now now_;
  std::string public_url_;
  RateLimiter joins_{kJoinsPerHour, 3600};
};

}  // namespace loyalpos::journeyd
