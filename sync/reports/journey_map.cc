#include "sync/reports/journey_map.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "sync/reports/card_table.h"

namespace loyalpos::reports {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kNoVisit = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kProgressEvery = 100000;

// The stages the data shows, in journey order; "lapsed" is not one of them
// but where a card goes from any of them.
enum Stage : int { kInterest, kPurchase, kRetention, kLoyalty, kMeasured, kLapsed = kMeasured };
constexpr int kNoStage = -1;

// loyalty/journey.h's stage names ("new": a card without a purchase).
int stage_of(std::string_view name) {
  if (name == "new") return kInterest;
  if (name == "purchase") return kPurchase;
  if (name == "retention") return kRetention;
  if (name == "loyalty") return kLoyalty;
  if (name == "lapsed") return kLapsed;
  return kNoStage;
}

using TouchIds = std::vector<std::uint32_t>;

// Touchpoint names, each stored once; cards hold their ids.
class Names {
 public:
  std::uint32_t id(const std::string& name) {
    auto [it, fresh] = ids_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(name);
    return it->second;
  }
  const std::string& name(std::uint32_t id) const { return names_[id]; }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

struct CardState {
  std::array<std::int64_t, kMeasured> first{kNever, kNever, kNever, kNever};  // recorded entries
  std::array<std::int64_t, kMeasured> latest{kNoVisit, kNoVisit, kNoVisit, kNoVisit};  // and latest
  std::array<TouchIds, kMeasured> touch;  // what the first recorded entry met
  std::int64_t back_at = kNoVisit;        // the latest return from lapsed
  std::int64_t last_visit = kNoVisit;
  bool came_back = false;  // in the range
};

// The sale a terminal wrote last: its card.stamps and card.stage events
// follow it in the terminal's chain, so they are read right after it.
struct LastSale {
  std::int64_t sale_id = 0;
  std::string card_id;
  TouchIds touch;  // its promotions and the programs it stamped
};

struct Feedback {
  std::string card_id;
  std::int64_t at = 0;
  int stars = 0;
};

class Reader {
 public:
  explicit Reader(const JourneyMapOptions& o) : o_(o) {}

  void read(const sync::JourneyFact& f) {
    if (f.type == "card.issued" || f.type == "card.seen") {
      read_interest(card(f.card_id), f);
    } else if (f.type == "sale.completed") {
      CardState& c = card(f.card_id);
      c.last_visit = std::max(c.last_visit, f.at);
      LastSale& sale = sales_[f.terminal_id];
      sale.sale_id = f.sale_id;
      sale.card_id = f.card_id;
      sale.touch.clear();
      if (f.first.empty() || f.first == "[]") return;  // most sales: no promotion
      const auto promotions = nlohmann::json::parse(f.first, nullptr, false);
      if (!promotions.is_array()) return;
      for (const auto& p : promotions) {
        if (p.is_string()) add(sale.touch, names_.id("promotion " + p.get<std::string>()));
      }
    } else if (f.type == "card.stamps") {
      // Stamps the sale gave (not a refund's, a lapse's or a referral bonus).
      auto it = sales_.find(f.terminal_id);
      if (it != sales_.end() && it->second.sale_id == f.sale_id &&
          it->second.card_id == f.card_id && f.second == "sale") {
        add(it->second.touch, names_.id("program " + f.first));
      }
    } else if (f.type == "card.stage") {
      read_stage(card(f.card_id), f);
    } else if (f.type == "card.feedback") {
      // Stars from the card page, "1" to "5": counted at the end, in the
      // stage the card had reached when it gave them.
      if (f.first.size() == 1 && f.first[0] >= '1' && f.first[0] <= '5' && in_range(f.at)) {
        feedback_.push_back({f.card_id, f.at, f.first[0] - '0'});
      }
    }
  }

  JourneyMap finish() const;

 private:
  CardState& card(const std::string& id) { return cards_[id]; }

  static void add(TouchIds& ids, std::uint32_t id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }

  bool in_range(std::int64_t t) const { return t >= o_.from && t < o_.until; }

  // Interest: the card issued here (on the join page from a poster's
  // link, at the counter, or with a referrer's card) or first seen here
  // from another shop; the earliest counts.
  void read_interest(CardState& c, const sync::JourneyFact& f) {
    const bool issued = f.type == "card.issued";
    const std::string source = !issued             ? "card from another shop"
                               : !f.second.empty() ? "join page " + f.second
                               : f.first.empty()   ? "issued at the counter"
                                                   : "referred by a card";
    if (f.at < c.first[kInterest] || (issued && f.at == c.first[kInterest])) {
      c.first[kInterest] = f.at;
      c.touch[kInterest] = {names_.id(source)};
    }
  }

  void read_stage(CardState& c, const sync::JourneyFact& f) {
    const int from = stage_of(f.first);
    const int to = stage_of(f.second);
    if (from == kLapsed) {
      c.back_at = std::max(c.back_at, f.at);
      if (in_range(f.at)) c.came_back = true;
    }
    if (to < kPurchase || to >= kMeasured) return;
    c.latest[to] = std::max(c.latest[to], f.at);
    if (f.at >= c.first[to]) return;
    c.first[to] = f.at;
    const auto sale = sales_.find(f.terminal_id);
    const bool of_sale = sale != sales_.end() && sale->second.sale_id == f.sale_id;
    if (to == kLoyalty) {
      // Another card's sale made this one loyal: the card it referred bought.
      const bool referral = of_sale && sale->second.card_id != f.card_id;
      c.touch[to] = {names_.id(referral ? "referral" : "tier")};
    } else {
      c.touch[to] = of_sale && sale->second.card_id == f.card_id ? sale->second.touch : TouchIds{};
    }
  }

  const JourneyMapOptions& o_;
  CardTable<CardState> cards_;
  std::vector<Feedback> feedback_;                   // in the range
  std::unordered_map<std::string, LastSale> sales_;  // by terminal
  Names names_;
};

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

StageRow absent_stage(const char* stage, const char* why) {
  StageRow row;
  row.stage = stage;
  row.absent = why;
  return row;
}

JourneyMap Reader::finish() const {
  struct Tally {
    std::int64_t now = 0, entered = 0, dropped = 0, before = 0, converted = 0;
    std::vector<double> days;
    std::map<std::uint32_t, std::int64_t> touch;
  };
  std::array<Tally, kMeasured> t;
  JourneyMap map;
  const std::int64_t lapse = static_cast<std::int64_t>(o_.lapsed_after_days) * kDay;
  for (const CardState& c : cards_.states()) {
    // Reached a stage: entered it or any later one (a referral can make a
    // card loyal at its first purchase), so the funnel never widens.
    std::array<std::int64_t, kMeasured> reached = c.first;
    for (int s = kMeasured - 2; s >= 0; --s) reached[s] = std::min(reached[s], reached[s + 1]);
    if (reached[kInterest] == kNever) continue;  // only stamps or sales here: no stage

    // Now: the furthest stage reached since the card last came back from
    // lapsed (or ever). Terminals that had not synced may record a stage
    // the card had passed elsewhere; the furthest is the chain's view.
    int now = kInterest;
    for (int s = kPurchase; s < kMeasured; ++s) {
      if (c.latest[s] != kNoVisit && c.latest[s] >= c.back_at) now = s;
    }
    int dropped = kNoStage;
    if (now == kInterest) {
      if (o_.as_of - reached[kInterest] > lapse) dropped = kInterest;  // never bought
    } else if (c.last_visit != kNoVisit && o_.as_of - c.last_visit > lapse) {
      dropped = now;
    }
    if (dropped != kNoStage) {
      ++t[dropped].dropped;
      ++map.lapsed_now;
    } else {
      ++t[now].now;
    }
    if (c.came_back) ++map.came_back;

    for (int s = 0; s < kMeasured; ++s) {
      if (s > 0 && in_range(reached[s - 1])) {
        ++t[s].before;
        if (reached[s] != kNever) ++t[s].converted;
      }
      if (!in_range(reached[s])) continue;
      ++t[s].entered;
      if (s > 0) {
        t[s].days.push_back(static_cast<double>(reached[s] - reached[s - 1]) /
                            static_cast<double>(kDay));
      }
      if (c.first[s] == reached[s]) {
        for (auto touch : c.touch[s]) ++t[s].touch[touch];
      }
    }
  }

  // Each feedback in the stage its card had reached when it was given (the
  // card's first entry of each stage; a lapse does not undo it).
  std::array<std::pair<std::int64_t, std::int64_t>, kMeasured> stars{};  // sum, count
  for (const auto& fb : feedback_) {
    const CardState* card = cards_.find(fb.card_id);
    if (card == nullptr) continue;
    int stage = kNoStage;
    for (int s = 0; s < kMeasured; ++s) {
      if (card->first[s] <= fb.at) stage = s;
    }
    if (stage == kNoStage) continue;
    stars[stage].first += fb.stars;
    stars[stage].second += 1;
  }

  static constexpr const char* kNames[kMeasured] = {"interest", "purchase", "retention", "loyalty"};
  map.options = o_;
  map.stages.push_back(absent_stage(
      "awareness",
      "the events hold the cards, not the people who saw a poster and did not "
      "join (the join page's sources are the interest stage's touchpoints, \"join page "
      "NAME\", and the touchpoints report's)"));
  for (int s = 0; s < kMeasured; ++s) {
    if (s == kPurchase) {
      map.stages.push_back(
          absent_stage("consideration",
                       "what a customer looks at before buying (the menu, the card page) "
                       "leaves no journey event"));
    }
    StageRow row;
    row.stage = kNames[s];
    row.now = t[s].now;
    row.entered = t[s].entered;
    row.dropped = t[s].dropped;
    if (t[s].before > 0) {
      row.conversion = static_cast<double>(t[s].converted) / static_cast<double>(t[s].before);
    }
    row.median_days = median(t[s].days);
    if (stars[s].second > 0) {
      row.feedback_stars =
          static_cast<double>(stars[s].first) / static_cast<double>(stars[s].second);
    }
    for (const auto& [touch, cards] : t[s].touch) {
      row.touchpoints.push_back({names_.name(touch), cards});
    }
    std::sort(row.touchpoints.begin(), row.touchpoints.end(),
              [](const Touchpoint& a, const Touchpoint& b) {
                return a.cards != b.cards ? a.cards > b.cards : a.name < b.name;
              });
    map.stages.push_back(std::move(row));
  }
  return map;
}

}  // namespace

Result<JourneyMap> journey_map(sync::Store& store, const JourneyMapOptions& options,
                               const ReportProgress& progress) {
  Reader reader(options);
  std::int64_t read = 0;
  LOYALPOS_TRY(store.each_journey_fact({options.shop, options.as_of, ""}, [&](const auto& f) {
    reader.read(f);
    if (++read % kProgressEvery == 0 && progress) progress(read);
  }));
  JourneyMap map = reader.finish();
  map.facts_read = read;
  return map;
}

}  // namespace loyalpos::reports
