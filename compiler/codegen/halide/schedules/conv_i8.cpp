// Schedule of the int8 convolution (all targets; sizes from MachineInfo).
//
// Output tile: `vo·no` output channels (no vectors of vo int32 lanes) × `tx`
// output columns; its accumulators stay in registers while the reduction
// runs over (channel group, kx, ky). The innermost reduction variable (G =
// MachineInfo::dot_group consecutive input channels) is vectorized atomically
// together with the output channels: a G·vo-lane widening multiply reduced
// by G — the pattern Halide lowers to vpdpbusd (x86 AVX-512 VNNI) or sdot
// (Arm dot product) for G = 4, to vpmaddwd for G = 2 (x86 without VNNI). Single
// thread (no parallel loops): the emitted `run` stays reentrant and
// runtime-free.
#include <algorithm>

#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

TileShape tile_shape(int O, int vo, int width, int budget) {
  TileShape best;
  double best_cost = 1e300;
  for (int no = 1; no <= 4; ++no) {
    if (O % (vo * no) || no > budget) continue;
    for (int tx = 1; tx <= std::min(width, budget / no); ++tx) {
      const double tiles = static_cast<double>((width + tx - 1) / tx) * (O / (vo * no));
      const double cost = tiles * (no * tx + 0.5 * (no + tx));
      if (cost < best_cost - 1e-9) {
        best_cost = cost;
        best = {no, tx};
      }
    }
  }
  return best;
}

int tile_output(Func out, Func acc, const LinearSpec& s, const MachineInfo& m, int budget) {
  Var o = out.args()[0], x = out.args()[1], y = out.args()[2];
  // Widest vector dividing the accumulator channel count (the backend takes O % 4 == 0).
  int vo = m.i32_lanes;
  while (s.Op % vo) vo /= 2;
  const TileShape t = tile_shape(s.Op, vo, s.OW, budget);
  Var oo("oo"), oi("oi"), xo("xo"), xi("xi");
  out.split(o, oo, oi, vo * t.no, s.O % (vo * t.no) ? TailStrategy::GuardWithIf : TailStrategy::Auto)
      .split(x, xo, xi, t.tx, TailStrategy::ShiftInwards)
      .reorder(oi, xi, oo, xo, y)
      .vectorize(oi, vo)
      .unroll(oi)
      .unroll(xi);
  acc.compute_at(out, oo);
  // RoundUp: a guarded tile of out needs fewer than vo channels of acc, which
  // still computes whole vectors (weights and tables span Op channels).
  Var ai("ai"), ao("ao");
  acc.split(acc.args()[0], ao, ai, vo, TailStrategy::RoundUp).vectorize(ai).unroll(ao).unroll(acc.args()[1]);
  return vo;
}

void schedule_conv_i8(Func out, Func acc, const RDom& r, const LinearSpec& s, const MachineInfo& m) {
  // Vectors of output channels (at most 4) and columns per tile.
  const int vo = tile_output(out, acc, s, m, m.accumulators);
  RVar ci(r.x), cq(r.y), kx(r.z), ky(r.w);
  Var ui("ui"), uo("uo");
  acc.update()
      .split(acc.args()[0], uo, ui, vo, TailStrategy::RoundUp)
      .reorder(ci, ui, uo, acc.args()[1], cq, kx, ky, acc.args()[2])
      .atomic()
      .vectorize(ci)
      .vectorize(ui)
      .unroll(uo)
      .unroll(acc.args()[1]);
}

}  // namespace qg::codegen::halide
