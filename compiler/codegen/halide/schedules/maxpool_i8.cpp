// Schedule of the int8 max pool: vectors over channels (the widest int8
// vector dividing C; none below 8 channels), the window unrolled, computed
// per output pixel so the running maximum stays in a register.
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_maxpool_i8(Func out, Func mx, const RDom& r, const PoolSpec& s, const MachineInfo& m) {
  Var c = out.args()[0], x = out.args()[1];
  int v = m.i8_lanes;
  while (v >= 8 && s.C % v) v /= 2;
  mx.compute_at(out, x);
  if (v >= 8) {
    out.vectorize(c, v);
    mx.vectorize(mx.args()[0], v);
    mx.update().vectorize(mx.args()[0], v);
  }
  mx.update().unroll(r.x).unroll(r.y);
}

}  // namespace qg::codegen::halide
