// The checks of `loyalpos doctor` (docs/operations.md, "Checking a
// terminal"), each a finding in plain words and, when something is wrong,
// what to do about it. A problem stops the terminal from working as it
// should (a ledger that fails its audit, a printer that does not answer);
// a warning is worth a look but the counter works (a clock a few minutes
// off, events waiting for head office); a note is information (no printer
// set up, not enrolled).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "pos/config/config.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "sync/agent/head_office_client.h"

namespace loyalpos::pos {

enum class Level { kOk, kNote, kWarning, kProblem };
const char* level_name(Level level);  // "ok", "note", "warning", "problem"

struct Finding {
  std::string check;  // "ledger", "disk", "printer", "head office", "clock", "sync"
  Level level = Level::kOk;
  std::string finding;
  std::string action;  // empty for ok and notes
};

// A terminal's clock this far from head office's is warned about:
// promotions by the hour and the day, stamp expiry and the journey's
// order all read it.
inline constexpr std::int64_t kClockToleranceSeconds = 120;
// Less free space than this (or than twice the ledger, if more) on the
// home's file system is a problem: SQLite needs room for its write-ahead
// log, and a backup or restore needs a ledger's size beside it.
inline constexpr std::int64_t kLowDiskBytes = 200LL << 20;
// Events older than this not yet at head office are warned about (when
// enrolled): sync is not getting through.
inline constexpr std::int64_t kUnsentWarnAfterSeconds = 3600;
inline constexpr std::chrono::milliseconds kHeadOfficeTimeout{5000};

// SQLite's integrity check and the ledger's audit of its journal chain.
Finding check_ledger(Ledger& ledger);
// When the ledger does not open at all.
Finding ledger_does_not_open(const Error& error);
Finding check_disk(const std::string& home, std::int64_t ledger_bytes);
Finding check_printer(const PrinterConfig& printer, const std::string& home);
// Head office reached with this terminal's certificate, and its clock
// against this one; a note each when not enrolled.
std::vector<Finding> check_head_office(const std::string& home, const Clock& clock);
// The clock against head office's answer, the round trip accounted for.
Finding clock_finding(const sync::HeadOfficeProbe& probe);
Finding check_unsent(Ledger& ledger, const Clock& clock, bool enrolled);

}  // namespace loyalpos::pos
