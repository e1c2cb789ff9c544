#include "driver/plan_aware.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "driver/plan_figures.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "plan/aware.h"
#include "quant/config.h"

namespace qg::driver {
namespace {

constexpr int64_t kCalibrationItems = 100;  // quantization ranges from the first items of --data
constexpr int kVerify = 4;                   // candidates per step measured in context (plan::greedy_aware)
constexpr int kRefineWidth = 6;              // moves measured per refinement round (plan::refine_aware)
constexpr int kRefineRounds = 12;

std::string quant_of(const std::map<std::string, int>& a, const std::map<std::string, int>& w) {
  plan::BitPlan p;
  p.a_bits = a;
  p.w_bits = w;
  return plan::bit_plan_quant_json(p);
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

}  // namespace

AwareOutcome plan_aware(const AwareRequest& r) {
  const ir::Graph& g = *r.fused;
  const Dataset d = load_dataset(r.data);
  const int64_t classes = g.tensor(g.output).numel();
  for (int64_t i = 0; i < d.count(); ++i)
    if (d.labels[static_cast<size_t>(i)] >= classes)
      user_error(d.source, "item " + std::to_string(i), "label " + std::to_string(d.labels[static_cast<size_t>(i)]) + " is out of range: the model has " +
                                                            std::to_string(classes) + " outputs");
  const InputMaker mk(d, g, Preprocess{});
  std::vector<std::vector<float>> inputs;
  for (int64_t i = 0; i < d.count(); ++i) inputs.push_back(mk.make(i));

  PipelineOptions qpo = r.po;  // quantization for accuracy: the given calibration file, or the first items of the split
  if (qpo.calibration_path.empty())
    qpo.calibration.assign(inputs.begin(), inputs.begin() + std::min<int64_t>(kCalibrationItems, d.count()));

  // Knobs: per conv / dense layer, its output activation and its weights.
  std::vector<const ir::Node*> linear;
  for (const ir::Node& n : g.nodes)
    if (ir::op_info(n.op).int8 == ir::Int8Rule::Linear) linear.push_back(&n);
  std::vector<plan::Knob> knobs;
  for (const ir::Node* n : linear) {
    knobs.push_back({n->name, false, 0, 0});
    knobs.push_back({n->name, true, 0, 0});
  }
  auto maps_of = [&](const std::vector<int>& bits, std::map<std::string, int>* a, std::map<std::string, int>* w) {
    for (size_t k = 0; k < knobs.size(); ++k) (knobs[k].weights ? *w : *a)[knobs[k].layer] = bits[k];
  };
  auto config_of = [&](const std::vector<int>& bits) {
    std::map<std::string, int> a, w;
    maps_of(bits, &a, &w);
    return quant_of(a, w);
  };
  // Memory: the rule's exact figures of the config compiled for the target.
  std::map<std::vector<int>, plan::Memory> mem_cache;
  const plan::MemoryFn mem = [&](const std::vector<int>& bits) {
    auto it = mem_cache.find(bits);
    if (it != mem_cache.end()) return it->second;
    std::map<std::string, int> a, w;
    maps_of(bits, &a, &w);
    const plan::Measured x = r.measure(a, w);
    const plan::Memory m{x.flash, x.arena};
    mem_cache[bits] = m;
    return m;
  };
  std::map<std::vector<int>, double> acc_cache;
  const plan::MeasureFn top1 = [&](const std::vector<int>& bits) {
    auto it = acc_cache.find(bits);
    if (it != acc_cache.end()) return it->second;
    PipelineState s;
    s.graph = g;
    s.config = quant::parse_quant_config(config_of(bits), "(plan config)");
    run_stages(s, qpo, "quantize", "select");
    const std::vector<std::vector<float>> ys = interp::run_batch(s.graph, inputs, interp::Mode::AsCompiled, r.threads);
    int64_t hits = 0;
    for (size_t i = 0; i < ys.size(); ++i)
      hits += std::max_element(ys[i].begin(), ys[i].end()) - ys[i].begin() == d.labels[i];
    const double v = 100.0 * static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(1, d.count()));
    acc_cache[bits] = v;
    return v;
  };

  // Before measuring anything: can the budgets hold at all? The least flash
  // is with every weight at 2 bits, but sub-byte activations can take more
  // code than int8 ones: the least of the three uniform activation widths.
  {
    auto uniform = [&](int w, int a) {
      std::vector<int> b(knobs.size());
      for (size_t k = 0; k < knobs.size(); ++k) b[k] = knobs[k].weights ? w : a;
      return mem(b);
    };
    const plan::Memory m2 = uniform(2, 2);
    const int64_t least_flash = std::min({m2.flash, uniform(2, 4).flash, uniform(2, 8).flash});
    if (r.budget.flash > 0 && least_flash > r.budget.flash)
      user_error(g.file, "", "the weights, tables and code need " + std::to_string(least_flash) + " bytes of flash even at 2 bits, " +
                                 std::to_string(least_flash - r.budget.flash) + " over the budget of " + std::to_string(r.budget.flash));
    if (r.budget.ram > 0 && m2.ram > r.budget.ram)
      user_error(g.file, "", "the arena needs " + std::to_string(m2.ram) + " bytes even with every conv / dense output at 2 bits, " +
                                 std::to_string(m2.ram - r.budget.ram) + " over the budget of " + std::to_string(r.budget.ram) +
                                 " (other ops' outputs stay int8)");
  }
  // Sensitivities: one knob at 4 / 2 bits, everything else at 8.
  const std::vector<int> all8(knobs.size(), 8);
  const double base = top1(all8);
  std::fprintf(stderr, "qgen plan: %zu width choices, %lld calibration items, int8 top-1 %s%%\n", knobs.size(), static_cast<long long>(d.count()),
               pct(base).c_str());
  for (size_t k = 0; k < knobs.size(); ++k) {
    std::vector<int> b = all8;
    b[k] = 4;
    knobs[k].loss4 = base - top1(b);
    b[k] = 2;
    knobs[k].loss2 = base - top1(b);
  }
  // The refinement starts from the better-measured of the greedy result and
  // the rule's config (both fit the same budgets), so the chosen config never
  // measures below the rule's on the split. A greedy run that gets stuck (no
  // single cut helps; sub-byte activations can take more code) leaves the rule.
  std::vector<int> rule_bits;
  if (r.rule) {
    rule_bits.resize(knobs.size());
    for (size_t k = 0; k < knobs.size(); ++k) rule_bits[k] = (knobs[k].weights ? r.rule->w_bits : r.rule->a_bits).at(knobs[k].layer);
    if (!plan::fits(mem(rule_bits), r.budget)) rule_bits.clear();
  }
  plan::AwarePlan p;
  std::string greedy_error;
  try {
    p = plan::greedy_aware(knobs, mem, r.budget, top1, kVerify);
  } catch (const UserError& e) {
    if (rule_bits.empty()) throw;
    greedy_error = e.what();
    p.bits = rule_bits;
    p.before = mem(all8);
    p.after = mem(rule_bits);
  }
  const bool from_rule = !rule_bits.empty() && (!greedy_error.empty() || top1(rule_bits) > top1(p.bits));
  const plan::Refined ref = plan::refine_aware(knobs, mem, r.budget, top1, from_rule ? rule_bits : p.bits, kRefineWidth, kRefineRounds);

  // The configs along the way, the uniform ones and the rule's: measured for the Pareto front.
  std::vector<ParetoPoint> pts;
  std::ostringstream csv;
  csv << "config,flash_bytes,ram_bytes,top1,fits,pareto_flash,pareto_ram\n";
  auto add_point = [&](const std::string& label, const std::vector<int>& bits) {
    const plan::Memory m = mem(bits);
    const double acc = top1(bits);
    pts.push_back({label, m.flash, m.ram, acc, bits == ref.bits});
  };
  add_point("int8", all8);
  for (int wb : {8, 4, 2})
    for (int ab : {8, 4, 2}) {
      if (wb == 8 && ab == 8) continue;
      std::vector<int> b(knobs.size());
      for (size_t k = 0; k < knobs.size(); ++k) b[k] = knobs[k].weights ? wb : ab;
      add_point("uniform a" + std::to_string(ab) + " w" + std::to_string(wb), b);
    }
  for (size_t k = 0; k < knobs.size(); ++k)
    for (int bits : {4, 2}) {
      std::vector<int> b = all8;
      b[k] = bits;
      add_point("sensitivity " + std::string(knobs[k].weights ? "w:" : "a:") + knobs[k].layer + "@" + std::to_string(bits), b);
    }
  for (size_t i = 0; i < p.steps.size(); ++i) add_point("aware step " + std::to_string(i + 1), p.steps[i].bits);
  if (!rule_bits.empty()) add_point("rule", rule_bits);
  for (size_t i = 0; i < ref.steps.size(); ++i) add_point("aware refine " + std::to_string(i + 1), ref.steps[i].bits);
  std::vector<std::pair<int64_t, double>> by_flash, by_ram;
  for (const ParetoPoint& q : pts) by_flash.push_back({q.flash, q.top1}), by_ram.push_back({q.ram, q.top1});
  std::vector<int> on_flash(pts.size(), 0), on_ram(pts.size(), 0);
  for (size_t i : plan::pareto_front(by_flash)) on_flash[i] = 1;
  for (size_t i : plan::pareto_front(by_ram)) on_ram[i] = 1;
  for (size_t i = 0; i < pts.size(); ++i) {
    const ParetoPoint& q = pts[i];
    csv << q.label << "," << q.flash << "," << q.ram << "," << pct(q.top1) << "," << (plan::fits({q.flash, q.ram}, r.budget) ? 1 : 0) << ","
        << on_flash[i] << "," << on_ram[i] << "\n";
  }

  AwareOutcome out;
  maps_of(ref.bits, &out.a_bits, &out.w_bits);
  out.quant_json = quant_of(out.a_bits, out.w_bits);
  auto knob_text = [&](size_t k) { return std::string(knobs[k].weights ? "weights of " : "output of ") + message_name(knobs[k].layer); };
  nlohmann::ordered_json j;
  j["calibration_split"] = d.description;
  j["items"] = d.count();
  j["int8_top1"] = base;
  j["top1"] = ref.top1;
  if (greedy_error.empty()) j["greedy_top1"] = top1(p.bits);
  else j["greedy_error"] = greedy_error;
  if (!rule_bits.empty()) j["rule_top1"] = top1(rule_bits);
  j["refined_from"] = from_rule ? "rule" : "greedy";
  j["flash_before"] = p.before.flash;
  j["flash_after"] = ref.after.flash;
  j["arena_before"] = p.before.ram;
  j["arena_after"] = ref.after.ram;
  nlohmann::ordered_json jk = nlohmann::ordered_json::array(), js = nlohmann::ordered_json::array(), jr = nlohmann::ordered_json::array();
  for (const plan::Knob& k : knobs) jk.push_back({{"layer", k.layer}, {"kind", k.weights ? "weights" : "activation"}, {"loss4", k.loss4}, {"loss2", k.loss2}});
  for (const plan::AwareStep& s : p.steps)
    js.push_back({{"layer", knobs[s.knob].layer}, {"kind", knobs[s.knob].weights ? "weights" : "activation"}, {"from", s.from}, {"to", s.to},
                  {"loss", s.loss_added}, {"bytes_saved", s.saved}, {"flash", s.after.flash}, {"arena", s.after.ram},
                  {"top1", top1(s.bits)}});
  for (const plan::RefineStep& s : ref.steps) {
    nlohmann::ordered_json e = {{"raise", knobs[s.up].layer}, {"raise_kind", knobs[s.up].weights ? "weights" : "activation"},
                                {"from", s.up_from}, {"to", s.up_to}};
    if (s.lowered)
      e["lower"] = knobs[s.down].layer, e["lower_kind"] = knobs[s.down].weights ? "weights" : "activation", e["lower_from"] = s.down_from,
      e["lower_to"] = s.down_to;
    e["flash"] = s.after.flash, e["arena"] = s.after.ram, e["top1"] = s.top1;
    jr.push_back(e);
  }
  j["sensitivity"] = jk;
  j["steps"] = js;
  j["refine"] = jr;
  out.json = j.dump(2);

  std::ostringstream md;
  md << "\n## Accuracy-aware plan (--data)\n\nCalibration split: " << d.description << " (" << d.count()
     << " items; never the test set). Memory as the rule measures it: each candidate compiled for the target, RAM = the arena (+ stack), "
        "flash = constant tables + code estimate.\n"
        "Sensitivity = top-1 points lost on the split when one tensor alone is cut (all others at 8 bits). Greedy: each step shortlists the "
     << kVerify << " cuts with the least tabulated loss per byte taken off the exceeded budgets, measures them in the current config, and "
        "takes the least measured loss per byte. Refinement: from the better-measured of the greedy result and the rule's config, raise one "
        "width (and lower another where the budgets need it) while the measured top-1 on the split improves.\n\n"
     << "| | int8 | plan |\n|---|---|---|\n| flash: tables + code (bytes) | " << p.before.flash << " | " << ref.after.flash << " |\n| arena (bytes) | "
     << p.before.ram << " | " << ref.after.ram << " |\n| top-1 on the split | " << pct(base) << "% | " << pct(ref.top1)
     << "% |\n\nTop-1 on the split: greedy " << (greedy_error.empty() ? pct(top1(p.bits)) + "%" : "stuck (" + std::string(greedy_error) + ")")
     << (rule_bits.empty() ? std::string() : ", rule " + pct(top1(rule_bits)) + "%") << "; refined from the " << (from_rule ? "rule" : "greedy")
     << " result to " << pct(ref.top1) << "%.\n\n| tensor | loss at 4 bits | loss at 2 bits |\n|---|---|---|\n";
  for (const plan::Knob& k : knobs)
    md << "| " << (k.weights ? "weights of " : "output of ") << message_name(k.layer) << " | " << pct(k.loss4) << " | " << pct(k.loss2) << " |\n";
  md << "\nGreedy steps:\n\n";
  for (const plan::AwareStep& s : p.steps)
    md << "- " << knob_text(s.knob) << " " << s.from << " -> " << s.to << " bits: loss " << pct(s.loss_added) << ", " << s.saved
       << " bytes off the budgets; flash " << s.after.flash << ", arena " << s.after.ram << ", top-1 " << pct(top1(s.bits)) << "%\n";
  if (p.steps.empty()) md << "None: the 8-bit net fits.\n";
  md << "\nRefinement steps:\n\n";
  for (const plan::RefineStep& s : ref.steps)
    md << "- " << knob_text(s.up) << " " << s.up_from << " -> " << s.up_to << " bits"
       << (s.lowered ? ", " + knob_text(s.down) + " " + std::to_string(s.down_from) + " -> " + std::to_string(s.down_to) + " bits" : std::string())
       << ": flash " << s.after.flash << ", arena " << s.after.ram << ", top-1 " << pct(s.top1) << "%\n";
  if (ref.steps.empty()) md << "None: no move measured better.\n";
  out.md = md.str();
  out.pareto_csv = csv.str();
  out.pareto_svg = pareto_svg(pts, r.budget.flash, r.budget.ram, "qgen plan: " + g.name + ", top-1 vs memory");
  return out;
}

}  // namespace qg::driver
