#include "sync/reports/stamps.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "sync/reports/card_table.h"
#include "sync/reports/report_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kNoVisit = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kProgressEvery = 100000;

struct ProgramInfo {
  std::string id;
  std::string name;
  int every = 0;  // 0: unknown
  bool points = false;
  // In the range:
  std::int64_t given = 0, lapsed = 0, earned = 0, redeemed = 0;
};

// One card's balance and milestones in one program.
struct ProgramState {
  std::uint32_t program = 0;
  std::int64_t balance = 0;  // stamps: the sum of every change
  std::int64_t first_stamp = kNever;
  std::int64_t first_reward = kNever;
  bool stamped_in_range = false;
};

struct CardState {
  std::int64_t last_visit = kNoVisit;
  std::vector<ProgramState> programs;

  ProgramState& of(std::uint32_t program) {
    for (auto& p : programs) {
      if (p.program == program) return p;
    }
    ProgramState state;
    state.program = program;
    programs.push_back(state);
    return programs.back();
  }
};

struct Change {
  std::uint32_t program = 0;
  std::int64_t stamps = 0;
  std::int64_t rewards = 0;
};

// The sale a terminal wrote last: its card.stamps events follow it in the
// terminal's chain, so it is worked out when the terminal's next sale (or
// the end) comes.
struct PendingSale {
  bool open = false;
  std::int64_t sale_id = 0;
  std::string card_id;
  std::int64_t at = 0;
  std::int64_t earned = 0;  // the sale's stamps earned, every program's
  std::int64_t free = 0;    // and units given free
  std::vector<Change> changes;
};

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

class Reader {
 public:
  explicit Reader(const StampsOptions& o) : o_(o) {
    for (const auto& rule : o.programs) {
      ProgramInfo& p = programs_[program(rule.id)];
      p.name = rule.name;
      p.every = rule.every;
      p.points = rule.points;
    }
  }

  void read(const sync::JourneyFact& f) {
    if (f.type == "sale.completed") {
      CardState& card = card_of(f.card_id);
      card.last_visit = std::max(card.last_visit, f.at);
      PendingSale& sale = sales_[f.terminal_id];
      finish_sale(sale);
      sale.open = true;
      sale.sale_id = f.sale_id;
      sale.card_id = f.card_id;
      sale.at = f.at;
      sale.earned = f.stamps;
      sale.free = f.rewards;
      sale.changes.clear();
    } else if (f.type == "card.stamps") {
      read_stamps(f);
    }
  }

  StampPrograms finish();

 private:
  bool in_range(std::int64_t at) const { return at >= o_.range.from && at < o_.range.until; }

  CardState& card_of(const std::string& id) { return cards_[id]; }

  std::uint32_t program(const std::string& id) {
    auto [it, fresh] = ids_.try_emplace(id, static_cast<std::uint32_t>(programs_.size()));
    if (fresh) {
      ProgramInfo info;
      info.id = id;
      programs_.push_back(std::move(info));
    }
    return it->second;
  }

  // Stamps worth one reward; 0 when the program's rule is unknown.
  std::int64_t per_reward(std::uint32_t p) const {
    return programs_[p].every >= 2 ? programs_[p].every - 1 : 0;
  }

  void read_stamps(const sync::JourneyFact& f) {
    const std::uint32_t p = program(f.first);
    ProgramState& state = card_of(f.card_id).of(p);
    state.balance += f.stamps;
    const std::string& why = f.second;
    if (why == "sale") {
      PendingSale& sale = sales_[f.terminal_id];
      if (sale.open && sale.sale_id == f.sale_id && sale.card_id == f.card_id) {
        sale.changes.push_back({p, f.stamps, f.rewards});
      } else {
        record_split(f.card_id, f.at, {p, f.stamps, f.rewards});
      }
    } else if (why == "referral") {
      const std::int64_t w = per_reward(p);
      const std::int64_t rewards = std::max<std::int64_t>(0, f.rewards);
      const std::int64_t given =
          w > 0 ? f.stamps + rewards * w : std::max<std::int64_t>(0, f.stamps);
      record(f.card_id, p, f.at, given, rewards, 0);
    } else if (why == "lapsed") {
      if (in_range(f.at)) programs_[p].lapsed -= f.stamps;
    } else if (why == "redeem" && o_.programs.empty()) {
      programs_[p].points = true;  // only points programs redeem in their own event
    }
  }

  void finish_sale(PendingSale& sale) {
    if (!sale.open) return;
    sale.open = false;
    std::vector<Change> changes;
    for (const auto& c : sale.changes) {
      if (!programs_[c.program].points) changes.push_back(c);
    }
    if (changes.size() == 1) {
      const Change& c = changes.front();
      record(sale.card_id, c.program, sale.at, sale.earned,
             std::max<std::int64_t>(0, c.rewards + sale.free), sale.free);
      return;
    }
    if (changes.size() > 1 && in_range(sale.at)) ++split_sales_;
    for (const auto& c : changes) record_split(sale.card_id, sale.at, c);
  }

  // A change read alone: the fewest rewards that explain it.
  void record_split(const std::string& card, std::int64_t at, const Change& c) {
    const std::int64_t w = per_reward(c.program);
    const std::int64_t rewards =
        std::max({std::int64_t{0}, c.rewards, w > 0 ? ceil_div(-c.stamps, w) : 0});
    const std::int64_t given = w > 0 ? c.stamps + rewards * w : std::max<std::int64_t>(0, c.stamps);
    record(card, c.program, at, given, rewards, rewards - c.rewards);
  }

  void record(const std::string& card, std::uint32_t p, std::int64_t at, std::int64_t given,
              std::int64_t earned, std::int64_t redeemed) {
    ProgramState& state = card_of(card).of(p);
    if (given > 0) state.first_stamp = std::min(state.first_stamp, at);
    if (earned > 0) state.first_reward = std::min(state.first_reward, at);
    if (!in_range(at)) return;
    ProgramInfo& info = programs_[p];
    info.given += given;
    info.earned += earned;
    info.redeemed += redeemed;
    if (given > 0) state.stamped_in_range = true;
  }

  const StampsOptions& o_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<ProgramInfo> programs_;
  CardTable<CardState> cards_;
  std::unordered_map<std::string, PendingSale> sales_;  // by terminal
  std::int64_t split_sales_ = 0;
};

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

StampPrograms Reader::finish() {
  for (auto& entry : sales_) finish_sale(entry.second);
  struct Tally {
    std::int64_t cards = 0, one_short = 0, two_short = 0;
    std::vector<double> days;
  };
  std::vector<Tally> t(programs_.size());
  const std::int64_t lapse = static_cast<std::int64_t>(o_.range.lapsed_after_days) * kSecondsPerDay;
  for (const CardState& card : cards_.states()) {
    const bool idle = card.last_visit != kNoVisit && o_.range.as_of - card.last_visit > lapse;
    for (const auto& s : card.programs) {
      Tally& tally = t[s.program];
      if (s.stamped_in_range) ++tally.cards;
      if (s.first_reward != kNever && in_range(s.first_reward) && s.first_stamp <= s.first_reward) {
        tally.days.push_back(static_cast<double>(s.first_reward - s.first_stamp) /
                             static_cast<double>(kSecondsPerDay));
      }
      const std::int64_t w = per_reward(s.program);
      const std::int64_t short_of = w - s.balance;
      if (w > 0 && idle && s.balance >= 1) {
        if (short_of == 1) ++tally.one_short;
        if (short_of == 2) ++tally.two_short;
      }
    }
  }
  StampPrograms out;
  out.options = o_;
  out.split_sales = split_sales_;
  for (std::uint32_t p = 0; p < programs_.size(); ++p) {
    const ProgramInfo& info = programs_[p];
    if (info.points) continue;
    StampProgramRow row;
    row.program = info.id;
    row.name = info.name;
    if (info.every >= 2) {
      row.every = info.every;
      row.stalled_one_short = t[p].one_short;
      row.stalled_two_short = t[p].two_short;
    }
    row.stamps_given = info.given;
    row.stamps_lapsed = info.lapsed;
    row.rewards_earned = info.earned;
    row.rewards_redeemed = info.redeemed;
    row.cards = t[p].cards;
    row.median_days_to_reward = median(t[p].days);
    out.programs.push_back(std::move(row));
  }
  std::sort(
      out.programs.begin(), out.programs.end(),
      [](const StampProgramRow& a, const StampProgramRow& b) { return a.program < b.program; });
  return out;
}

std::string optional_text(const std::optional<std::int64_t>& v, const char* none) {
  return v ? std::to_string(*v) : none;
}

std::string days_text(const std::optional<double>& v, const char* none) {
  return v ? output::fixed(*v, 1) : none;
}

}  // namespace

Result<StampPrograms> stamp_programs(sync::Store& store, const StampsOptions& options,
                                     const ReportProgress& progress) {
  Reader reader(options);
  std::int64_t read = 0;
  LOYALPOS_TRY(store.each_journey_fact({options.range.shop, options.range.as_of, ""},
                                       [&](const sync::JourneyFact& f) {
                                         reader.read(f);
                                         if (++read % kProgressEvery == 0 && progress)
                                           progress(read);
                                       }));
  StampPrograms out = reader.finish();
  out.facts_read = read;
  return out;
}

std::string stamp_programs_json(const StampPrograms& s) {
  using nlohmann::json;
  json doc = output::json_head("stamps", s.options.range);
  doc["rules_published"] = !s.options.programs.empty();
  doc["split_sales"] = s.split_sales;
  const auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  auto list = json::array();
  for (const auto& p : s.programs) {
    list.push_back({{"program", p.program},
                    {"name", p.name.empty() ? json(nullptr) : json(p.name)},
                    {"every", opt(p.every)},
                    {"stamps_given", p.stamps_given},
                    {"stamps_lapsed", p.stamps_lapsed},
                    {"rewards_earned", p.rewards_earned},
                    {"rewards_redeemed", p.rewards_redeemed},
                    {"cards", p.cards},
                    {"median_days_to_reward",
                     p.median_days_to_reward ? json(std::round(*p.median_days_to_reward * 10) / 10)
                                             : json(nullptr)},
                    {"stalled_one_short", opt(p.stalled_one_short)},
                    {"stalled_two_short", opt(p.stalled_two_short)}});
  }
  doc["programs"] = std::move(list);
  return doc.dump(2) + "\n";
}

std::string stamp_programs_csv(const StampPrograms& s) {
  std::string out =
      "program,name,every,stamps_given,stamps_lapsed,rewards_earned,rewards_redeemed,cards,"
      "median_days_to_reward,stalled_one_short,stalled_two_short\n";
  for (const auto& p : s.programs) {
    out += output::csv_field(p.program) + "," + output::csv_field(p.name) + "," +
           (p.every ? std::to_string(*p.every) : "");
    for (const std::int64_t v :
         {p.stamps_given, p.stamps_lapsed, p.rewards_earned, p.rewards_redeemed, p.cards}) {
      out += "," + std::to_string(v);
    }
    out += "," + days_text(p.median_days_to_reward, "") + "," +
           optional_text(p.stalled_one_short, "") + "," + optional_text(p.stalled_two_short, "") +
           "\n";
  }
  return out;
}

std::string stamp_programs_text(const StampPrograms& s) {
  const ReportRange& r = s.options.range;
  std::ostringstream out;
  out << "Stamp programs of " << output::shop_words(r) << ", " << output::range_words(r)
      << " (UTC days)\n";
  if (s.programs.empty()) {
    out << "\nNo stamps given or published programs.\n";
    return out.str();
  }
  for (const auto& p : s.programs) {
    out << "\n" << p.program;
    if (!p.name.empty()) out << " (" << p.name << ")";
    if (p.every) out << ": one item free out of every " << *p.every;
    out << "\n  stamps given:        " << p.stamps_given << " to " << p.cards
        << (p.cards == 1 ? " card" : " cards") << "; lapsed unused: " << p.stamps_lapsed
        << "\n  rewards:             " << p.rewards_earned << " earned, " << p.rewards_redeemed
        << " redeemed"
        << "\n  days to a reward:    " << days_text(p.median_days_to_reward, "-")
        << " (median, from a card's first stamp to its first reward)"
        << "\n  stalled now:         ";
    if (p.stalled_one_short) {
      out << *p.stalled_one_short << " one stamp short, " << *p.stalled_two_short
          << " two short (no purchase for over " << r.lapsed_after_days << " days)\n";
    } else {
      out << "- (the program's rule is not published)\n";
    }
  }
  if (s.split_sales > 0) {
    out << "\n"
        << s.split_sales << (s.split_sales == 1 ? " sale" : " sales")
        << " stamped several programs at once: split by the programs' rules.\n";
  }
  if (s.options.programs.empty()) {
    out << "\nNo rules are published: programs' names and rules are unknown; publish them "
           "(journeyd publish) for the stalled cards.\n";
  }
  return out.str();
}

}  // namespace loyalpos::reports
