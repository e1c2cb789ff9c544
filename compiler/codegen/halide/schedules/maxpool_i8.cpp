// Schedule of the int8 max and average pools: vectors over channels (the
// widest vector of the reduction's type dividing C; none below 8 channels),
// the window's columns unrolled (all taps for a max pool), computed per output
// pixel so the running maximum or sum stays in registers.
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_pool_i8(Func out, Func red, const RDom& r, const PoolSpec& s, const MachineInfo& m) {
  Var c = out.args()[0], x = out.args()[1];
  const int bytes = red.output_types()[0].bytes();
  int v = m.i8_lanes / bytes;
  while (v >= 8 && s.C % v) v /= 2;
  red.compute_at(out, x);
  if (v >= 8) {
    out.vectorize(c, v);
    red.vectorize(red.args()[0], v);
    red.update().vectorize(red.args()[0], v);
  }
  red.update().unroll(r.x);
  if (!s.avg) red.update().unroll(r.y);
}

}  // namespace qg::codegen::halide
