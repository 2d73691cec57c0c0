// The terminal's sync agent (docs/sync-protocol.md): claims its enrollment,
// pushes its own journey chain from the anchor in bounded batches, pulls
// the chain's other terminals' card events, and the rules and catalog head
// office published (read before they are kept: ones that do not read are
// refused and change nothing). The ledger holds the state (the
// anchor, the peer cursor, the last error: pos/ledger/sync_outbox.h), so a
// sync interrupted at any point starts again where it stands; sales go on
// meanwhile, each batch only reading the chain.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "net/http_client.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sync_outbox.h"
#include "sync/agent/enrollment.h"

namespace loyalpos::sync {

struct SyncReport {
  std::int64_t pushed = 0;  // own events head office newly acknowledged
  std::int64_t pulled = 0;  // peer events newly stored
  std::int64_t acked_seq = 0;
  std::int64_t unsent = 0;  // own events still waiting
  // What head office published that this run received (0: nothing new):
  // the rules' version (applied at the next sale) and the catalog's, with
  // the products it added or updated.
  std::int64_t rules_version = 0;
  std::int64_t catalog_version = 0;
  std::size_t catalog_products = 0;
};

// Told after every acknowledged batch: events acknowledged so far in this
// run, and how many were waiting when it began.
using SyncProgress = std::function<void(std::int64_t done, std::int64_t total)>;

class SyncAgent {
 public:
  // `timeout` bounds each step of a request (connect, handshake, send,
  // answer); `batch` the pushes (`loyalpos sync --batch`: a flaky link
  // resends less after a cut, and the fault tests need several batches
  // without thousands of events).
  SyncAgent(pos::Ledger& ledger, Enrollment enrollment, const pos::Clock& clock,
            std::chrono::milliseconds timeout = std::chrono::seconds(30),
            pos::OutboxLimits batch = {});

  // Binds the enrollment to this ledger's terminal id (again: no change).
  Status claim();
  // claim, push, pull. A failure is also recorded in the ledger
  // (sync_state's last error) before it is returned.
  Result<SyncReport> run_once(const SyncProgress& progress = {});

 private:
  Result<SyncReport> exchange(const SyncProgress& progress);
  Result<std::int64_t> push(const SyncProgress& progress);
  Result<std::int64_t> pull();
  // The newest published `kind` ("rules" | "catalog") when newer than the
  // one held: read, then kept (rules) or imported (catalog). Its version, or
  // 0 when nothing is new.
  Result<std::int64_t> pull_published(const std::string& kind, SyncReport& report);

  pos::Ledger& ledger_;
  Enrollment enrollment_;
  const pos::Clock& clock_;
  pos::OutboxLimits batch_;
  std::unique_ptr<net::HttpClient> client_;
};

// The wait before attempt `failures` + 1 after that many failures in a row:
// `every` doubled per failure up to `most`, then scaled by a random factor in
// [0.5, 1.0] (`jitter` in [0, 1)) so terminals of a chain do not all knock
// at once when head office comes back.
std::chrono::milliseconds sync_backoff(int failures, std::chrono::milliseconds every,
                                       std::chrono::milliseconds most, double jitter);

}  // namespace loyalpos::sync
