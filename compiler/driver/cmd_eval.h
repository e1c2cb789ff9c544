// `qgen eval`: accuracy of a network (float or quantized, run by the
// reference interpreter) over a labelled image set, and `--sweep` over
// precision choices (CSV + SVG plots). See docs/eval.md.
#pragma once
#include <memory>

namespace CLI {
class App;
}

namespace qg::driver {

class EvalCommand {
 public:
  explicit EvalCommand(CLI::App& app);  // adds the `eval` subcommand
  ~EvalCommand();
  bool selected() const;
  int run();  // throws UserError like the other commands
  struct Options;  // defined in cmd_eval.cpp

 private:
  std::unique_ptr<Options> o_;
};

}  // namespace qg::driver
