// `loyalpos serve`: the loopback JSON API (docs/api.md, pos/api/api_service.h)
// on this terminal's ledger, until SIGTERM or SIGINT.
#pragma once

#include <loyalpos/result.h>

#include <string>

#include "pos/app/print_spool.h"
#include "pos/config/config.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

// The bearer token every request must carry, from <home>/api-token: made
// (32 random bytes as hex, mode 0600) when the file is missing. A file that
// the group or others may read is refused (kInvalidInput): the token is the
// key to the till.
Result<std::string> load_api_token(const std::string& home);

// Listens on `listen` ("HOST:PORT"; empty: [api] listen), prints
// "listening on HOST:PORT" (the port bound, for port 0) on stdout, serves
// until SIGTERM or SIGINT, then returns. Sales print their receipts as the
// CLI's do, through `spool`.
Status run_serve(const std::string& home, const std::string& listen, Ledger& ledger,
                 const Config& config, const Clock& clock, PrintSpool& spool);

}  // namespace loyalpos::pos
