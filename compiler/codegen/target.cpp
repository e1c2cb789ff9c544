#include "codegen/target.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "codegen/embedded.h"
#include "codegen/templates.h"
#include "ir/diag.h"

namespace qg::codegen {

bool Target::has(const std::string& feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

bool Target::has_kernel(const std::string& family) const {
  return std::find(kernels.begin(), kernels.end(), family) != kernels.end();
}

namespace {

const std::map<std::string, Target>& all_targets() {
  static const std::map<std::string, Target> targets = [] {
    std::map<std::string, Target> m;
    for (const EmbeddedFile& f : embedded_files()) {
      const std::string n = f.name;
      if (n.rfind("targets/", 0) != 0 || n.size() <= 20 || n.substr(n.size() - 12) != "/target.json") continue;
      const nlohmann::json j = nlohmann::json::parse(std::string(f.data, f.size));
      Target t;
      t.name = j.at("name").get<std::string>();
      QG_CHECK(t.name == n.substr(8, n.size() - 20), "target.json name differs from its folder: " + n);
      t.description = j.value("description", "");
      t.features = j.value("isa_features", std::vector<std::string>{});
      t.kernels = j.value("kernels", std::vector<std::string>{});
      t.build_flags = j.value("build_flags", "");
      t.flash_budget = j.value("flash_budget", int64_t{0});
      t.ram_budget = j.value("ram_budget", int64_t{0});
      t.budget_note = j.value("budget_note", "");
      m[t.name] = t;
    }
    return m;
  }();
  return targets;
}

}  // namespace

std::vector<std::string> target_names() {
  std::vector<std::string> r;
  for (const auto& kv : all_targets()) r.push_back(kv.first);
  return r;
}

const Target& target(const std::string& name) {
  const auto& m = all_targets();
  auto it = m.find(name);
  if (it == m.end()) {
    std::string known;
    for (const auto& kv : m) known += (known.empty() ? "" : ", ") + kv.first;
    user_error("", "--target", "unknown or not yet supported target '" + printable_name(name) + "' (this build supports: " + known + ")");
  }
  return it->second;
}

}  // namespace qg::codegen
