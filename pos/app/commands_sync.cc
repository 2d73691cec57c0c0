// `loyalpos enroll FILE`, `sync [--daemon]`, `sync status`: this terminal and
// head office (docs/sync-protocol.md, docs/cli.md).
#include <systemd/sd-daemon.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "pos/app/cli_session.h"
#include "pos/ledger/sync_outbox.h"
#include "sync/agent/enrollment.h"
#include "sync/agent/sync_agent.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

struct EnrollArgs {
  std::string file;
};
struct SyncArgs {
  bool daemon = false;
  int every_seconds = 30;
  int batch = 1000;  // events per push; head office takes up to 1000
};

int enroll(Context& c, EnrollArgs& a) {
  std::ifstream in(a.file, std::ios::binary);
  if (!in) return fail(c.options, Error::not_found("cannot read " + a.file));
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  if (auto s = sync::install_enrollment(c.options.home, text); !s.ok()) {
    return fail(c.options, s.error().with_context(a.file + ": "));
  }
  auto enrollment = sync::load_enrollment(c.options.home);
  if (!enrollment.ok()) return fail(c.options, enrollment.error());
  sync::SyncAgent agent(c.ledger, *enrollment, *c.session->clock);
  const Status claimed = agent.claim();
  if (!claimed.ok()) {
    return fail(c.options, claimed.error().with_context(
                               "enrolled, but head office did not take this terminal yet (loyalpos "
                               "sync tries again): "));
  }
  if (c.options.json) {
    print_json({{"enrolled", true},
                {"server", enrollment->server_url},
                {"store", enrollment->store},
                {"terminal", enrollment->terminal},
                {"terminal_id", c.ledger.terminal().terminal_id}});
  } else {
    std::cout << "Enrolled with head office at " << enrollment->server_url << " as "
              << enrollment->store << " / " << enrollment->terminal << "\n";
  }
  return 0;
}

void say_report(const Options& options, const sync::SyncReport& report) {
  if (options.json) {
    print_json({{"pushed", report.pushed},
                {"pulled", report.pulled},
                {"acknowledged", report.acked_seq},
                {"unsent", report.unsent},
                {"rules_version", report.rules_version},
                {"catalog_version", report.catalog_version},
                {"catalog_products", report.catalog_products}});
  } else {
    std::cout << "Sent " << report.pushed << " events (head office holds up to " << report.acked_seq
              << "), received " << report.pulled << " from other terminals, " << report.unsent
              << " waiting\n";
    if (report.rules_version > 0) {
      std::cout << "Received head office's rules version " << report.rules_version
                << ": sales use them from the next one\n";
    }
    if (report.catalog_version > 0) {
      std::cout << "Received head office's catalog version " << report.catalog_version << ": "
                << report.catalog_products << " products added or updated\n";
    }
  }
}

int sync_once(Context& c, sync::SyncAgent& agent) {
  bool told = false;
  auto report = agent.run_once([&](std::int64_t done, std::int64_t total) {
    // A big backlog (a week offline) shows its progress.
    if (total >= 1000 && !c.options.json) {
      std::cerr << "sent " << done << " of " << total << " events\n";
      told = true;
    }
  });
  if (!report.ok()) return fail(c.options, report.error());
  (void)told;
  say_report(c.options, *report);
  return 0;
}

// After each sale (its events waiting) and every `every`; backing off with
// jitter while head office cannot be reached. SIGTERM or SIGINT stop it
// between exchanges. Under systemd (Type=notify, NOTIFY_SOCKET set) it says
// READY=1 once the ledger and the enrollment are open, STOPPING=1 on its way
// out; elsewhere sd_notify does nothing.
int sync_daemon(Context& c, sync::SyncAgent& agent, std::chrono::seconds every) {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  (void)sd_notify(0, "READY=1");
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  int failures = 0;
  auto next = std::chrono::steady_clock::now();
  while (!g_stop) {
    auto waiting = unsent_count(c.ledger);
    const bool due = std::chrono::steady_clock::now() >= next;
    if (due || (failures == 0 && waiting.ok() && *waiting > 0)) {
      auto report = agent.run_once();
      if (report.ok()) {
        failures = 0;
        next = std::chrono::steady_clock::now() + every;
        if (report->pushed > 0 || report->pulled > 0 || report->rules_version > 0 ||
            report->catalog_version > 0) {
          say_report(c.options, *report);
        }
      } else {
        ++failures;
        const auto wait = sync::sync_backoff(failures, every, std::chrono::minutes(5), jitter(rng));
        next = std::chrono::steady_clock::now() + wait;
        std::cerr << "loyalpos sync: " << report.error().message() << " (trying again in "
                  << std::chrono::duration_cast<std::chrono::seconds>(wait).count() << " s)\n";
      }
      std::cout.flush();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  (void)sd_notify(0, "STOPPING=1");
  return 0;
}

int sync_run(Context& c, SyncArgs& a) {
  if (a.every_seconds < 1 || a.every_seconds > 86400) {
    return fail(c.options, Error::invalid("--every must be 1 to 86400 seconds"));
  }
  if (a.batch < 1 || a.batch > 1000) {
    return fail(c.options, Error::invalid("--batch must be 1 to 1000 events"));
  }
  auto enrollment = sync::load_enrollment(c.options.home);
  if (!enrollment.ok()) return fail(c.options, enrollment.error());
  OutboxLimits batch;
  batch.max_events = static_cast<std::size_t>(a.batch);
  sync::SyncAgent agent(c.ledger, *enrollment, *c.session->clock, std::chrono::seconds(30), batch);
  if (a.daemon) return sync_daemon(c, agent, std::chrono::seconds(a.every_seconds));
  return sync_once(c, agent);
}

int sync_status(Context& c) {
  auto state = sync_state(c.ledger);
  if (!state.ok()) return fail(c.options, state.error());
  auto unsent = unsent_count(c.ledger);
  if (!unsent.ok()) return fail(c.options, unsent.error());
  auto enrollment = sync::load_enrollment(c.options.home);
  const auto when = [&](const std::optional<std::int64_t>& t) {
    return t ? c.session->clock->local_time_text(*t) : std::string("never");
  };
  if (c.options.json) {
    print_json(
        {{"enrolled", enrollment.ok()},
         {"server", enrollment.ok() ? json(enrollment->server_url) : json(nullptr)},
         {"unsent", *unsent},
         {"acknowledged", state->anchor.seq},
         {"peer_cursor", state->peer_cursor},
         {"last_success_at",
          state->last_success_at ? json(*state->last_success_at) : json(nullptr)},
         {"last_error", state->last_error ? json(*state->last_error) : json(nullptr)},
         {"last_error_at", state->last_error_at ? json(*state->last_error_at) : json(nullptr)}});
    return 0;
  }
  std::cout << "Head office: "
            << (enrollment.ok() ? enrollment->server_url : std::string("not enrolled")) << "\n"
            << "Events not sent yet: " << *unsent << "\n"
            << "Head office holds up to event: " << state->anchor.seq << "\n"
            << "Last successful sync: " << when(state->last_success_at) << "\n";
  if (state->last_error) {
    std::cout << "Last error (" << when(state->last_error_at) << "): " << *state->last_error
              << "\n";
  }
  return 0;
}

}  // namespace

void add_sync_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* enroll_cmd =
      app.add_subcommand("enroll", "join head office with the bundle journeyd wrote");
  auto enroll_args = std::make_shared<EnrollArgs>();
  enroll_cmd->add_option("FILE", enroll_args->file, "the enrollment bundle")->required();
  commands.push_back({enroll_cmd, [enroll_args](Context& c) { return enroll(c, *enroll_args); }});

  auto* sync_cmd = app.add_subcommand("sync", "send this terminal's events to head office");
  sync_cmd->require_subcommand(0, 1);
  auto args = std::make_shared<SyncArgs>();
  sync_cmd->add_flag("--daemon", args->daemon, "keep syncing: after each sale and every --every");
  sync_cmd->add_option("--every", args->every_seconds, "seconds between syncs with --daemon")
      ->capture_default_str();
  sync_cmd->add_option("--batch", args->batch, "events per push (1 to 1000)")
      ->capture_default_str();
  auto* status = sync_cmd->add_subcommand("status", "unsent events, last success, last error");
  // The status first: `sync status` also parses `sync`.
  commands.push_back({status, sync_status});
  commands.push_back({sync_cmd, [args](Context& c) { return sync_run(c, *args); }});
}

}  // namespace loyalpos::pos
