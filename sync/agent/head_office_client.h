// How the terminal reaches head office: net's HTTPS client with the
// enrollment's mutual TLS (head office's CA, this terminal's certificate
// and key). The sync agent talks through it; `loyalpos doctor` asks it
// once whether head office answers, takes this certificate, and what time
// it is there.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/http_client.h"
#include "pos/ledger/clock.h"
#include "sync/agent/enrollment.h"

namespace loyalpos::sync {

std::unique_ptr<net::HttpClient> head_office_client(const Enrollment& enrollment,
                                                    std::chrono::milliseconds timeout);

// One GET /v1/head: what head office answered, and the clocks around it.
struct HeadOfficeProbe {
  int status = 0;              // 200: known and claimed; 403: refused; 409: not claimed yet
  std::string message;         // head office's error message, for a status other than 200
  std::int64_t acked_seq = 0;  // with 200: the last event of this terminal it holds
  std::optional<std::int64_t> server_time;  // its Date header, unix seconds
  // This terminal's clock (unix seconds) when the request left and when the
  // answer came, and the round trip as measured by a steady clock.
  std::int64_t sent_at = 0;
  std::int64_t answered_at = 0;
  std::chrono::milliseconds round_trip{0};
};

// kUnavailable when head office cannot be reached or the TLS handshake
// fails (either side's certificate refused), with net's reason.
Result<HeadOfficeProbe> probe_head_office(const Enrollment& enrollment, const pos::Clock& clock,
                                          std::chrono::milliseconds timeout);

}  // namespace loyalpos::sync
