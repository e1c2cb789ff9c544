// The int8 add in Halide (TFLite semantics, as templates/add_i8.c; schedule
// in schedules/add_i8.cpp): each input minus its zero point, shifted left by
// left_shift (through uint32, as the C kernel), rescaled by qg_mbqm to the
// common scale; the sum (wrapping through uint32) requantized by qg_mbqm,
// plus the output zero point (wrapping), clamped. Every constant is fixed
// in the pipeline. Overflow: |a - zp| <= 255, so (a - zp) << left_shift
// fits int32 for left_shift <= 22 (TFLite uses 20; larger shifts wrap in
// uint32 exactly as the C kernel's do); the rest is requantize() and
// add_wrapping(), whose bounds docs/halide.md lists.
// MachineInfo::add_tables (x86): the two input rescalings depend on one int8
// value each, so they are 256-entry int32 tables computed here with the
// runtime's own qg_mbqm (the C kernel's expression), indexed by the input.
#include "codegen/halide/linear_i8.h"
#include "runtime/qg_runtime.h"

namespace qg::codegen::halide {

using namespace Halide;

Pipeline build_add_i8(const AddSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& a, ImageParam& b) {
  const RequantTables t1 = requant_tables({s.m1}, {s.s1}, fn + "_1"), t2 = requant_tables({s.m2}, {s.s2}, fn + "_2"),
                      to = requant_tables({s.mo}, {s.so}, fn + "_o");
  Var i("i");
  Func out(fn);
  const Expr v1 = cast<int32_t>(a(i)) - s.zp1, v2 = cast<int32_t>(b(i)) - s.zp2;
  const Expr l = cast<uint32_t>(s.left_shift);
  Expr x1 = requantize(cast<int32_t>(cast<uint32_t>(v1) << l), t1, 0, false, m.rounding_mulhi);
  Expr x2 = requantize(cast<int32_t>(cast<uint32_t>(v2) << l), t2, 0, false, m.rounding_mulhi);
  if (m.add_tables) {
    Buffer<int32_t> lut1(256, fn + "_lut1"), lut2(256, fn + "_lut2");
    for (int q = -128; q < 128; ++q) {
      const auto shifted = [&](int zp) { return static_cast<int32_t>(static_cast<uint32_t>(q - zp) << s.left_shift); };
      lut1(q & 255) = qg_mbqm(shifted(s.zp1), s.m1, s.s1);
      lut2(q & 255) = qg_mbqm(shifted(s.zp2), s.m2, s.s2);
    }
    x1 = lut1(cast<int32_t>(cast<uint8_t>(a(i))));
    x2 = lut2(cast<int32_t>(cast<uint8_t>(b(i))));
  }
  const Expr r = add_wrapping(requantize(add_wrapping(x1, x2), to, 0, false, m.rounding_mulhi), s.out_zp);
  out(i) = cast<int8_t>(clamp(r, s.act_min, s.act_max));
  a.dim(0).set_bounds(0, s.N).set_stride(1);
  b.dim(0).set_bounds(0, s.N).set_stride(1);
  out.output_buffer().dim(0).set_bounds(0, s.N).set_stride(1);
  schedule_add_i8(out, s, m);
  return Pipeline(out);
}

}  // namespace qg::codegen::halide
