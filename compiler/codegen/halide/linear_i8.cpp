// The int8 convolution / dense algorithm in Halide (schedules are separate).
//
// The glue has already written the input to a padded buffer `in` (c, x, y):
// value x + in_offset, padding and extra channels = in_zp + in_offset, so
//   Σ w·(x − zp) = Σ w·in − (zp + in_offset)·Σ w
// over every tap (padding taps contribute w·0), and the constant part is
// folded into the bias at compile time. Weights are repacked as
// w(ci, o, cq, kx, ky) with channel c = 4·cq + ci (zero for c >= C): a vector
// of 4 consecutive channels × V output channels is one contiguous load, the
// operand shape of vpdpbusd (x86 VNNI) and sdot (Arm dot product).
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

Expr requantize(const Expr& acc, const Expr& mult, const Expr& shift, bool single_rounding) {
  if (single_rounding) {  // qg_mbqm_single: (x·m + 2^(30−s)) >> (31 − s)
    Expr total = cast<int64_t>(31 - shift);
    Expr r = cast<int64_t>(acc) * cast<int64_t>(mult) + (cast<int64_t>(1) << (total - 1));
    return cast<int32_t>(r >> total);
  }
  // qg_mbqm: qg_rdbpot(qg_srdhm(x << left, m), right). qg_srdhm rounds half
  // toward +inf ((ab + 2^30) >> 31 with an arithmetic shift equals its
  // truncating division with a sign-dependent nudge); its one saturating case
  // (both operands INT32_MIN) cannot occur: multipliers are >= 0.
  Expr left = max(shift, 0), right = max(-shift, 0);
  Expr xs = cast<int32_t>(cast<uint32_t>(acc) << cast<uint32_t>(left));
  Expr ab = cast<int64_t>(xs) * cast<int64_t>(mult);
  Expr hi = cast<int32_t>((ab + (cast<int64_t>(1) << 30)) >> 31);
  Expr mask = cast<int32_t>((cast<int64_t>(1) << cast<int64_t>(right)) - 1);
  Expr rem = hi & mask;
  Expr threshold = (mask >> 1) + select(hi < 0, 1, 0);
  return (hi >> right) + select(rem > threshold, 1, 0);
}

Pipeline build_linear_i8(const LinearSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& in) {
  const int CQ = s.Cp / 4;
  Buffer<int8_t> w(4, s.O, CQ, s.KW, s.KH, fn + "_w");
  Buffer<int32_t> bias(s.O, fn + "_bias"), mult(s.O, fn + "_mult"), shift(s.O, fn + "_shift");
  for (int o = 0; o < s.O; ++o) {
    int64_t wsum = 0;
    for (int ky = 0; ky < s.KH; ++ky)
      for (int kx = 0; kx < s.KW; ++kx)
        for (int c = 0; c < s.Cp; ++c) {
          const int8_t v = c < s.C ? s.weight[static_cast<size_t>(((o * s.KH + ky) * s.KW + kx) * s.C + c)] : int8_t{0};
          w(c % 4, o, c / 4, kx, ky) = v;
          wsum += v;
        }
    // Wraps exactly like the int32 accumulation of the C kernel.
    bias(o) = static_cast<int32_t>(static_cast<uint32_t>(s.bias[static_cast<size_t>(o)]) -
                                   static_cast<uint32_t>(static_cast<int64_t>(s.in_zp + s.in_offset) * wsum));
    mult(o) = s.mult[static_cast<size_t>(o)];
    shift(o) = s.shift[static_cast<size_t>(o)];
  }

  Var o("o"), x("x"), y("y");
  Func acc(fn + "_acc"), out(fn);
  if (s.dense) {
    RDom r(0, 4, 0, CQ, fn + "_r");
    acc(o) = bias(o);
    acc(o) += cast<int32_t>(w(r.x, o, r.y, 0, 0)) * cast<int32_t>(in(r.y * 4 + r.x));
    out(o) = cast<int8_t>(clamp(requantize(acc(o), mult(o), shift(o), true) + s.out_zp, s.act_min, s.act_max));
    in.dim(0).set_bounds(0, s.Cp).set_stride(1);
    out.output_buffer().dim(0).set_bounds(0, s.O).set_stride(1);
    schedule_dense_i8(out, acc, r, s, m);
  } else {
    RDom r(0, 4, 0, CQ, 0, s.KW, 0, s.KH, fn + "_r");
    acc(o, x, y) = bias(o);
    acc(o, x, y) += cast<int32_t>(w(r.x, o, r.y, r.z, r.w)) *
                    cast<int32_t>(in(r.y * 4 + r.x, x * s.SW + r.z * s.DW, y * s.SH + r.w * s.DH));
    out(o, x, y) = cast<int8_t>(clamp(requantize(acc(o, x, y), mult(o), shift(o), false) + s.out_zp, s.act_min, s.act_max));
    in.dim(0).set_bounds(0, s.Cp).set_stride(1);
    in.dim(1).set_bounds(0, s.Wp).set_stride(s.Cp);
    in.dim(2).set_bounds(0, s.Hp).set_stride(s.Cp * s.Wp);
    out.output_buffer().dim(0).set_bounds(0, s.O).set_stride(1);
    out.output_buffer().dim(1).set_bounds(0, s.OW).set_stride(s.O);
    out.output_buffer().dim(2).set_bounds(0, s.OH).set_stride(s.O * s.OW);
    schedule_conv_i8(out, acc, r, s, m);
  }
  return Pipeline(out);
}

}  // namespace qg::codegen::halide
