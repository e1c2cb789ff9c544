// The int8 max pool in Halide (schedule in schedules/maxpool_i8.cpp): the
// maximum over the window, taps outside the image reading -128 (so they never
// win, as the C kernel skips them), clamped to [act_min, act_max].
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

Pipeline build_maxpool_i8(const PoolSpec& s, const MachineInfo& m, const std::string& fn, ImageParam& in) {
  in.dim(0).set_bounds(0, s.C).set_stride(1);
  in.dim(1).set_bounds(0, s.W).set_stride(s.C);
  in.dim(2).set_bounds(0, s.H).set_stride(s.C * s.W);
  // Only a window that can leave the image needs the boundary condition.
  const bool inside = s.PT == 0 && s.PL == 0 && (s.OH - 1) * s.SH + s.KH <= s.H && (s.OW - 1) * s.SW + s.KW <= s.W;
  Func src = inside ? Func(in) : BoundaryConditions::constant_exterior(in, cast<int8_t>(-128));
  Var c("c"), x("x"), y("y");
  RDom r(0, s.KW, 0, s.KH, fn + "_r");
  Func mx(fn + "_max"), out(fn);
  mx(c, x, y) = cast<int8_t>(-128);
  mx(c, x, y) = max(mx(c, x, y), src(c, x * s.SW - s.PL + r.x, y * s.SH - s.PT + r.y));
  out(c, x, y) = clamp(mx(c, x, y), cast<int8_t>(s.act_min), cast<int8_t>(s.act_max));
  out.output_buffer().dim(0).set_bounds(0, s.C).set_stride(1);
  out.output_buffer().dim(1).set_bounds(0, s.OW).set_stride(s.C);
  out.output_buffer().dim(2).set_bounds(0, s.OH).set_stride(s.C * s.OW);
  schedule_maxpool_i8(out, mx, r, s, m);
  return Pipeline(out);
}

}  // namespace qg::codegen::halide
