// Parameter conversions shared by the importers (net.json, ONNX) and the
// net.json writer, written once so that importing and writing back give the
// same bits.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace qg::frontend {

// Conv weight OIHW {O, C/groups, kh, kw} (PyTorch, ONNX, net.json) -> the IR's
// OHWI {O, kh, kw, C/groups}.
inline void oihw_to_ohwi(ir::Param& p) {
  const int64_t O = p.shape[0], I = p.shape[1], H = p.shape[2], W = p.shape[3];
  std::vector<float> d(p.data.size());
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x)
          d[static_cast<size_t>(((o * H + y) * W + x) * I + i)] = p.data[static_cast<size_t>(((o * I + i) * H + y) * W + x)];
  p.data = std::move(d);
  p.shape = {O, H, W, I};
}

// The inverse: IR OHWI -> OIHW.
inline ir::Param ohwi_to_oihw(const ir::Param& p) {
  const int64_t O = p.shape[0], H = p.shape[1], W = p.shape[2], I = p.shape[3];
  ir::Param r;
  r.shape = {O, I, H, W};
  r.data.resize(p.data.size());
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x)
          r.data[static_cast<size_t>(((o * I + i) * H + y) * W + x)] = p.data[static_cast<size_t>(((o * H + y) * W + x) * I + i)];
  return r;
}

// Batch normalization y = gamma * (x - mean) / sqrt(var + eps) + beta as the
// IR's per-channel y = x * scale + shift (evaluated in double, rounded once).
inline void batchnorm_scale_shift(float gamma, float beta, float mean, float var, float eps, float& scale, float& shift) {
  const double s = static_cast<double>(gamma) / std::sqrt(static_cast<double>(var) + eps);
  scale = static_cast<float>(s);
  shift = static_cast<float>(static_cast<double>(beta) - static_cast<double>(mean) * s);
}

// The (mean, var, epsilon) the net.json writer stores with gamma = scale and
// beta = shift: var + epsilon is exactly 1 in float and in double, so reading
// the layer back gives the same (scale, shift) bit for bit.
constexpr float kWriterBnEpsilon = 0.0009765625f;      // 2^-10
constexpr float kWriterBnVar = 1.0f - kWriterBnEpsilon;  // exact in float

}  // namespace qg::frontend
