// `journeyd report conflicts` (docs/journeyd.md): the cards that spent, in
// two shops offline, what they held once; text for an owner, or --json.
#include <ctime>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/conflicts.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

namespace {

// "Main St / till-1" for a terminal id (the id itself if it is unknown).
class TerminalNames {
 public:
  explicit TerminalNames(sync::Store& store) : store_(store) {}
  const std::string& operator()(const std::string& id) {
    auto [it, fresh] = names_.try_emplace(id, id);
    if (fresh) {
      if (auto t = store_.find_terminal(id); t.ok()) {
        it->second = t->store_name + " / " + t->terminal_name;
      }
    }
    return it->second;
  }

 private:
  sync::Store& store_;
  std::map<std::string, std::string> names_;
};

std::string owed(const Conflict& c) {
  if (c.rewards_now < 0) {
    return "owes " + std::to_string(-c.rewards_now) +
           (c.rewards_now == -1 ? " reward" : " rewards");
  }
  if (c.stamps_now < 0) return "owes " + std::to_string(-c.stamps_now) + " stamps or points";
  return "paid off since";
}

}  // namespace

int report_conflicts(const ReportOptions& o, std::ostream& out, std::ostream& err) {
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return command_failed(err, store.error());
  auto conflicts = find_conflicts(**store, [&](std::int64_t done, std::int64_t total) {
    err << "read " << done << " of " << total << " events\n";
  });
  if (!conflicts.ok()) return command_failed(err, conflicts.error());
  TerminalNames names(**store);
  if (o.json) {
    auto list = nlohmann::json::array();
    for (const auto& c : *conflicts) {
      auto spent = nlohmann::json::array();
      for (const auto& d : c.spends) {
        spent.push_back({{"terminal_id", d.terminal_id},
                         {"terminal", names(d.terminal_id)},
                         {"seq", d.seq},
                         {"at", d.at},
                         {"sale_id", d.sale_id},
                         {"why", d.why},
                         {"stamps_after", d.stamps_after},
                         {"rewards_after", d.rewards_after},
                         {"overdrew", d.overdrew}});
      }
      list.push_back({{"card_id", c.card_id},
                      {"program", c.program},
                      {"stamps_now", c.stamps_now},
                      {"rewards_now", c.rewards_now},
                      {"spends", std::move(spent)}});
    }
    out << nlohmann::json{{"conflicts", std::move(list)}}.dump(2) << "\n";
    return 0;
  }
  if (conflicts->empty()) {
    out << "No conflicts: no card spent in two shops what it held once.\n";
    return 0;
  }
  out << conflicts->size() << (conflicts->size() == 1 ? " card" : " cards")
      << " spent in two shops what it held once (the card pays it off with its next "
         "purchases):\n";
  for (const auto& c : *conflicts) {
    out << "\ncard " << c.card_id << ", " << c.program << ": " << owed(c) << "\n";
    for (const auto& d : c.spends) {
      out << "  " << reports::utc_time(d.at, "%Y-%m-%d %H:%M UTC") << "  " << names(d.terminal_id)
          << "  sale " << d.sale_id << " (" << d.why << ", event " << d.seq << ")"
          << (d.overdrew ? "  <- spent what was no longer there" : "") << "\n";
    }
  }
  return 0;
}

}  // namespace loyalpos::journeyd
