#include "ir/passes/fuse_activations.h"

namespace qg::ir {

Graph fuse_activations(Graph g) {
  std::vector<bool> drop(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& act = g.nodes[i];
    if (act.op != Op::Relu && act.op != Op::Relu6) continue;
    const int src = act.inputs[0];
    if (src == g.output || g.consumers(src).size() != 1) continue;
    for (size_t j = 0; j < i; ++j) {
      Node& prod = g.nodes[j];
      if (prod.output != src || drop[j]) continue;
      if ((prod.op == Op::Conv2d || prod.op == Op::Dense) && prod.act == Activation::None) {
        prod.act = act.op == Op::Relu ? Activation::Relu : Activation::Relu6;
        prod.output = act.output;
        drop[i] = true;
      }
      break;
    }
  }
  remove_nodes(g, drop);
  return g;
}

}  // namespace qg::ir
