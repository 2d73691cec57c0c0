// What the commands of the `loyalpos` command line share: the global
// options, the session (config, clock, ledger) they open, and the way they
// answer (text, or exactly one JSON object with --json; errors on stderr).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hardware/printer.h"
#include "pos/app/cli.h"
#include "pos/app/print_spool.h"
#include "pos/config/config.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

inline constexpr int kReceiptColumns = 48;

struct Options {
  bool json = false;
  std::string home;
  std::string config_file;
};

// What every command but init needs: the config, the clock, the ledger.
struct Session {
  Config config;
  std::unique_ptr<Clock> clock;
  std::optional<Ledger> ledger;
};

// A command's world once the session is open.
struct Context {
  const Options& options;
  Session* session;
  Ledger& ledger;
  const Config& config;
  SaleService& sales;
  PrintSpool& spool;
  const std::unique_ptr<hardware::EscPosPrinter>& printer;
};

// A subcommand and what runs when it was given; its arguments live in the
// runner (the parser writes into them).
struct Command {
  CLI::App* parsed_by;
  std::function<int(Context&)> run;
};

// A command that opens what it needs itself, before any session: it works
// on a home whose ledger or config is missing or broken (doctor, restore).
struct HomeCommand {
  CLI::App* parsed_by;
  std::function<int(const Options&, const ClockSource&)> run;
};

// Says what went wrong (stderr) and returns the exit code 1.
int fail(const Options& options, const Error& error);
void print_json(const nlohmann::json& value);

Result<Config> load_session_config(const Options& options,
                                   const loyalty::Currency& currency = kDefaultCurrency);
// The clock in the store's time zone.
Result<std::unique_ptr<Clock>> make_store_clock(const Config& config,
                                                const ClockSource& make_clock);
Result<Session> open_session(const Options& options, const ClockSource& make_clock);

// A card given on the command line is read as the counter reads a scan:
// its code or link, any case, typed under the Russian layout.
Result<Card> find_card(SaleService& sales, const Config& config, const std::string& given);
void print_card_text(const CardHistory& card, const Config& config, const Clock& clock);
// Says on stderr what happened to receipts that were not printed.
void report_print(const Options& options, const PrintOutcome& outcome);
// Where the virtual printer drew the receipt it printed last; empty for
// any other printer.
std::string receipt_picture(const hardware::EscPosPrinter* printer);
Error no_printer();

// The commands, by family (pos/app/commands_*.cc).
void add_catalog_commands(CLI::App& app, std::vector<Command>& commands);
void add_card_commands(CLI::App& app, std::vector<Command>& commands);
void add_sale_commands(CLI::App& app, std::vector<Command>& commands);
void add_print_commands(CLI::App& app, std::vector<Command>& commands);
void add_ledger_commands(CLI::App& app, std::vector<Command>& commands);
void add_serve_command(CLI::App& app, std::vector<Command>& commands);  // serve_command.cc
void add_sync_commands(CLI::App& app, std::vector<Command>& commands);
void add_doctor_command(CLI::App& app, std::vector<HomeCommand>& commands);
void add_backup_commands(CLI::App& app, std::vector<Command>& commands,
                         std::vector<HomeCommand>& home_commands);

}  // namespace loyalpos::pos
