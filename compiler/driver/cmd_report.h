// `qgen report NET [--config Q] [--target T] [--json]`: per layer and in total,
// the multiplies, adds and table look-ups of one inference for the MAC and
// the LUT kernel, the LUT's flash bytes and the kernel each layer gets
// (quant/lut.h; counting convention in docs/quantization.md, "Op counts").
// Runs the front end and the kernel choice only: no weight quantization, no
// tables built, so it is fast on VGG-16-sized nets. The same per-layer
// figures go into report.json of `qgen compile`.
#pragma once
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "ir/graph.h"

namespace qg::driver {

// "ops" of one conv2d / dense layer (null for other ops), and the totals.
nlohmann::json layer_ops_json(const ir::Graph& g, const ir::Node& n);
nlohmann::json ops_totals_json(const ir::Graph& g);
extern const char* const kOpsConvention;

class ReportCommand {
 public:
  explicit ReportCommand(CLI::App& app);  // registers the subcommand
  bool selected() const { return sub_->parsed(); }
  int run() const;  // throws UserError like the other commands

 private:
  CLI::App* sub_;
  std::string net_, config_, target_ = "c";
  bool json_ = false;
};

}  // namespace qg::driver
