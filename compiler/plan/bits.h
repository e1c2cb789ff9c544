// Rusci et al.'s rule-based mixed precision (the second paper; issue #13):
// per-tensor activation widths and per-layer weight widths of an integer-only
// (scheme int8) net chosen so that memory budgets hold. docs/integer-only.md,
// "Choosing bit widths: qgen plan".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::plan {

struct BitBudget {
  int64_t flash = 0;  // bytes for the weights and their per-channel tables
  int64_t ram = 0;    // bytes for one layer's input + output activations
};

struct BitPlan {
  std::map<std::string, int> a_bits, w_bits;  // per conv2d / dense layer (node name): output width, weight width
  std::vector<std::string> log;               // every step of the rule, in order
  int64_t ram_before = 0, ram_after = 0;      // max over layers of input + output bytes
  int64_t flash_before = 0, flash_after = 0;  // weight bytes + 12 per output channel
  std::string ram_layer;                      // the layer that sets ram_after
};

// The rule on a fused float graph (ops after fold_batchnorm / fuse_activations):
//  RAM: for each conv2d / dense layer in order, while its input + output
//    activations (ceil(n·bits/8) bytes each) exceed budget.ram, the larger of
//    the two that can still be cut goes 8 -> 4 -> 2 bits. Only a conv / dense
//    output can be cut (the network input and other ops' outputs are int8).
//  Flash: while the weights (ceil(n·w_bits/8) bytes per layer, as the packed
//    kernels store them, + 12 bytes per output channel for bias, multiplier,
//    shift) exceed budget.flash, the layer with the most weight bytes among
//    those above 2 bits goes 8 -> 4 -> 2.
// Throws UserError naming the layer (as the model spells it) and the bytes
// over budget when even 2 bits do not fit. A budget of 0 is no limit.
BitPlan rusci_rule(const ir::Graph& g, const BitBudget& budget);

// {"default": {"scheme": "int8"}, "layers": {name: {"a_bits": .., "w_bits": ..}}}
std::string bit_plan_quant_json(const BitPlan& p);

}  // namespace qg::plan
