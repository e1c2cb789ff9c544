#pragma once
#include "ir/graph.h"

namespace qg::quant {

// Pass: for every conv2d / dense whose choice is LQ, quantizes the weights
// offline region by region, cuts the reduction axis into segments, computes
// the per-segment constants and proves the integer accumulator cannot
// overflow (widening it to 64 bits where 32 could). See docs/quantization.md.
// With release_float_weights the float weights of every quantized layer are
// freed as soon as its codes exist (weight.shape stays): code generation only
// needs n.lq, but the float interpreter mode needs them, so it is opt-in.
ir::Graph quantize(ir::Graph g, bool release_float_weights = false);

// The quantized form of one layer; exposed for tests.
ir::LinearQuant quantize_linear(const std::vector<float>& w, int64_t O, int64_t K, const ir::QuantChoice& q, bool whole_tensor_act);

}  // namespace qg::quant
