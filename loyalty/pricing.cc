#include "loyalty/pricing.h"

#include <algorithm>
#include <array>
#include <list>
#include <tuple>

#include "loyalty/messages.h"
#include "loyalty/money.h"

namespace loyalpos::loyalty {

namespace {

// One unit of one line: promotions and rewards work unit by unit.
struct Unit {
  std::size_t line = 0;
  std::int64_t price = 0;
  std::int64_t net = 0;
  const std::string* sku = nullptr;
  bool touched = false;       // some promotion discounted or grouped it
  bool locked = false;        // a non-combinable promotion holds it
  bool earns_stamps = true;   // false once a promotion that earns none discounted it
  bool free_by_card = false;  // a stamp card made it free
};

// A discount being collected for one line from one rule, before it becomes
// a LineDiscount. `rank` is the order the rule applied in.
struct Pending {
  std::size_t line = 0;
  int rank = 0;
  const std::string* source = nullptr;
  const std::string* reason = nullptr;
  std::int64_t amount = 0;
  std::int64_t units = 0;
};

struct Work {
  std::vector<Unit> units;
  std::vector<Pending> discounts;
  std::list<std::string> reasons;  // texts made while pricing; stable addresses
  std::vector<Unit*> scratch;      // reused by the rules, one at a time
  std::vector<std::int64_t> nets;  // units' nets before a rule, where it needs them
  // The basket's distinct categories, and each line's among them: a rule's
  // categories are matched against these few, not against every line.
  std::vector<const std::string*> categories;
  std::array<std::size_t, kMaxBasketLines> line_category{};
  int rank = 0;  // of the rule applying now

  void reset() {
    units.clear();
    discounts.clear();
    reasons.clear();
    scratch.clear();
    nets.clear();
    categories.clear();
    rank = 0;
  }

  // Takes up to `amount` off the unit; returns what it took.
  std::int64_t discount(Unit& unit, std::int64_t amount, const std::string& source,
                        const std::string& reason) {
    amount = std::min(amount, unit.net);
    if (amount <= 0) return 0;
    unit.net -= amount;
    auto it = std::find_if(discounts.begin(), discounts.end(),
                           [&](const Pending& d) { return d.line == unit.line && d.rank == rank; });
    if (it == discounts.end()) {
      discounts.push_back(Pending{unit.line, rank, &source, &reason, 0, 0});
      it = discounts.end() - 1;
    }
    it->amount += amount;
    if (unit.net == 0 && amount == unit.price) ++it->units;
    return amount;
  }
};

void index_categories(Work& work, const PricingRequest& request) {
  work.categories.reserve(request.lines.size());
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const std::string& category = request.lines[i].product.category;
    std::size_t k = 0;
    while (k < work.categories.size() && *work.categories[k] != category) ++k;
    if (k == work.categories.size()) work.categories.push_back(&category);
    work.line_category[i] = k;
  }
}

// Which lines a rule's product set holds, worked out once per rule (on the
// stack: a basket has at most kMaxBasketLines lines).
using LineMask = std::array<bool, kMaxBasketLines>;
LineMask matching_lines(const Work& work, const PricingRequest& request, const ProductSet& items) {
  // Only the first categories.size() and lines.size() entries are used.
  std::array<bool, kMaxBasketLines> category_in;
  std::fill_n(category_in.begin(), work.categories.size(), false);
  for (const auto& c : items.categories) {
    for (std::size_t k = 0; k < work.categories.size(); ++k) {
      if (*work.categories[k] == c) category_in[k] = true;
    }
  }
  LineMask out;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    out[i] = category_in[work.line_category[i]] ||
             (!items.skus.empty() && std::find(items.skus.begin(), items.skus.end(),
                                               request.lines[i].product.sku) != items.skus.end());
  }
  return out;
}

// Units equal in SKU and state are interchangeable, so ordering by them (and
// never by position) keeps the result independent of the order of lines.
bool state_less(const Unit* a, const Unit* b) {
  // Units of one line share their SKU string: skip comparing it then.
  if (a->sku != b->sku) {
    const int c = a->sku->compare(*b->sku);
    if (c != 0) return c < 0;
  }
  return std::tie(a->touched, a->locked, a->earns_stamps, a->free_by_card) <
         std::tie(b->touched, b->locked, b->earns_stamps, b->free_by_card);
}

// Cheapest first.
bool cheaper(const Unit* a, const Unit* b) {
  if (a->net != b->net) return a->net < b->net;
  return state_less(a, b);
}

bool dearer(const Unit* a, const Unit* b) {
  if (a->net != b->net) return a->net > b->net;
  return state_less(a, b);
}

bool audience_matches(const Promotion& promo, const PricingRequest& request, const Tier* tier) {
  switch (promo.audience) {
    case Audience::kEveryone:
      return true;
    case Audience::kCardHolders:
      return request.card.has_value();
    case Audience::kWelcome:
      return request.card && request.card->journey.visits == 0;
    case Audience::kTier:
      return tier != nullptr && tier->id == promo.tier;
  }
  return false;
}

// Fills `out` with the units a promotion may take. `with_free`: also the
// units an earlier combinable promotion made free, which a group promotion
// still counts ("3 for 1" after "2 for 1" on the same pastries: the free
// ones are among the three).
void eligible_units(Work& work, const PricingRequest& request, const ProductSet& items,
                    bool combinable, std::vector<Unit*>& out, bool with_free = false) {
  const auto lines = matching_lines(work, request, items);
  out.clear();
  for (auto& unit : work.units) {
    if (unit.locked || (!combinable && unit.touched)) continue;
    if (unit.net <= 0 && !(with_free && unit.net == 0 && unit.price > 0)) continue;
    if (lines[unit.line]) out.push_back(&unit);
  }
}

// The promotion takes the unit; only a unit it made free or cheaper
// (`discounted`) loses its stamp, unless the promotion says it earns one.
void claim(Unit& unit, const Promotion& promo, bool discounted) {
  unit.touched = true;
  if (!promo.combinable) unit.locked = true;
  if (discounted && !promo.earns_stamps) unit.earns_stamps = false;
}

// Groups of paid + free units, dearest first: in each group the `paid`
// dearest are paid and the next up to `free` are free ("buy 2 get 3", "2
// for the price of 1"). `partial`: a last, smaller group gives the units it
// holds beyond `paid` (buy x get y); otherwise only whole groups count.
bool apply_groups(Work& work, const PricingRequest& request, const Promotion& promo, int paid,
                  int free, bool partial) {
  auto& units = work.scratch;
  eligible_units(work, request, promo.items, promo.combinable, units, true);
  std::sort(units.begin(), units.end(), dearer);
  const auto group = static_cast<std::size_t>(paid + free);
  const std::size_t whole = units.size() / group * group;
  const bool gives_more = partial && units.size() - whole > static_cast<std::size_t>(paid);
  const std::size_t end = gives_more ? units.size() : whole;
  bool applied = false;
  for (std::size_t i = 0; i < end; ++i) {
    Unit& unit = *units[i];
    applied = applied || unit.net > 0;
    std::int64_t taken = 0;
    if (i % group >= static_cast<std::size_t>(paid)) {
      taken = work.discount(unit, unit.net, promo.id, promo.name);
    }
    claim(unit, promo, taken > 0);
  }
  return applied;
}

bool apply_each(Work& work, const PricingRequest& request, const Promotion& promo) {
  auto& units = work.scratch;
  eligible_units(work, request, promo.items, promo.combinable, units);
  // With a cap, the dearest units take their discount first, so the cap
  // falls the same way whatever the order of lines.
  if (promo.max_discount) std::sort(units.begin(), units.end(), dearer);
  std::int64_t left = promo.max_discount.value_or(INT64_MAX);
  for (Unit* unit : units) {
    std::int64_t amount = promo.amount;
    if (promo.kind == PromotionKind::kPercentOff) {
      // Rounded half up, computed without overflow; never above the net.
      amount = unit->net / 100 * promo.percent + ((unit->net % 100) * promo.percent + 50) / 100;
    }
    const std::int64_t taken = work.discount(*unit, std::min(amount, left), promo.id, promo.name);
    left -= taken;
    claim(*unit, promo, taken > 0);
  }
  return !units.empty();
}

// `amount` (clipped at the units' total) off the units, each taking its
// share in proportion to its net, rounded down; the minor units left over go
// one each to the dearest units. A share never exceeds the unit's net: below
// the total every rounded-down share is under its net, and at the total
// there is nothing left over. Returns what was taken, -1 if the units cost
// nothing. `units` come dearest first.
std::int64_t spread(Work& work, std::vector<Unit*>& units, std::int64_t amount,
                    const std::string& source, const std::string& reason) {
  std::int64_t total = 0;
  for (const Unit* unit : units) total += unit->net;  // the basket total fits (checked)
  if (total == 0) return -1;
  amount = std::min(amount, total);
  __extension__ typedef __int128 Wide;  // amount * net may not fit in 64 bits
  std::int64_t given = 0;
  for (Unit* unit : units) {
    const auto share = static_cast<std::int64_t>(static_cast<Wide>(amount) * unit->net / total);
    given += work.discount(*unit, share, source, reason);
  }
  for (Unit* unit : units) {
    if (given == amount) break;
    given += work.discount(*unit, 1, source, reason);
  }
  return given;
}

// `amount` off the units, spread over them (see spread).
bool apply_order_amount(Work& work, const PricingRequest& request, const Promotion& promo) {
  auto& units = work.scratch;
  if (promo.items.empty()) {
    units.clear();
    for (auto& unit : work.units) {
      if (!unit.locked && !(!promo.combinable && unit.touched) && unit.net > 0)
        units.push_back(&unit);
    }
  } else {
    eligible_units(work, request, promo.items, promo.combinable, units);
  }
  std::sort(units.begin(), units.end(), dearer);
  auto& nets = work.nets;
  nets.clear();
  for (const Unit* unit : units) nets.push_back(unit->net);
  if (spread(work, units, promo.amount, promo.id, promo.name) < 0) return false;
  for (std::size_t i = 0; i < units.size(); ++i) claim(*units[i], promo, units[i]->net < nets[i]);
  return true;
}

// As many bundles as the basket holds, each of the dearest unit left of
// every component; the bundle's discount is taken off its units in turn.
bool apply_bundle(Work& work, const PricingRequest& request, const Promotion& promo) {
  std::vector<std::vector<Unit*>> pools;
  pools.reserve(promo.components.size());
  for (const auto& component : promo.components) {
    std::vector<Unit*> units;
    eligible_units(work, request, component, promo.combinable, units);
    std::sort(units.begin(), units.end(), dearer);
    pools.push_back(std::move(units));
  }
  bool applied = false;
  std::vector<const Unit*> used;  // a unit goes into one bundle only
  std::vector<Unit*> bundle;
  bundle.reserve(pools.size());
  auto is_used = [&](const Unit* u) {
    return std::find(used.begin(), used.end(), u) != used.end();
  };
  for (;;) {
    bundle.clear();
    for (auto& pool : pools) {
      auto it = std::find_if(pool.begin(), pool.end(), [&](Unit* u) {
        return !is_used(u) && std::find(bundle.begin(), bundle.end(), u) == bundle.end();
      });
      if (it == pool.end()) return applied;
      bundle.push_back(*it);
    }
    std::int64_t value = 0;
    for (Unit* u : bundle) value += u->net;
    if (value <= promo.amount) return applied;
    std::int64_t remaining = value - promo.amount;
    for (Unit* u : bundle) {
      const std::int64_t amount = std::min(remaining, u->net);
      const std::int64_t taken = work.discount(*u, amount, promo.id, promo.name);
      remaining -= amount;
      claim(*u, promo, taken > 0);
      used.push_back(u);
    }
    applied = true;
  }
}

// One gift per trigger unit, the cheapest gifts first. A unit is never both
// its own trigger and gift: when the sets share products, k gifts need k
// other units that trigger them, so k is at most half of their union.
bool apply_gift(Work& work, const PricingRequest& request, const Promotion& promo) {
  std::vector<Unit*> triggers;
  eligible_units(work, request, promo.trigger, promo.combinable, triggers);
  auto& gifts = work.scratch;
  eligible_units(work, request, promo.items, promo.combinable, gifts);
  std::sort(gifts.begin(), gifts.end(), cheaper);
  auto is_trigger = [&](const Unit* u) {
    return std::find(triggers.begin(), triggers.end(), u) != triggers.end();
  };
  std::size_t both = 0;
  for (const Unit* u : gifts) both += is_trigger(u) ? 1 : 0;
  const std::size_t either = triggers.size() + gifts.size() - both;
  const std::size_t k = std::min({triggers.size(), gifts.size(), either / 2});
  if (k == 0) return false;
  std::size_t given = 0, triggers_left = triggers.size();
  for (Unit* u : gifts) {
    if (given == k) break;
    if (is_trigger(u)) {
      if (triggers_left == k) continue;  // needed as a trigger
      --triggers_left;
    }
    work.discount(*u, u->net, promo.id, promo.name);
    claim(*u, promo, true);
    ++given;
  }
  // The triggers that earned the gifts: the dearest ones left, paid in full.
  std::sort(triggers.begin(), triggers.end(), dearer);
  std::size_t paid = 0;
  for (Unit* u : triggers) {
    if (paid == k) break;
    if (u->net == 0) continue;  // a gift just given
    claim(*u, promo, false);
    ++paid;
  }
  return true;
}

bool apply_promotion(Work& work, const PricingRequest& request, const Promotion& promo) {
  switch (promo.kind) {
    case PromotionKind::kBuyXGetY:
      return apply_groups(work, request, promo, promo.buy, promo.get, true);
    case PromotionKind::kNForM:
      return apply_groups(work, request, promo, promo.m, promo.n - promo.m, false);
    case PromotionKind::kPercentOff:
    case PromotionKind::kAmountOff:
      return apply_each(work, request, promo);
    case PromotionKind::kBundle:
      return apply_bundle(work, request, promo);
    case PromotionKind::kOrderAmountOff:
      return apply_order_amount(work, request, promo);
    case PromotionKind::kGift:
      return apply_gift(work, request, promo);
  }
  return false;
}

// Whether the basket, as the rules before this one left it, meets a rule's
// minimums (see rules.h).
bool meets_minimums(const Work& work, const PricingRequest& request, const ProductSet& items,
                    const std::vector<ProductSet>& components,
                    const std::optional<std::int64_t>& min_total,
                    const std::optional<int>& min_qty) {
  if (min_total) {
    std::int64_t total = 0;
    for (const auto& unit : work.units) total += unit.net;
    if (total < *min_total) return false;
  }
  if (min_qty) {
    std::int64_t count = 0;
    LineMask lines = matching_lines(work, request, items);
    for (const auto& component : components) {
      const LineMask more = matching_lines(work, request, component);
      for (std::size_t i = 0; i < request.lines.size(); ++i) lines[i] = lines[i] || more[i];
    }
    const bool whole_basket = items.empty() && components.empty();
    for (std::size_t i = 0; i < request.lines.size(); ++i) {
      if (lines[i] || whole_basket) count += request.lines[i].qty;
    }
    if (count < *min_qty) return false;
  }
  return true;
}

ProgramBalance balance_for(const CardState& card, const std::string& program_id) {
  for (const auto& b : card.balances) {
    if (b.program_id == program_id) return b;
  }
  return ProgramBalance{program_id, 0, 0, 0};
}

ProgramChange apply_program(Work& work, const PricingRequest& request, const StampProgram& program,
                            const Rules& rules) {
  const auto lines = matching_lines(work, request, program.items);
  std::int64_t eligible = 0;
  auto& freeable = work.scratch;
  freeable.clear();
  for (auto& unit : work.units) {
    // A product given away at no price earns no stamp, like any free item.
    if (unit.free_by_card || !unit.earns_stamps || unit.price == 0) continue;
    if (!lines[unit.line]) continue;
    ++eligible;
    if (unit.net > 0 && !unit.locked) freeable.push_back(&unit);
  }
  // Below the card's minimums the sale neither earns nor frees anything.
  static const std::vector<ProductSet> kNoComponents;
  if (!meets_minimums(work, request, program.items, kNoComponents, program.min_total,
                      program.min_qty)) {
    eligible = 0;
    freeable.clear();
  }
  ProgramChange change;
  change.program = &program;
  change.before = balance_for(*request.card, program.id);
  StampInput input;
  input.units = eligible;
  input.freeable = static_cast<std::int64_t>(freeable.size());
  input.redeem =
      std::find(request.redeem.begin(), request.redeem.end(), program.id) != request.redeem.end();
  input.now = request.now_unix;
  change.outcome = apply_stamp_card(program, change.before, input);

  if (change.outcome.free_units == 0) return change;
  std::sort(freeable.begin(), freeable.end(),
            program.free_item == FreeItem::kCheapest ? cheaper : dearer);
  const std::string& reason =
      work.reasons.emplace_back(stamp_reward_reason(program, rules.language));
  for (std::int64_t i = 0; i < change.outcome.free_units; ++i) {
    Unit& unit = *freeable[static_cast<std::size_t>(i)];
    work.discount(unit, unit.net, program.id, reason);
    unit.free_by_card = true;
  }
  return change;
}

// A points card on the basket as the other rules left it: a reward asked
// for comes off the whole order (spread like an order's amount off), then
// what is left to pay for the card's items earns points.
Result<PointsChange> apply_points_program(Work& work, const PricingRequest& request,
                                          const PointsProgram& program) {
  PointsChange change;
  change.program = &program;
  change.before = balance_for(*request.card, program.id);
  const bool redeem =
      std::find(request.redeem.begin(), request.redeem.end(), program.id) != request.redeem.end();
  if (redeem) {
    LOYALPOS_TRY(check_redeem(program, change.before));
    auto& units = work.scratch;
    units.clear();
    for (auto& unit : work.units) {
      if (unit.net > 0) units.push_back(&unit);
    }
    std::sort(units.begin(), units.end(), dearer);
    change.discount = std::max<std::int64_t>(
        spread(work, units, program.reward_amount, program.id, program.name), 0);
  }
  const auto lines = matching_lines(work, request, program.items);
  std::int64_t paid = 0;
  for (const auto& unit : work.units) {
    if (program.items.empty() || lines[unit.line]) paid += unit.net;
  }
  change.outcome = apply_points(program, change.before, paid, redeem, request.now_unix);
  return change;
}

Status check_line(const BasketLine& line) {
  if (line.qty < 1) {
    return Error::invalid("quantity of " + line.product.sku + " must be at least 1, got " +
                          std::to_string(line.qty));
  }
  if (line.qty > kMaxQuantity) {
    return Error::invalid("quantity of " + line.product.sku + " is " + std::to_string(line.qty) +
                          "; at most " + std::to_string(kMaxQuantity) + " per line");
  }
  if (line.product.price < 0)
    return Error::invalid("price of " + line.product.sku + " is negative");
  return ok_status();
}

// The codes given, each once, upper case and sorted, with their touchpoints;
// an unknown code is an error.
Result<std::vector<CodeUse>> given_codes(const PricingRequest& request, const Rules& rules) {
  std::vector<CodeUse> out;
  if (request.codes.empty() && request.coupons.empty()) return out;
  out.reserve(request.codes.size() + request.coupons.size());
  for (const auto& code : request.codes) {
    const Promotion* promo = promotion_for_code(rules, code);
    if (promo == nullptr) return Error::not_found("unknown code \"" + code + "\"");
    if (std::none_of(out.begin(), out.end(),
                     [&](const CodeUse& c) { return c.code == promo->code; }))
      out.push_back(CodeUse{promo->code, promo->source});
  }
  for (const auto& coupon : request.coupons) {
    const auto it = std::find_if(rules.promotions.begin(), rules.promotions.end(),
                                 [&](const Promotion& p) { return p.id == coupon.promotion_id; });
    if (it == rules.promotions.end() || !it->coupons) {
      return Error::not_found("coupon " + coupon.code + " is for promotion \"" +
                              coupon.promotion_id + "\", which takes no coupons now");
    }
    if (std::none_of(out.begin(), out.end(),
                     [&](const CodeUse& c) { return c.code == coupon.code; }))
      out.push_back(CodeUse{coupon.code, it->source});
  }
  std::sort(out.begin(), out.end(),
            [](const CodeUse& a, const CodeUse& b) { return a.code < b.code; });
  return out;
}

bool within_limits(const Promotion& promo, const PricingRequest& request) {
  if (!promo.max_uses && !promo.max_uses_per_card) return true;
  if (promo.max_uses_per_card && !request.card) return false;
  const auto it = std::find_if(request.uses.begin(), request.uses.end(),
                               [&](const PromotionUses& u) { return u.promotion_id == promo.id; });
  if (it == request.uses.end()) return true;
  if (promo.max_uses && it->total >= *promo.max_uses) return false;
  return !promo.max_uses_per_card || it->by_card < *promo.max_uses_per_card;
}

// Promotions in force now, in the order they apply: in their window, for
// this customer, unlocked by a given code if they need one, within their
// usage limits.
std::vector<const Promotion*> active_promotions(const Rules& rules, const PricingRequest& request,
                                                const std::vector<CodeUse>& codes,
                                                const Tier* tier) {
  std::vector<const Promotion*> out;
  out.reserve(rules.promotions.size());
  for (const auto& promo : rules.promotions) {
    // Taken off this basket by the cashier (a customer who wants the stamp).
    if (std::find(request.skip_promotions.begin(), request.skip_promotions.end(), promo.id) !=
        request.skip_promotions.end()) {
      continue;
    }
    if (!promo.code.empty() && std::none_of(codes.begin(), codes.end(), [&](const CodeUse& c) {
          return c.code == promo.code;
        })) {
      continue;
    }
    if (promo.coupons &&
        std::none_of(request.coupons.begin(), request.coupons.end(),
                     [&](const CouponUse& c) { return c.promotion_id == promo.id; })) {
      continue;
    }
    if (promo.schedule.active(request.local) && audience_matches(promo, request, tier) &&
        within_limits(promo, request)) {
      out.push_back(&promo);
    }
  }
  std::sort(out.begin(), out.end(), [](const Promotion* a, const Promotion* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    return a->id < b->id;
  });
  return out;
}

}  // namespace

Result<PricedBasket> price_basket(const PricingRequest& request, const Rules& rules) {
  if (request.lines.empty()) return Error::invalid("the basket is empty");
  if (request.lines.size() > kMaxBasketLines) {
    return Error::invalid("a basket holds at most " + std::to_string(kMaxBasketLines) + " lines");
  }
  PricedBasket basket;
  auto codes = given_codes(request, rules);
  if (!codes.ok()) return codes.error();
  basket.codes = std::move(*codes);
  // The working buffers keep their capacity between calls on a thread, so a
  // sale does not pay for allocating them; they hold nothing across calls.
  thread_local Work work;
  work.reset();
  basket.lines.reserve(request.lines.size());
  std::size_t unit_count = 0;
  for (const auto& line : request.lines) {
    LOYALPOS_TRY(check_line(line));
    auto gross = checked_mul(line.product.price, line.qty);
    if (!gross.ok()) return Error::overflow("line " + line.product.sku + " is too expensive");
    auto subtotal = checked_add(basket.subtotal, *gross);
    if (!subtotal.ok()) return Error::overflow("the basket total is too large");
    basket.subtotal = *subtotal;
    basket.lines.push_back(PricedLine{line.product, line.qty, *gross, 0, {}});
    unit_count += static_cast<std::size_t>(line.qty);
  }
  index_categories(work, request);
  work.units.reserve(unit_count);
  work.scratch.reserve(unit_count);
  work.discounts.reserve(2 * request.lines.size() + 4);
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const auto& p = request.lines[i].product;
    for (std::int64_t u = 0; u < request.lines[i].qty; ++u) {
      work.units.push_back(Unit{i, p.price, p.price, &p.sku});
    }
  }

  if (request.card) {
    basket.tier = card_tier(rules, request.card->journey, request.now_unix, true);
  }
  const auto promotions = active_promotions(rules, request, basket.codes, basket.tier);
  basket.promotions_applied.reserve(promotions.size());
  for (const Promotion* promo : promotions) {
    ++work.rank;
    // A gift's minimum quantity counts what must be bought, not the gifts.
    const ProductSet& counted = promo->kind == PromotionKind::kGift ? promo->trigger : promo->items;
    if (!meets_minimums(work, request, counted, promo->components, promo->min_total,
                        promo->min_qty)) {
      continue;
    }
    if (apply_promotion(work, request, *promo)) basket.promotions_applied.push_back(promo->id);
  }
  if (request.card) {
    basket.programs.reserve(rules.stamp_programs.size());
    basket.messages.reserve(rules.stamp_programs.size() + 1);
    for (const auto& program : rules.stamp_programs) {
      ++work.rank;
      basket.programs.push_back(apply_program(work, request, program, rules));
    }
    if (request.card->referral_pending && !rules.referral.program_id.empty()) {
      for (auto& change : basket.programs) {
        if (change.program->id != rules.referral.program_id) continue;
        const StampOutcome bonus = add_bonus_stamps(*change.program, change.outcome.after,
                                                    rules.referral.stamps, request.now_unix);
        change.referral_stamps = rules.referral.stamps;
        change.outcome.after = bonus.after;
        change.outcome.stamps_expired += bonus.stamps_expired;
        change.outcome.stamps_spent += bonus.stamps_spent;
        change.outcome.rewards_banked += bonus.rewards_banked;
        basket.referrer_bonus = rules.referral.stamps;
        basket.referrer_program = change.program->id;
        basket.messages.push_back(
            referral_text(*change.program, rules.referral.stamps, rules.language));
      }
    }
    basket.points.reserve(rules.points_programs.size());
    for (const auto& program : rules.points_programs) {
      ++work.rank;
      auto change = apply_points_program(work, request, program);
      if (!change.ok()) return change.error();
      basket.points.push_back(std::move(*change));
    }
    for (const auto& change : basket.programs) {
      basket.messages.push_back(
          progress_text(*change.program, change.outcome.after, rules.language));
    }
    for (const auto& change : basket.points) {
      basket.messages.push_back(
          points_progress_text(*change.program, change.outcome.after, rules.language));
    }
  }

  // Discounts on a line read in the order their rules applied.
  std::sort(work.discounts.begin(), work.discounts.end(), [](const Pending& a, const Pending& b) {
    return a.line != b.line ? a.line < b.line : a.rank < b.rank;
  });
  for (std::size_t i = 0; i < work.discounts.size(); ++i) {
    const auto& pending = work.discounts[i];
    auto& line = basket.lines[pending.line];
    if (line.discounts.empty()) {
      std::size_t n = 1;
      while (i + n < work.discounts.size() && work.discounts[i + n].line == pending.line) ++n;
      line.discounts.reserve(n);
    }
    line.discounts.push_back(
        LineDiscount{pending.amount, pending.units, *pending.reason, *pending.source});
    line.discount += pending.amount;
  }
  for (const auto& line : basket.lines) basket.discount += line.discount;
  basket.total = basket.subtotal - basket.discount;
  return basket;
}

std::string PricedLine::reason() const {
  std::string out;
  for (const auto& d : discounts) {
    if (!out.empty()) out += "; ";
    out += d.reason;
  }
  return out;
}

}  // namespace loyalpos::loyalty
