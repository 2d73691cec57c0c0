// The fault suite's one verdict on head office after a recovery: the store
// holds exactly the terminal's events — seq 1..N once each, no gap, no
// duplicate, every hash recomputed (base/journal_hash.h) and chained onto
// the one before, and each event equal, field for field, to the terminal's
// own. sync_faults_test.cc uses it after every fault, and checks that it
// does fail on a missing, a duplicated and a doctored event.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/journal_event.h"
#include "base/journal_hash.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

// The first way `held` (one terminal's events as the store gave them, in
// cursor order) differs from `own` (the terminal's chain, seq 1..N); empty
// when it is exact.
inline std::string exactness_problem(const std::vector<JournalEvent>& held,
                                     const std::vector<JournalEvent>& own) {
  std::map<std::int64_t, int> times;
  for (const auto& e : held) ++times[e.seq];
  for (const auto& [seq, n] : times) {
    if (n > 1) return "seq " + std::to_string(seq) + " is held " + std::to_string(n) + " times";
  }
  for (std::int64_t seq = 1; seq <= static_cast<std::int64_t>(own.size()); ++seq) {
    if (!times.count(seq)) return "seq " + std::to_string(seq) + " is missing";
  }
  if (held.size() != own.size()) {
    return "the store holds " + std::to_string(held.size()) + " events, the terminal " +
           std::to_string(own.size());
  }
  JournalHash prev(32, 0);
  for (std::size_t i = 0; i < held.size(); ++i) {
    const JournalEvent& h = held[i];
    const JournalEvent& o = own[i];
    const std::string at =
        "event " + std::to_string(i + 1) + " (seq " + std::to_string(h.seq) + ")";
    if (h.seq != static_cast<std::int64_t>(i) + 1) return at + " is out of order";
    if (h.prev_hash != to_hex(prev)) return at + " does not chain onto the one before";
    const JournalHash hash = journal_event_hash(prev, h.terminal_id, h.seq, h.type, h.at,
                                                h.card_id.value_or(""), h.sale_id, h.payload);
    if (to_hex(hash) != h.hash) return at + ": its hash does not recompute";
    if (h.terminal_id != o.terminal_id || h.seq != o.seq || h.type != o.type || h.at != o.at ||
        h.card_id != o.card_id || h.sale_id != o.sale_id || h.payload != o.payload ||
        h.prev_hash != o.prev_hash || h.hash != o.hash) {
      return at + " differs from the terminal's own";
    }
    prev = hash;
  }
  return {};
}

// Every event the store holds for `terminal_id`, paged with events_after.
inline Result<std::vector<JournalEvent>> held_events(sync::Store& store,
                                                     const std::string& terminal_id) {
  std::vector<JournalEvent> out;
  std::int64_t cursor = 0;
  for (;;) {
    auto page = store.events_after(cursor, "", sync::kMaxBatch, false);
    if (!page.ok()) return page.error();
    if (page->empty()) return out;
    for (auto& e : *page) {
      cursor = e.cursor;
      if (e.terminal_id == terminal_id) out.push_back(std::move(e));
    }
  }
}

// The store at `url`, opened afresh, against the terminal's own chain: the
// events, their count (it holds this one terminal's only) and its head.
inline std::string store_problem(const std::string& url, const std::vector<JournalEvent>& own) {
  if (own.empty()) return "the terminal has no events";
  auto store = sync::make_store(url);
  if (!store.ok()) return store.error().message();
  auto held = held_events(**store, own.front().terminal_id);
  if (!held.ok()) return held.error().message();
  if (std::string p = exactness_problem(*held, own); !p.empty()) return p;
  auto count = (*store)->count_events();
  if (!count.ok()) return count.error().message();
  if (*count != static_cast<std::int64_t>(own.size())) {
    return "count_events says " + std::to_string(*count);
  }
  auto head = (*store)->head(own.front().terminal_id);
  if (!head.ok()) return head.error().message();
  if (head->seq != own.back().seq || head->hash_hex != own.back().hash) {
    return "the head is seq " + std::to_string(head->seq) + ", not the terminal's last";
  }
  return {};
}

}  // namespace loyalpos::journeyd
