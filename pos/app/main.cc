#include "pos/app/cli.h"

int main(int argc, char** argv) { return loyalpos::pos::run_cli(argc, argv); }
