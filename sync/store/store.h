// journeyd's event store: every terminal's journey events, each stored once,
// in its terminal's order, after its hash was verified; the terminals
// enrolled; the rules and catalogs head office publishes.
//
// Invariants, whichever store is behind the interface (SQLite or
// PostgreSQL): per terminal, the stored events are seq 1..head without gaps,
// each one's prev_hash is the previous one's hash and its hash recomputes
// from its fields (base/journal_hash.h, as the terminal computes it); nothing is ever changed or
// removed; a refused append stores nothing. Every event also gets a store-wide cursor, increasing
// in the order events became visible, so a reader paging with events_after never skips one that
// commits late.
//
// A Store object is one connection: use it from one thread at a time. Any
// number of Store objects (threads, processes, journeyd instances) may share
// one database.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/journal_event.h"

namespace loyalpos::sync {

// A journey event as it travels from the terminal (base/journal_event.h);
// append ignores its cursor, events_after sets it.
using WireEvent = JournalEvent;

// The last event stored for a terminal: seq 0 and 64 zeros before any.
struct Ack {
  std::int64_t seq = 0;
  std::string hash_hex = std::string(64, '0');
};

// What append decided. On a refusal nothing was stored.
struct AppendOutcome {
  std::optional<Error> refusal;  // absent: accepted (new events stored, or a replay)
  Ack head;                      // the terminal's head after the call
  // Set only when refused for a gap (kConflict): the seq the store takes
  // next, so the server can answer "resend from 43".
  std::optional<std::int64_t> expected_seq;

  Result<Ack> result() const {
    if (refusal) return *refusal;
    return head;
  }
};

struct TerminalRecord {
  std::string terminal_id;
  std::string store_name;
  std::string terminal_name;
  std::string credential_hash;
  bool revoked = false;
};

struct Published {
  std::string kind;  // "rules" | "catalog"
  std::int64_t version = 0;
  std::string bytes;
};

// One card's journey event as the reports read it (sync/reports): the columns
// they need and the one or two payload fields of its type, taken out by the
// database once, when the event is stored (a narrow table beside the events:
// docs/journeyd-store.md), never the whole payload (a sale's lines stay where
// they are).
struct JourneyFact {
  std::int64_t cursor = 0;
  std::string terminal_id;
  std::string type;
  std::int64_t at = 0;  // unix seconds, the terminal's clock
  std::string card_id;
  std::int64_t sale_id = 0;  // 0: no sale
  // By type (pos/ledger/event_payloads.cc):
  //   card.issued      first = the referrer's card id ("" when none);
  //                    second = the join page's source ("" at a counter)
  //   card.seen        (neither)
  //   card.feedback    first = the stars, "1" to "5"; second = the shop of
  //                    the visit (head office's chain: a shop's query takes
  //                    those given about its visits)
  //   card.stage       first = from, second = to (loyalty/journey.h's names)
  //   card.stamps      first = program, second = why
  //   sale.completed   first = the promotions applied, a JSON array of ids;
  //                    second = the codes given, a JSON array of {code, source}
  std::string first;
  std::string second;
  // By type, numbers of the payload (0 for the other types):
  //   card.stamps      stamps, rewards = the change of the card's stamps and
  //                    banked rewards of the program
  //   sale.completed   stamps = stamps_earned, rewards = free_units (every
  //                    stamp program's, in the sale)
  std::int64_t stamps = 0;
  std::int64_t rewards = 0;
};

// Which journey facts to read: those of one shop's terminals (a store name of
// the terminals table) or of every shop, before a moment.
struct JourneyFactQuery {
  std::string store_name;   // empty: every shop
  std::int64_t before = 0;  // only events with at < before
  std::string type;         // one of the six types: only its events; empty: all six
};

// An owner account of the dashboard (sync/journeyd/owner_accounts.h): the
// password only as its slow salted hash.
struct OwnerRecord {
  std::string name;
  std::string password_hash;
  std::int64_t created_at = 0;
};

// A signed-in owner's session: the cookie's secret only as its SHA-256
// (a copy of the store signs nobody in), and the form token of the session.
struct OwnerSession {
  std::string id_hash;
  std::string owner;
  std::string csrf;
  std::int64_t expires_at = 0;  // unix seconds
};

// A customer's e-mail, given on the join page with explicit consent to
// marketing: kept apart from the journey events (which are never changed),
// so `journeyd forget` can erase it while the events stay, anonymous.
struct Contact {
  std::string card_id;
  std::string email;
  std::int64_t consented_at = 0;  // unix seconds
  std::string source;             // the join page's ?src=
};

// Called with each journey fact in turn.
using JourneyFactVisitor = std::function<void(const JourneyFact&)>;

// A sale, with a card or without, as the promotions report reads it: its
// time, the promotions it applied and its lines, taken out of the payload
// (pos/ledger/event_payloads.cc: "promotions", "lines"; "[]" when absent) by
// SQLite, or by the PostgreSQL store in one pass over the payload it reads.
struct SaleFact {
  std::string terminal_id;
  std::int64_t at = 0;
  std::string promotions;  // a JSON array of ids
  std::string lines;  // a JSON array of {category, discount, name, qty, reason, sku, unit_price}
};

// Which sales: of one shop's terminals (empty: every shop), with from <= at < before.
struct SaleQuery {
  std::string store_name;
  std::int64_t from = 0;
  std::int64_t before = 0;
};

using SaleVisitor = std::function<void(const SaleFact&)>;

// The most events one append takes; larger batches are kInvalidInput.
inline constexpr std::size_t kMaxBatch = 1000;

class Store {
 public:
  virtual ~Store() = default;

  // Stores a batch of `terminal_id`'s events in one transaction. The batch
  // must be that terminal's events, consecutive, in order. Events at or
  // below the stored head that are identical to the stored ones (same seq
  // and hash) are a replay: acknowledged, nothing changes. The first new
  // event must be head.seq + 1 and chain to the head's hash. Refusals:
  //   kInvalidInput  malformed batch (too large, another terminal's events,
  //                  not consecutive, a hash that is not 64 hex digits);
  //   kConflict      a gap: the message says "expected seq N" and
  //                  expected_seq holds N; or the terminal was revoked;
  //   kNotFound      the terminal is not enrolled;
  //   kCorrupt       a doctored event (hash does not verify, prev does not
  //                  chain, a different event at a stored seq), naming it;
  //   kUnavailable   the database is locked or not answering: retry.
  virtual AppendOutcome append_or_refuse(const std::string& terminal_id,
                                         const std::vector<WireEvent>& batch) = 0;
  // The same, as a Result: the new head, or why the batch was refused.
  Result<Ack> append(const std::string& terminal_id, const std::vector<WireEvent>& batch) {
    return append_or_refuse(terminal_id, batch).result();
  }
  // The terminal's last stored event (seq 0 before any); kNotFound if unknown.
  virtual Result<Ack> head(const std::string& terminal_id) = 0;
  // Up to `limit` events with a cursor above `cursor`, in cursor order, of
  // every terminal but `except_terminal`; with `cards_only`, only events with
  // a card. Each event's `cursor` is set: pass the last one to page on.
  virtual Result<std::vector<WireEvent>> events_after(std::int64_t cursor,
                                                      const std::string& except_terminal,
                                                      std::size_t limit, bool cards_only) = 0;
  virtual Result<std::int64_t> count_events() = 0;
  // The events of one card (its card id: 32 hex digits), of every terminal,
  // in cursor order, at most `limit`, oldest first (an index reads them).
  virtual Result<std::vector<WireEvent>> card_events(const std::string& card_id,
                                                     std::size_t limit) = 0;

  // Every event with a card of the six types JourneyFact lists, with `at`
  // before `before`, of the shop's terminals (every terminal when store_name
  // is empty; only of `type` when it is set), in cursor order (so each
  // terminal's in seq order), streamed to `visit` as the database reads them:
  // one query, memory for one row at a time. The database does the filtering.
  // `visit` must not use this Store.
  virtual Status each_journey_fact(const JourneyFactQuery& query,
                                   const JourneyFactVisitor& visit) = 0;
  // Every sale.completed event (with a card or not) of the query's shop and
  // times, in no particular order (what reads them adds them up), streamed
  // to `visit` as each_journey_fact does.
  virtual Status each_sale(const SaleQuery& query, const SaleVisitor& visit) = 0;
  // The shops (store names) of the terminals ever enrolled, sorted, once each.
  virtual Result<std::vector<std::string>> store_names() = 0;

  // Enrolls a terminal (kConflict if the id is taken). The credential is
  // stored as given: pass a hash, never the secret.
  virtual Status add_terminal(const std::string& store_name, const std::string& terminal_name,
                              const std::string& terminal_id,
                              const std::string& credential_hash) = 0;
  // From now on its appends are refused; its stored events stay.
  virtual Status revoke_terminal(const std::string& terminal_id) = 0;
  virtual Result<TerminalRecord> find_terminal(const std::string& terminal_id) = 0;

  // Owner accounts (kConflict: the name is taken; kNotFound: no such owner).
  virtual Status add_owner(const OwnerRecord& owner) = 0;
  virtual Result<OwnerRecord> find_owner(const std::string& name) = 0;
  // Sessions: add_session also forgets every session expired at `now`;
  // find_session is kNotFound for an unknown or expired one.
  virtual Status add_session(const OwnerSession& session, std::int64_t now) = 0;
  virtual Result<OwnerSession> find_session(const std::string& id_hash, std::int64_t now) = 0;
  virtual Status end_session(const std::string& id_hash) = 0;

  // Contacts: one per card (kConflict for a second); every consented one,
  // oldest first; forget_contact erases a card's (false: there was none).
  virtual Status add_contact(const Contact& contact) = 0;
  virtual Result<std::vector<Contact>> contacts() = 0;
  virtual Result<bool> forget_contact(const std::string& card_id) = 0;

  // Publishes rules or a catalog; returns its version (increasing).
  virtual Result<std::int64_t> publish(const std::string& kind, const std::string& bytes) = 0;
  // The newest of `kind` if its version is above `after_version`, else none.
  virtual Result<std::optional<Published>> latest(const std::string& kind,
                                                  std::int64_t after_version) = 0;
};

// Opens (creating and migrating as needed) the store at `url`:
// "sqlite:PATH" or "postgresql://…" / "postgres://…" (any libpq URI).
Result<std::unique_ptr<Store>> make_store(const std::string& url);

}  // namespace loyalpos::sync
