#include "driver/cmd_import.h"

#include <cstdio>

#include "frontend/load.h"
#include "frontend/netjson_writer.h"
#include "ir/diag.h"

namespace qg::driver {

ImportCommand::ImportCommand(CLI::App& app) {
  sub_ = app.add_subcommand("import", "Convert a model (ONNX, float TFLite) to net.json v1 + its weight file (.bin next to it)");
  sub_->add_option("model", model_, std::string("Model: ") + frontend::supported_model_formats())->required();
  sub_->add_option("-o,--output", out_, "The net.json to write; the weights go to the same name with .bin")->required();
  sub_->add_flag("-q,--quiet", quiet_, "Print nothing on success");
}

int ImportCommand::run() const {
  if (out_.size() < 5 || out_.compare(out_.size() - 5, 5, ".json") != 0)
    user_error("", "-o", "the output must be a .json file (qgen picks the model format by extension), got '" + printable_name(out_) + "'");
  const ir::Graph g = frontend::load_model(model_);
  const std::string bin = frontend::write_netjson(g, out_);
  if (!quiet_) {
    std::printf("wrote %s and %s (%zu layers)\n", out_.c_str(), bin.c_str(), g.nodes.size());
  }
  return 0;
}

}  // namespace qg::driver
