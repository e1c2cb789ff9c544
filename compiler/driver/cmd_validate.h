// `qgen validate NET [--config Q] --target T [--inputs N | --data DIR]`, like
// X-CUBE-AI's validate: compiles the network, runs the emitted code for T on
// N seeded random inputs or a data set (driver/target_exec.h), and reports
// the error against the float model (the interpreter in float mode) and
// bit-exactness against the quantized interpreter. Exit 1 unless bit-exact.
// See docs/diff.md.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "driver/dataset.h"
#include "driver/pipeline.h"

namespace qg::driver {

class ValidateCommand {
 public:
  explicit ValidateCommand(CLI::App& app);  // registers the subcommand
  bool selected() const { return sub_->parsed(); }
  int run() const;  // throws UserError like the other commands

 private:
  CLI::App* sub_;
  PipelineOptions po_;
  DataOptions data_;
  std::string cc_, cflags_, raw_type_ = "uint8", layout_ = "NCHW";
  std::vector<std::string> save_inputs_;  // one file per model input, in model order
  int64_t inputs_ = 10;
  uint64_t seed_ = 1;
  bool keep_ = false;
};

}  // namespace qg::driver
