// Integer-only reference kernels with TFLite's int8 semantics (reference
// kernels: conv_per_channel, fully_connected, add, pooling; the LUT softmax).
// Int8 tensors are held as floats with integer values in the interpreter;
// packed sub-byte tensors (TensorQuant::bits 4 or 2) hold their unsigned
// codes the same way (packing is a storage form of the emitted code only).
#include <algorithm>
#include <cmath>

#include "interp/kernels.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "runtime/qg_runtime.h"

namespace qg::interp {
namespace {
size_t idx(int64_t i) { return static_cast<size_t>(i); }
int32_t code(float v) { return static_cast<int32_t>(v); }
int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return std::min(std::max(v, lo), hi); }
// a + b modulo 2^32, computed in uint32_t (signed overflow is undefined
// behaviour). TFLite's int8 kernels add in int32 without any check (the
// reference kernels in C++, which wraps on every target it is built for; the
// optimized ones with wrapping SIMD adds), so an overflowing accumulator, bias
// or output zero point wraps there too: wrapping keeps the interpreter and
// the emitted C (templates/conv2d_i8.c, add_i8.c) equal to TFLite, where
// saturating would not be. Valid models never get near 2^31; for them this is
// the plain sum.
int32_t wrap_add(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
}  // namespace

namespace {
// TFLite's 16x8 ConvPerChannel / DepthwiseConvPerChannel / FullyConnected
// (int16 input and output, int8 weights, int64 bias): Σ w·x over the taps
// inside the image in int64 (the input zero point is 0), + bias, requantized
// by the int64 MultiplyByQuantizedMultiplier (qg_mbqm64; fully connected:
// qg_mbqm64_single), clamped.
void linear_i16(const KernelArgs& a) {
  const ir::Node& n = a.n;
  const ir::IntLinear& il = *n.il;
  const std::vector<float>& x = *a.in[0];
  const ir::ConvGeom cg = ir::conv_geom(a.g, n);
  const int64_t H = cg.H, W = cg.W, C = cg.C, OH = cg.OH, OW = cg.OW, O = cg.O;
  const ir::Window& w = cg.win;
  const int64_t G = cg.G, Cg = C / G, Og = O / G;
  for (int64_t oy = 0; oy < OH; ++oy)
    for (int64_t ox = 0; ox < OW; ++ox)
      for (int64_t o = 0; o < O; ++o) {
        const int64_t grp = o / Og;
        int64_t acc = 0;
        for_each_valid_tap(w, H, W, oy, ox, [&](int64_t ky, int64_t kx, int64_t iy, int64_t ix) {
          for (int64_t c = 0; c < Cg; ++c)
            acc += int64_t{il.weight[idx(((o * w.kh + ky) * w.kw + kx) * Cg + c)]} * code(x[idx((iy * W + ix) * C + grp * Cg + c)]);
        });
        acc += il.bias64[idx(o)];
        // TFLite's 16x8 conv kernels round once with a 16-bit multiplier, its
        // fully-connected kernel once with the 31-bit one (measured).
        const int32_t r = il.single_rounding ? qg_mbqm64_single(acc, il.mult[idx(o)], il.shift[idx(o)])
                                             : qg_mbqm64(acc, il.mult[idx(o)], il.shift[idx(o)]);
        a.out[idx((oy * OW + ox) * O + o)] = static_cast<float>(clamp(r, n.ip.act_min, n.ip.act_max));
      }
}
}  // namespace

void k_linear_i8(const KernelArgs& a) {
  if (a.g.in(a.n).i16()) return linear_i16(a);
  const ir::Node& n = a.n;
  const ir::IntLinear& il = *n.il;
  const std::vector<float>& x = *a.in[0];
  const int32_t in_off = -a.g.in(n).q.zero_point, out_zp = a.g.out(n).q.zero_point;
  const ir::ConvGeom cg = ir::conv_geom(a.g, n);  // a dense layer is a 1x1 convolution over a 1x1 image
  const int64_t H = cg.H, W = cg.W, C = cg.C, OH = cg.OH, OW = cg.OW, O = cg.O;
  const ir::Window& w = cg.win;
  const int64_t G = cg.G, Cg = C / G, Og = O / G;
  for (int64_t oy = 0; oy < OH; ++oy)
    for (int64_t ox = 0; ox < OW; ++ox)
      for (int64_t o = 0; o < O; ++o) {
        const int64_t grp = o / Og;
        int32_t acc = 0;  // TFLite skips taps outside the image
        for_each_valid_tap(w, H, W, oy, ox, [&](int64_t ky, int64_t kx, int64_t iy, int64_t ix) {
          for (int64_t c = 0; c < Cg; ++c)
            acc = wrap_add(acc, int32_t{il.weight[idx(((o * w.kh + ky) * w.kw + kx) * Cg + c)]} *
                                    (code(x[idx((iy * W + ix) * C + grp * Cg + c)]) + in_off));
        });
        acc = wrap_add(acc, il.bias[idx(o)]);
        // TFLite's conv kernels round twice, its fully-connected kernel once.
        acc = il.single_rounding ? qg_mbqm_single(acc, il.mult[idx(o)], il.shift[idx(o)]) : qg_mbqm(acc, il.mult[idx(o)], il.shift[idx(o)]);
        acc = wrap_add(acc, out_zp);
        a.out[idx((oy * OW + ox) * O + o)] = static_cast<float>(clamp(acc, n.ip.act_min, n.ip.act_max));
      }
}

void k_add_i8(const KernelArgs& a) {
  const ir::IntParams& p = a.n.ip;
  const int32_t off1 = -a.g.in(a.n, 0).q.zero_point, off2 = -a.g.in(a.n, 1).q.zero_point, out_zp = a.g.out(a.n).q.zero_point;
  for (size_t i = 0; i < a.out.size(); ++i) {
    const int32_t v1 = code((*a.in[0])[i]) + off1, v2 = code((*a.in[1])[i]) + off2;
    const int32_t s1 = qg_mbqm(v1 * (1 << p.left_shift), p.in1_mult, p.in1_shift);
    const int32_t s2 = qg_mbqm(v2 * (1 << p.left_shift), p.in2_mult, p.in2_shift);
    const int32_t raw = wrap_add(qg_mbqm(wrap_add(s1, s2), p.out_mult, p.out_shift), out_zp);
    a.out[i] = static_cast<float>(clamp(raw, p.act_min, p.act_max));
  }
}

// An int8 binary op with broadcasting as the float binary kernels (k_binary):
// f(u, v) is the result before the output zero point, u and v the inputs'
// codes minus their zero points.
template <class F>
void binary_i8(const KernelArgs& a, F f) {
  const ir::IntParams& p = a.n.ip;
  const int32_t zp1 = a.g.in(a.n, 0).q.zero_point, zp2 = a.g.in(a.n, 1).q.zero_point, out_zp = a.g.out(a.n).q.zero_point;
  const auto& os = a.g.out(a.n).shape;
  const auto d = dims3(os);
  const auto sa = broadcast_strides(a.g.in(a.n, 0).shape, os), sb = broadcast_strides(a.g.in(a.n, 1).shape, os);
  size_t o = 0;
  for (int64_t i = 0; i < d[0]; ++i)
    for (int64_t j = 0; j < d[1]; ++j)
      for (int64_t k = 0; k < d[2]; ++k, ++o) {
        const int32_t u = code((*a.in[0])[idx(i * sa[0] + j * sa[1] + k * sa[2])]) - zp1;
        const int32_t v = code((*a.in[1])[idx(i * sb[0] + j * sb[1] + k * sb[2])]) - zp2;
        a.out[o] = static_cast<float>(clamp(wrap_add(f(u, v), out_zp), p.act_min, p.act_max));
      }
}

// TFLite's int8 SUB and MUL (reference_ops::Sub / BroadcastQuantSubSlow,
// reference_integer_ops::Mul / BroadcastMul); templates/binary_i8.c computes the same.
template <bool kMul>
void k_binary_i8(const KernelArgs& a) {
  const ir::IntParams& p = a.n.ip;
  binary_i8(a, [&p](int32_t u, int32_t v) {
    if (kMul) return qg_mbqm(u * v, p.out_mult, p.out_shift);
    const int32_t s1 = qg_mbqm(u * (1 << p.left_shift), p.in1_mult, p.in1_shift);
    const int32_t s2 = qg_mbqm(v * (1 << p.left_shift), p.in2_mult, p.in2_shift);
    return qg_mbqm(s1 - s2, p.out_mult, p.out_shift);
  });
}

// TFLite's int8 DIV (reference_ops::DivElementwise / BroadcastDivSlowQuantized):
// qg_div_i8 per element.
void k_div_i8(const KernelArgs& a) {
  const ir::IntParams& p = a.n.ip;
  binary_i8(a, [&p](int32_t u, int32_t v) { return qg_div_i8(u, v, p.out_mult, p.out_shift); });
}

// TFLite's int8 MEAN over height and width (reference_ops::QuantizedMeanOrSum):
// per channel the sum of (x - zp_in), MultiplyByQuantizedMultiplier by the
// multiplier with 1 / (H*W) folded in (quant/int8.cpp params_mean), plus
// zp_out, clamped.
void k_clamp_i8(const KernelArgs& a) {
  for (size_t i = 0; i < a.out.size(); ++i)
    a.out[i] = static_cast<float>(clamp(code((*a.in[0])[i]), a.n.ip.act_min, a.n.ip.act_max));
}

void k_mean_i8(const KernelArgs& a) {
  const ir::IntParams& p = a.n.ip;
  const auto& is = a.g.in(a.n).shape;
  const int64_t HW = is[0] * is[1], C = is[2];
  const int32_t zp_in = a.g.in(a.n).q.zero_point, zp_out = a.g.out(a.n).q.zero_point;
  for (int64_t c = 0; c < C; ++c) {
    int32_t acc = 0;
    for (int64_t i = 0; i < HW; ++i) acc += code((*a.in[0])[idx(i * C + c)]) - zp_in;
    a.out[idx(c)] = static_cast<float>(clamp(qg_mbqm(acc, p.out_mult, p.out_shift) + zp_out, -128, 127));
  }
}

template void k_binary_i8<true>(const KernelArgs&);
template void k_binary_i8<false>(const KernelArgs&);

template <bool kMax>
void k_pool_i8(const KernelArgs& a) {
  constexpr bool mx = kMax;
  const ir::Window& w = a.n.attrs.win;
  const ir::IntParams& p = a.n.ip;
  const bool include_pad = a.n.attrs.count_include_pad;
  pool_windows(
      a, mx ? (a.g.in(a.n).i16() ? int32_t{-32768} : int32_t{-128}) : int32_t{0}, [&](int32_t acc, float v) { return mx ? std::max(acc, code(v)) : acc + code(v); },
      [&](int32_t acc, int64_t n) {
        if (!mx) {
          const int32_t count = static_cast<int32_t>(include_pad ? w.kh * w.kw : n);
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;  // round half away from zero
        }
        return static_cast<float>(clamp(acc, p.act_min, p.act_max));
      });
}

template void k_pool_i8<true>(const KernelArgs&);
template void k_pool_i8<false>(const KernelArgs&);

namespace {
// TFLite's 16x8 LOGISTIC / TANH (ir::OpInfo::int16_lut): qg_logistic_i16 /
// qg_tanh_i16 on each int16 code with the node's input rescale.
void lut16(const KernelArgs& a) {
  const ir::Int16Lut kind = ir::op_info(a.n.op).int16_lut;
  QG_CHECK(kind != ir::Int16Lut::None, std::string("16x8 ") + ir::op_info(a.n.op).name + " has no int16 kernel");
  const int32_t m = a.n.ip.in16_mult, s = a.n.ip.in16_shift;
  for (size_t i = 0; i < a.out.size(); ++i) {
    const int16_t x = static_cast<int16_t>(code((*a.in[0])[i]));
    a.out[i] = static_cast<float>(kind == ir::Int16Lut::Tanh ? qg_tanh_i16(x, m, s) : qg_logistic_i16(x, m, s));
  }
}

// TFLite's 16x8 SOFTMAX (reference_ops::SoftmaxInt16) over the last axis:
// e = exp table at (qg_mbqm(x - max) + 32767) saturated to int16, the sum of
// e in int32 normalised by its leading zeros into the 1 / (1 + x) table, each
// e times that reciprocal rounded (half up) by 2^(31 - leading zeros),
// clamped to [0, 32767].
void softmax_i16(const KernelArgs& a) {
  const int64_t C = a.g.out(a.n).shape.back(), rows = static_cast<int64_t>(a.out.size()) / C;
  const std::vector<int16_t>& lut = a.n.ip.lut16;
  QG_CHECK(lut.size() == 2 * 513, "16x8 softmax without its tables");
  std::vector<int16_t> e(idx(C));
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = &(*a.in[0])[idx(r * C)];
    int32_t mx = -32768;
    for (int64_t c = 0; c < C; ++c) mx = std::max(mx, code(x[c]));
    int32_t sum = 0;
    for (int64_t c = 0; c < C; ++c) {
      const int32_t d = qg_mbqm(code(x[c]) - mx, a.n.ip.in16_mult, a.n.ip.in16_shift) + 32767;
      e[idx(c)] = qg_lut16(static_cast<int16_t>(clamp(d, -32768, 32767)), lut.data());
      sum += e[idx(c)];
    }
    const int lz = qg_clz32(static_cast<uint32_t>(sum));
    const int32_t shifted = static_cast<int32_t>(((static_cast<int64_t>(sum) << (lz - 1)) + (1 << 13)) >> 14);
    const int16_t recip = qg_lut16(static_cast<int16_t>(clamp(shifted - 98304, -32768, 32767)), lut.data() + 513);
    const int rs = 31 - lz;
    for (int64_t c = 0; c < C; ++c) {
      const int64_t p = (static_cast<int64_t>(e[idx(c)]) * recip + (int64_t{1} << (rs - 1))) >> rs;
      a.out[idx(r * C + c)] = static_cast<float>(std::min<int64_t>(std::max<int64_t>(p, 0), 32767));
    }
  }
}
}  // namespace

void k_table_i8(const KernelArgs& a) {
  if (a.g.out(a.n).i16()) return lut16(a);
  const std::vector<int8_t>& t = a.n.ip.table_i8;
  QG_CHECK(t.size() == 256, "int8 table op without its table");
  for (size_t i = 0; i < a.out.size(); ++i) a.out[i] = static_cast<float>(t[static_cast<size_t>(code((*a.in[0])[i]) + 128)]);
}

void k_softmax_i8(const KernelArgs& a) {
  if (a.g.out(a.n).i16()) return softmax_i16(a);
  const int64_t C = a.g.out(a.n).shape.back(), rows = static_cast<int64_t>(a.out.size()) / C;
  const std::vector<float>& table = a.n.ip.softmax_table;
  const float out_scale = a.g.out(a.n).q.scale;
  const int32_t out_zp = a.g.out(a.n).q.zero_point;
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = &(*a.in[0])[idx(r * C)];
    int32_t mx = -128;
    for (int64_t c = 0; c < C; ++c) mx = std::max(mx, code(x[c]));
    const float* t = &table[idx(255 - mx)];  // t[v] = exp(-scale*beta*(max - v)), v in [-128, max]
    float sum = 0.0f;
    for (int64_t c = 0; c < C; ++c) sum += t[code(x[c])];
    const float inv = 1.0f / (sum * out_scale);
    for (int64_t c = 0; c < C; ++c) {
      const float p = t[code(x[c])] * inv;
      // p >= 0: round half away from zero. From 512 on (and for NaN, 0 * inf
      // with a tiny output scale) the result clamps to 127 whatever the
      // rounding, and the float -> int conversion must stay in range.
      const int32_t i = p < 512.0f ? static_cast<int32_t>(p) : 512;
      const int32_t q = i + ((p - static_cast<float>(i)) >= 0.5f ? 1 : 0) + out_zp;
      a.out[idx(r * C + c)] = static_cast<float>(clamp(q, -128, 127));
    }
  }
}

void k_quantize(const KernelArgs& a) {
  const ir::TensorQuant& q = a.g.out(a.n).q;
  if (a.g.in(a.n).dtype == ir::DType::I8) {
    if (!a.n.ip.table_i8.empty()) return k_table_i8(a);  // requantize (TFLite's int8 -> int8 QUANTIZE)
    for (size_t i = 0; i < a.out.size(); ++i) a.out[i] = (*a.in[0])[i];  // unpack (quant::to_int8): the same codes
    return;
  }
  for (size_t i = 0; i < a.out.size(); ++i) {
    const float t = (*a.in[0])[i] / q.scale;
    const float r = std::round(t);
    const int32_t v = std::isnan(r) ? 0 : static_cast<int32_t>(std::max(-1e9f, std::min(1e9f, r)));
    a.out[i] = static_cast<float>(clamp(v + q.zero_point, -128, 127));
  }
}

void k_dequantize(const KernelArgs& a) {
  const ir::TensorQuant& q = a.g.in(a.n).q;
  for (size_t i = 0; i < a.out.size(); ++i)
    a.out[i] = static_cast<float>(static_cast<double>(q.scale) * static_cast<double>(code((*a.in[0])[i]) - q.zero_point));
}

}  // namespace qg::interp
