#include "plan/bits.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::plan {
namespace {

int64_t packed_bytes(int64_t n, int bits) { return (n * bits + 7) / 8; }
int lower(int bits) { return bits == 8 ? 4 : 2; }
std::string q(const std::string& s) { return "'" + message_name(s) + "'"; }

bool int8_linear(const ir::Node& n) { return ir::op_info(n.op).int8 == ir::Int8Rule::Linear; }

}  // namespace

BitPlan rusci_rule(const ir::Graph& g, const BitBudget& budget, const Measure& measure) {
  BitPlan p;
  std::vector<int> bits(g.tensors.size(), 8), producer(g.tensors.size(), -1);
  std::vector<const ir::Node*> linear;
  std::map<std::string, const ir::Node*> by_name;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    if (!int8_linear(n)) continue;
    linear.push_back(&n);
    by_name[n.name] = &n;
    producer[static_cast<size_t>(n.output)] = static_cast<int>(i);
    p.a_bits[n.name] = 8;
    p.w_bits[n.name] = 8;
  }
  if (budget.ram > 0 && budget.stack >= budget.ram)
    user_error("", "--ram", "the stack reserve of " + std::to_string(budget.stack) + " bytes leaves nothing of the RAM budget of " +
                                std::to_string(budget.ram));
  // The arena's share of the RAM budget.
  const int64_t ram_budget = budget.ram > 0 ? budget.ram - budget.stack : 0;
  const std::string ram_text =
      std::to_string(ram_budget) +
      (budget.stack > 0 ? " (RAM " + std::to_string(budget.ram) + " - stack " + std::to_string(budget.stack) + ")" : std::string());
  auto tbytes = [&](int t) { return packed_bytes(g.tensor(t).numel(), bits[static_cast<size_t>(t)]); };
  auto cuttable = [&](int t) { return producer[static_cast<size_t>(t)] >= 0 && bits[static_cast<size_t>(t)] > 2; };
  auto layer_ram = [&](const ir::Node& n) { return tbytes(n.inputs[0]) + tbytes(n.output); };
  auto wbytes = [&](const ir::Node& n) {
    return packed_bytes(static_cast<int64_t>(n.weight.data.size()), p.w_bits.at(n.name)) + 12 * n.weight.shape[0];
  };
  auto flash = [&] {
    int64_t s = 0;
    for (const ir::Node* n : linear) s += wbytes(*n);
    return s;
  };
  auto ram = [&](std::string* who) {
    int64_t m = 0;
    for (const ir::Node* n : linear)
      if (layer_ram(*n) > m) {
        m = layer_ram(*n);
        if (who) *who = n->name;
      }
    return m;
  };
  p.ram_before = ram(nullptr);
  p.flash_before = flash();

  // RAM first.
  for (const ir::Node* n : linear) {
    if (ram_budget <= 0) break;
    while (layer_ram(*n) > ram_budget) {
      const int in = n->inputs[0], out = n->output;
      int cut = -1;
      if (cuttable(in) && cuttable(out)) cut = tbytes(in) >= tbytes(out) ? in : out;
      else if (cuttable(in)) cut = in;
      else if (cuttable(out)) cut = out;
      if (cut < 0)
        user_error(g.file, n->src,
                   "layer " + q(n->name) + ": input " + q(g.tensor(in).name) + " (" + std::to_string(tbytes(in)) + " bytes at " +
                       std::to_string(bits[static_cast<size_t>(in)]) + " bits) + output " + q(g.tensor(out).name) + " (" +
                       std::to_string(tbytes(out)) + " bytes at " + std::to_string(bits[static_cast<size_t>(out)]) +
                       " bits) need " + std::to_string(layer_ram(*n)) + " bytes of RAM, " +
                       std::to_string(layer_ram(*n) - ram_budget) + " over the budget of " + ram_text + " even at the lowest widths");
      const int64_t before = layer_ram(*n);
      const size_t c = static_cast<size_t>(cut);
      const int from = bits[c];
      bits[c] = lower(from);
      p.a_bits[g.nodes[static_cast<size_t>(producer[c])].name] = bits[c];
      p.log.push_back("ram: layer " + q(n->name) + " needs " + std::to_string(before) + " > " + std::to_string(ram_budget) +
                      " bytes: tensor " + q(g.tensor(cut).name) + " " + std::to_string(from) + " -> " + std::to_string(bits[c]) +
                      " bits (layer now " + std::to_string(layer_ram(*n)) + " bytes)");
    }
  }
  // Then flash. `fixed` lets the measured loop below reuse the choice.
  auto biggest_weights = [&]() -> const ir::Node* {
    const ir::Node* big = nullptr;
    for (const ir::Node* n : linear)
      if (p.w_bits.at(n->name) > 2 && (!big || wbytes(*n) > wbytes(*big))) big = n;
    return big;
  };
  auto largest_layer_text = [&] {
    const ir::Node* largest = linear.empty() ? nullptr : linear.front();
    for (const ir::Node* n : linear)
      if (wbytes(*n) > wbytes(*largest)) largest = n;
    return std::make_pair(largest, largest ? " (largest layer " + q(largest->name) + ", " + std::to_string(wbytes(*largest)) + " bytes)"
                                           : std::string());
  };
  while (budget.flash > 0 && flash() > budget.flash) {
    const ir::Node* big = biggest_weights();
    if (!big) {
      const auto [largest, text] = largest_layer_text();
      user_error(g.file, largest ? largest->src : std::string(),
                 "the weights need " + std::to_string(flash()) + " bytes of flash at 2 bits, " + std::to_string(flash() - budget.flash) +
                     " over the budget of " + std::to_string(budget.flash) + text);
    }
    const int64_t before = flash();
    const int from = p.w_bits.at(big->name);
    p.w_bits[big->name] = lower(from);
    p.log.push_back("flash: weights need " + std::to_string(before) + " > " + std::to_string(budget.flash) + " bytes: layer " +
                    q(big->name) + " weights " + std::to_string(from) + " -> " + std::to_string(p.w_bits.at(big->name)) +
                    " bits (total now " + std::to_string(flash()) + " bytes)");
  }

  // The exact figures: the config compiled for the target after every cut.
  if (measure) {
    std::map<std::string, int> a8 = p.a_bits, w8 = p.w_bits;
    for (auto& [k, v] : a8) v = 8;
    for (auto& [k, v] : w8) v = 8;
    const Measured m8 = measure(a8, w8);
    p.arena_before = m8.arena;
    p.flash_measured_before = m8.flash;
    size_t pending = SIZE_MAX;  // the log line that waits for the next measurement
    for (;;) {
      const Measured m = measure(p.a_bits, p.w_bits);
      p.arena_after = m.arena;
      p.flash_measured_after = m.flash;
      if (pending != SIZE_MAX)
        p.log[pending] += " (arena now " + std::to_string(m.arena) + ", flash " + std::to_string(m.flash) + " bytes)";
      pending = SIZE_MAX;
      if (budget.ram > 0 && m.arena + budget.stack > budget.ram) {
        auto can_cut = [&](const Measured::Live& l) {
          auto it = p.a_bits.find(l.layer);
          return !l.layer.empty() && it != p.a_bits.end() && it->second > 2;
        };
        const Measured::Live* pick = nullptr;
        for (bool io : {true, false}) {
          for (const Measured::Live& l : m.peak)
            if ((l.io || !io) && can_cut(l) && (!pick || l.bytes > pick->bytes)) pick = &l;
          if (pick) break;
        }
        const int64_t need = m.arena + budget.stack;
        if (!pick) {
          std::string what;
          if (!m.peak.empty()) {
            const Measured::Live& big = m.peak.front();
            what = ": tensor " + q(big.tensor) + " (" + std::to_string(big.bytes) + " bytes" +
                   (big.layer.empty() ? "" : " at " + std::to_string(p.a_bits.count(big.layer) ? p.a_bits.at(big.layer) : 8) + " bits") +
                   ") is the largest alive at layer " + q(m.peak_node) + " and nothing alive there can be cut";
          }
          const ir::Node* at = by_name.count(m.peak_node) ? by_name.at(m.peak_node) : nullptr;
          user_error(g.file, at ? at->src : std::string(),
                     "the arena needs " + std::to_string(m.arena) + " bytes + stack " + std::to_string(budget.stack) + " = " +
                         std::to_string(need) + " bytes of RAM, " + std::to_string(need - budget.ram) + " over the budget of " +
                         std::to_string(budget.ram) + " even at the lowest widths" + what);
        }
        const int from = p.a_bits.at(pick->layer);
        p.a_bits[pick->layer] = lower(from);
        if (const auto it = by_name.find(pick->layer); it != by_name.end()) bits[static_cast<size_t>(it->second->output)] = lower(from);
        p.log.push_back("ram (exact arena): arena " + std::to_string(m.arena) + " + stack " + std::to_string(budget.stack) + " = " +
                        std::to_string(need) + " > " + std::to_string(budget.ram) + " bytes, peak at layer " + q(m.peak_node) + ": tensor " +
                        q(pick->tensor) + " " + std::to_string(from) + " -> " + std::to_string(lower(from)) + " bits");
        pending = p.log.size() - 1;
        continue;
      }
      if (budget.flash > 0 && m.flash > budget.flash) {
        const ir::Node* big = biggest_weights();
        if (!big) {
          const auto [largest, text] = largest_layer_text();
          user_error(g.file, largest ? largest->src : std::string(),
                     "the weights and code need " + std::to_string(m.flash) + " bytes of flash at 2 bits, " +
                         std::to_string(m.flash - budget.flash) + " over the budget of " + std::to_string(budget.flash) + text);
        }
        const int from = p.w_bits.at(big->name);
        p.w_bits[big->name] = lower(from);
        p.log.push_back("flash (exact tables + code): " + std::to_string(m.flash) + " > " + std::to_string(budget.flash) + " bytes: layer " +
                        q(big->name) + " weights " + std::to_string(from) + " -> " + std::to_string(lower(from)) + " bits");
        pending = p.log.size() - 1;
        continue;
      }
      break;
    }
  }
  p.ram_after = ram(&p.ram_layer);
  p.flash_after = flash();
  return p;
}

std::string bit_plan_quant_json(const BitPlan& p) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::object();
  for (const auto& [name, a] : p.a_bits) layers[name] = {{"a_bits", a}, {"w_bits", p.w_bits.at(name)}};
  nlohmann::ordered_json doc = {{"default", {{"scheme", "int8"}}}, {"layers", layers}};
  return doc.dump(2) + "\n";
}

}  // namespace qg::plan
