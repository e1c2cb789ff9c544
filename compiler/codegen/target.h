// Code-generation targets: one descriptor per folder targets/<name>/target.json,
// embedded in the binary. Kernel choice, scratch sizes and emitted build
// advice depend on the descriptor, never on the target's name.
#pragma once
#include <string>
#include <vector>

namespace qg::codegen {

struct Target {
  std::string name;                   // "c", "cortex-m7", ...
  std::string description;
  std::vector<std::string> features;  // ISA features kernels may use, e.g. "arm_dsp"
  std::vector<std::string> kernels;   // kernel families the target provides
  std::string build_flags;            // flags the emitted sources are tested with
  int64_t flash_budget = 0;           // bytes, 0 = none (a microcontroller's default budgets)
  int64_t ram_budget = 0;
  std::string budget_note;
  bool has(const std::string& feature) const;
  bool has_kernel(const std::string& family) const;
};

// The descriptor of `name`; throws a user error naming the known targets.
const Target& target(const std::string& name);

// Targets known to this build, sorted.
std::vector<std::string> target_names();

}  // namespace qg::codegen
