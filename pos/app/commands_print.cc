// `loyalpos reprint`, `print queue|retry`, `printer test|status`: the receipt
// printer and the queue of receipts it has not taken yet.
#include <iostream>
#include <nlohmann/json.hpp>

#include "hardware/printer_status.h"
#include "hardware/printer_test_page.h"
#include "pos/app/cli_session.h"
#include "pos/app/print_messages.h"
#include "pos/ledger/json_output.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct ReprintArgs {
  std::int64_t reprint_id = 0;
};

int reprint(Context& c, ReprintArgs& a) {
  auto printed = c.spool.reprint(a.reprint_id);
  if (!printed.ok()) return fail(c.options, printed.error());
  if (c.options.json) {
    print_json({{"sale_id", a.reprint_id}, {"job_id", printed->job_id}, {"state", "printed"}});
  } else {
    std::cout << "Reprinted the receipt of sale " << a.reprint_id << "\n";
  }
  return 0;
}

int print_queue(Context& c) {
  auto jobs = c.spool.open_jobs();
  if (!jobs.ok()) return fail(c.options, jobs.error());
  if (c.options.json) {
    json list = json::array();
    for (const auto& job : *jobs) list.push_back(print_job_json(job));
    print_json({{"jobs", list}});
  } else if (jobs->empty()) {
    std::cout << "No receipts waiting.\n";
  } else {
    for (const auto& job : *jobs) std::cout << print_job_line(job) << "\n";
  }
  return 0;
}

int print_retry(Context& c) {
  if (!c.spool.enabled()) return fail(c.options, no_printer());
  auto summary = c.spool.retry(true);
  if (!summary.ok()) return fail(c.options, summary.error());
  for (const auto& outcome : summary->tried) report_print(c.options, outcome);
  if (c.options.json) {
    print_json({{"printed", summary->printed},
                {"failed", summary->failed},
                {"pending", summary->pending}});
  } else {
    std::cout << "Printed " << summary->printed << ", failed " << summary->failed
              << ", still pending " << summary->pending << "\n";
  }
  return 0;
}

int printer_test(Context& c) {
  if (!c.printer) return fail(c.options, no_printer());
  if (auto s = c.printer->print(hardware::printer_test_page(c.printer->profile())); !s.ok()) {
    return fail(c.options, s.error());
  }
  if (c.options.json) {
    print_json({{"printed", true}, {"profile", c.printer->profile().name}});
  } else {
    std::cout << "Printed the test page for profile " << c.printer->profile().name << "\n";
  }
  return 0;
}

int printer_status(Context& c) {
  if (!c.printer) return fail(c.options, no_printer());
  auto status = c.printer->status();
  if (!status.ok()) return fail(c.options, status.error());
  auto open = c.spool.open_jobs();
  const std::size_t waiting = open.ok() ? open->size() : 0;
  if (c.options.json) {
    print_json({{"known", status->known},
                {"ready", status->ready()},
                {"online", status->online},
                {"cover_open", status->cover_open},
                {"paper_out", status->paper_out},
                {"paper_near_end", status->paper_near_end},
                {"message", hardware::describe(*status)},
                {"queued", waiting}});
  } else {
    std::cout << hardware::describe(*status) << "\n";
    if (waiting > 0) std::cout << waiting << " receipt(s) not printed: loyalpos print queue\n";
  }
  return 0;
}

}  // namespace

void add_print_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* reprint_cmd = app.add_subcommand("reprint", "print a sale's receipt again, marked REPRINT");
  auto args = std::make_shared<ReprintArgs>();
  reprint_cmd->add_option("SALE_ID", args->reprint_id, "the sale's number")->required();
  commands.push_back({reprint_cmd, [args](Context& c) { return reprint(c, *args); }});

  auto* print = app.add_subcommand("print", "the queue of receipts not printed yet");
  print->require_subcommand(1);
  commands.push_back(
      {print->add_subcommand("queue", "list receipts pending or failed"), print_queue});
  commands.push_back(
      {print->add_subcommand("retry", "try the pending receipts again now"), print_retry});

  auto* printer = app.add_subcommand("printer", "the receipt printer");
  printer->require_subcommand(1);
  commands.push_back(
      {printer->add_subcommand("test", "print the alphabet test page"), printer_test});
  commands.push_back(
      {printer->add_subcommand("status", "ask the printer how it is"), printer_status});
}

}  // namespace loyalpos::pos
