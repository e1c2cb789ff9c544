// Interpreter kernels, one row per op (float and int8), in a table indexed by ir::Op.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "interp/interp.h"

namespace qg::interp {

struct KernelArgs {
  const ir::Graph& g;
  const ir::Node& n;
  std::vector<const std::vector<float>*> in;  // internal layout
  std::vector<float>& out;
  bool quantized;  // run n.lq if present
};

using KernelFn = void (*)(const KernelArgs&);
// A row of the kernel table (kernels.cpp): the float kernel and the int8 one
// (run when the node's output is int8); nullptr where the op has none.
struct OpKernels {
  ir::Op op;
  KernelFn f32, i8;
};
const OpKernels& kernels_for(ir::Op op);
// The kernel that computes node n (by its output's dtype).
KernelFn kernel_for(const ir::Graph& g, const ir::Node& n);

// Integer-only kernels (kernels_int8.cpp), used when the node's output is int8.
void k_linear_i8(const KernelArgs& a);
void k_add_i8(const KernelArgs& a);
template <bool kMul>
void k_binary_i8(const KernelArgs& a);  // int8 mul (kMul) or sub
void k_div_i8(const KernelArgs& a);   // TFLite's int8 DIV (qg_div_i8)
// int8 relu / relu6 (input quantization kept): the codes clamped to [act_min, act_max].
void k_clamp_i8(const KernelArgs& a);
void k_mean_i8(const KernelArgs& a);  // TFLite's int8 MEAN over height and width (reference_integer_ops::Mean)
template <bool kMax>
void k_pool_i8(const KernelArgs& a);
// Output shape padded to rank 3, and an input's strides over it (0 where broadcast).
std::array<int64_t, 3> dims3(const std::vector<int64_t>& s);
std::array<int64_t, 3> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out);
void k_softmax_i8(const KernelArgs& a);
// Every op with Int8Rule::Table: y = table_i8[x + 128] (quant::lower_int8 builds the table).
void k_table_i8(const KernelArgs& a);
void k_quantize(const KernelArgs& a);
void k_dequantize(const KernelArgs& a);
// LUT path of an LQ layer (kernels_lut.cpp): the table index of every group
// of a patch's codes, then Σp·q of every segment of output channel o.
void lut_indices(const ir::LinearQuant& lq, const int16_t* q, int64_t* index);
void lut_spq(const ir::LinearQuant& lq, int64_t o, const int64_t* index, int64_t* spq);

// Integer-only LQ layers (kernels_lqi.cpp, docs/quantization.md §12).
void k_conv2d_lqi(const KernelArgs& a);
void k_dense_lqi(const KernelArgs& a);

inline bool int8_out(const KernelArgs& a) { return a.g.out(a.n).dtype == ir::DType::I8; }

// Calls f(ky, kx, iy, ix) for every tap (ky, kx) of window w at output position
// (oy, ox) that lies inside the H x W image, in (ky, kx) order; taps outside
// are skipped (as TFLite's kernels skip them). Shared by the convolutions and
// the pools (a pool's dilation is always 1).
template <class F>
void for_each_valid_tap(const ir::Window& w, int64_t H, int64_t W, int64_t oy, int64_t ox, F&& f) {
  for (int64_t ky = 0; ky < w.kh; ++ky) {
    const int64_t iy = oy * w.sh - w.pt + ky * w.dh;
    if (iy < 0 || iy >= H) continue;
    for (int64_t kx = 0; kx < w.kw; ++kx) {
      const int64_t ix = ox * w.sw - w.pl + kx * w.dw;
      if (ix < 0 || ix >= W) continue;
      f(ky, kx, iy, ix);
    }
  }
}

// The im2col patch of output position (oy, ox) and group grp of an HWC
// tensor x, in (ky, kx, c) order; taps outside the image are part of it with
// value 0. patch holds kh * kw * Cg elements.
template <class T>
void gather_patch(const std::vector<T>& x, const ir::Window& w, int64_t H, int64_t W, int64_t C, int64_t Cg, int64_t oy, int64_t ox,
                  int64_t grp, T* patch) {
  for (int64_t ky = 0; ky < w.kh; ++ky) {
    const int64_t iy = oy * w.sh - w.pt + ky * w.dh;
    for (int64_t kx = 0; kx < w.kw; ++kx, patch += Cg) {
      const int64_t ix = ox * w.sw - w.pl + kx * w.dw;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) std::copy_n(&x[static_cast<size_t>((iy * W + ix) * C + grp * Cg)], Cg, patch);
      else std::fill(patch, patch + Cg, T{0});
    }
  }
}

// Pooling over HWC: for every output (oy, ox, c), folds the valid input values
// of its window in (ky, kx) order: acc = step(acc, v) from `init`, then
// out = finish(acc, count of valid taps). Shared by the float and int8 pools.
template <class Acc, class Step, class Finish>
void pool_windows(const KernelArgs& a, Acc init, Step step, Finish finish) {
  const auto& is = a.g.in(a.n).shape;
  const auto& os = a.g.out(a.n).shape;
  const int64_t H = is[0], W = is[1], C = is[2];
  const ir::Window& w = a.n.attrs.win;
  const std::vector<float>& x = *a.in[0];
  for (int64_t oy = 0; oy < os[0]; ++oy)
    for (int64_t ox = 0; ox < os[1]; ++ox)
      for (int64_t c = 0; c < C; ++c) {
        Acc acc = init;
        int64_t count = 0;
        for_each_valid_tap(w, H, W, oy, ox, [&](int64_t, int64_t, int64_t iy, int64_t ix) {
          acc = step(acc, x[static_cast<size_t>((iy * W + ix) * C + c)]);
          ++count;
        });
        a.out[static_cast<size_t>((oy * os[1] + ox) * C + c)] = finish(acc, count);
      }
}

}  // namespace qg::interp
