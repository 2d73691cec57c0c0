// `journeyd report promotions` (docs/journeyd.md "Reports: promotions"): the
// uplift of each promotion of the published rules, its windows read in the
// shops' time zone (--tz), as text for an owner, --json or --csv.
#include <iostream>

#include "base/time_zone.h"
#include "loyalty/schedule.h"
#include "sync/journeyd/commands.h"
#include "sync/journeyd/report_scope.h"
#include "sync/reports/promotions.h"

namespace loyalpos::journeyd {

namespace {

std::string money(std::int64_t minor) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(minor / 100),
                static_cast<long long>(minor % 100));
  return text;
}

std::string products(const loyalty::Promotion& p) {
  std::vector<const loyalty::ProductSet*> sets{&p.items, &p.trigger};
  for (const auto& c : p.components) sets.push_back(&c);
  std::string out;
  for (const auto* set : sets) {
    for (const auto& c : set->categories) out += (out.empty() ? "" : ", ") + c;
    for (const auto& s : set->skus) out += (out.empty() ? "" : ", ") + ("SKU " + s);
  }
  return out.empty() ? "every item" : out;
}

// What the promotion does, in words, from its rule.
std::string description(const loyalty::Promotion& p) {
  using K = loyalty::PromotionKind;
  std::string what;
  switch (p.kind) {
    case K::kBuyXGetY:
      what = "buy " + std::to_string(p.buy) + ", get " + std::to_string(p.get) + " free";
      break;
    case K::kNForM:
      what = std::to_string(p.n) + " for the price of " + std::to_string(p.m);
      break;
    case K::kPercentOff:
      what = std::to_string(p.percent) + "% off";
      break;
    case K::kAmountOff:
      what = money(p.amount) + " off each item";
      break;
    case K::kBundle:
      what = "a bundle for " + money(p.amount);
      break;
    case K::kOrderAmountOff:
      what = money(p.amount) + " off the order";
      break;
    case K::kGift:
      what = "a gift with a purchase";
      break;
  }
  what += " on " + products(p);
  switch (p.audience) {
    case loyalty::Audience::kEveryone:
      break;
    case loyalty::Audience::kCardHolders:
      what += ", for card holders";
      break;
    case loyalty::Audience::kWelcome:
      what += ", a new card's first purchase";
      break;
    case loyalty::Audience::kTier:
      what += ", for tier " + p.tier;
      break;
  }
  if (!p.code.empty()) what += ", with the code " + p.code;
  if (p.coupons) what += ", with a coupon";
  return what;
}

reports::PromotionRule rule_of(const loyalty::Promotion& p, const TimeZone& zone) {
  reports::PromotionRule rule;
  rule.id = p.id;
  rule.name = p.name;
  rule.description = description(p);
  rule.in_window = [schedule = p.schedule, zone](std::int64_t at) {
    const LocalFields f = zone.local(at);
    return schedule.active(loyalty::make_local_time(f.year, f.month, f.day, f.hour, f.minute));
  };
  std::vector<loyalty::ProductSet> sets{p.items, p.trigger};
  sets.insert(sets.end(), p.components.begin(), p.components.end());
  rule.covers = [sets](const std::string& sku, const std::string& category) {
    const loyalty::Product product{sku, "", category, 0, ""};
    bool any = false;
    for (const auto& set : sets) {
      if (set.empty()) continue;
      any = true;
      if (set.contains(product)) return true;
    }
    return !any;  // no products named: every item
  };
  return rule;
}

}  // namespace

int report_promotions(const RangeReportOptions& o, std::ostream& out, std::ostream& err) {
  TimeZone zone = TimeZone::utc();
  if (!o.time_zone.empty()) {
    auto named = TimeZone::named(o.time_zone);
    if (!named.ok()) {
      return command_failed(err, Error::invalid("--tz \"" + o.time_zone +
                                                "\" is not a time zone: name one as "
                                                "\"Europe/Moscow\""));
    }
    zone = *named;
  }
  auto opened = open_range_report(o, err);
  if (!opened.ok()) return command_failed(err, opened.error());
  reports::PromotionsOptions options;
  options.range = opened->range;
  options.time_zone = zone.name();
  if (opened->rules) {
    for (const auto& p : opened->rules->promotions) options.promotions.push_back(rule_of(p, zone));
  }
  auto result = reports::promotions(
      *opened->store, options, [&](std::int64_t read) { err << "read " << read << " sales\n"; });
  if (!result.ok()) return command_failed(err, result.error());
  out << (o.json  ? reports::promotions_json(*result)
          : o.csv ? reports::promotions_csv(*result)
                  : reports::promotions_text(*result));
  return 0;
}

}  // namespace loyalpos::journeyd
