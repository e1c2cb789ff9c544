// The accuracy-aware mode of `qgen plan` (--data): measures each width
// choice's sensitivity on a labelled calibration split with the reference
// interpreter, runs plan::greedy_aware with the exact memory planner arena as
// the RAM figure, and evaluates the configs along the way for the Pareto front.
// docs/integer-only.md, "Accuracy-aware mode".
#pragma once
#include <map>
#include <string>
#include <vector>

#include "driver/dataset.h"
#include "driver/pipeline.h"
#include "plan/bits.h"

namespace qg::driver {

struct AwareRequest {
  const ir::Graph* fused = nullptr;  // after fuse_activations
  PipelineOptions po;                // net, target; calibration_path (empty: the first items of the data)
  plan::BitBudget budget;            // flash: weight bytes (as the rule counts them), ram: the arena
  DataOptions data;                  // the labelled calibration split (never the test set)
  unsigned threads = 0;
  const plan::BitPlan* rule = nullptr;  // Rusci's rule on the same budgets, evaluated for comparison (may be null)
};

struct AwareOutcome {
  std::map<std::string, int> a_bits, w_bits;  // the chosen config, per conv / dense layer
  std::string quant_json;
  std::string json;      // the "aware" object of plan.json (text)
  std::string md;        // plan.md section
  std::string pareto_csv, pareto_svg;
};

AwareOutcome plan_aware(const AwareRequest& r);

// The exact arena (memory planner, packed sizes, liveness, scratch) of a
// scheme-int8 config of `fused` for po.target; the calibration values do not
// change it, so one all-zero input is used.
int64_t arena_of(const ir::Graph& fused, const PipelineOptions& po, const std::string& quant_json);

}  // namespace qg::driver
