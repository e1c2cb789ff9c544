#include "quant/storage.h"

#include "ir/op_table.h"

namespace qg::quant {

// The ops with a packed-output kernel row (select.cpp: lqp_mac / lqp_dsp,
// pool_lqp, act_lqp, add_lqp; lqi_packed for the lq_int form); the caller
// checks the output is float.
bool producer_packs(const ir::Node& n, const ir::LqPacked& f) {
  // lq_int: the producer's output grid values are the consumers' grid values
  // (docs/quantization.md §12, "Grid"), so it packs them directly
  // (conv2d_lqi.c); a float max / avg pool puts its output on the grid (pool2d_lqp.c)
  if (f.lqi)
    return ((n.op == ir::Op::Conv2d || n.op == ir::Op::Dense) && n.lq && n.lq->lqi && n.lq->S_out == f.step) || n.op == ir::Op::MaxPool2d ||
           n.op == ir::Op::AvgPool2d;
  switch (n.op) {
    case ir::Op::Conv2d:
    case ir::Op::Dense: return n.lq && n.lq->lut_g == 0 && !n.lq->lqi;
    case ir::Op::MaxPool2d:
    case ir::Op::AvgPool2d:
    case ir::Op::Relu:
    case ir::Op::Relu6:
    case ir::Op::Add: return true;
    default: return false;
  }
}

ir::LqPacked packed_input_form(const ir::Graph& g, const ir::Node& n) {
  if (!n.lq || n.lq->lut_g != 0 || n.lq->a_whole_tensor) return {};
  if (n.op != ir::Op::Conv2d && n.op != ir::Op::Dense) return {};
  if (n.lq->a_region.kind != ir::RegionKind::Block) return {};
  const ir::Tensor& in = g.in(n);
  if (in.dtype != ir::DType::F32) return {};
  const int64_t cg = n.op == ir::Op::Conv2d ? in.shape.at(2) / n.attrs.groups : in.shape.at(0);
  const int64_t R = n.lq->a_region.block;
  if (R <= 0 || cg % R != 0) return {};
  ir::LqPacked f{n.lq->a_bits, R};
  if (n.lq->lqi) {  // docs/quantization.md §12: regions of grid values on the layer's input step
    f.lqi = true;
    f.step = n.lq->S_in;
  }
  return f;
}

ir::Graph choose_storage(ir::Graph g, bool lqp, bool lqi) {
  std::vector<int> producer(g.tensors.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) producer[static_cast<size_t>(g.nodes[i].output)] = static_cast<int>(i);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    ir::Tensor& T = g.tensors[t];
    T.pack = {};
    const int id = static_cast<int>(t);
    if (g.input_index(id) >= 0 || g.output_index(id) >= 0 || producer[t] < 0 || T.dtype != ir::DType::F32) continue;
    const std::vector<int> cons = g.consumers(id);
    if (cons.empty()) continue;
    ir::LqPacked form;
    bool ok = true;
    for (int c : cons) {
      const ir::LqPacked f = packed_input_form(g, g.nodes[static_cast<size_t>(c)]);
      if (!f.on() || (form.on() && !f.same(form))) {
        ok = false;
        break;
      }
      form = f;
    }
    if (!ok || !(form.lqi ? lqi : lqp) || !producer_packs(g.nodes[static_cast<size_t>(producer[t])], form)) continue;
    T.pack = form;
  }
  return g;
}

}  // namespace qg::quant
