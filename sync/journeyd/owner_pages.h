// The owner's dashboard (docs/journeyd.md "The owner's dashboard"): pages
// under /owner/, server-rendered HTML with the charts as inline SVG, no
// script and no request to anywhere else, in English or Russian.
//
//   GET  /owner/login    the sign-in form
//   POST /owner/login    name, password, csrf: a session cookie and 303 to /owner/
//   GET  /owner/         the journey map (?shop=&from=&to=, as `report journey`)
//   GET  /owner/reports/NAME   cohorts, lifecycle, stamps, promotions (&tz=),
//                        touchpoints: the report's text, with links to its data
//   GET  /owner/api/reports/NAME   the same numbers as JSON (&format=csv: CSV),
//                        exactly what `journeyd report NAME --json` prints;
//                        without a session 401 {"error":…}, not a redirect
//   POST /owner/logout   csrf: the session ends
//
// Every page but the sign-in form needs a session: without one a GET is
// sent to /owner/login (303) and a POST refused (403). Every form carries a
// CSRF token: the session's, or before sign-in a random one that must match
// a cookie of its own. The language is ?lang=en|ru (kept in a cookie), else
// the browser's Accept-Language.
#pragma once

#include <cstdint>
#include <functional>

#include "net/http_server.h"
#include "sync/journeyd/owner_accounts.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

// Whether a request is for the dashboard (its path starts with /owner).
bool is_owner_path(const std::string& target);

class OwnerPages {
 public:
  OwnerPages(sync::Store& store, OwnerAccounts::Now now)
      : store_(store), now_(now), accounts_(store, now) {}

  // `address`: the client's, for the sign-in throttle.
  net::HttpResponse handle(const net::HttpRequest& request, const std::string& address);

 private:
  sync::Store& store_;
  OwnerAccounts::Now now_;
  OwnerAccounts accounts_;
};

}  // namespace loyalpos::journeyd
