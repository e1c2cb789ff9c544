// The int8 max and average pools in Halide (schedule in
// schedules/maxpool_i8.cpp). Max: the maximum over the window, taps outside
// the image reading -128 (so they never win, as the C kernel skips them),
// clamped to [act_min, act_max]. Average (windows inside the image only,
// select::halide_handles): the sum of the KH·KW taps divided by KH·KW with
// templates/pool2d_i8.c's rounding (half away from zero; C's division
// truncates toward zero, Halide's rounds toward −∞, so the non-positive case
// divides the negated sum), clamped.
#include "codegen/halide/linear_i8.h"
#include "ir/diag.h"

namespace qg::codegen::halide {

using namespace Halide;

Pipeline build_pool_i8(const PoolSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& in) {
  in.dim(0).set_bounds(0, s.C).set_stride(1);
  in.dim(1).set_bounds(0, s.W).set_stride(s.C);
  in.dim(2).set_bounds(0, s.H).set_stride(s.C * s.W);
  // Only a window that can leave the image needs the boundary condition.
  const bool inside = s.PT == 0 && s.PL == 0 && (s.OH - 1) * s.SH + s.KH <= s.H && (s.OW - 1) * s.SW + s.KW <= s.W;
  QG_CHECK(!s.avg || inside, "Halide average pool with a window outside the image: " + fn);
  Func src = inside ? Func(in) : BoundaryConditions::constant_exterior(in, cast<int8_t>(-128));
  Var c("c"), x("x"), y("y");
  RDom r(0, s.KW, 0, s.KH, fn + "_r");
  Func red(fn + (s.avg ? "_sum" : "_max")), out(fn);
  Expr tap = src(c, x * s.SW - s.PL + r.x, y * s.SH - s.PT + r.y);
  if (s.avg) {
    const int count = s.KH * s.KW;
    const Type t = count <= 255 ? Int(16) : Int(32);  // |sum| <= 128 * count
    red(c, x, y) = cast(t, 0);
    red(c, x, y) += cast(t, tap);
    Expr sum = cast<int32_t>(red(c, x, y));
    Expr avg = select(sum > 0, (sum + count / 2) / count, -((count / 2 - sum) / count));
    out(c, x, y) = cast<int8_t>(clamp(avg, s.act_min, s.act_max));
  } else {
    red(c, x, y) = cast<int8_t>(-128);
    red(c, x, y) = max(red(c, x, y), tap);
    out(c, x, y) = clamp(red(c, x, y), cast<int8_t>(s.act_min), cast<int8_t>(s.act_max));
  }
  out.output_buffer().dim(0).set_bounds(0, s.C).set_stride(1);
  out.output_buffer().dim(1).set_bounds(0, s.OW).set_stride(s.C);
  out.output_buffer().dim(2).set_bounds(0, s.OH).set_stride(s.C * s.OW);
  schedule_pool_i8(out, red, r, s, m);
  return Pipeline(out);
}

}  // namespace qg::codegen::halide
