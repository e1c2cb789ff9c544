#include "codegen/writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "ir/diag.h"

namespace qg::codegen {
namespace fs = std::filesystem;

namespace testing {
namespace {
WriterFaultHook g_fault_hook = nullptr;
int g_fault_step = 0;
}  // namespace
void set_writer_fault_hook(WriterFaultHook hook) { g_fault_hook = hook; }
}  // namespace testing

namespace {
// True when the test hook asks the next step to fail.
bool inject_fault(const char* what) {
  return testing::g_fault_hook && testing::g_fault_hook(testing::g_fault_step++, what);
}

void rename_step(const fs::path& from, const fs::path& to, std::error_code& ec, const char* what) {
  if (inject_fault(what)) {
    ec = std::make_error_code(std::errc::io_error);
    return;
  }
  fs::rename(from, to, ec);
}

bool create_dir_step(const fs::path& p, std::error_code& ec, const char* what) {
  if (inject_fault(what)) {
    ec = std::make_error_code(std::errc::io_error);
    return false;
  }
  return fs::create_directory(p, ec);
}

std::string temp_name() {
  std::random_device rd;
  return ".qgen-tmp-" + std::to_string(rd()) + std::to_string(rd() % 1000);
}

// "" or the system's reason.
std::string write_file(const fs::path& p, const std::string& content) {
  if (inject_fault("write a file")) return std::strerror(EIO);
  errno = 0;
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) return std::strerror(errno ? errno : EIO);
  const bool ok = content.empty() || std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int werr = errno;
  if (std::fclose(f) != 0 || !ok) return std::strerror(!ok && werr ? werr : errno ? errno : EIO);
  return "";
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}
}  // namespace

void write_output_dir(const std::string& dir, const std::vector<OutputFile>& files) {
  testing::g_fault_step = 0;
  std::error_code ec;
  const fs::path target = fs::path(dir).has_filename() ? fs::path(dir) : fs::path(dir).parent_path();  // "out/" is the folder "out"
  if (target.empty()) user_error("", "-o", "output directory must not be empty");
  const fs::file_status st = fs::status(target, ec);
  const bool existed = fs::exists(st);
  if (existed && !fs::is_directory(st)) user_error(dir, "", "exists and is not a directory");

  if (!existed) {
    const fs::path abs = fs::absolute(target, ec);
    const fs::path parent = abs.parent_path();
    if (!fs::is_directory(parent, ec)) user_error(dir, "", "parent directory does not exist");
    const fs::path tmp = parent / temp_name();
    if (!create_dir_step(tmp, ec, "create the temporary folder")) user_error(dir, "", "cannot create the output directory: " + ec.message());
    for (const OutputFile& f : files) {
      const std::string why = write_file(tmp / f.name, f.content);
      if (!why.empty()) {
        remove_quietly(tmp);
        user_error(dir, "", "cannot write " + f.name + ": " + why);
      }
    }
    rename_step(tmp, target, ec, "move the new folder into place");
    if (ec) {
      const std::string why = ec.message();
      remove_quietly(tmp);
      user_error(dir, "", "cannot create the output directory: " + why);
    }
    return;
  }

  // Existing folder: check every name first, so that nothing moves when one
  // of them cannot be replaced.
  for (const OutputFile& f : files) {
    const fs::file_status fst = fs::symlink_status(target / f.name, ec);
    if (fs::exists(fst) && !fs::is_regular_file(fst) && !fs::is_symlink(fst))
      user_error(dir, "", f.name + " exists and is not a file; nothing was written");
  }
  const fs::path tmp = target / temp_name();
  if (!create_dir_step(tmp, ec, "create the temporary folder")) user_error(dir, "", "cannot create a temporary directory inside it: " + ec.message());
  const fs::path old = tmp / ".old";
  if (!create_dir_step(old, ec, "create the folder for old files")) {
    const std::string why = ec.message();
    remove_quietly(tmp);
    user_error(dir, "", "cannot create a temporary directory inside it: " + why);
  }
  for (const OutputFile& f : files) {
    const std::string why = write_file(tmp / f.name, f.content);
    if (!why.empty()) {
      remove_quietly(tmp);
      user_error(dir, "", "cannot write " + f.name + ": " + why);
    }
  }
  // Switch: each old file goes to .old, the new one takes its place. On a
  // failure, undo in reverse order.
  struct Step {
    std::string name;
    bool had_old;
  };
  std::vector<Step> done;
  std::string failure;
  for (const OutputFile& f : files) {
    const fs::path dst = target / f.name;
    const bool had_old = fs::exists(fs::symlink_status(dst, ec));
    if (had_old) {
      rename_step(dst, old / f.name, ec, "move an old file aside");
      if (ec) {
        failure = "cannot move the old " + f.name + " aside: " + ec.message();
        break;
      }
    }
    rename_step(tmp / f.name, dst, ec, "move a new file into place");
    if (ec) {
      failure = "cannot move " + f.name + " into place: " + ec.message();
      if (had_old) {
        std::error_code ec2;
        fs::rename(old / f.name, dst, ec2);
      }
      break;
    }
    done.push_back({f.name, had_old});
  }
  if (!failure.empty()) {
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      std::error_code ec2;
      const fs::path dst = target / it->name;
      if (it->had_old)
        fs::rename(old / it->name, dst, ec2);
      else
        fs::remove(dst, ec2);
    }
    remove_quietly(tmp);
    user_error(dir, "", failure + "; the folder was left as it was");
  }
  remove_quietly(tmp);
}

}  // namespace qg::codegen
