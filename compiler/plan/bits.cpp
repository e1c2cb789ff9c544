#include "plan/bits.h"

#include <algorithm>
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

BitPlan rusci_rule(const ir::Graph& g, const BitBudget& budget) {
  BitPlan p;
  std::vector<int> bits(g.tensors.size(), 8), producer(g.tensors.size(), -1);
  std::vector<const ir::Node*> linear;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    if (!int8_linear(n)) continue;
    linear.push_back(&n);
    producer[static_cast<size_t>(n.output)] = static_cast<int>(i);
    p.a_bits[n.name] = 8;
    p.w_bits[n.name] = 8;
  }
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
    if (budget.ram <= 0) break;
    while (layer_ram(*n) > budget.ram) {
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
                       std::to_string(layer_ram(*n) - budget.ram) + " over the budget of " + std::to_string(budget.ram) +
                       " even at the lowest widths");
      const int64_t before = layer_ram(*n);
      const size_t c = static_cast<size_t>(cut);
      const int from = bits[c];
      bits[c] = lower(from);
      p.a_bits[g.nodes[static_cast<size_t>(producer[c])].name] = bits[c];
      p.log.push_back("ram: layer " + q(n->name) + " needs " + std::to_string(before) + " > " + std::to_string(budget.ram) +
                      " bytes: tensor " + q(g.tensor(cut).name) + " " + std::to_string(from) + " -> " + std::to_string(bits[c]) +
                      " bits (layer now " + std::to_string(layer_ram(*n)) + " bytes)");
    }
  }
  // Then flash.
  while (budget.flash > 0 && flash() > budget.flash) {
    const ir::Node* big = nullptr;
    for (const ir::Node* n : linear)
      if (p.w_bits.at(n->name) > 2 && (!big || wbytes(*n) > wbytes(*big))) big = n;
    if (!big) {
      const ir::Node* largest = linear.empty() ? nullptr : linear.front();
      for (const ir::Node* n : linear)
        if (wbytes(*n) > wbytes(*largest)) largest = n;
      user_error(g.file, largest ? largest->src : std::string(),
                 "the weights need " + std::to_string(flash()) + " bytes of flash at 2 bits, " + std::to_string(flash() - budget.flash) +
                     " over the budget of " + std::to_string(budget.flash) +
                     (largest ? " (largest layer " + q(largest->name) + ", " + std::to_string(wbytes(*largest)) + " bytes)" : std::string()));
    }
    const int64_t before = flash();
    const int from = p.w_bits.at(big->name);
    p.w_bits[big->name] = lower(from);
    p.log.push_back("flash: weights need " + std::to_string(before) + " > " + std::to_string(budget.flash) + " bytes: layer " +
                    q(big->name) + " weights " + std::to_string(from) + " -> " + std::to_string(p.w_bits.at(big->name)) +
                    " bits (total now " + std::to_string(flash()) + " bytes)");
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
