#include "pos/cli.h"

int main(int argc, char** argv) { return loyalpos::pos::run_cli(argc, argv); }

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds (scripts/test): fontconfig, under Pango, keeps its parsed
// configuration for the life of the process by design; that is not our leak.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
