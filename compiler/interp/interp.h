// The reference interpreter: the oracle every target is compared against.
// Written for clarity; follows docs/quantization.md step by step, in the same
// float evaluation order as the emitted code.
#pragma once
#include <vector>

#include "ir/graph.h"

namespace qg::interp {

enum class Mode {
  AsCompiled,  // quantized layers run quantized (their LinearQuant), others float
  Float,       // every layer in float, ignoring quantization
};

// One sample. `input` and the result are in the model's declared layout. A
// model with several inputs (outputs) takes (returns) them back to back in
// model order (ir::Graph::inputs(), outputs()).
std::vector<float> run(const ir::Graph& g, const std::vector<float>& input, Mode mode = Mode::AsCompiled);

// A batch, split across `threads` worker threads (0 = hardware concurrency).
std::vector<std::vector<float>> run_batch(const ir::Graph& g, const std::vector<std::vector<float>>& inputs,
                                          Mode mode = Mode::AsCompiled, unsigned threads = 0);

// Every tensor of one run, internal layout (for debugging and tests). In
// Mode::AsCompiled a tensor stored LQ-packed (ir::Tensor::pack) holds its
// packed bytes (codes, lo, s: runtime/qg_lqp.h), Tensor::bytes() / 4 floats.
std::vector<std::vector<float>> run_all_tensors(const ir::Graph& g, const std::vector<float>& input, Mode mode);

// Per-tensor [min, max] over calibration inputs, float mode (for int8).
struct TensorRange {
  float lo = 0.0f, hi = 0.0f;
};
std::vector<TensorRange> tensor_ranges(const ir::Graph& g, const std::vector<std::vector<float>>& inputs);

}  // namespace qg::interp
