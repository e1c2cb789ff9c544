#include "ir/passes/fuse_activations.h"

#include "ir/op_table.h"

namespace qg::ir {

Graph fuse_activations(Graph g) {
  std::vector<bool> drop(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& act = g.nodes[i];
    const Activation a = op_info(act.op).activation;
    if (a == Activation::None) continue;
    const int src = act.inputs[0];
    if (g.output_index(src) >= 0 || g.consumers(src).size() != 1) continue;
    for (size_t j = 0; j < i; ++j) {
      Node& prod = g.nodes[j];
      if (prod.output != src || drop[j]) continue;
      if (op_info(prod.op).fused_act && prod.act == Activation::None) {
        prod.act = a;
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
