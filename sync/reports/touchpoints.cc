#include "sync/reports/touchpoints.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "sync/reports/card_table.h"
#include "sync/reports/report_output.h"

namespace loyalpos::reports {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kProgressEvery = 100000;

enum Joined : std::uint8_t { kNotJoined, kSeen, kIssued, kReferred };

struct CardState {
  std::int64_t joined_at = kNever;
  Joined how = kNotJoined;
  std::int64_t first_sale = kNever;
  std::string code_source;  // of the first sale's codes, the first with a touchpoint
  std::string join_source;  // the join page's ?src= it was issued from
  bool retained = false;
};

// The first code of a sale's codes ([{"code","source"}]) that names a touchpoint.
std::string code_source(const std::string& codes) {
  if (codes.size() <= 2) return "";  // "[]" or nothing: most sales
  const auto list = nlohmann::json::parse(codes, nullptr, false);
  if (!list.is_array()) return "";
  for (const auto& c : list) {
    if (!c.is_object()) continue;
    const std::string source = c.value("source", "");
    if (!source.empty()) return source;
  }
  return "";
}

}  // namespace

Result<Touchpoints> touchpoints(sync::Store& store, const ReportRange& range,
                                const ReportProgress& progress) {
  CardTable<CardState> cards;
  const auto card = [&](const std::string& id) -> CardState& { return cards[id]; };
  std::int64_t read = 0;
  LOYALPOS_TRY(
      store.each_journey_fact({range.shop, range.as_of, ""}, [&](const sync::JourneyFact& f) {
        if (++read % kProgressEvery == 0 && progress) progress(read);
        if (f.type == "card.issued" || f.type == "card.seen") {
          CardState& c = card(f.card_id);
          const Joined how = f.type == "card.seen" ? kSeen : f.first.empty() ? kIssued : kReferred;
          // The earliest counts; at the same moment an issue beats a sighting.
          if (f.at < c.joined_at || (f.at == c.joined_at && how > c.how)) {
            c.joined_at = f.at;
            c.how = how;
            c.join_source = f.type == "card.issued" ? f.second : "";
          }
        } else if (f.type == "sale.completed") {
          CardState& c = card(f.card_id);
          if (f.at < c.first_sale) {
            c.first_sale = f.at;
            c.code_source = code_source(f.second);
          }
        } else if (f.type == "card.stage") {
          if (f.second == "retention" || f.second == "loyalty") card(f.card_id).retained = true;
        }
      }));
  std::map<std::string, TouchpointRow> by_source;
  for (const CardState& c : cards.states()) {
    if (c.how == kNotJoined || c.joined_at < range.from || c.joined_at >= range.until) continue;
    const std::string source = !c.join_source.empty()   ? "join page " + c.join_source
                               : !c.code_source.empty() ? "source " + c.code_source
                               : c.how == kReferred     ? "referred by a card"
                               : c.how == kIssued       ? "issued at the counter"
                                                        : "card from another shop";
    TouchpointRow& row = by_source[source];
    row.source = source;
    ++row.joined;
    if (c.first_sale != kNever) ++row.bought;
    if (c.retained) ++row.retained;
  }
  Touchpoints out;
  out.options = range;
  out.facts_read = read;
  for (auto& entry : by_source) out.sources.push_back(std::move(entry.second));
  std::stable_sort(out.sources.begin(), out.sources.end(),
                   [](const TouchpointRow& a, const TouchpointRow& b) {
                     // a.retained / a.joined > b.retained / b.joined, exactly
                     const std::int64_t l = a.retained * b.joined, r = b.retained * a.joined;
                     if (l != r) return l > r;
                     return a.joined > b.joined;  // then by name: the map's order
                   });
  return out;
}

std::string touchpoints_json(const Touchpoints& t) {
  using nlohmann::json;
  json doc = output::json_head("touchpoints", t.options);
  auto list = json::array();
  for (const auto& row : t.sources) {
    list.push_back({{"source", row.source},
                    {"joined", row.joined},
                    {"bought", row.bought},
                    {"retained", row.retained},
                    {"bought_share", output::share_json(row.bought_share())},
                    {"retained_share", output::share_json(row.retained_share())}});
  }
  doc["sources"] = std::move(list);
  return doc.dump(2) + "\n";
}

std::string touchpoints_csv(const Touchpoints& t) {
  std::string out = "rank,source,joined,bought,retained,bought_share,retained_share\n";
  for (std::size_t i = 0; i < t.sources.size(); ++i) {
    const auto& row = t.sources[i];
    out += std::to_string(i + 1) + "," + output::csv_field(row.source) + "," +
           std::to_string(row.joined) + "," + std::to_string(row.bought) + "," +
           std::to_string(row.retained) + "," + output::fixed(row.bought_share(), 4) + "," +
           output::fixed(row.retained_share(), 4) + "\n";
  }
  return out;
}

std::string touchpoints_text(const Touchpoints& t) {
  std::ostringstream out;
  out << "Touchpoints of " << output::shop_words(t.options) << ", "
      << output::range_words(t.options) << " (UTC days)\n"
      << "The cards that joined in the range, by what brought them, the ones whose customers "
         "came\nback first.\n\n";
  if (t.sources.empty()) {
    out << "No card joined in the range.\n";
    return out.str();
  }
  char line[200];
  std::snprintf(line, sizeof line, "%-4s %-32s %7s %7s %9s\n", "", "source", "joined", "bought",
                "came back");
  out << line;
  for (std::size_t i = 0; i < t.sources.size(); ++i) {
    const auto& row = t.sources[i];
    std::snprintf(line, sizeof line, "%-4s %-32s %7lld %7s %9s\n",
                  (std::to_string(i + 1) + ".").c_str(), row.source.c_str(),
                  static_cast<long long>(row.joined), output::percent(row.bought_share()).c_str(),
                  output::percent(row.retained_share()).c_str());
    out << line;
  }
  out << "\njoin page NAME: issued on the join page from a poster's or flyer's link ?src=NAME;\n"
         "source NAME: the touchpoint of a code given at the card's first purchase (a poster, "
         "a flyer);\ncame back: reached retention (bought again) by the end of the range.\n";
  return out.str();
}

}  // namespace loyalpos::reports
