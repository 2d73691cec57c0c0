#include "pos/ledger/report.h"

namespace loyalpos::pos {

Result<DayReport> day_report(Ledger& ledger, const std::string& date) {
  Database& db = ledger.db();
  DayReport report;
  report.date = date;
  report.by_payment["cash"] = {};
  report.by_payment["card"] = {};

  auto sales = db.prepare(
      "SELECT payment, COUNT(*), COALESCE(SUM(total), 0), COALESCE(SUM(discount), 0)"
      " FROM sales WHERE local_date = ?1 GROUP BY payment");
  if (!sales.ok()) return sales.error();
  sales->bind(1, date);
  for (;;) {
    auto row = sales->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto& totals = report.by_payment[sales->column_text(0)];
    totals.sales = sales->column_int(1);
    totals.revenue = sales->column_int(2);
    report.sales += totals.sales;
    report.revenue += totals.revenue;
    report.discounts += sales->column_int(3);
  }

  auto programs = db.prepare(
      "SELECT COALESCE(SUM(stamps_earned), 0), COALESCE(SUM(free_units), 0)"
      " FROM sales WHERE local_date = ?1");
  if (!programs.ok()) return programs.error();
  programs->bind(1, date);
  if (auto row = programs->step(); !row.ok()) return row.error();
  report.stamps_given = programs->column_int(0);
  report.rewards_redeemed = programs->column_int(1);

  // A points card's reward is one per sale that redeemed it.
  auto points = db.prepare(
      "SELECT COUNT(*) FROM events WHERE type = 'card.stamps'"
      " AND json_extract(payload, '$.why') = 'redeem'"
      " AND sale_id IN (SELECT sale_id FROM sales WHERE local_date = ?1)");
  if (!points.ok()) return points.error();
  points->bind(1, date);
  if (auto row = points->step(); !row.ok()) return row.error();
  report.rewards_redeemed += points->column_int(0);

  auto refunds =
      db.prepare("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM refunds WHERE local_date = ?1");
  if (!refunds.ok()) return refunds.error();
  refunds->bind(1, date);
  if (auto row = refunds->step(); !row.ok()) return row.error();
  report.refunds = refunds->column_int(0);
  report.refunded = refunds->column_int(1);
  return report;
}

}  // namespace loyalpos::pos
