// The int8 convolution / dense algorithm in Halide (schedules are separate).
//
// The glue has already written the input to a padded buffer `in` (c, x, y):
// value x + in_offset, padding and extra channels = in_zp + in_offset, so
//   Σ w·(x − zp) = Σ w·in − (zp + in_offset)·Σ w
// over every tap (padding taps contribute w·0), and the constant part is
// folded into the bias at compile time. Weights are repacked as
// w(ci, o, cq, kx, ky) with channel c = G·cq + ci (zero for c >= C; G =
// MachineInfo::dot_group): a vector of G consecutive channels × V output
// channels is one contiguous load, the operand shape of vpdpbusd (x86 VNNI)
// and sdot (Arm dot product) for G = 4, of vpmaddwd (x86 without VNNI, after
// widening to int16) for G = 2.
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

RequantTables requant_tables(const std::vector<int32_t>& mult, const std::vector<int32_t>& shift, const std::string& fn) {
  const int O = static_cast<int>(mult.size());
  RequantTables t{Buffer<int32_t>(O, fn + "_mult"), Buffer<int32_t>(O, fn + "_shift"), Buffer<int32_t>(O, fn + "_left"),
                  Buffer<int32_t>(O, fn + "_right"), Buffer<int32_t>(O, fn + "_mask"), Buffer<int32_t>(O, fn + "_half"), false};
  for (int o = 0; o < O; ++o) {
    const int32_t s = shift[static_cast<size_t>(o)];
    const int left = s > 0 ? s : 0, right = s > 0 ? 0 : -s;
    t.mult(o) = mult[static_cast<size_t>(o)];
    t.shift(o) = s;
    t.left(o) = left;
    t.right(o) = right;
    t.mask(o) = static_cast<int32_t>((int64_t{1} << right) - 1);  // as qg_rdbpot computes it
    t.half(o) = t.mask(o) >> 1;
    t.any_left = t.any_left || left > 0;
  }
  return t;
}

Expr requantize(const Expr& acc, const RequantTables& t, const Expr& o, bool single_rounding, bool rounding_mulhi) {
  if (single_rounding) {  // qg_mbqm_single: (x·m + 2^(30−s)) >> (31 − s)
    Expr total = cast<int64_t>(31 - t.shift(o));
    Expr r = cast<int64_t>(acc) * cast<int64_t>(t.mult(o)) + (cast<int64_t>(1) << (total - 1));
    return cast<int32_t>(r >> total);
  }
  // qg_mbqm: qg_rdbpot(qg_srdhm(x << left, m), right). qg_srdhm rounds half
  // toward +inf ((ab + 2^30) >> 31 with an arithmetic shift equals its
  // truncating division with a sign-dependent nudge); its one saturating case
  // (both operands INT32_MIN) cannot occur: multipliers are >= 0. Halide's
  // rounding_mul_shift_right(x, m, 31) is that value (widening multiply,
  // + 2^30, >> 31, saturating narrow), lowered without widening every lane
  // to int64 first (used where MachineInfo::rounding_mulhi says it is faster).
  // The per-channel mask and half-mask of qg_rdbpot are tables.
  Expr xs = t.any_left ? cast<int32_t>(cast<uint32_t>(acc) << cast<uint32_t>(t.left(o))) : acc;
  Expr hi;
  if (rounding_mulhi) {
    hi = rounding_mul_shift_right(xs, t.mult(o), 31);
  } else {
    Expr ab = cast<int64_t>(xs) * cast<int64_t>(t.mult(o));
    hi = cast<int32_t>((ab + (cast<int64_t>(1) << 30)) >> 31);
  }
  Expr rem = hi & t.mask(o);
  Expr threshold = t.half(o) + select(hi < 0, 1, 0);
  return (hi >> t.right(o)) + select(rem > threshold, 1, 0);
}

Expr add_wrapping(const Expr& a, const Expr& b) {
  return cast<int32_t>(cast<uint32_t>(a) + cast<uint32_t>(b));
}

// Depthwise: acc(o) = bias'(o) + Σ_{kx,ky} w(o, kx, ky) · in(o, ...), no
// reduction across channels, so no dot-product instruction: vectors over
// channels, the window unrolled.
// Bounds and strides of the padded HWC input (Cp × Wp × Hp) and the dense
// HWC output (O × OW × OH): constants, so Halide needs no bounds queries.
static void set_hwc_bounds(ImageParam& in, Func& out, const LinearSpec& s) {
  in.dim(0).set_bounds(0, s.Cp).set_stride(1);
  in.dim(1).set_bounds(0, s.Wp).set_stride(s.Cp);
  in.dim(2).set_bounds(0, s.Hp).set_stride(s.Cp * s.Wp);
  out.output_buffer().dim(0).set_bounds(0, s.O).set_stride(1);
  out.output_buffer().dim(1).set_bounds(0, s.OW).set_stride(s.O);
  out.output_buffer().dim(2).set_bounds(0, s.OH).set_stride(s.O * s.OW);
}

static Pipeline build_depthwise_i8(const LinearSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& in) {
  Buffer<int8_t> w(s.O, s.KW, s.KH, fn + "_w");
  Buffer<int32_t> bias(s.O, fn + "_bias");
  const RequantTables rq = requant_tables(s.mult, s.shift, fn);
  for (int o = 0; o < s.O; ++o) {
    int64_t wsum = 0;
    for (int ky = 0; ky < s.KH; ++ky)
      for (int kx = 0; kx < s.KW; ++kx) {
        const int8_t v = s.weight[static_cast<size_t>((o * s.KH + ky) * s.KW + kx)];
        w(o, kx, ky) = v;
        wsum += v;
      }
    bias(o) = static_cast<int32_t>(static_cast<uint32_t>(s.bias[static_cast<size_t>(o)]) -
                                   static_cast<uint32_t>(static_cast<int64_t>(s.in_zp + s.in_offset) * wsum));
  }
  Var o("o"), x("x"), y("y");
  Func acc(fn + "_acc"), out(fn);
  RDom r(0, s.KW, 0, s.KH, fn + "_r");
  acc(o, x, y) = bias(o);
  acc(o, x, y) += cast<int32_t>(w(o, r.x, r.y)) * cast<int32_t>(in(o, x * s.SW + r.x * s.DW, y * s.SH + r.y * s.DH));
  out(o, x, y) = cast<int8_t>(clamp(add_wrapping(requantize(acc(o, x, y), rq, o, false, m.rounding_mulhi), s.out_zp), s.act_min, s.act_max));
  set_hwc_bounds(in, out, s);
  schedule_depthwise_i8(out, acc, r, s, m);
  return Pipeline(out);
}

int padded_outputs(const LinearSpec& s, const MachineInfo& m) {
  if (s.depthwise || s.O % m.i32_lanes == 0) return s.O;
  return (s.O + m.i32_lanes - 1) / m.i32_lanes * m.i32_lanes;
}

Pipeline build_linear_i8(const LinearSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& in) {
  if (s.depthwise) return build_depthwise_i8(s, m, fn, in);
  // G channels per dot-product lane; CQ groups cover the C real channels (the
  // padded input has Cp >= G·CQ channels: Cp is a multiple of 4).
  const int G = m.dot_group, CQ = (s.C + G - 1) / G;
  // Channels O..Op-1: zero weights and bias, multiplier 0 (computed, never stored).
  Buffer<int8_t> w(G, s.Op, CQ, s.KW, s.KH, fn + "_w");
  Buffer<int32_t> bias(s.Op, fn + "_bias");
  std::vector<int32_t> mult = s.mult, shift = s.shift;
  mult.resize(static_cast<size_t>(s.Op), 0);
  shift.resize(static_cast<size_t>(s.Op), 0);
  const RequantTables rq = requant_tables(mult, shift, fn);
  for (int o = 0; o < s.Op; ++o) {
    int64_t wsum = 0;
    for (int ky = 0; ky < s.KH; ++ky)
      for (int kx = 0; kx < s.KW; ++kx)
        for (int c = 0; c < G * CQ; ++c) {
          const int8_t v = c < s.C && o < s.O ? s.weight[static_cast<size_t>(((o * s.KH + ky) * s.KW + kx) * s.C + c)] : int8_t{0};
          w(c % G, o, c / G, kx, ky) = v;
          wsum += v;
        }
    // Wraps exactly like the int32 accumulation of the C kernel.
    bias(o) = o < s.O ? static_cast<int32_t>(static_cast<uint32_t>(s.bias[static_cast<size_t>(o)]) -
                                             static_cast<uint32_t>(static_cast<int64_t>(s.in_zp + s.in_offset) * wsum))
                      : 0;
  }

  Var o("o"), x("x"), y("y");
  Func acc(fn + "_acc"), out(fn);
  if (s.dense) {
    RDom r(0, G, 0, CQ, fn + "_r");
    acc(o) = bias(o);
    acc(o) += cast<int32_t>(w(r.x, o, r.y, 0, 0)) * cast<int32_t>(in(r.y * G + r.x));
    out(o) = cast<int8_t>(clamp(add_wrapping(requantize(acc(o), rq, o, true, m.rounding_mulhi), s.out_zp), s.act_min, s.act_max));
    in.dim(0).set_bounds(0, s.Cp).set_stride(1);
    out.output_buffer().dim(0).set_bounds(0, s.O).set_stride(1);
    schedule_dense_i8(out, acc, r, s, m);
  } else {
    RDom r(0, G, 0, CQ, 0, s.KW, 0, s.KH, fn + "_r");
    acc(o, x, y) = bias(o);
    acc(o, x, y) += cast<int32_t>(w(r.x, o, r.y, r.z, r.w)) *
                    cast<int32_t>(in(r.y * G + r.x, x * s.SW + r.z * s.DW, y * s.SH + r.w * s.DH));
    out(o, x, y) = cast<int8_t>(clamp(add_wrapping(requantize(acc(o, x, y), rq, o, false, m.rounding_mulhi), s.out_zp), s.act_min, s.act_max));
    set_hwc_bounds(in, out, s);
    schedule_conv_i8(out, acc, r, s, m);
  }
  return Pipeline(out);
}

}  // namespace qg::codegen::halide
