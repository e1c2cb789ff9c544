#include "driver/cmd_report.h"

#include <cstdio>
#include <sstream>

#include "driver/pipeline.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/config.h"
#include "quant/lut.h"

namespace qg::driver {

using json = nlohmann::json;

const char* const kOpsConvention =
    "per inference; MAC kernel: one multiply and one add per weight and output (the dot product sum p*q); LUT kernel: one table "
    "look-up and one add per group of g codes and output, no multiply (the group's index is built once per patch: index_ops "
    "shift-or pairs, not counted as adds); both kernels also do, per output and segment, 4 float multiplies and 3 float adds "
    "(the combination with E, B, D), one bias add per output and one add per code for the code sum of each patch (counted in "
    "both totals); activation quantization (min/max, codes) is not counted. dot_* = the dot product part only.";

namespace {

json count_json(const quant::OpCount& total, const quant::OpCount& dot, int64_t table_bytes) {
  return {{"multiplies", total.mul}, {"adds", total.add},          {"lookups", total.lookup}, {"index_ops", total.index_ops},
          {"dot_multiplies", dot.mul}, {"dot_adds", dot.add}, {"table_bytes", table_bytes}};
}

void accumulate(json& into, const json& x) {
  for (auto it = x.begin(); it != x.end(); ++it)
    if (it.value().is_number_integer()) into[it.key()] = into.value(it.key(), int64_t{0}) + it.value().get<int64_t>();
}

double ratio(int64_t a, int64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

const char* kernel_of(const ir::Node& n) {
  if (n.quant.scheme != ir::Scheme::LQ) return "mac";
  if (n.lq) return n.lq->lut_g ? "lut" : "mac";
  return n.quant.kernel == ir::KernelKind::Lut ? "lut" : "mac";
}

}  // namespace

json layer_ops_json(const ir::Graph& g, const ir::Node& n) {
  if (!ir::op_info(n.op).quantizable) return nullptr;
  const quant::LayerOps o = quant::count_layer_ops(g, n);
  json r;
  r["kernel"] = kernel_of(n);
  r["reduction_length"] = o.K;
  r["outputs"] = o.outputs;
  r["patches"] = o.patches;
  r["segments"] = o.segments;
  r["mac"] = count_json(o.mac_total(), o.mac_dot, o.mac_table_bytes);
  if (o.lut_ok) {
    r["lut"] = count_json(o.lut_total(), o.lut_dot, o.lut_table_bytes);
    r["lut"]["group"] = o.g;
    r["lut"]["groups_per_patch"] = o.groups;
  } else {
    r["lut"] = nullptr;
  }
  return r;
}

json ops_totals_json(const ir::Graph& g) {
  json mac = json::object(), lut = json::object(), chosen = json::object();
  for (const ir::Node& n : g.nodes) {
    const json o = layer_ops_json(g, n);
    if (o.is_null()) continue;
    accumulate(mac, o["mac"]);
    const json& l = o["lut"].is_null() ? o["mac"] : o["lut"];
    accumulate(lut, l);
    accumulate(chosen, o["kernel"] == "lut" ? o["lut"] : o["mac"]);
  }
  json t;
  t["convention"] = kOpsConvention;
  t["mac"] = mac;
  t["lut"] = lut;  // every LUT-able layer with the LUT kernel, the others with MAC
  t["chosen"] = chosen;
  if (!mac.empty()) {
    t["mac_over_lut"] = {{"multiplies", ratio(mac["multiplies"], lut["multiplies"])},
                         {"adds", ratio(mac["adds"], lut["adds"])},
                         {"dot_adds", ratio(mac["dot_adds"], lut["dot_adds"])}};
  }
  return t;
}

ReportCommand::ReportCommand(CLI::App& app) {
  sub_ = app.add_subcommand("report", "Operation counts per layer for the MAC and the LUT kernel (multiplies, adds, look-ups, LUT bytes)");
  sub_->add_option("net", net_, "Network: net.json, model.tflite or model.onnx")->required();
  sub_->add_option("-c,--config", config_, "Precision choices: quant.json (none = float)");
  sub_->add_option("-t,--target", target_, "Target whose cost table decides \"kernel\": \"auto\"")->capture_default_str();
  sub_->add_flag("--json", json_, "Print JSON (the layers' \"ops\" and the totals of report.json) instead of a table");
}

int ReportCommand::run() const {
  PipelineOptions o;
  o.net_path = net_;
  o.config_path = config_;
  o.target = target_;
  PipelineState s = run_pipeline(o, "fuse_activations");
  ir::Graph g = quant::resolve_choices(std::move(s.graph), s.config);
  g = select::resolve_auto(std::move(g), target::get(target_));
  json layers = json::array();
  for (const ir::Node& n : g.nodes) {
    json o2 = layer_ops_json(g, n);
    if (o2.is_null()) continue;
    o2["name"] = n.name;
    o2["op"] = ir::op_info(n.op).name;
    o2["a_bits"] = n.quant.scheme == ir::Scheme::LQ ? n.quant.a_bits : 32;
    layers.push_back(o2);
  }
  const json totals = ops_totals_json(g);
  if (json_) {
    json j;
    j["model"] = g.name;
    j["target"] = target_;
    j["layers"] = layers;
    j["ops_total"] = totals;
    std::printf("%s\n", j.dump(1).c_str());
    return 0;
  }
  std::ostringstream os;
  os << "# qgen report: " << printable_name(g.name) << " — operations per inference, MAC vs LUT kernel\n\n";
  os << "| layer | op | K | outputs | a bits | kernel | g | MAC mul | MAC add | LUT mul | LUT add | LUT look-ups | LUT bytes |\n";
  os << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const json& l : layers) {
    const json& m = l["mac"];
    const bool has_lut = !l["lut"].is_null();
    auto lv = [&](const char* k) { return has_lut ? std::to_string(l["lut"][k].get<int64_t>()) : std::string("-"); };
    os << "| " << printable_name(l["name"].get<std::string>()) << " | " << l["op"].get<std::string>() << " | " << l["reduction_length"]
       << " | " << l["outputs"] << " | " << l["a_bits"] << " | " << l["kernel"].get<std::string>() << " | " << lv("group") << " | "
       << m["multiplies"] << " | " << m["adds"] << " | " << lv("multiplies") << " | " << lv("adds") << " | " << lv("lookups") << " | "
       << lv("table_bytes") << " |\n";
  }
  if (totals.contains("mac_over_lut")) {
    const json& m = totals["mac"];
    const json& l = totals["lut"];
    os << "| **total** | | | | | | | " << m["multiplies"] << " | " << m["adds"] << " | " << l["multiplies"] << " | " << l["adds"] << " | "
       << l["lookups"] << " | " << l["table_bytes"] << " |\n\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "MAC / LUT: multiplies %.2fx, adds %.2fx (dot product only: adds %.2fx)\n",
                  totals["mac_over_lut"]["multiplies"].get<double>(), totals["mac_over_lut"]["adds"].get<double>(),
                  totals["mac_over_lut"]["dot_adds"].get<double>());
    os << buf;
    os << "Dot product only: MAC " << m["dot_multiplies"] << " multiplies / " << m["dot_adds"] << " adds; LUT " << l["dot_multiplies"]
       << " multiplies / " << l["dot_adds"] << " adds / " << l["lookups"] << " look-ups; LUT index building " << l["index_ops"]
       << " shift-or pairs\n";
  }
  os << "\nCounting convention: " << kOpsConvention << "\n";
  std::printf("%s", os.str().c_str());
  return 0;
}

}  // namespace qg::driver
