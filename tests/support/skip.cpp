#include "support/skip.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace qgt {

namespace {
int g_skipped = 0;
}

std::string models_dir() {
  const char* env = std::getenv("QGEN_MODELS_DIR");
  return env && *env ? std::string(env) : std::string(QGEN_DEFAULT_MODELS_DIR);
}

std::string missing_files(const std::string& dir, const std::vector<std::string>& rels) {
  std::string r;
  std::error_code ec;
  for (const std::string& rel : rels)
    if (!std::filesystem::is_regular_file(dir + "/" + rel, ec)) r += (r.empty() ? "" : ", ") + rel;
  return r.empty() ? r : "not found in " + dir + ": " + r + " (the repository's models/ folder; QGEN_MODELS_DIR overrides it)";
}

bool require_models() {
  const char* env = std::getenv("QGEN_REQUIRE_MODELS");
  return env && std::string(env) == "1";
}

void note_skip(const std::string& why) {
  ++g_skipped;
  std::fprintf(stderr, "SKIP: %s\n", why.c_str());
}

int skipped_count() { return g_skipped; }

int exit_status(int catch_failures) {
  if (catch_failures != 0) return catch_failures == 77 ? 1 : catch_failures;  // 77 failures must not read as a skip
  if (g_skipped > 0) {
    std::fprintf(stderr, "%d test case(s) skipped: exit status 77\n", g_skipped);
    return 77;
  }
  return 0;
}

}  // namespace qgt
