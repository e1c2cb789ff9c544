#include "codegen/templates.h"

#include <algorithm>
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

namespace {
// The runtime headers a file includes ("#include \"../runtime/x.h\"" in a
// template, "#include \"x.h\"" between runtime headers), as "runtime/x.h".
std::vector<std::string> runtime_includes(const std::string& text) {
  std::vector<std::string> r;
  size_t pos = 0;
  while ((pos = text.find("#include \"", pos)) != std::string::npos) {
    const size_t b = pos + 10, e = text.find('"', b);
    if (e == std::string::npos) break;
    std::string name = text.substr(b, e - b);
    if (name.rfind("../runtime/", 0) == 0) name = name.substr(11);
    if (name.find('/') == std::string::npos && name.rfind("qg_", 0) == 0) r.push_back("runtime/" + name);
    pos = e;
  }
  return r;
}

void add_runtime_part(const std::string& name, std::vector<std::string>& out) {
  if (std::find(out.begin(), out.end(), name) != out.end()) return;
  for (const std::string& dep : runtime_includes(embedded_text(name))) add_runtime_part(dep, out);
  out.push_back(name);
}
}  // namespace

std::vector<std::string> runtime_parts(const std::vector<std::string>& template_names) {
  std::vector<std::string> out;
  add_runtime_part("runtime/qg_common.h", out);
  for (const std::string& t : template_names)
    for (const std::string& dep : runtime_includes(embedded_text("templates/" + t))) add_runtime_part(dep, out);
  return out;
}

std::string runtime_text(const std::string& part) {
  const std::string& text = embedded_text(part);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string line = text.substr(pos, end - pos);
    if (line.rfind("#include \"qg_", 0) == 0)
      out += "/* " + line.substr(0, line.find_last_not_of("\n") + 1) + ": pasted above */\n";
    else
      out += line;
    pos = end;
  }
  return out;
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
