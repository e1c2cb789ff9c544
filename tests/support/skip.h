// Honest skips for Catch2 v2 (which has no SKIP): a test whose input is
// missing records a skip and returns; the test binary's main (catch_main.h)
// then exits 77, which CTest reports as "Skipped" (SKIP_RETURN_CODE 77 on
// every discovered test), never as "Passed". Failures win over skips.
//
// Missing inputs (models, data sets) fail instead under QGEN_REQUIRE_MODELS=1
// (.ci/run sets it); missing tools (a cross compiler, qemu) always skip.
#pragma once
#include <sstream>
#include <string>
#include <vector>

namespace qgt {

// The real-model folder: $QGEN_MODELS_DIR if set, else the repository's
// models/ (compiled in).
std::string models_dir();
// "" when every dir/rel exists, else a message naming the missing ones.
std::string missing_files(const std::string& dir, const std::vector<std::string>& rels);
// True when QGEN_REQUIRE_MODELS=1: a missing model or data set is a failure.
bool require_models();
// Records a skip (printed on stderr and counted for the exit status).
void note_skip(const std::string& why);
int skipped_count();
// The process exit status: Catch's failure count if any, else 77 if a test
// skipped, else 0.
int exit_status(int catch_failures);

}  // namespace qgt

// Skips the current test case: a missing tool.
#define QGT_SKIP(msg)                 \
  do {                                \
    std::ostringstream qgt_skip_os_;  \
    qgt_skip_os_ << msg;              \
    qgt::note_skip(qgt_skip_os_.str()); \
    WARN("SKIP: " << qgt_skip_os_.str()); \
    return;                           \
  } while (0)

// Skips the current test case because an input file is missing; fails it
// under QGEN_REQUIRE_MODELS=1.
#define QGT_SKIP_MISSING(msg)                                                                      \
  do {                                                                                             \
    std::ostringstream qgt_skip_os_;                                                               \
    qgt_skip_os_ << msg;                                                                           \
    if (qgt::require_models()) FAIL(qgt_skip_os_.str() << " (QGEN_REQUIRE_MODELS=1: missing inputs fail)"); \
    qgt::note_skip(qgt_skip_os_.str());                                                            \
    WARN("SKIP: " << qgt_skip_os_.str());                                                          \
    return;                                                                                        \
  } while (0)
