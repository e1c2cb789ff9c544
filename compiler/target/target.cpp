#include "target/target.h"

#include <algorithm>
#include <map>

#include "ir/diag.h"
#include "target/embedded.h"

namespace qg::target {

bool Target::has(const std::string& feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

bool Target::has_kernel(const std::string& family) const {
  return std::find(kernels.begin(), kernels.end(), family) != kernels.end();
}

namespace {

LutCosts lut_costs(const nlohmann::json& j, const std::string& file) {
  QG_CHECK(j.contains("lut_costs"), file + " has no \"lut_costs\" row (every target needs one for \"kernel\": \"auto\")");
  const nlohmann::json& c = j.at("lut_costs");
  LutCosts r;
  r.mul = c.at("mul").get<double>();
  r.add = c.at("add").get<double>();
  r.lookup = c.at("lookup").get<double>();
  r.weight_load = c.at("weight_load").get<double>();
  r.index_op = c.at("index_op").get<double>();
  r.lut_flash_budget = c.at("lut_flash_budget").get<int64_t>();
  r.source = c.at("source").get<std::string>();
  return r;
}

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
      t.stack_budget = j.value("stack_budget", int64_t{0});
      t.budget_note = j.value("budget_note", "");
      t.lut_costs = lut_costs(j, n);
      if (j.contains("halide")) t.halide = j.at("halide");
      t.emitter = j.value("emitter", "c");
      QG_CHECK(t.emitter == "c" || t.emitter == "hls", n + ": unknown \"emitter\" " + t.emitter);
      if (j.contains("hls")) t.hls = j.at("hls");
      m[t.name] = t;
    }
    return m;
  }();
  return targets;
}

}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> r;
  for (const auto& kv : all_targets()) r.push_back(kv.first);
  return r;
}

const Target& get(const std::string& name) {
  const auto& m = all_targets();
  auto it = m.find(name);
  if (it == m.end()) {
    std::string known;
    for (const auto& kv : m) known += (known.empty() ? "" : ", ") + kv.first;
    user_error("", "--target", "unknown or not yet supported target '" + printable_name(name) + "' (this build supports: " + known + ")");
  }
  return it->second;
}

}  // namespace qg::target
