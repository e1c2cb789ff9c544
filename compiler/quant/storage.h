#pragma once
#include "ir/graph.h"

namespace qg::quant {

// Pass (select stage, after select::resolve_auto): decides the storage form
// of every tensor (ir::Tensor::pack, docs/quantization.md §11). A float
// tensor is stored LQ-packed — quantized once by its producer, codes at
// a_bits plus (lo, s) per region — when
//   - it is neither the model's input nor its output,
//   - its producer can quantize its own output per pixel (producer_packs),
//   - it has consumers and every one is an LQ conv2d / dense with the MAC
//     kernel (lut_g == 0), integer activation regions R ("a_region": R)
//     that divide the consumer's channels per group (so no region straddles
//     a pixel, and each consumer's patch regions are regions of the tensor),
//     and all consumers agree on (a_bits, R).
// Everything else stays float32 (the fallback is today's per-patch path).
ir::Graph choose_storage(ir::Graph g);

// The consumer condition above for one node: the (a_bits, R) it could read
// packed, or a_bits == 0.
ir::LqPacked packed_input_form(const ir::Graph& g, const ir::Node& n);
// Whether node n's kernel can write its output packed: LQ conv2d / dense with
// the MAC kernel (templates/conv2d_lqp.c), max / avg pool (pool2d_lqp.c),
// relu / relu6 (act_lqp.c), add (add_lqp.c).
bool producer_packs(const ir::Node& n);

}  // namespace qg::quant
