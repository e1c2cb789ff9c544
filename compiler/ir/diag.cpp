#include "ir/diag.h"

#include <cstdint>

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

std::string message_name(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '_';
  if (out.size() > 64) out = out.substr(0, 64) + "...";
  return out;
}

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static const uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace qg
