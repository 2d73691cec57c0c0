// `loyalpos backup FILE` and `loyalpos restore FILE` (pos/ledger/backup.h,
// pos/ledger/restore.h): the commands say what was saved or brought back.
#include <iostream>
#include <nlohmann/json.hpp>

#include "pos/app/cli_session.h"
#include "pos/config/paths.h"
#include "pos/ledger/backup.h"
#include "pos/ledger/restore.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct CopyArgs {
  std::string file;
  bool force = false;
};

json summary_json(const LedgerSummary& s) {
  return {{"events", s.events},
          {"sales", s.sales},
          {"last_sale_at", s.last_sale_at ? json(*s.last_sale_at) : json(nullptr)},
          {"bytes", s.bytes}};
}

// "120 journey events, 40 sales (the last at 2026-11-30 10:15), 96 KiB".
std::string summary_text(const LedgerSummary& s, const Clock& clock) {
  std::string text =
      std::to_string(s.events) + " journey events, " + std::to_string(s.sales) + " sales";
  if (s.last_sale_at) text += " (the last at " + clock.local_time_text(*s.last_sale_at) + ")";
  return text + ", " + std::to_string((s.bytes + 1023) / 1024) + " KiB";
}

int backup(Context& c, const CopyArgs& a) {
  auto saved = backup_ledger(c.ledger, a.file, a.force);
  if (!saved.ok()) return fail(c.options, saved.error());
  if (c.options.json) {
    json out = summary_json(*saved);
    out["backup"] = a.file;
    print_json(out);
  } else {
    std::cout << "Saved " << summary_text(*saved, *c.session->clock) << " to " << a.file
              << "; it opens and passes the audit\n";
  }
  return 0;
}

int restore(const Options& options, const ClockSource& make_clock, const CopyArgs& a) {
  auto config = load_session_config(options);
  if (!config.ok()) return fail(options, config.error());
  auto clock = make_store_clock(*config, make_clock);
  if (!clock.ok()) return fail(options, clock.error());
  const RestoreRequest request{a.file, ledger_path(options.home), a.force, (*clock)->now_unix(),
                               config->busy_timeout_ms};
  auto restored = restore_ledger(request);
  if (!restored.ok()) return fail(options, restored.error());
  if (options.json) {
    json out = summary_json(restored->restored);
    out["restored"] = a.file;
    out["ledger"] = request.ledger_path;
    out["kept"] = restored->kept ? json(*restored->kept) : json(nullptr);
    print_json(out);
  } else {
    std::cout << "Restored " << request.ledger_path << " from " << a.file << ": "
              << summary_text(restored->restored, **clock) << "\n";
    if (restored->kept)
      std::cout << "The ledger it replaced is kept at " << *restored->kept << "\n";
  }
  return 0;
}

}  // namespace

void add_backup_commands(CLI::App& app, std::vector<Command>& commands,
                         std::vector<HomeCommand>& home_commands) {
  auto* backup_cmd =
      app.add_subcommand("backup", "copy the ledger to FILE while the counter goes on selling");
  auto backup_args = std::make_shared<CopyArgs>();
  backup_cmd->add_option("FILE", backup_args->file, "the backup file to write")->required();
  backup_cmd->add_flag("--force", backup_args->force, "replace FILE if it exists");
  commands.push_back({backup_cmd, [backup_args](Context& c) { return backup(c, *backup_args); }});

  auto* restore_cmd =
      app.add_subcommand("restore", "bring the ledger back from a backup made by loyalpos backup");
  auto restore_args = std::make_shared<CopyArgs>();
  restore_cmd->add_option("FILE", restore_args->file, "the backup file")->required();
  restore_cmd->add_flag("--force", restore_args->force,
                        "replace a ledger that is newer than the backup, or a different one");
  home_commands.push_back({restore_cmd, [restore_args](const Options& o, const ClockSource& m) {
                             return restore(o, m, *restore_args);
                           }});
}

}  // namespace loyalpos::pos
