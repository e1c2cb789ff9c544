// Integer-only (TFLite int8) lowering: computes every fixed-point parameter
// the int8 kernels need from tensor scales, exactly as TFLite's kernels do in
// their Prepare step. See docs/integer-only.md.
#pragma once
#include <cstdint>

#include "ir/graph.h"

namespace qg::quant {

// TFLite's QuantizeMultiplier: real = q * 2^shift, q in [2^30, 2^31).
void quantize_multiplier(double real, int32_t* multiplier, int* shift);

// Clamp range of int8 output codes for a fused activation.
void activation_range_i8(ir::Activation act, const ir::TensorQuant& out, int32_t* act_min, int32_t* act_max);

// Observed range of one tensor over calibration inputs.
struct Range {
  float lo = 0.0f, hi = 0.0f;
};

// TFLite-style asymmetric int8 parameters of a range (0 always representable).
ir::TensorQuant int8_params(const Range& r);
// Per-tensor activation quantization at `bits`: 8 = int8_params; 4 or 2 =
// unsigned codes 0..2^bits-1 (scale = (max - min) / (2^bits - 1), zero point
// nudged into [0, 2^bits - 1] as TFLite's uint8), stored packed.
ir::TensorQuant activation_params(const Range& r, int bits);

// Pass (Rusci et al.'s integer-only graph from a float net): conv2d/dense
// layers whose choice is scheme int8 get symmetric per-channel w_bits weights
// (BatchNorm is already folded into them, so the per-channel requantization
// carries it: ICN) and int32 bias; int8-capable ops fed by int8 tensors run in
// int8; quantize / dequantize nodes are inserted where float and int8 meet.
// `ranges` (indexed by tensor id) come from the float graph on calibration data.
ir::Graph to_int8(ir::Graph g, const std::vector<Range>& ranges);
// True when some conv2d / dense chose scheme int8 but still has float weights.
bool uses_int8(const ir::Graph& g);

// Pass: fills IntLinear::mult/shift and IntParams of every int8 node; checks
// that each int8 op is supported and its tensors carry quantization.
// The op-specific int8 parameters (IntParams) come from one table in int8.cpp
// with a row per op whose Int8Rule is Requantize or FixedQuant.
ir::Graph lower_int8(ir::Graph g);
// The table above has a row for `op`.
bool has_int8_params(ir::Op op);

}  // namespace qg::quant
