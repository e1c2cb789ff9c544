// Rusci et al.'s rule-based mixed precision (the second paper; issue #13):
// per-tensor activation widths and per-layer weight widths of an integer-only
// (scheme int8) net chosen so that memory budgets hold. docs/integer-only.md,
// "Choosing bit widths: qgen plan".
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::plan {

struct BitBudget {
  int64_t flash = 0;  // bytes for the weights and their per-channel tables (+ code, when measured)
  int64_t ram = 0;    // bytes for one layer's input + output activations (the arena + stack, when measured)
  int64_t stack = 0;  // bytes of the RAM budget reserved for the stack
};

// The exact figures of one candidate config (its quant.json compiled for the
// target: the memory planner's arena with packed sizes, liveness and kernel
// scratch; the emitted constant tables + the code estimate).
struct Measured {
  struct Live {             // an arena buffer alive at the peak step
    std::string tensor;     // as the compiled graph names it
    std::string layer;      // the conv / dense layer whose a_bits sets its width, "" if none
    int64_t bytes = 0;
    bool io = false;        // an input or the output of the peak step's node
  };
  int64_t arena = 0, flash = 0;
  std::string peak_node;   // the node of the step with the most live arena bytes
  std::vector<Live> peak;  // the buffers alive then, largest first
};
using Measure = std::function<Measured(const std::map<std::string, int>& a_bits, const std::map<std::string, int>& w_bits)>;

struct BitPlan {
  std::map<std::string, int> a_bits, w_bits;  // per conv2d / dense layer (node name): output width, weight width
  std::vector<std::string> log;               // every step of the rule, in order
  int64_t ram_before = 0, ram_after = 0;      // max over layers of input + output bytes
  int64_t flash_before = 0, flash_after = 0;  // weight bytes + 12 per output channel
  std::string ram_layer;                      // the layer that sets ram_after
  // With a Measure: the exact figures of the first (all 8-bit) and the chosen config.
  int64_t arena_before = -1, arena_after = -1, flash_measured_before = -1, flash_measured_after = -1;
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
//
// With `measure` (qgen plan: the config compiled for the target), the rule
// then continues on the exact figures, logging every step:
//  RAM: the per-layer pass above runs with budget.ram - budget.stack (a
//    layer's input + output is a lower bound of the arena); then, while
//    arena + stack > budget.ram, the step of the plan with the most live
//    arena bytes is the layer to cut: the larger of its input / output that
//    can still be cut (else the largest cuttable buffer alive there) goes one
//    width down. When nothing alive there can be cut: UserError naming the
//    largest buffer and the bytes over.
//  Flash: the weight pass above, then, while the measured flash (tables +
//    code estimate) exceeds budget.flash, the same choice of layer.
BitPlan rusci_rule(const ir::Graph& g, const BitBudget& budget, const Measure& measure = {});

// {"default": {"scheme": "int8"}, "layers": {name: {"a_bits": .., "w_bits": ..}}}
std::string bit_plan_quant_json(const BitPlan& p);

}  // namespace qg::plan
