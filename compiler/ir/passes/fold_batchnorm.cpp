#include "ir/passes/fold_batchnorm.h"

#include "ir/op_table.h"

namespace qg::ir {

Graph fold_batchnorm(Graph g) {
  std::vector<bool> drop(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& bn = g.nodes[i];
    if (bn.op != Op::BatchNorm) continue;
    const int src = bn.inputs[0];
    if (g.output_index(src) >= 0) continue;
    // The producer of bn's input.
    int p = -1;
    for (size_t j = 0; j < i; ++j)
      if (g.nodes[j].output == src) p = static_cast<int>(j);
    if (p < 0) continue;
    Node& prod = g.nodes[static_cast<size_t>(p)];
    if (!is_linear(prod) || prod.act != Activation::None) continue;  // weights per output channel take the scale
    if (g.consumers(src).size() != 1) continue;
    const int64_t O = prod.weight.shape[0];
    const int64_t per = static_cast<int64_t>(prod.weight.data.size()) / O;
    if (prod.bias.empty()) {
      prod.bias.shape = {O};
      prod.bias.data.assign(static_cast<size_t>(O), 0.0f);
    }
    for (int64_t o = 0; o < O; ++o) {
      const double sc = bn.weight.data[static_cast<size_t>(o)], sh = bn.bias.data[static_cast<size_t>(o)];
      for (int64_t k = 0; k < per; ++k) {
        float& w = prod.weight.data[static_cast<size_t>(o * per + k)];
        w = static_cast<float>(static_cast<double>(w) * sc);
      }
      float& b = prod.bias.data[static_cast<size_t>(o)];
      b = static_cast<float>(static_cast<double>(b) * sc + sh);
    }
    // prod now produces bn's output tensor.
    prod.output = bn.output;
    drop[i] = true;
  }
  remove_nodes(g, drop);
  return g;
}

}  // namespace qg::ir
