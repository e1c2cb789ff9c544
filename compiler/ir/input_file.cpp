#include "ir/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ir/diag.h"

namespace qg {

int64_t max_input_bytes() {
  const int64_t def = int64_t{1} << 30;
  const char* e = std::getenv("QGEN_MAX_INPUT_MB");
  if (!e || !*e) return def;
  char* end = nullptr;
  errno = 0;
  const long long mb = std::strtoll(e, &end, 10);
  if (errno || *end || mb <= 0 || mb > (int64_t{1} << 40)) return def;
  return static_cast<int64_t>(mb) << 20;
}

namespace {
const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}
}  // namespace

std::string open_input_file(const std::string& path, InputFile& out) {
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it has
  // no effect on regular files. The type is checked on the open descriptor.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::string("cannot open file: ") + std::strerror(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return std::string("cannot read: ") + std::strerror(err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    const std::string k = kind_of(st.st_mode);
    return k == "not a regular file" ? k : "is " + k + ", not a regular file";
  }
  const int64_t limit = max_input_bytes();
  if (static_cast<int64_t>(st.st_size) > limit) {
    ::close(fd);
    return "is " + std::to_string(static_cast<int64_t>(st.st_size)) + " bytes, above the input size limit of " +
           std::to_string(limit >> 20) + " MiB (set QGEN_MAX_INPUT_MB to raise it)";
  }
  std::FILE* f = ::fdopen(fd, "rb");
  if (!f) {
    const int err = errno;
    ::close(fd);
    return std::string("cannot open file: ") + std::strerror(err);
  }
  out.f.reset(f);
  out.size = static_cast<int64_t>(st.st_size);
  return "";
}

std::string read_input_file(const std::string& path) {
  InputFile in;
  const std::string why = open_input_file(path, in);
  if (!why.empty()) user_error(path, "", why);
  std::string s(static_cast<size_t>(in.size), '\0');
  // The size was checked on the open file; a file that shrinks meanwhile is a read error.
  if (in.size > 0 && std::fread(&s[0], 1, s.size(), in.f.get()) != s.size()) {
    const int err = errno;
    user_error(path, "", std::string("cannot read") + (std::ferror(in.f.get()) && err ? std::string(": ") + std::strerror(err) : " (file changed while reading)"));
  }
  // A file that grew while reading is read up to the size it had when opened.
  return s;
}

}  // namespace qg
