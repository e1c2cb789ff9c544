// The accuracy-aware mode of `qgen plan` (--data): measures each width
// choice's sensitivity on a labelled calibration split with the reference
// interpreter, runs plan::greedy_aware on the exact figures the rule uses
// (each candidate compiled for the target: arena, tables + code estimate),
// refines the better-measured of the greedy result and the rule's config
// (plan::refine_aware), and evaluates the configs along the way for the
// Pareto front. docs/integer-only.md, "Accuracy-aware mode".
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
  plan::BitBudget budget;            // flash: tables + code estimate (as the rule measures it), ram: the arena (stack taken off)
  plan::Measure measure;             // the rule's exact figures of a config (cmd_plan.cpp: quantize .. codegen)
  DataOptions data;                  // the labelled calibration split (never the test set)
  unsigned threads = 0;
  const plan::BitPlan* rule = nullptr;  // Rusci's rule on the same budgets: the refinement's other start, and for comparison (may be null)
};

struct AwareOutcome {
  std::map<std::string, int> a_bits, w_bits;  // the chosen config, per conv / dense layer
  std::string quant_json;
  std::string json;      // the "aware" object of plan.json (text)
  std::string md;        // plan.md section
  std::string pareto_csv, pareto_svg;
};

AwareOutcome plan_aware(const AwareRequest& r);

}  // namespace qg::driver
