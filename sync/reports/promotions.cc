#include "sync/reports/promotions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/reports/report_output.h"
#include "sync/reports/sale_lines.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::reports {

namespace {

constexpr std::int64_t kProgressEvery = 100000;
constexpr int kBaseWeeks = 4;

// The ids of a sale's promotions ("[]" in most sales: nothing to parse).
std::vector<std::string> applied(const std::string& promotions) {
  std::vector<std::string> out;
  if (promotions.size() <= 2) return out;
  const auto list = nlohmann::json::parse(promotions, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& p : list) {
    if (p.is_string()) out.push_back(p.get<std::string>());
  }
  return out;
}

std::optional<double> ratio(double value, double base) {
  if (base <= 0) return std::nullopt;
  return value / base;
}

std::string money(double minor) { return output::fixed(minor / 100, 2); }

}  // namespace

Result<Promotions> promotions(sync::Store& store, const PromotionsOptions& options,
                              const ReportProgress& progress) {
  const ReportRange& r = options.range;
  const std::int64_t end = std::min(r.until, r.as_of);
  const auto in_range = [&](std::int64_t at) { return at >= r.from && at < end; };
  Promotions out;
  out.options = options;
  for (const auto& rule : options.promotions) {
    PromotionRow row;
    row.id = rule.id;
    row.name = rule.name;
    row.description = rule.description;
    out.promotions.push_back(std::move(row));
  }
  // Quarters: a week's average of four weeks is a sum over them / 4.
  std::vector<std::int64_t> base_units(options.promotions.size(), 0);
  std::vector<std::int64_t> base_revenue(options.promotions.size(), 0);
  const sync::SaleQuery query{
      r.shop, std::max<std::int64_t>(0, r.from - kBaseWeeks * kSecondsPerWeek), end};
  LOYALPOS_TRY(store.each_sale(query, [&](const sync::SaleFact& sale) {
    if (++out.sales_read % kProgressEvery == 0 && progress) progress(out.sales_read);
    std::vector<SaleLine> lines;
    bool parsed = false;
    const std::vector<std::string> ids = applied(sale.promotions);
    for (std::size_t i = 0; i < options.promotions.size(); ++i) {
      const PromotionRule& rule = options.promotions[i];
      PromotionRow& row = out.promotions[i];
      const bool inside_window = rule.in_window(sale.at);
      int base_weeks = 0;  // later weeks whose same moment is a window in the range
      if (!inside_window) {
        for (int k = 1; k <= kBaseWeeks; ++k) {
          const std::int64_t later = sale.at + k * kSecondsPerWeek;
          if (in_range(later) && rule.in_window(later)) ++base_weeks;
        }
      }
      const bool inside = inside_window && in_range(sale.at);
      if (in_range(sale.at) && std::find(ids.begin(), ids.end(), rule.id) != ids.end()) {
        ++row.sales_applied;
      }
      if (!inside && base_weeks == 0) continue;
      if (!parsed) {
        lines = sale_lines(sale.lines);
        parsed = true;
      }
      std::int64_t units = 0, revenue = 0;
      for (const auto& line : lines) {
        if (!rule.covers(line.sku, line.category)) continue;
        units += line.qty;
        revenue += line.net;
      }
      if (inside) {
        row.units += units;
        row.revenue += revenue;
      }
      base_units[i] += base_weeks * units;
      base_revenue[i] += base_weeks * revenue;
    }
  }));
  for (std::size_t i = 0; i < out.promotions.size(); ++i) {
    PromotionRow& row = out.promotions[i];
    row.base_units = static_cast<double>(base_units[i]) / kBaseWeeks;
    row.base_revenue = static_cast<double>(base_revenue[i]) / kBaseWeeks;
    row.units_ratio = ratio(static_cast<double>(row.units), row.base_units);
    row.revenue_ratio = ratio(static_cast<double>(row.revenue), row.base_revenue);
  }
  return out;
}

std::string promotions_json(const Promotions& p) {
  using nlohmann::json;
  json doc = output::json_head("promotions", p.options.range);
  doc["time_zone"] = p.options.time_zone;
  doc["hypothesis_absent"] = kNoHypothesis;
  const auto two = [](double v) { return std::round(v * 100) / 100; };
  const auto four = [](const std::optional<double>& v) {
    return v ? json(std::round(*v * 1e4) / 1e4) : json(nullptr);
  };
  auto list = json::array();
  for (const auto& row : p.promotions) {
    list.push_back({{"promotion", row.id},
                    {"name", row.name},
                    {"description", row.description},
                    {"hypothesis", nullptr},
                    {"sales_applied", row.sales_applied},
                    {"units", row.units},
                    {"revenue", row.revenue},
                    {"base_units", two(row.base_units)},
                    {"base_revenue", two(row.base_revenue)},
                    {"units_ratio", four(row.units_ratio)},
                    {"revenue_ratio", four(row.revenue_ratio)},
                    {"units_difference", two(row.units_difference())},
                    {"revenue_difference", two(row.revenue_difference())}});
  }
  doc["promotions"] = std::move(list);
  return doc.dump(2) + "\n";
}

std::string promotions_csv(const Promotions& p) {
  std::string out =
      "promotion,name,description,sales_applied,units,revenue,base_units,base_revenue,"
      "units_ratio,revenue_ratio,units_difference,revenue_difference\n";
  const auto opt = [](const std::optional<double>& v) { return v ? output::fixed(*v, 4) : ""; };
  for (const auto& row : p.promotions) {
    out += output::csv_field(row.id) + "," + output::csv_field(row.name) + "," +
           output::csv_field(row.description) + "," + std::to_string(row.sales_applied) + "," +
           std::to_string(row.units) + "," + std::to_string(row.revenue) + "," +
           output::fixed(row.base_units, 2) + "," + output::fixed(row.base_revenue, 2) + "," +
           opt(row.units_ratio) + "," + opt(row.revenue_ratio) + "," +
           output::fixed(row.units_difference(), 2) + "," +
           output::fixed(row.revenue_difference(), 2) + "\n";
  }
  return out;
}

std::string promotions_text(const Promotions& p) {
  const ReportRange& r = p.options.range;
  std::ostringstream out;
  out << "Promotions of " << output::shop_words(r) << ", " << output::range_words(r)
      << " (UTC days; the promotions' hours in " << p.options.time_zone << ")\n"
      << "Inside each promotion's windows, beside the same weekdays and hours in the four weeks "
         "before\n(a week's average): its products' units and revenue.\n";
  if (p.promotions.empty()) {
    out << "\nNo promotions in the published rules.\n";
    return out.str();
  }
  const auto signed_text = [](double v, const std::string& text) {
    return (v >= 0 ? "+" : "") + text;
  };
  const auto uplift = [](const std::optional<double>& v) {
    return v ? "x" + output::fixed(*v, 2) : std::string("no base to compare");
  };
  for (const auto& row : p.promotions) {
    out << "\n"
        << row.id << ": " << row.name << "\n  what it does: " << row.description
        << "\n  applied in:   " << row.sales_applied
        << (row.sales_applied == 1 ? " sale" : " sales") << " in the range"
        << "\n  units:        " << row.units << " inside its windows, "
        << output::fixed(row.base_units, 2) << " before: " << uplift(row.units_ratio) << ", "
        << signed_text(row.units_difference(), output::fixed(row.units_difference(), 2))
        << "\n  revenue:      " << money(static_cast<double>(row.revenue)) << " inside, "
        << money(row.base_revenue) << " before: " << uplift(row.revenue_ratio) << ", "
        << signed_text(row.revenue_difference(), money(row.revenue_difference())) << "\n";
  }
  out << "\nHypothesis: " << kNoHypothesis << ".\n";
  return out.str();
}

}  // namespace loyalpos::reports
