// `loyalpos doctor`: is this terminal in order (pos/app/doctor_checks.h).
// It opens what it checks itself, so a ledger or a config that does not
// open is a finding, not the end of the report.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "pos/app/cli_session.h"
#include "pos/app/doctor_checks.h"
#include "pos/config/paths.h"
#include "sync/agent/enrollment.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

// The store's clock when the config reads, else one in UTC.
std::unique_ptr<Clock> doctor_clock(const Result<Config>& config, const ClockSource& make_clock) {
  if (config.ok()) {
    auto clock = make_store_clock(*config, make_clock);
    if (clock.ok()) return std::move(*clock);
  }
  auto clock = make_clock(TimeZone::utc());
  if (clock.ok()) return std::move(*clock);
  return std::make_unique<SystemClock>(TimeZone::utc());
}

std::vector<Finding> examine(const Options& options, const ClockSource& make_clock) {
  std::vector<Finding> found;
  auto config = load_session_config(options);
  if (!config.ok()) {
    found.push_back({"config", Level::kProblem,
                     "the config does not read: " + config.error().message(),
                     "correct config.toml (docs/config.md); the printer is not checked meanwhile"});
  }
  const auto clock = doctor_clock(config, make_clock);
  const std::string path = ledger_path(options.home);
  const int busy_timeout_ms = config.ok() ? config->busy_timeout_ms : 5000;
  auto ledger = Ledger::open(path, busy_timeout_ms);
  found.push_back(ledger.ok() ? check_ledger(*ledger) : ledger_does_not_open(ledger.error()));
  std::error_code ec;
  const auto ledger_bytes = std::filesystem::file_size(path, ec);
  found.push_back(check_disk(options.home, ec ? 0 : static_cast<std::int64_t>(ledger_bytes)));
  if (config.ok()) found.push_back(check_printer(config->printer, options.home));
  for (auto& f : check_head_office(options.home, *clock)) found.push_back(std::move(f));
  if (ledger.ok()) {
    const bool enrolled = sync::load_enrollment(options.home).ok();
    found.push_back(check_unsent(*ledger, *clock, enrolled));
  }
  return found;
}

int doctor(const Options& options, const ClockSource& make_clock) {
  const auto found = examine(options, make_clock);
  const auto count = [&found](Level level) {
    return std::count_if(found.begin(), found.end(),
                         [level](const Finding& f) { return f.level == level; });
  };
  const auto problems = count(Level::kProblem);
  const auto warnings = count(Level::kWarning);
  if (options.json) {
    json checks = json::array();
    for (const auto& f : found) {
      checks.push_back({{"check", f.check},
                        {"level", level_name(f.level)},
                        {"finding", f.finding},
                        {"action", f.action.empty() ? json(nullptr) : json(f.action)}});
    }
    print_json({{"ok", problems == 0},
                {"problems", problems},
                {"warnings", warnings},
                {"checks", std::move(checks)}});
  } else {
    for (const auto& f : found) {
      std::string level = level_name(f.level);
      level.resize(8, ' ');
      std::cout << level << f.check << ": " << f.finding << "\n";
      if (!f.action.empty()) std::cout << "        what to do: " << f.action << "\n";
    }
    std::cout << (problems == 0 && warnings == 0 ? std::string("All fine.")
                                                 : std::to_string(problems) + " problem(s), " +
                                                       std::to_string(warnings) + " warning(s).")
              << "\n";
  }
  return problems == 0 ? 0 : 1;
}

}  // namespace

void add_doctor_command(CLI::App& app, std::vector<HomeCommand>& commands) {
  auto* cmd = app.add_subcommand(
      "doctor", "check this terminal: ledger, disk, printer, head office, clock, unsent events");
  commands.push_back({cmd, doctor});
}

}  // namespace loyalpos::pos
