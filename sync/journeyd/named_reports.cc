#include "sync/journeyd/named_reports.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "loyalty/schedule.h"
#include "sync/reports/cohorts.h"
#include "sync/reports/journey_map_output.h"
#include "sync/reports/lifecycle.h"
#include "sync/reports/promotions.h"
#include "sync/reports/stamps.h"
#include "sync/reports/touchpoints.h"

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

// The programs of the published rules, as the stamps report takes them.
std::vector<reports::ProgramRule> program_rules(const std::optional<loyalty::Rules>& rules) {
  std::vector<reports::ProgramRule> out;
  if (!rules) return out;
  for (const auto& p : rules->stamp_programs) out.push_back({p.id, p.name, p.every, false});
  for (const auto& p : rules->points_programs) out.push_back({p.id, p.name, 0, true});
  return out;
}

// A report's result written by its json, csv or text function.
template <typename Report, typename Json, typename Csv, typename Text>
Result<std::string> written(Result<Report> report, ReportFormat format, Json json, Csv csv,
                            Text text) {
  if (!report.ok()) return report.error();
  switch (format) {
    case ReportFormat::kJson:
      return json(*report);
    case ReportFormat::kCsv:
      return csv(*report);
    case ReportFormat::kText:
      break;
  }
  return text(*report);
}

}  // namespace

bool is_report_name(std::string_view name) {
  return std::find(kReportNames.begin(), kReportNames.end(), name) != kReportNames.end();
}

Result<std::string> run_report(std::string_view name, sync::Store& store, const ReportInput& in,
                               ReportFormat format, const reports::ReportProgress& progress) {
  namespace r = reports;
  if (name == "journey") {
    return written(r::journey_map(store, in.range, progress), format, r::journey_map_json,
                   r::journey_map_csv, r::journey_map_text);
  }
  if (name == "cohorts") {
    return written(r::cohorts(store, in.range, progress), format, r::cohorts_json, r::cohorts_csv,
                   r::cohorts_text);
  }
  if (name == "lifecycle") {
    return written(r::lifecycle(store, in.range, progress), format, r::lifecycle_json,
                   r::lifecycle_csv, r::lifecycle_text);
  }
  if (name == "stamps") {
    return written(r::stamp_programs(store, {in.range, program_rules(in.rules)}, progress), format,
                   r::stamp_programs_json, r::stamp_programs_csv, r::stamp_programs_text);
  }
  if (name == "promotions") {
    r::PromotionsOptions options;
    options.range = in.range;
    options.time_zone = in.zone.name();
    if (in.rules) {
      for (const auto& p : in.rules->promotions) options.promotions.push_back(rule_of(p, in.zone));
    }
    return written(r::promotions(store, options, progress), format, r::promotions_json,
                   r::promotions_csv, r::promotions_text);
  }
  if (name == "touchpoints") {
    return written(r::touchpoints(store, in.range, progress), format, r::touchpoints_json,
                   r::touchpoints_csv, r::touchpoints_text);
  }
  return Error::not_found("no report named \"" + std::string(name) + "\"");
}

Result<TimeZone> report_zone(const std::string& name, const std::string& what) {
  if (name.empty()) return TimeZone::utc();
  auto named = TimeZone::named(name);
  if (!named.ok()) {
    return Error::invalid(what + " \"" + name +
                          "\" is not a time zone: name one as \"Europe/Moscow\"");
  }
  return *named;
}

}  // namespace loyalpos::journeyd
