// `qgen import MODEL -o NET.json`: any model qgen reads (ONNX, TFLite float,
// net.json) -> net.json v1 + its weight file, as imported (before any pass).
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace qg::driver {

class ImportCommand {
 public:
  explicit ImportCommand(CLI::App& app);  // registers the subcommand
  bool selected() const { return sub_->parsed(); }
  int run() const;  // throws UserError like the other commands

 private:
  CLI::App* sub_;
  std::string model_, out_;
  bool quiet_ = false;
};

}  // namespace qg::driver
