#include "pos/app/cli_session.h"

#include <iostream>

#include "hardware/printer_virtual.h"
#include "loyalty/scan_input.h"
#include "pos/app/print_messages.h"
#include "pos/config/home_config.h"
#include "pos/config/paths.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/receipt_text.h"

namespace loyalpos::pos {

using nlohmann::json;

int fail(const Options& options, const Error& error) {
  if (options.json) {
    std::cerr << dump_json(error_json(error)) << "\n";
  } else {
    std::cerr << "loyalpos: " << error.message() << "\n";
  }
  return 1;
}

void print_json(const json& value) { std::cout << dump_json(value) << "\n"; }

Result<Config> load_session_config(const Options& options, const loyalty::Currency& currency) {
  return load_home_config(options.home, options.config_file, currency);
}

Result<std::unique_ptr<Clock>> make_store_clock(const Config& config,
                                                const ClockSource& make_clock) {
  auto zone = store_time_zone(config.timezone);
  if (!zone.ok()) return zone.error();
  return make_clock(*zone);
}

Result<Session> open_session(const Options& options, const ClockSource& make_clock) {
  Session session;
  auto config = load_session_config(options);
  if (!config.ok()) return config.error();
  session.config = std::move(*config);
  auto clock = make_store_clock(session.config, make_clock);
  if (!clock.ok()) return clock.error();
  session.clock = std::move(*clock);
  auto ledger = Ledger::open(ledger_path(options.home), session.config.busy_timeout_ms);
  if (!ledger.ok()) return ledger.error();
  session.ledger.emplace(std::move(*ledger));
  // Amounts in the config are in the ledger's currency.
  if (session.ledger->terminal().currency.exponent != kDefaultCurrency.exponent) {
    auto again = load_session_config(options, session.ledger->terminal().currency);
    if (!again.ok()) return again.error();
    session.config = std::move(*again);
  }
  return session;
}

Result<Card> find_card(SaleService& sales, const Config& config, const std::string& given) {
  const loyalty::ScanSettings settings{config.card_base_url, config.scanner_prefix,
                                       config.scanner_suffix};
  auto token = loyalty::read_card_code(given, settings);
  if (!token.ok()) return token.error();
  return sales.resolve_card(*token);
}

void print_card_text(const CardHistory& card, const Config& config, const Clock& clock) {
  std::cout << "Card " << loyalty::group_token(card.card.token) << "\n";
  std::cout << "Visits: " << card.visits << "\n";
  if (card.first_visit)
    std::cout << "First visit: " << clock.local_time_text(*card.first_visit) << "\n";
  if (card.last_visit)
    std::cout << "Last visit: " << clock.local_time_text(*card.last_visit) << "\n";
  for (const auto& line : card_progress_lines(card, config.rules)) std::cout << line << "\n";
}

void report_print(const Options& options, const PrintOutcome& outcome) {
  const std::string message = print_outcome_message(outcome);
  if (!message.empty() && !options.json) std::cerr << "loyalpos: " << message << "\n";
  if (!message.empty() && options.json) {
    std::cerr << dump_json(
                     {{"warning", {{"code", "print_" + outcome.state}, {"message", message}}}})
              << "\n";
  }
}

std::string receipt_picture(const hardware::EscPosPrinter* printer) {
  const auto* drawn = dynamic_cast<const hardware::VirtualPrinter*>(printer);
  if (drawn == nullptr || drawn->last_job().empty()) return {};
  return drawn->last_job() + ".png";
}

Error no_printer() {
  return Error::invalid(
      "no printer is set up: set [printer] type in config.toml (see docs/printers.md)");
}

}  // namespace loyalpos::pos
