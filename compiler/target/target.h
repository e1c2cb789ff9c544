// Code-generation targets: one descriptor per folder targets/<name>/target.json,
// embedded in the binary. Kernel selection (compiler/select/), scratch sizes
// and emitted build advice depend on the descriptor, never on the target's name.
// A library of its own below select / plan / codegen, without Halide.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qg::target {

// Relative cost of one operation of each kind and the flash available for LUT
// tables: the cost model of "kernel": "auto" (select/select.h). Every
// target.json has one ("lut_costs"); `source` says where the figures come from.
struct LutCosts {
  double mul = 1, add = 1, lookup = 1, weight_load = 1, index_op = 1;
  int64_t lut_flash_budget = 0;  // bytes of LUT tables the whole model may add
  std::string source;
};

struct Target {
  std::string name;                   // "c", "cortex-m7", ...
  std::string description;
  std::vector<std::string> features;  // ISA features kernels may use, e.g. "arm_dsp"
  std::vector<std::string> kernels;   // kernel families the target provides
  std::string build_flags;            // flags the emitted sources are tested with
  int64_t flash_budget = 0;           // bytes, 0 = none (a microcontroller's default budgets)
  int64_t ram_budget = 0;
  int64_t stack_budget = 0;           // bytes of ram_budget the linker script reserves for the stack
  std::string budget_note;
  LutCosts lut_costs;
  nlohmann::json halide;              // the "halide" block (Halide targets), else null
  std::string emitter = "c";          // "c" (codegen::emit_c) or "hls" (codegen::emit_hls, docs/hls.md)
  nlohmann::json hls;                 // the "hls" block (default part and clock), else null
  bool has(const std::string& feature) const;
  bool has_kernel(const std::string& family) const;
};

// The descriptor of `name`; throws a user error naming the known targets.
const Target& get(const std::string& name);

// Targets known to this build, sorted.
std::vector<std::string> names();

}  // namespace qg::target
