// Stamp programs (issue 18, docs/journeyd.md "Reports: stamp programs"): per
// stamp card program, the stamps given, the rewards earned and redeemed, the
// median days from a card's first stamp to its first reward, and the cards
// stalled one or two stamps short of a reward.
//
// What the events say and what is worked out: a till writes, per sale, the
// stamps it earned and the units it gave free (all programs' together) and
// per program the change of the card's stamps and banked rewards. For a sale
// that stamped one program that is exact: stamps given = stamps earned,
// rewards redeemed = free units, rewards earned = the change of banked
// rewards + free units. A sale that stamped several programs at once is
// split by each program's rule (a reward is worth every - 1 stamps) as the
// fewest rewards that explain its change (`split_sales` counts them; without
// published rules its numbers are a lower bound). Referral bonuses are
// stamps given; stamps that lapsed are counted apart; a refund takes back
// balances, not these counts.
//
// Stalled: a card whose balance now is one or two stamps short of holding a
// reward's worth (every - 2 or every - 3 stamps, at least one) and that has
// not bought for more than lapsed_after_days. Needs the program's `every`:
// absent without published rules. A shop's report is its own tills' events
// (balances too: a card that collects in two shops shows its part there).
//
// One pass over the journey facts (card.stamps and sales with a card, the
// numbers taken out by the database); memory bounded by the cards and their
// programs.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/reports/report_range.h"
#include "sync/store/store.h"

namespace loyalpos::reports {

// What the published rules say of a program of the cards.
struct ProgramRule {
  std::string id;
  std::string name;
  int every = 0;        // a stamp card: out of every `every` items one is free
  bool points = false;  // a points program: not in this report
};

struct StampsOptions {
  ReportRange range;
  // The programs of the newest published rules; empty: none published (a
  // program whose events say "redeem" is then taken for a points program).
  std::vector<ProgramRule> programs;
};

struct StampProgramRow {
  std::string program;  // its id
  std::string name;     // from the rules; empty when unknown
  std::optional<int> every;
  // In the range:
  std::int64_t stamps_given = 0;  // earned by purchases and referral bonuses
  std::int64_t stamps_lapsed = 0;
  std::int64_t rewards_earned = 0;
  std::int64_t rewards_redeemed = 0;
  std::int64_t cards = 0;  // cards given a stamp
  // From a card's first stamp to its first reward, over the cards whose
  // first reward was earned in the range.
  std::optional<double> median_days_to_reward;
  // Now (at as_of); absent without the program's `every`.
  std::optional<std::int64_t> stalled_one_short;
  std::optional<std::int64_t> stalled_two_short;
};

struct StampPrograms {
  StampsOptions options;
  std::vector<StampProgramRow> programs;  // by id
  std::int64_t split_sales = 0;           // sales in the range that stamped several programs
  std::int64_t facts_read = 0;
};

Result<StampPrograms> stamp_programs(sync::Store& store, const StampsOptions& options,
                                     const ReportProgress& progress = {});

// {"report": "stamps", "shop", "from", "to", "as_of", "lapsed_after_days",
//  "rules_published", "split_sales", "programs": [{"program", "name", "every",
//  "stamps_given", "stamps_lapsed", "rewards_earned", "rewards_redeemed",
//  "cards", "median_days_to_reward", "stalled_one_short",
//  "stalled_two_short"}]} (absent numbers null)
std::string stamp_programs_json(const StampPrograms& s);
// program,name,every,stamps_given,stamps_lapsed,rewards_earned,
// rewards_redeemed,cards,median_days_to_reward,stalled_one_short,
// stalled_two_short (absent numbers empty)
std::string stamp_programs_csv(const StampPrograms& s);
std::string stamp_programs_text(const StampPrograms& s);

}  // namespace loyalpos::reports
