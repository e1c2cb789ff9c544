// Two error channels (as in Halide): user errors are problems with the user's
// files or options and carry the file and JSON path / node name; internal
// errors are qgen bugs. Library code throws; only the driver decides the exit.
#pragma once
#include <stdexcept>
#include <string>

namespace qg {

class UserError : public std::runtime_error {
 public:
  UserError(std::string file, std::string path, std::string message);
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_, path_, message_;
};

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void user_error(const std::string& file, const std::string& path, const std::string& message);
[[noreturn]] void internal_error(const char* src_file, int line, const std::string& message);

// Makes a string safe to print on one line and inside a C comment: keeps
// [A-Za-z0-9_.:+-] and replaces everything else with '_'. Used in emitted
// comments and file-safe labels; error messages use message_name.
std::string printable_name(const std::string& s);

// A model name for a one-line error message, as the model spells it
// (`/conv1a/Conv`, not `_conv1a_Conv`): keeps every printable ASCII character
// and replaces the rest (control bytes, non-ASCII) with '_'; shortened like
// printable_name. Not for emitted code: comments there use printable_name.
std::string message_name(const std::string& s);

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF). Names go into report.json, which must be UTF-8.
bool valid_utf8(const std::string& s);

}  // namespace qg

#define QG_CHECK(cond, msg)                                           \
  do {                                                                \
    if (!(cond)) ::qg::internal_error(__FILE__, __LINE__, (msg));     \
  } while (0)
