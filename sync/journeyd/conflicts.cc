#include "sync/journeyd/conflicts.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

namespace loyalpos::journeyd {

namespace {

constexpr std::size_t kPage = 1000;
constexpr std::int64_t kProgressEvery = 100000;

// A card.stamps event's change, read from its payload (pos/ledger's
// card_stamps_event): which program, by how much, and why.
struct Change {
  std::string program;
  std::int64_t stamps = 0;
  std::int64_t rewards = 0;
  std::int64_t sale = 0;
  std::string why;
  // Spends what the card held: a sale or redemption that takes stamps or
  // rewards away. (A refund taking back what its sale gave is not a spend.)
  bool spends() const { return why != "refund" && (stamps < 0 || rewards < 0); }
};

std::optional<Change> change_of(const JournalEvent& e) {
  if (e.type != "card.stamps" || !e.card_id) return std::nullopt;
  const auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Change c;
  c.program = j.value("program", std::string());
  c.stamps = j.value("stamps", std::int64_t{0});
  c.rewards = j.value("rewards", std::int64_t{0});
  c.sale = j.value("sale", std::int64_t{0});
  c.why = j.value("why", std::string());
  return c;
}

using Key = std::pair<std::string, std::string>;  // card, program

// Every card event of the store, in pages; `visit` sees each card.stamps one.
Status each_change(sync::Store& store, std::int64_t& done, std::int64_t total,
                   const ReportProgress& progress,
                   const std::function<void(const JournalEvent&, const Change&)>& visit) {
  std::int64_t cursor = 0;
  for (;;) {
    auto page = store.events_after(cursor, "", kPage, true);
    if (!page.ok()) return page.error();
    if (page->empty()) return ok_status();
    for (const auto& e : *page) {
      if (auto c = change_of(e)) visit(e, *c);
      if (++done % kProgressEvery == 0 && progress) progress(done, total);
    }
    cursor = page->back().cursor;
  }
}

}  // namespace

Result<std::vector<Conflict>> find_conflicts(sync::Store& store, const ReportProgress& progress) {
  auto count = store.count_events();
  if (!count.ok()) return count.error();
  const std::int64_t total = 2 * *count;
  std::int64_t done = 0;

  // Pass 1: the (card, program) pairs that spent on two terminals or more.
  // Offline, one terminal never spends what its own view does not hold.
  std::map<Key, std::set<std::string>> spent_on;
  LOYALPOS_TRY(
      each_change(store, done, total, progress, [&](const JournalEvent& e, const Change& c) {
        if (c.spends()) spent_on[{*e.card_id, c.program}].insert(e.terminal_id);
      }));
  std::map<Key, std::vector<std::pair<JournalEvent, Change>>> replay;
  for (const auto& [key, terminals] : spent_on) {
    if (terminals.size() >= 2) replay[key];
  }

  // Pass 2: those pairs' events in time order, summed as the terminals sum
  // them. Events of the same second go in the order head office received
  // them (the store's cursor: the same for every journeyd), so a payment
  // made after a sync is not counted before what it paid off.
  LOYALPOS_TRY(
      each_change(store, done, total, progress, [&](const JournalEvent& e, const Change& c) {
        auto it = replay.find({*e.card_id, c.program});
        if (it == replay.end()) return;
        JournalEvent slim = e;
        slim.payload.clear();
        it->second.emplace_back(std::move(slim), c);
      }));
  std::vector<Conflict> out;
  for (auto& [key, events] : replay) {
    std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.at, a.first.cursor) < std::tie(b.first.at, b.first.cursor);
    });
    Conflict conflict{key.first, key.second, {}, 0, 0};
    bool overdrawn = false;
    for (const auto& [e, c] : events) {
      conflict.stamps_now += c.stamps;
      conflict.rewards_now += c.rewards;
      if (!c.spends()) continue;
      const bool below = conflict.stamps_now < 0 || conflict.rewards_now < 0;
      overdrawn = overdrawn || below;
      conflict.spends.push_back({e.terminal_id, e.seq, e.at, c.sale, c.why, conflict.stamps_now,
                                 conflict.rewards_now, below});
    }
    if (overdrawn) out.push_back(std::move(conflict));
  }
  return out;
}

}  // namespace loyalpos::journeyd
