#pragma once
#include "ir/graph.h"

namespace qg::quant {

// Pass: for every conv2d / dense whose choice is LQ, quantizes the weights
// offline region by region, cuts the reduction axis into segments, computes
// the per-segment constants and proves the integer accumulator cannot
// overflow (widening it to 64 bits where 32 could). See docs/quantization.md.
ir::Graph quantize(ir::Graph g);

// The quantized form of one layer; exposed for tests.
ir::LinearQuant quantize_linear(const std::vector<float>& w, int64_t O, int64_t K, const ir::QuantChoice& q, bool whole_tensor_act);

}  // namespace qg::quant
