#include "pos/app/doctor_checks.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "hardware/printer_status.h"
#include "pos/app/printer_setup.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/sync_outbox.h"

namespace loyalpos::pos {

namespace {

Finding ok(std::string check, std::string finding) {
  return {std::move(check), Level::kOk, std::move(finding), {}};
}
Finding note(std::string check, std::string finding) {
  return {std::move(check), Level::kNote, std::move(finding), {}};
}
Finding warning(std::string check, std::string finding, std::string action) {
  return {std::move(check), Level::kWarning, std::move(finding), std::move(action)};
}
Finding problem(std::string check, std::string finding, std::string action) {
  return {std::move(check), Level::kProblem, std::move(finding), std::move(action)};
}

// "1 sale", "2 sales".
std::string counted(std::int64_t n, std::string_view one) {
  return std::to_string(n) + " " + std::string(one) + (n == 1 ? "" : "s");
}

// "40 seconds", "12 minutes", "5 hours", "3 days".
std::string span_text(std::int64_t seconds) {
  if (seconds < 120) return counted(seconds, "second");
  if (seconds < 2 * 3600) return counted(seconds / 60, "minute");
  if (seconds < 2 * 86400) return counted(seconds / 3600, "hour");
  return counted(seconds / 86400, "day");
}

std::string size_text(std::int64_t bytes) {
  if (bytes >= (10LL << 30)) return std::to_string(bytes >> 30) + " GiB";
  return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

const char* level_name(Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kNote:
      return "note";
    case Level::kWarning:
      return "warning";
    case Level::kProblem:
      return "problem";
  }
  return "problem";
}

Finding ledger_does_not_open(const Error& error) {
  if (error.code() == ErrorCode::kNotFound) {
    return problem(
        "ledger", error.message(),
        "create it with loyalpos init, or bring back a backup with loyalpos restore FILE");
  }
  if (error.code() == ErrorCode::kUnsupported) {
    return problem("ledger", error.message(), "install the newer loyalpos on this terminal");
  }
  return problem("ledger", "the ledger does not open: " + error.message(),
                 "copy the ledger file away as it is, then bring back the last good backup with "
                 "loyalpos restore FILE --force");
}

Finding check_ledger(Ledger& ledger) {
  auto audit = audit_ledger(ledger);
  if (!audit.ok()) {
    return problem("ledger", "the ledger fails its audit: " + audit.error().message(),
                   "stop selling on this terminal; copy the ledger file away as it is, tell "
                   "head office, and bring back the last good backup with loyalpos restore FILE "
                   "--force");
  }
  return ok("ledger", "the ledger checks out (SQLite's integrity check and the journal chain): " +
                          counted(audit->sales, "sale") + ", " + counted(audit->cards, "card") +
                          ", " + counted(audit->events, "journey event"));
}

Finding check_disk(const std::string& home, std::int64_t ledger_bytes) {
  struct statvfs fs {};
  if (::statvfs(home.c_str(), &fs) != 0) {
    return problem("disk", "cannot tell the free space where " + home + " is",
                   "check that the home folder exists and can be read");
  }
  const auto free_bytes =
      static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
  const std::int64_t needed = std::max(kLowDiskBytes, 2 * ledger_bytes);
  const std::string said = size_text(free_bytes) + " free where " + home + " is";
  if (free_bytes < needed) {
    return problem("disk", "only " + said + " (less than " + size_text(needed) + ")",
                   "free some space: SQLite needs room to write each sale, and a backup or a "
                   "restore needs the ledger's size beside it");
  }
  return ok("disk", said);
}

Finding check_printer(const PrinterConfig& config, const std::string& home) {
  if (config.type == PrinterType::kNone) {
    return note("printer", "no printer is set up ([printer] type = \"none\")");
  }
  if (config.type == PrinterType::kVirtual) {
    return ok("printer",
              "the virtual printer draws receipts as pictures in " + printer_folder(config, home));
  }
  const std::string where =
      config.type == PrinterType::kNetwork
          ? "the printer at " + config.host + ":" + std::to_string(config.port)
          : "the printer at " + config.device;
  auto printer = make_printer(config, home);
  auto status = printer->status();
  if (!status.ok()) {
    return problem("printer", where + " does not answer: " + status.error().message(),
                   "check that it is switched on and connected, and that [printer] in "
                   "config.toml names it; receipts wait in loyalpos print queue meanwhile");
  }
  if (!status->known) {
    return note("printer", where +
                               " is reached but does not say how it is (many printers never "
                               "do)");
  }
  if (!status->ready()) {
    return problem("printer", where + ": " + hardware::describe(*status),
                   "see to the printer, then loyalpos print retry");
  }
  return ok("printer", where + " is ready" +
                           (status->paper_near_end ? std::string(" (the paper is running low)")
                                                   : std::string()));
}

Finding clock_finding(const sync::HeadOfficeProbe& probe) {
  if (!probe.server_time) return note("clock", "head office did not say its time");
  // Head office's Date is to the second, and it was stamped somewhere in
  // the round trip: its middle is the best guess, half the trip the error.
  const double here =
      (static_cast<double>(probe.sent_at) + static_cast<double>(probe.answered_at)) / 2;
  const double offset = static_cast<double>(*probe.server_time) + 0.5 - here;
  const double margin = static_cast<double>(probe.round_trip.count()) / 2000.0 + 1.0 +
                        static_cast<double>(probe.answered_at - probe.sent_at) / 2.0;
  const auto off = static_cast<std::int64_t>(std::lround(std::fabs(offset)));
  if (std::fabs(offset) - margin <= static_cast<double>(kClockToleranceSeconds)) {
    return ok("clock", "this terminal's clock agrees with head office's (within " +
                           span_text(std::max<std::int64_t>(off, 1)) + ")");
  }
  return warning("clock",
                 "this terminal's clock is " + span_text(off) +
                     (offset > 0 ? " behind" : " ahead of") + " head office's",
                 "set the clock (timedatectl set-ntp true, or set it by hand): promotions by the "
                 "hour and the day, and the journey's times, read it");
}

std::vector<Finding> check_head_office(const std::string& home, const Clock& clock) {
  auto enrollment = sync::load_enrollment(home);
  if (!enrollment.ok()) {
    if (enrollment.error().code() == ErrorCode::kNotFound) {
      return {note("head office", "this terminal is not enrolled with head office")};
    }
    return {problem("head office", "the enrollment does not read: " + enrollment.error().message(),
                    "enroll again with the bundle from head office: loyalpos enroll FILE")};
  }
  auto probe = sync::probe_head_office(*enrollment, clock, kHeadOfficeTimeout);
  const std::string where = "head office at " + enrollment->server_url;
  if (!probe.ok()) {
    return {problem("head office", "cannot reach " + where + ": " + probe.error().message(),
                    "check the network; ask head office whether journeyd runs; if the "
                    "certificate is refused, enroll again: loyalpos enroll FILE")};
  }
  std::vector<Finding> found;
  if (probe->status == 200) {
    found.push_back(ok("head office", where + " answers and takes this terminal's certificate; " +
                                          "it holds its events up to " +
                                          std::to_string(probe->acked_seq)));
  } else if (probe->status == 409) {
    found.push_back(warning("head office",
                            where + " answers, but this terminal has not claimed its enrollment",
                            "run loyalpos sync"));
  } else {
    found.push_back(problem("head office",
                            where + " refuses this terminal (" + std::to_string(probe->status) +
                                (probe->message.empty() ? "" : ": " + probe->message) + ")",
                            "ask head office for a new enrollment bundle, then loyalpos enroll "
                            "FILE"));
  }
  found.push_back(clock_finding(*probe));
  return found;
}

Finding check_unsent(Ledger& ledger, const Clock& clock, bool enrolled) {
  auto unsent = unsent_count(ledger);
  auto oldest = oldest_unsent_at(ledger);
  if (!unsent.ok() || !oldest.ok()) {
    const Error& e = unsent.ok() ? oldest.error() : unsent.error();
    return problem("sync", "cannot read the events waiting for head office: " + e.message(),
                   "run loyalpos audit");
  }
  if (*unsent == 0 || !*oldest) return ok("sync", "every journey event is at head office");
  const std::int64_t age = std::max<std::int64_t>(0, clock.now_unix() - **oldest);
  const std::string said = counted(*unsent, "journey event") + " not sent to head office, " +
                           "the oldest from " + clock.local_time_text(**oldest) + " (" +
                           span_text(age) + " ago)";
  if (!enrolled) return note("sync", said + "; not enrolled, so they stay here");
  if (age > kUnsentWarnAfterSeconds) {
    return warning("sync", said,
                   "run loyalpos sync and see loyalpos sync status for why they do not go");
  }
  return ok("sync", said);
}

}  // namespace loyalpos::pos
