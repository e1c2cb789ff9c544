// `qgen diff NET [--config Q] --input X --target T [--cc CC] [--cflags F]`:
// builds the emitted code for T with every layer's output dumped (the
// QG_LAYER_END hook; driver/target_exec.h), runs it and the reference
// interpreter on X, and names the first layer, tensor and element that differ,
// with both values and the layer's kernel. Exit 0 when every layer agrees bit
// for bit, 1 with that report otherwise. See docs/diff.md.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "driver/pipeline.h"

namespace qg::driver {

class DiffCommand {
 public:
  explicit DiffCommand(CLI::App& app);  // registers the subcommand
  bool selected() const { return sub_->parsed(); }
  int run() const;  // throws UserError like the other commands

 private:
  CLI::App* sub_;
  PipelineOptions po_;
  std::vector<std::string> input_;  // one file per model input, in model order
  std::string cc_, cflags_;
  bool keep_ = false;
};

}  // namespace qg::driver
