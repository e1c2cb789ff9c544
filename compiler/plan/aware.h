// Accuracy-aware bit widths (issue #13, beyond Rusci et al.'s rule): given
// each width choice's measured sensitivity -- top-1 points lost on a labelled
// calibration split when that one tensor is cut to 4 or 2 bits, everything
// else at 8 -- cut greedily where the accuracy lost per byte saved is
// smallest until the budgets hold. The measuring (quantize + interpreter) is
// the driver's (driver/plan_aware.cpp); this file only decides.
// docs/integer-only.md, "Accuracy-aware mode".
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "plan/bits.h"

namespace qg::plan {

// One width the planner chooses: a conv / dense layer's weights (flash) or its
// output activation (RAM).
struct Knob {
  std::string layer;     // node name, as the model spells it
  bool weights = false;  // true: w_bits of the layer; false: a_bits of its output
  double loss4 = 0, loss2 = 0;  // top-1 points lost at 4 / 2 bits, all other knobs at 8
  double loss(int bits) const { return bits >= 8 ? 0.0 : bits >= 4 ? loss4 : loss2; }
};

struct Memory {
  int64_t flash = 0, ram = 0;
};
// Memory of a config (one width per knob, in knob order): flash and RAM as the
// budgets count them (the driver: weight bytes, and the memory planner's arena).
using MemoryFn = std::function<Memory(const std::vector<int>& bits)>;

struct AwareStep {
  size_t knob = 0;
  int from = 8, to = 8;
  double loss_added = 0;  // predicted top-1 points lost by this step (>= 0)
  int64_t saved = 0;      // bytes it takes off the budgets that were exceeded
  Memory after;
  std::vector<int> bits;  // the whole config after this step
};

struct AwarePlan {
  std::vector<int> bits;  // per knob
  std::vector<AwareStep> steps;
  Memory before, after;
  double predicted_loss = 0;  // sum of the steps' loss_added
};

// Top-1 (points) of a config on the calibration split, for the in-context check.
using MeasureFn = std::function<double(const std::vector<int>& bits)>;

// Starts with every knob at 8 bits. While a budget (> 0) is exceeded, every
// knob above 2 bits is tried one step lower (8 -> 4 -> 2); a step's value is
// the bytes it takes off the exceeded budgets, each capped at that budget's
// excess, and its cost the extra predicted loss max(0, loss(to) - loss(from)).
// The step with the smallest cost / value is taken (ties: larger value, then
// the earlier knob); steps with no value are never taken. Throws UserError
// when no step helps and a budget still fails (with the bytes over).
// With `measure` (and verify > 0), the table only shortlists: the `verify`
// best candidates by the table are measured in the current config, and the
// one with the smallest measured loss (max(0, top-1 now - top-1 after)) per
// byte is taken -- losses of several cuts do not simply add up.
AwarePlan greedy_aware(const std::vector<Knob>& knobs, const MemoryFn& mem, const BitBudget& budget, const MeasureFn& measure = nullptr,
                       int verify = 0);

// The refinement after the greedy cut (and the way the aware mode is at least
// as good as Rusci's rule on the calibration split: the driver starts it from
// the better-measured of the greedy result and the rule's config). From a
// config that fits the budgets, each round lists the moves
//   raise:       one knob one width up (2 -> 4, 4 -> 8) where the budgets
//                still hold (bytes left over), and
//   raise+lower: one knob up and another one width down,
// ranks them by the gain the sensitivity table predicts (the raised knob's
// loss at its current width minus at the new one, minus the lowered knob's
// extra loss; raises alone first on ties), keeps those with a positive
// predicted gain, and measures the first `width` of them that fit (checked
// with `mem`; at most 8 * width memory checks of pairs per round). The best
// measured one is taken if its top-1 is strictly higher than the current
// config's; else the search stops (also after `max_rounds`). Never returns a
// config that measures lower than `start` or does not fit.
struct RefineStep {
  size_t up = 0;
  int up_from = 0, up_to = 0;
  bool lowered = false;  // raise+lower
  size_t down = 0;
  int down_from = 0, down_to = 0;
  double top1 = 0;        // measured after the move
  Memory after;
  std::vector<int> bits;  // the whole config after this move
};
struct Refined {
  std::vector<int> bits;
  double top1_start = 0, top1 = 0;
  Memory after;
  std::vector<RefineStep> steps;
  int measured = 0;  // configs measured (calls of `measure`, the start's included)
};
Refined refine_aware(const std::vector<Knob>& knobs, const MemoryFn& mem, const BitBudget& budget, const MeasureFn& measure,
                     const std::vector<int>& start, int width = 6, int max_rounds = 12);

// True when `m` holds both budgets (a budget <= 0 is no limit).
bool fits(const Memory& m, const BitBudget& budget);

// Indices of the points not dominated by another (fewer or equal bytes and
// higher or equal accuracy, one of them strictly), sorted by bytes.
std::vector<size_t> pareto_front(const std::vector<std::pair<int64_t, double>>& bytes_accuracy);

}  // namespace qg::plan
