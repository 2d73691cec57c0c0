// journeyd's answers to the sync protocol (docs/sync-protocol.md), as a pure
// function from a request (with the TLS-verified client certificate's CN and
// serial) to a response, over a Store. No sockets: net's HttpServer calls
// handle() on its one thread, tests may call it directly.
//
// Who is asking: the certificate's CN is the enrollment id. Every request
// but /v1/health looks the enrollment up in the store (never cached, so a
// revocation holds from the next request on): unknown or not matching the
// certificate's serial -> 403 forbidden, revoked -> 403 revoked.
//
// The enrollment's binding to a ledger terminal_id lives in the store's
// terminals table as two rows (the table has no other room for it):
//   "claim:<enrollment id>"  credential = the terminal_id it claimed
//   <terminal_id>            credential = "enrollment:<enrollment id>"
// the first is added once (add_terminal refuses a second), the second is the
// row the store checks on every append.
#pragma once

#include <string>

#include "net/http_server.h"
#include "sync/journeyd/card_page.h"
#include "sync/journeyd/join_page.h"
#include "sync/journeyd/owner_pages.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

// The credential stored for an enrollment: what identifies its certificate.
std::string serial_credential(const std::string& serial_hex);
std::string claim_row(const std::string& enrollment_id);

// The largest POST /v1/events body (the server refuses more with 413).
inline constexpr std::size_t kMaxBody = 4 * 1024 * 1024;

// Besides the sync protocol, journeyd serves the owner's dashboard
// (owner_pages.h) under /owner/, with an owner's session instead of a client
// certificate, the customers' card pages (card_page.h) under /C/ and the
// join page (join_page.h) at /join.
class Service {
 public:
  // `now`: unix seconds for sessions, feedback and the limits (tests fix
  // it); `public_url`: journeyd's as the tills dial it (the join page's QR).
  explicit Service(sync::Store& store, OwnerAccounts::Now now = system_now,
                   std::string public_url = "https://localhost")
      : store_(store),
        chain_(store),
        owner_pages_(store, now),
        card_pages_(store, chain_, now),
        join_pages_(store, chain_, now, std::move(public_url)) {}
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  static std::int64_t system_now();
  sync::Store& store_;
  HeadOfficeChain chain_;
  OwnerPages owner_pages_;
  CardPages card_pages_;
  JoinPages join_pages_;
};

// Revokes an enrollment and the terminal id it claimed (if any): from now on
// its certificate gets 403 revoked and its appends are refused.
Status revoke_enrollment(sync::Store& store, const std::string& enrollment_id);

}  // namespace loyalpos::journeyd
