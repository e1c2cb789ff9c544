// `qgen plan NET [--target T] [--flash BYTES] [--ram BYTES] [--stack BYTES] [--calibrate FILE] -o DIR`:
// Rusci et al.'s rule (plan/bits.h) turns memory budgets into per-layer
// activation and weight widths of the integer-only scheme; writes DIR/quant.json,
// plan.json and plan.md (every step of the rule). The rule runs on the exact
// figures: each candidate config is compiled for the target (quantize ..
// codegen) and its memory planner's arena (packed sizes, liveness, scratch) +
// the stack must fit the RAM budget, its constant tables + code estimate the
// flash budget. With --data (a labelled calibration split from the training
// set) the accuracy-aware mode chooses the widths instead (driver/plan_aware.h)
// and writes pareto.csv / pareto.svg; memory.svg is always written.
// docs/integer-only.md, "Choosing bit widths: qgen plan".
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "driver/dataset.h"

namespace qg::driver {

class PlanCommand {
 public:
  explicit PlanCommand(CLI::App& app);  // registers the subcommand
  bool selected() const { return sub_->parsed(); }
  int run() const;  // throws UserError like the other commands

 private:
  CLI::App* sub_;
  std::string net_, target_ = "cortex-m7", calibrate_, out_;
  int64_t flash_ = -1, ram_ = -1, stack_ = -1;
  DataOptions data_;      // --data: the accuracy-aware mode (driver/plan_aware.h)
  unsigned threads_ = 0;
};

}  // namespace qg::driver
