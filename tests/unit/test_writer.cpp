// The output writer's switch (codegen/writer.cpp) under injected faults: at
// every step that can fail, the output folder holds either exactly the old
// files or all the new ones, and no temporary folder is left.
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "codegen/writer.h"
#include "ir/diag.h"
#include "support/cbuild.h"

using namespace qg;
namespace fs = std::filesystem;

namespace {

// Everything under `root` (hidden entries included): relative path -> file
// content, or "<dir>" for a folder.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> m;
  if (!fs::exists(root)) return m;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(e.path(), root).string();
    m[rel] = e.is_directory() ? "<dir>" : qgt::read_file(e.path().string());
  }
  return m;
}

int g_fail_at = -1;  // step to fail, -1: none
int g_steps = 0;     // steps seen in the last call
bool fail_at_hook(int step, const char*) {
  g_steps = step + 1;
  return step == g_fail_at;
}

struct HookGuard {
  HookGuard() { codegen::testing::set_writer_fault_hook(fail_at_hook); }
  ~HookGuard() { codegen::testing::set_writer_fault_hook(nullptr); }
};

const std::vector<codegen::OutputFile> kNew = {
    {"m.h", "new header"}, {"m.c", "new source"}, {"m_weights.c", ""}, {"report.json", "{\"new\": 1}"}};

}  // namespace

TEST_CASE("write_output_dir: an injected failure at any step leaves the old folder or the new one, never a mix", "[codegen][writer]") {
  const std::string base = qgt::make_temp_dir("writer_faults");
  HookGuard guard;
  const fs::path parent = fs::path(base) / "p";

  SECTION("existing folder") {
    // Old set: two of the names the run writes (one is empty), a file it does
    // not write (left alone), a subfolder; m.c and report.json are new names.
    const fs::path out = parent / "out";
    const auto make_old = [&] {
      fs::remove_all(out);
      fs::create_directories(out / "sub");
      qgt::write_file((out / "m.h").string(), "old header");
      qgt::write_file((out / "m_weights.c").string(), "old weights");
      qgt::write_file((out / "notes.txt").string(), "user file");
      qgt::write_file((out / "sub" / "x").string(), "x");
    };
    make_old();
    const auto old_set = snapshot(out);
    auto new_set = old_set;
    for (const auto& f : kNew) new_set[f.name] = f.content;

    // Count the steps of a run without faults, and check its result.
    g_fail_at = -1;
    codegen::write_output_dir(out.string(), kNew);
    const int n = g_steps;
    CHECK(snapshot(out) == new_set);
    // 2 folders, 4 writes, 2 old files aside, 4 new files into place.
    CHECK(n == 12);

    for (int k = 0; k < n; ++k) {
      INFO("failing step " << k);
      make_old();
      g_fail_at = k;
      try {
        codegen::write_output_dir(out.string(), kNew);
        FAIL("no error");
      } catch (const UserError& e) {
        CHECK_THAT(e.message(), Catch::Contains(std::strerror(EIO)));
        CHECK_THAT(e.message(), !Catch::Contains("Success"));
      }
      CHECK(snapshot(out) == old_set);  // also: no .qgen-tmp-* left inside
      CHECK(snapshot(parent).size() == old_set.size() + 1);  // nothing beside it
    }
  }

  SECTION("new folder") {
    const fs::path out = parent / "fresh";
    fs::create_directories(parent);
    std::map<std::string, std::string> new_set;
    for (const auto& f : kNew) new_set[f.name] = f.content;
    g_fail_at = -1;
    codegen::write_output_dir(out.string(), kNew);
    const int n = g_steps;
    CHECK(snapshot(out) == new_set);
    CHECK(n == 6);  // temporary folder, 4 writes, the rename into place
    for (int k = 0; k < n; ++k) {
      INFO("failing step " << k);
      fs::remove_all(out);
      g_fail_at = k;
      CHECK_THROWS_AS(codegen::write_output_dir(out.string(), kNew), UserError);
      CHECK(snapshot(parent).empty());  // no output folder, no temporary folder
    }
  }
  g_fail_at = -1;
  qgt::remove_dir(base);
}
