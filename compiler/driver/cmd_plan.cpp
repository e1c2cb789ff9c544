#include "driver/cmd_plan.h"

#include <algorithm>
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
#include "quant/config.h"
#include "plan/bits.h"
#include "target/target.h"

namespace qg::driver {

namespace {

// The exact figures of a compiled candidate (plan::Measured): the planner's
// arena and the buffers alive at its step with the most live arena bytes; the
// emitted constant tables + code estimate (as report.json's flash_bytes).
plan::Measured measured(const PipelineState& c) {
  const ir::Graph& g = c.graph;
  const plan::MemoryPlan& mp = *c.plan;
  plan::Measured m;
  m.arena = std::max<int64_t>(mp.arena_bytes, plan::MemoryPlan::kAlign);
  m.flash = c.emitted->table_bytes + c.emitted->code_bytes_estimate();
  std::vector<int> producer(g.tensors.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) producer[static_cast<size_t>(g.nodes[i].output)] = static_cast<int>(i);
  auto arena_buffer = [](const plan::Buffer& b) { return b.place == plan::Place::Arena && b.in_place_of < 0 && b.bytes > 0; };
  const int N = static_cast<int>(g.nodes.size());
  int peak = -1;
  int64_t most = -1;
  for (int step = 0; step <= N + 1; ++step) {
    int64_t live = 0;
    for (const plan::Buffer& b : mp.tensors)
      if (arena_buffer(b) && b.first <= step && step <= b.last) live += b.bytes;
    for (const plan::Buffer& b : mp.scratch)
      if (b.bytes > 0 && b.first <= step && step <= b.last) live += b.bytes;
    if (live > most) most = live, peak = step;
  }
  const ir::Node* at = peak >= 1 && peak <= N ? &g.nodes[static_cast<size_t>(peak - 1)] : nullptr;
  m.peak_node = at ? at->name : std::string(peak == 0 ? "(input)" : "(output)");
  for (size_t t = 0; t < mp.tensors.size(); ++t) {
    const plan::Buffer& b = mp.tensors[t];
    if (!arena_buffer(b) || b.first > peak || peak > b.last) continue;
    plan::Measured::Live l;
    l.tensor = g.tensors[t].name;
    l.bytes = b.bytes;
    const int pi = producer[t];
    if (pi >= 0 && g.nodes[static_cast<size_t>(pi)].il && ir::op_info(g.nodes[static_cast<size_t>(pi)].op).int8 == ir::Int8Rule::Linear)
      l.layer = g.nodes[static_cast<size_t>(pi)].name;
    if (at) l.io = at->output == static_cast<int>(t) || std::find(at->inputs.begin(), at->inputs.end(), static_cast<int>(t)) != at->inputs.end();
    m.peak.push_back(l);
  }
  for (const plan::Buffer& b : mp.scratch)
    if (b.bytes > 0 && b.first <= peak && peak <= b.last) m.peak.push_back({b.what, "", b.bytes, false});
  std::stable_sort(m.peak.begin(), m.peak.end(), [](const plan::Measured::Live& x, const plan::Measured::Live& y) { return x.bytes > y.bytes; });
  return m;
}

}  // namespace

PlanCommand::PlanCommand(CLI::App& app) {
  sub_ = app.add_subcommand("plan", "Choose per-layer 8/4/2-bit activations and weights (scheme int8) for flash / RAM budgets (Rusci's rule)");
  sub_->add_option("net", net_, "Network: net.json, model.tflite or model.onnx")->required();
  sub_->add_option("-t,--target", target_, "Target whose default budgets apply")->capture_default_str();
  sub_->add_option("--flash", flash_, "Flash budget in bytes: the constant tables (weights, per-channel constants) + the code estimate, report.json's flash_bytes (default: the target's)");
  sub_->add_option("--ram", ram_, "RAM budget in bytes: the planner's arena + the stack (default: the target's)");
  sub_->add_option("--stack", stack_, "Bytes of the RAM budget reserved for the stack (default: the target's)");
  sub_->add_option("--calibrate", calibrate_,
                   "Calibration inputs (raw float32) for the candidates' quantization (without: placeholder ranges; the sizes do not depend on them)");
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
  b.stack = stack_ >= 0 ? stack_ : t.stack_budget;
  PipelineOptions o;
  o.net_path = net_;
  o.target = target_;
  const PipelineState s = run_pipeline(o, "fuse_activations");
  if (!data_.path.empty() && (data_.limit == 0 || data_.limit < -1)) user_error("", "--data-limit", "must be a positive number of items");
  if (b.ram > 0 && b.stack >= b.ram)  // in both modes (the aware mode catches the rule's errors)
    user_error("", "--ram", "the stack reserve of " + std::to_string(b.stack) + " bytes leaves nothing of the RAM budget of " +
                                std::to_string(b.ram) + " (--stack sets the reserve)");

  // Every candidate is the fused graph compiled with its quant.json
  // (quantize .. codegen). The float ranges do not depend on the config:
  // computed once, from --calibrate, or placeholders [-1, 1] without it (the
  // arena and table sizes do not depend on the ranges, only the codes do).
  PipelineOptions mo = o;
  mo.calibration_path = calibrate_;
  mo.ranges = calibrate_.empty() ? std::vector<quant::Range>(s.graph.tensors.size(), quant::Range{-1.0f, 1.0f})
                                 : calibration_ranges(s.graph, mo);
  int compiles = 0;
  const plan::Measure measure = [&](const std::map<std::string, int>& a, const std::map<std::string, int>& w) {
    plan::BitPlan cand;
    cand.a_bits = a;
    cand.w_bits = w;
    PipelineState c;
    c.graph = s.graph;
    c.config = quant::parse_quant_config(plan::bit_plan_quant_json(cand), "qgen plan candidate");
    run_stages(c, mo, "quantize", "codegen");
    ++compiles;
    return measured(c);
  };
  // The rule; in the accuracy-aware mode only for comparison, so a rule that
  // cannot fit is reported there, not an error.
  plan::BitPlan p;
  std::string rule_error;
  try {
    p = plan::rusci_rule(s.graph, b, measure);
  } catch (const UserError& e) {
    if (data_.path.empty()) throw;
    rule_error = e.what();
  }
  std::string quant = rule_error.empty() ? plan::bit_plan_quant_json(p) : std::string();
  // The all-8-bit flash by the rule's formula: the weights (which the widths
  // scale) and the 12 bytes per output channel (which they do not).
  int64_t w8_bytes = 0, tables = 0;
  for (const ir::Node& n : s.graph.nodes)
    if (ir::op_info(n.op).int8 == ir::Int8Rule::Linear)
      w8_bytes += static_cast<int64_t>(n.weight.data.size()), tables += 12 * n.weight.shape[0];
  std::optional<AwareOutcome> aware;
  if (!data_.path.empty()) {
    AwareRequest r;
    r.fused = &s.graph;
    r.po = o;
    r.po.calibration_path = calibrate_;
    r.budget = b;
    // The same exact figures as the rule (each candidate compiled for the
    // target): flash = tables + code estimate against --flash, the arena
    // against what the stack leaves of --ram.
    r.measure = measure;
    if (r.budget.ram > 0) r.budget.ram -= b.stack;
    r.budget.stack = 0;
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
  j["budget"] = {{"flash", b.flash}, {"ram", b.ram}, {"stack", b.stack}};
  j["rule"] = {{"ram_before", p.ram_before}, {"ram_after", p.ram_after}, {"ram_layer", p.ram_layer},
               {"flash_before", p.flash_before}, {"flash_after", p.flash_after}};
  j["exact"] = {{"arena_before", p.arena_before}, {"arena_after", p.arena_after},
                {"ram_before", p.arena_before + b.stack}, {"ram_after", p.arena_after + b.stack},
                {"flash_before", p.flash_measured_before}, {"flash_after", p.flash_measured_after},
                {"compiles", compiles}, {"calibrated", !calibrate_.empty()}};
  j["int8_flash"] = {{"weight_bytes", w8_bytes}, {"channel_table_bytes", tables}};
  j["steps"] = p.log;
  if (!rule_error.empty()) j["rule_error"] = rule_error;
  if (aware) j["aware"] = nlohmann::ordered_json::parse(aware->json);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const ir::Node& n : s.graph.nodes)
    if (p.a_bits.count(n.name)) layers.push_back({{"name", n.name}, {"a_bits", p.a_bits.at(n.name)}, {"w_bits", p.w_bits.at(n.name)}});
  j["layers"] = layers;
  if (!calibrate_.empty()) j["compiled"] = {{"arena_bytes", p.arena_after}, {"flash_bytes", p.flash_measured_after}};

  std::ostringstream md;
  const auto budget = [](int64_t v) { return v > 0 ? std::to_string(v) + " bytes" : std::string("none"); };
  md << "# qgen plan: " << s.graph.name << "\n\nTarget `" << target_ << "`, budgets: flash " << budget(b.flash) << ", RAM " << budget(b.ram)
     << " of which stack " << b.stack << " bytes"
     << (b.flash <= 0 && b.ram <= 0 ? " (the target has no default budgets: give --flash / --ram)" : "") << ". Rusci et al.'s rule: RAM first (each conv / dense layer's input + output activations, then the exact arena), then "
        "flash (weights at w_bits/8 bytes each + 12 bytes per output channel, then the exact tables + code). Each candidate is compiled "
        "for the target: "
     << compiles << " compiles" << (calibrate_.empty() ? " (placeholder ranges: no --calibrate)" : "") << ".\n\n"
     << "| | before (all 8-bit) | after |\n|---|---|---|\n"
     << "| RAM: arena + stack (bytes, memory planner) | " << p.arena_before + b.stack << " | " << p.arena_after + b.stack << " |\n"
     << "| flash: constant tables + code estimate (bytes) | " << p.flash_measured_before << " | " << p.flash_measured_after << " |\n"
     << "| largest layer input + output (bytes, rule's first pass) | " << p.ram_before << " | " << p.ram_after << " ("
     << printable_name(p.ram_layer) << ") |\n"
     << "| weights (bytes, rule's first pass) | " << p.flash_before << " | " << p.flash_after << " |\n\n## Steps\n\n";
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
  files.push_back({"plan.json", j.dump(2) + "\n"});
  files.push_back({"plan.md", md.str()});
  codegen::write_output_dir(out_, files);
  std::cout << md.str();
  return 0;
}

}  // namespace qg::driver
