#pragma once
#include "ir/graph.h"

namespace qg::quant {

// Pass (select stage, after select::resolve_auto): decides the storage form
// of every tensor (ir::Tensor::pack, docs/quantization.md §11 and §12). A
// float tensor is stored LQ-packed — quantized once by its producer, codes at
// a_bits plus per-region parameters — when
//   - it is neither the model's input nor its output,
//   - it has consumers and every one reads it packed in the same form
//     (packed_input_form): an LQ conv2d / dense with the MAC kernel and
//     integer activation regions R ("a_region": R) that divide the
//     consumer's channels per group (so no region straddles a pixel, and each
//     consumer's patch regions are regions of the tensor), all with the same
//     (a_bits, R) and scheme — float-combination LQ ("lq": (lo, s) floats,
//     only when `lqp`) or "lq_int" (int16 grid (lo, d), only when `lqi`, and
//     the same grid step),
//   - its producer can quantize its own output into that form (producer_packs).
// Everything else stays float32 (the fallback is today's per-patch path).
ir::Graph choose_storage(ir::Graph g, bool lqp, bool lqi);

// The consumer condition above for one node: the form it could read packed,
// or a_bits == 0.
ir::LqPacked packed_input_form(const ir::Graph& g, const ir::Node& n);
// Whether node n's kernel can write its output in packed form f: for the
// float-combination form an LQ conv2d / dense with the MAC kernel
// (templates/conv2d_lqp.c), max / avg pool (pool2d_lqp.c), relu / relu6
// (act_lqp.c), add (add_lqp.c); for the lq_int form an lq_int conv2d / dense
// (templates/conv2d_lqi.c, QG_OUT_PACKED) and max / avg pool (pool2d_lqp.c,
// QG_OUT_LQI).
bool producer_packs(const ir::Node& n, const ir::LqPacked& f);

}  // namespace qg::quant
