// SVG figures of `qgen plan` (hand-written SVG, no dependencies):
// memory per layer before and after the plan, and the Pareto front of the
// accuracy-aware mode (top-1 on the calibration split vs flash and vs RAM).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::driver {

// Grouped bars per conv / dense layer: weight bytes and output activation
// bytes at 8 bits and with the plan's widths (ceil(n·bits/8)).
std::string memory_per_layer_svg(const ir::Graph& fused, const std::map<std::string, int>& a_bits, const std::map<std::string, int>& w_bits,
                                 const std::string& title);

struct ParetoPoint {
  std::string label;
  int64_t flash = 0, ram = 0;
  double top1 = 0;
  bool chosen = false;
};
// Two panels (top-1 vs flash, top-1 vs RAM): every point, the front of each
// panel as a line, the chosen config marked, the budgets as dashed lines.
std::string pareto_svg(const std::vector<ParetoPoint>& pts, int64_t flash_budget, int64_t ram_budget, const std::string& title);

}  // namespace qg::driver
