// The main() of every Catch2 test binary: Catch's session, then exit 77 when
// a test case skipped (support/skip.h). Include from exactly one file.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "support/skip.h"

int main(int argc, char** argv) { return qgt::exit_status(Catch::Session().run(argc, argv)); }
