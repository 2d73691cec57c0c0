#include "pos/app/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/version.h"
#include "hardware/line_source_serial.h"
#include "hardware/printer_virtual.h"
#include "pos/app/cli_session.h"
#include "pos/app/counter.h"
#include "pos/app/printer_setup.h"
#include "pos/config/home_config.h"
#include "pos/config/paths.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/ledger_init.h"

namespace loyalpos::pos {

namespace {

// The ledger, then <home>/config.toml unless one is there (pos/ledger/ledger_init.h).
Result<Ledger> init_home(const Options& options, const std::string& store,
                         const std::string& terminal, const std::string& currency,
                         bool sample_catalog, const Clock& clock, int busy_timeout_ms,
                         std::string_view config_text) {
  NewTerminal request{store, terminal, currency, clock.now_unix(), std::nullopt};
  if (sample_catalog) request.catalog_csv = default_catalog_csv();
  auto ledger = init_ledger(ledger_path(options.home), request, busy_timeout_ms);
  if (!ledger.ok()) return ledger.error();
  LOYALPOS_TRY(write_config_if_missing(options.home, config_text));
  return ledger;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "counter";
  return name;
}

// Where the counter's lines come from: the keyboard (stdin) or a serial scanner.
Result<std::unique_ptr<hardware::LineSource>> open_scanner(const ScannerConfig& scanner) {
  if (scanner.type == ScannerType::kSerial) {
    hardware::SerialSettings settings;
    settings.device = scanner.device;
    settings.baud = scanner.baud;
    settings.idle_end = std::chrono::milliseconds(scanner.idle_end_ms);
    auto serial = hardware::SerialLineSource::open(settings);
    if (!serial.ok()) return serial.error();
    return std::unique_ptr<hardware::LineSource>(std::move(*serial));
  }
  return std::unique_ptr<hardware::LineSource>(
      std::make_unique<hardware::StreamLineSource>(std::cin));
}

struct InitArgs {
  std::string store, terminal, currency = "RUB";
  bool sample = false;
};

CLI::App* add_init_command(CLI::App& app, InitArgs& args) {
  auto* init = app.add_subcommand("init", "create the ledger and this terminal's identity");
  init->add_option("--store", args.store, "the shop's name")->required();
  init->add_option("--terminal", args.terminal, "this terminal's name")->required();
  init->add_option("--currency", args.currency, "ISO 4217 currency code")->capture_default_str();
  init->add_flag("--sample-catalog", args.sample, "load the sample café catalog");
  return init;
}

int run_init(const Options& options, const InitArgs& a, const ClockSource& make_clock) {
  auto config = load_session_config(options);
  if (!config.ok()) return fail(options, config.error());
  auto clock = make_store_clock(*config, make_clock);
  if (!clock.ok()) return fail(options, clock.error());
  auto ledger = init_home(options, a.store, a.terminal, a.currency, a.sample, **clock,
                          config->busy_timeout_ms, shop_config_text());
  if (!ledger.ok()) return fail(options, ledger.error());
  const auto& t = ledger->terminal();
  if (options.json) {
    print_json({{"ledger", ledger->path()},
                {"terminal_id", t.terminal_id},
                {"terminal", t.terminal_name},
                {"store", t.store_name},
                {"currency", t.currency.code}});
  } else {
    std::cout << "Created " << ledger->path() << " for " << t.store_name << " / " << t.terminal_name
              << " (" << t.currency.code << ")\n";
  }
  return 0;
}

// Every subcommand, at any depth, hands options it does not know to its parent.
void fall_through(CLI::App& app) {
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->fallthrough();
    fall_through(*sub);
  }
}

}  // namespace

Result<std::unique_ptr<Clock>> system_clock_source(const TimeZone& zone) {
  return std::unique_ptr<Clock>(std::make_unique<SystemClock>(zone));
}

int run_cli(int argc, char** argv, const ClockSource& make_clock) {
  CLI::App app{"loyalpos: the loyalty point of sale for the counter", "loyalpos"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "loyalpos " + std::string(kVersion), "print the version");
  Options options;
  app.add_flag("--json", options.json, "print exactly one JSON object on stdout");
  app.add_option("--home", options.home,
                 "folder of the ledger and config (default $LOYALPOS_HOME)");
  app.add_option("--config", options.config_file, "config file (default <home>/config.toml)");

  InitArgs init_args;
  auto* init = add_init_command(app, init_args);
  std::vector<Command> commands;
  add_catalog_commands(app, commands);
  add_card_commands(app, commands);
  add_sale_commands(app, commands);
  add_ledger_commands(app, commands);
  add_serve_command(app, commands);
  add_sync_commands(app, commands);
  std::vector<HomeCommand> home_commands;
  add_doctor_command(app, home_commands);
  add_backup_commands(app, commands, home_commands);
  auto* counter = app.add_subcommand("counter", "interactive mode for the counter");
  add_print_commands(app, commands);
  fall_through(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --json may not have been read yet when the parse stopped: look for it.
    const bool json_asked = std::any_of(argv + 1, argv + argc,
                                        [](const char* a) { return std::string(a) == "--json"; });
    if (e.get_exit_code() == 0 || !json_asked) return app.exit(e) == 0 ? 0 : 2;
    options.json = true;
    fail(options, Error::invalid(std::string(e.what()) + " (see loyalpos --help)"));
    return 2;
  }
  if (options.home.empty()) options.home = default_home();
  if (init->parsed()) return run_init(options, init_args, make_clock);
  for (const auto& command : home_commands) {
    if (command.parsed_by->parsed()) return command.run(options, make_clock);
  }

  // With no command: the counter, creating the sample café on first use.
  const bool first_use_counter = app.get_subcommands().empty();
  if (first_use_counter) {
    std::ifstream existing(ledger_path(options.home));
    if (!existing) {
      auto config = load_session_config(options);
      if (!config.ok()) return fail(options, config.error());
      auto clock = make_store_clock(*config, make_clock);
      if (!clock.ok()) return fail(options, clock.error());
      auto ledger = init_home(options, "Café", host_name(), "RUB", true, **clock,
                              config->busy_timeout_ms, default_config_text());
      if (!ledger.ok()) return fail(options, ledger.error());
      std::cerr << "Created a new ledger with the sample café at " << ledger->path() << "\n";
    }
  }

  auto session = open_session(options, make_clock);
  if (!session.ok()) return fail(options, session.error());
  Ledger& ledger = *session->ledger;
  const Config& config = session->config;
  SaleService sales(ledger, session->config.rules, *session->clock, parse_published_rules);
  if (Status s = sales.refresh_published_rules(); !s.ok()) {
    std::cerr << "loyalpos: " << s.error().message() << " (the rules in force stay)\n";
  }
  const auto printer = make_printer(config.printer, options.home);
  PrintSpool spool(ledger, *session->clock, printer.get(), receipt_options(config));

  if (first_use_counter || counter->parsed()) {
    auto reload = [&options, &ledger]() {
      return load_session_config(options, ledger.terminal().currency);
    };
    auto lines = open_scanner(config.scanner);
    if (!lines.ok()) return fail(options, lines.error());
    Counter c(sales, ledger, session->config, reload, std::cout, &spool);
    c.show_receipt_pictures(dynamic_cast<const hardware::VirtualPrinter*>(printer.get()));
    c.run(**lines);
    return 0;
  }
  Context context{options, &*session, ledger, config, sales, spool, printer};
  for (const auto& command : commands) {
    if (command.parsed_by->parsed()) return command.run(context);
  }
  return 2;
}

}  // namespace loyalpos::pos

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds (scripts/test): fontconfig, under Pango, keeps its parsed
// configuration for the life of the process by design; that is not our leak.
// Here rather than in a main.cc so that every binary running the CLI has it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
