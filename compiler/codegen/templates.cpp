#include "codegen/templates.h"

#include <map>

#include "codegen/embedded.h"
#include "ir/diag.h"

namespace qg::codegen {

const std::string& embedded_text(const std::string& name) {
  static const std::map<std::string, std::string> files = [] {
    std::map<std::string, std::string> m;
    for (const EmbeddedFile& f : embedded_files()) m[f.name] = std::string(f.data, f.size);
    return m;
  }();
  auto it = files.find(name);
  QG_CHECK(it != files.end(), "no embedded file " + name);
  return it->second;
}

std::string instantiate(const std::string& template_name, const Defines& defs) {
  static const std::string kEnd = "/* QG_TEMPLATE_DEFAULTS_END */\n";
  const std::string& text = embedded_text("templates/" + template_name);
  const size_t pos = text.find(kEnd);
  QG_CHECK(pos != std::string::npos, "template " + template_name + " has no QG_TEMPLATE_DEFAULTS_END marker");
  std::string out;
  out.reserve(text.size() - pos + defs.size() * 40);
  out += "/* ---- from templates/" + template_name + " ---- */\n";
  for (const auto& [k, v] : defs) out += "#define " + k + " " + v + "\n";
  out.append(text, pos + kEnd.size(), std::string::npos);
  for (const auto& kv : defs) out += "#undef " + kv.first + "\n";
  return out;
}

}  // namespace qg::codegen
