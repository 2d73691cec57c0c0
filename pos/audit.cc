#include "pos/audit.h"

#include "pos/event_log.h"

namespace loyalpos::pos {

namespace {

Error broken(const std::string& what) { return Error(ErrorCode::kCorrupt, what); }

Status integrity(Database& db) {
  auto stmt = db.prepare("PRAGMA integrity_check");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  const std::string answer = *row ? stmt->column_text(0) : "no answer";
  if (answer != "ok") return broken("SQLite integrity check: " + answer);
  return ok_status();
}

// Returns the first row's first column of a query that lists problems.
Result<std::optional<std::string>> first_problem(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->column_text(0));
}

Result<std::int64_t> count(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  return stmt->column_int(0);
}

struct Check {
  const char* sql;
  const char* what;
};

// Each query returns a row naming a problem, or nothing.
constexpr Check kChecks[] = {
    {"SELECT sale_id FROM sale_lines_json"
     " WHERE lines IS NULL OR NOT json_valid(lines) OR json_type(lines) != 'array'",
     "sale's lines are not readable"},
    {"SELECT s.sale_id FROM sales s JOIN sale_lines_json j ON j.sale_id = s.sale_id"
     " LEFT JOIN json_each(j.lines) l"
     " GROUP BY s.sale_id HAVING COUNT(l.key) != s.line_count"
     " OR COALESCE(SUM(json_extract(l.value, '$.qty') * json_extract(l.value, '$.unit_price')),"
     " 0) != s.subtotal"
     " OR COALESCE(SUM(json_extract(l.value, '$.discount')), 0) != s.discount"
     " OR s.subtotal - s.discount != s.total",
     "sale is not whole (lines do not add up to it)"},
    // Set differences, one pass over the events each (events are not
    // indexed by sale: the sale path writes as few b-trees as it can).
    {"SELECT sale_id FROM sales EXCEPT SELECT sale_id FROM events WHERE type = 'sale.completed'",
     "sale has no sale.completed event"},
    {"SELECT s.sale_id FROM sales s LEFT JOIN events e ON e.seq = s.first_event"
     " AND e.type = 'sale.completed' AND e.sale_id = s.sale_id"
     " WHERE e.seq IS NULL OR s.last_event < s.first_event",
     "sale does not point at its events"},
    {"SELECT sale_id FROM events WHERE type = 'sale.completed' EXCEPT SELECT sale_id FROM sales",
     "sale.completed event has no sale"},
    {"SELECT sale_id FROM refunds EXCEPT SELECT sale_id FROM events WHERE type = 'sale.refunded'",
     "refund has no sale.refunded event"},
    {"SELECT sale_id FROM sales WHERE refunded = 1 EXCEPT SELECT sale_id FROM refunds",
     "sale is marked refunded without a refund"},
    {"SELECT sale_id FROM refunds EXCEPT SELECT sale_id FROM sales WHERE refunded = 1",
     "refund of a sale not marked refunded"},
    {"WITH derived AS (SELECT card_id, json_extract(payload, '$.program') AS program_id,"
     " SUM(json_extract(payload, '$.stamps')) AS stamps,"
     " SUM(json_extract(payload, '$.rewards')) AS rewards"
     " FROM events WHERE type = 'card.stamps' GROUP BY 1, 2)"
     " SELECT COALESCE(c.card_id, d.card_id) || '/' || COALESCE(c.program_id, d.program_id)"
     " FROM card_programs c FULL OUTER JOIN derived d"
     " ON d.card_id = c.card_id AND d.program_id = c.program_id"
     " WHERE COALESCE(c.stamps, 0) != COALESCE(d.stamps, 0)"
     " OR COALESCE(c.rewards, 0) != COALESCE(d.rewards, 0)",
     "card balance differs from what its events say"},
};

}  // namespace

Result<AuditReport> audit_ledger(Ledger& ledger) {
  Database& db = ledger.db();
  LOYALPOS_TRY(integrity(db));
  for (const auto& check : kChecks) {
    auto problem = first_problem(db, check.sql);
    if (!problem.ok()) return problem.error();
    if (*problem) return broken(std::string(check.what) + ": " + **problem);
  }
  auto chain = verify_chain(db, ledger.terminal().terminal_id);
  if (!chain.ok()) return chain.error();
  AuditReport report;
  report.events = chain->events;
  auto sales = count(db, "SELECT COUNT(*) FROM sales");
  if (!sales.ok()) return sales.error();
  report.sales = *sales;
  auto cards = count(db, "SELECT COUNT(*) FROM cards");
  if (!cards.ok()) return cards.error();
  report.cards = *cards;
  auto total = count(db, "SELECT COUNT(*) FROM events");
  if (!total.ok()) return total.error();
  if (*total != report.events) {
    return broken("the ledger holds events of another terminal id than its own");
  }
  return report;
}

}  // namespace loyalpos::pos
