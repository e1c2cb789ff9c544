#include "codegen/writer.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "ir/diag.h"

namespace qg::codegen {
namespace fs = std::filesystem;

void write_output_dir(const std::string& dir, const std::vector<OutputFile>& files) {
  std::error_code ec;
  const fs::path target = fs::path(dir).has_filename() ? fs::path(dir) : fs::path(dir).parent_path();  // "out/" is the folder "out"
  if (target.empty()) user_error("", "-o", "output directory must not be empty");
  const bool existed = fs::exists(target, ec);
  if (existed && !fs::is_directory(target, ec)) user_error(dir, "", "exists and is not a directory");
  fs::path parent = fs::absolute(target, ec).parent_path();
  if (!fs::exists(parent, ec)) user_error(dir, "", "parent directory does not exist");
  std::random_device rd;
  fs::path tmp = parent / (".qgen-tmp-" + target.filename().string() + "-" + std::to_string(rd()));
  if (!fs::create_directory(tmp, ec)) user_error(dir, "", "cannot create a temporary directory next to it: " + ec.message());
  auto cleanup = [&] { fs::remove_all(tmp, ec); };
  for (const OutputFile& f : files) {
    std::ofstream o(tmp / f.name, std::ios::binary);
    o.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    o.close();
    if (!o) {
      cleanup();
      user_error(dir, "", "cannot write " + f.name);
    }
  }
  if (!existed) {
    fs::rename(tmp, target, ec);
    if (ec) {
      cleanup();
      user_error(dir, "", "cannot create output directory: " + ec.message());
    }
    return;
  }
  for (const OutputFile& f : files) {
    fs::rename(tmp / f.name, target / f.name, ec);
    if (ec) {
      cleanup();
      user_error(dir, "", "cannot move " + f.name + " into place: " + ec.message());
    }
  }
  cleanup();
}

}  // namespace qg::codegen
