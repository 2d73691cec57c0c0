// The `loyalpos` command line (docs/cli.md). Returns the process exit code:
// 0 done, 1 the command failed (message on stderr), 2 the command line was
// wrong.
#pragma once

#include <loyalpos/result.h>

#include <functional>
#include <memory>

#include "pos/ledger/clock.h"

namespace loyalpos::pos {

// Where the command line's clock comes from. The shipped binary reads the
// system clock only; the test build's binary (tests/e2e/testing_main.cc)
// passes one that honours LOYALPOS_NOW, so a cashier cannot backdate a sale.
// It is given the store's time zone (the config's, else the system's).
using ClockSource = std::function<Result<std::unique_ptr<Clock>>(const TimeZone& zone)>;

Result<std::unique_ptr<Clock>> system_clock_source(const TimeZone& zone);

int run_cli(int argc, char** argv, const ClockSource& make_clock = system_clock_source);

}  // namespace loyalpos::pos
