// `loyalpos audit` and `report day`: is the ledger whole, and what did the
// day bring.
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>

#include "pos/app/cli_session.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/receipt_text.h"
#include "pos/ledger/report.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct AuditArgs {
  std::vector<std::string> receipt_mark;
};
struct DayArgs {
  std::string date;
};

int audit(Context& c, AuditArgs& a) {
  auto checked = audit_ledger(c.ledger);
  if (!checked.ok()) return fail(c.options, checked.error());
  std::optional<std::int64_t> receipt_seq;
  if (!a.receipt_mark.empty()) {
    std::int64_t seq = 0;
    const auto& n = a.receipt_mark[0];
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), seq);
    if (ec != std::errc() || end != n.data() + n.size() || seq < 1) {
      return fail(c.options,
                  Error::invalid("--receipt: \"" + n + "\" is not a journal number like 1234"));
    }
    if (auto s = check_receipt(c.ledger, seq, a.receipt_mark[1]); !s.ok()) {
      return fail(c.options, s.error());
    }
    receipt_seq = seq;
  }
  if (c.options.json) {
    print_json({{"ok", true},
                {"sales", checked->sales},
                {"cards", checked->cards},
                {"events", checked->events},
                {"receipt", receipt_seq ? json(*receipt_seq) : json(nullptr)}});
  } else {
    std::cout << "Ledger ok: " << checked->sales << " sales, " << checked->cards << " cards, "
              << checked->events << " journey events, chain verified\n";
    if (receipt_seq) std::cout << "The receipt № " << *receipt_seq << " matches the ledger\n";
  }
  return 0;
}

int report_day(Context& c, DayArgs& a) {
  if (a.date.empty()) a.date = c.session->clock->local_date(c.session->clock->now_unix());
  if (!is_valid_date(a.date)) {
    return fail(c.options, Error::invalid("date \"" + a.date + "\" is not a day like 2026-11-21"));
  }
  auto day = day_report(c.ledger, a.date);
  if (!day.ok()) return fail(c.options, day.error());
  if (c.options.json) {
    print_json(report_json(*day, c.ledger.terminal()));
  } else {
    const int e = c.ledger.terminal().currency.exponent;
    auto m = [&](std::int64_t v) { return loyalty::format_minor_units(v, e); };
    std::cout << "Day " << day->date << " (" << c.ledger.terminal().currency.code << ")\n"
              << two_columns("Sales", std::to_string(day->sales), 40) << "\n"
              << two_columns("Revenue", m(day->revenue), 40) << "\n"
              << two_columns("Discounts", m(day->discounts), 40) << "\n"
              << two_columns("Refunds", std::to_string(day->refunds) + " / " + m(day->refunded), 40)
              << "\n"
              << two_columns("Net", m(day->revenue - day->refunded), 40) << "\n"
              << two_columns("Stamps given", std::to_string(day->stamps_given), 40) << "\n"
              << two_columns("Rewards redeemed", std::to_string(day->rewards_redeemed), 40) << "\n";
    for (const auto& [method, totals] : day->by_payment) {
      std::cout << two_columns("  " + method,
                               std::to_string(totals.sales) + " / " + m(totals.revenue), 40)
                << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_ledger_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* audit_cmd = app.add_subcommand("audit", "check the ledger's integrity and event chain");
  auto audit_args = std::make_shared<AuditArgs>();
  audit_cmd
      ->add_option("--receipt", audit_args->receipt_mark,
                   "also check a paper receipt: its journal number and sign (1234 7F3A-91C2)")
      ->expected(2);
  commands.push_back({audit_cmd, [audit_args](Context& c) { return audit(c, *audit_args); }});

  auto* report = app.add_subcommand("report", "reports");
  report->require_subcommand(1);
  auto* day = report->add_subcommand("day", "the day's sales, discounts and stamps");
  auto day_args = std::make_shared<DayArgs>();
  day->add_option("--date", day_args->date, "YYYY-MM-DD (default today)");
  commands.push_back({day, [day_args](Context& c) { return report_day(c, *day_args); }});
}

}  // namespace loyalpos::pos
