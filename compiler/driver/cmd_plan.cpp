#include "driver/cmd_plan.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "codegen/writer.h"
#include "driver/pipeline.h"
#include "driver/plan_aware.h"
#include "driver/plan_figures.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "plan/bits.h"
#include "target/target.h"

namespace qg::driver {

PlanCommand::PlanCommand(CLI::App& app) {
  sub_ = app.add_subcommand("plan", "Choose per-layer 8/4/2-bit activations and weights (scheme int8) for flash / RAM budgets (Rusci's rule)");
  sub_->add_option("net", net_, "Network: net.json, model.tflite or model.onnx")->required();
  sub_->add_option("-t,--target", target_, "Target whose default budgets apply")->capture_default_str();
  sub_->add_option("--flash", flash_, "Flash budget for the weights in bytes (default: the target's)");
  sub_->add_option("--ram", ram_, "RAM budget in bytes (default: the target's): the rule counts one layer's input + output activations, --data the exact arena");
  sub_->add_option("--calibrate", calibrate_, "Calibration inputs (raw float32): also compile the chosen config and report its exact arena");
  sub_->add_option("-o,--output", out_, "Output directory (quant.json, plan.json, plan.md, memory.svg)")->required();
  sub_->add_option("--data", data_.path,
                   "Accuracy-aware mode: a labelled calibration split taken from the TRAINING set (IDX file or folder, labels.csv "
                   "folder; never the test set); writes pareto.csv and pareto.svg");
  sub_->add_option("--data-limit", data_.limit, "Use the first N items of --data only");
  sub_->add_option("--threads", threads_, "Interpreter threads for --data (0 = all cores)")->capture_default_str();
}

int PlanCommand::run() const {
  const target::Target& t = target::get(target_);
  plan::BitBudget b;
  b.flash = flash_ >= 0 ? flash_ : t.flash_budget;
  b.ram = ram_ >= 0 ? ram_ : t.ram_budget;
  PipelineOptions o;
  o.net_path = net_;
  o.target = target_;
  const PipelineState s = run_pipeline(o, "fuse_activations");
  if (!data_.path.empty() && (data_.limit == 0 || data_.limit < -1)) user_error("", "--data-limit", "must be a positive number of items");
  // The rule; in the accuracy-aware mode only for comparison, so a rule that
  // cannot fit is reported there, not an error.
  plan::BitPlan p;
  std::string rule_error;
  try {
    p = plan::rusci_rule(s.graph, b);
  } catch (const UserError& e) {
    if (data_.path.empty()) throw;
    rule_error = e.what();
  }
  std::string quant = rule_error.empty() ? plan::bit_plan_quant_json(p) : std::string();
  std::optional<AwareOutcome> aware;
  if (!data_.path.empty()) {
    AwareRequest r;
    r.fused = &s.graph;
    r.po = o;
    r.po.calibration_path = calibrate_;
    r.budget = b;
    r.data = data_;
    if (r.data.split == "test") r.data.split = "train";  // an IDX folder: its train-* files, never t10k-*
    r.threads = threads_;
    r.rule = rule_error.empty() ? &p : nullptr;
    aware = plan_aware(r);
    quant = aware->quant_json;
  }

  nlohmann::ordered_json j;
  j["model"] = s.graph.name;
  j["target"] = target_;
  j["budget"] = {{"flash", b.flash}, {"ram", b.ram}};
  j["rule"] = {{"ram_before", p.ram_before}, {"ram_after", p.ram_after}, {"ram_layer", p.ram_layer},
               {"flash_before", p.flash_before}, {"flash_after", p.flash_after}};
  {  // the int8 flash split into the weights (which the widths scale) and the per-channel tables (which they do not)
    int64_t w8 = 0, tables = 0;
    for (const ir::Node& n : s.graph.nodes)
      if (ir::op_info(n.op).int8 == ir::Int8Rule::Linear)
        w8 += static_cast<int64_t>(n.weight.data.size()), tables += 12 * n.weight.shape[0];
    j["int8_flash"] = {{"weight_bytes", w8}, {"channel_table_bytes", tables}};
  }
  j["steps"] = p.log;
  if (!rule_error.empty()) j["rule_error"] = rule_error;
  if (aware) j["aware"] = nlohmann::ordered_json::parse(aware->json);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const ir::Node& n : s.graph.nodes)
    if (p.a_bits.count(n.name)) layers.push_back({{"name", n.name}, {"a_bits", p.a_bits.at(n.name)}, {"w_bits", p.w_bits.at(n.name)}});
  j["layers"] = layers;

  std::ostringstream md;
  md << "# qgen plan: " << s.graph.name << "\n\nTarget `" << target_ << "`, budgets: flash " << b.flash << " bytes, RAM " << b.ram
     << " bytes (0 = none). Rusci et al.'s rule: RAM first (each conv / dense layer's input + output activations), then flash "
        "(weights at w_bits/8 bytes each + 12 bytes per output channel).\n\n"
     << "| | before | after |\n|---|---|---|\n"
     << "| largest layer input + output (bytes) | " << p.ram_before << " | " << p.ram_after << " (" << printable_name(p.ram_layer) << ") |\n"
     << "| weights (bytes) | " << p.flash_before << " | " << p.flash_after << " |\n\n## Steps\n\n";
  if (p.log.empty()) md << "None: the 8-bit net fits.\n";
  for (const std::string& l : p.log) md << "- " << l << "\n";
  md << "\n## Layers\n\n| layer | a_bits (output) | w_bits |\n|---|---|---|\n";
  for (const auto& l : layers) md << "| " << printable_name(l["name"].get<std::string>()) << " | " << l["a_bits"] << " | " << l["w_bits"] << " |\n";
  if (!rule_error.empty()) md << "\nThe rule cannot meet the budgets: " << rule_error << "\n";
  if (aware) {
    md << aware->md << "\n### Chosen widths (written to quant.json)\n\n| layer | a_bits (output) | w_bits |\n|---|---|---|\n";
    for (const auto& [name, a] : aware->a_bits) md << "| " << printable_name(name) << " | " << a << " | " << aware->w_bits.at(name) << " |\n";
  }

  std::vector<codegen::OutputFile> files = {{"quant.json", quant}};
  files.push_back({"memory.svg", memory_per_layer_svg(s.graph, aware ? aware->a_bits : p.a_bits, aware ? aware->w_bits : p.w_bits,
                                                      "Memory per layer: " + s.graph.name + ", 8 bits vs " + (aware ? "accuracy-aware plan" : "Rusci's rule"))});
  if (aware) {
    files.push_back({"pareto.csv", aware->pareto_csv});
    files.push_back({"pareto.svg", aware->pareto_svg});
  }
  if (!calibrate_.empty()) {
    // The exact figures of the chosen config: compile it up to the memory
    // plan with the quant.json above (a temporary file, removed on any exit).
    struct TempFile {
      std::filesystem::path path;
      ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
      }
    } tmp{std::filesystem::temp_directory_path() / ("qgen-plan-" + std::to_string(::getpid()) + "-quant.json")};
    {
      std::ofstream f(tmp.path);
      f << quant;
      if (!f) user_error(tmp.path.string(), "", "cannot write a temporary file");
    }
    PipelineOptions c = o;
    c.config_path = tmp.path.string();
    c.calibration_path = calibrate_;
    const PipelineState cs = run_pipeline(c, "plan");
    j["compiled"] = {{"arena_bytes", cs.plan->arena_bytes}};
    md << "\nCompiled for `" << target_ << "` with this quant.json: arena " << cs.plan->arena_bytes
       << " bytes (memory planner: packed sizes, liveness).\n";
  }
  files.push_back({"plan.json", j.dump(2) + "\n"});
  files.push_back({"plan.md", md.str()});
  codegen::write_output_dir(out_, files);
  std::cout << md.str();
  return 0;
}

}  // namespace qg::driver
