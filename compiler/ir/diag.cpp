#include "ir/diag.h"

namespace qg {

static std::string join_location(const std::string& file, const std::string& path, const std::string& message) {
  std::string s;
  if (!file.empty()) s += file + ": ";
  if (!path.empty()) s += path + ": ";
  s += message;
  // One line, always.
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

UserError::UserError(std::string file, std::string path, std::string message)
    : std::runtime_error(join_location(file, path, message)),
      file_(std::move(file)), path_(std::move(path)), message_(std::move(message)) {}

void user_error(const std::string& file, const std::string& path, const std::string& message) {
  throw UserError(file, path, message);
}

void internal_error(const char* src_file, int line, const std::string& message) {
  throw InternalError(std::string("internal error at ") + src_file + ":" + std::to_string(line) + ": " + message);
}

std::string printable_name(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == ':' || c == '+' || c == '-';
    out += ok ? static_cast<char>(c) : '_';
  }
  if (out.size() > 64) out = out.substr(0, 64) + "...";
  return out;
}

}  // namespace qg
