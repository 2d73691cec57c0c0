// The `loyalpos` command line (docs/cli.md). Returns the process exit code:
// 0 done, 1 the command failed (message on stderr), 2 the command line was
// wrong.
#pragma once

namespace loyalpos::pos {

int run_cli(int argc, char** argv);

}  // namespace loyalpos::pos
