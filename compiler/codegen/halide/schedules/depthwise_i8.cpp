// Schedule of the int8 depthwise convolution: tiles of vo·no channels × tx
// columns whose int32 accumulators stay in registers while the (unrolled)
// window is summed; vectors over channels. There is no reduction across
// channels, so no dot-product instruction: widening multiplies and adds.
#include <algorithm>

#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_depthwise_i8(Func out, Func acc, const RDom& r, const LinearSpec& s, const MachineInfo& m) {
  Var o = out.args()[0], x = out.args()[1], y = out.args()[2];
  int vo = m.i32_lanes;
  while (s.O % vo) vo /= 2;
  // Half the accumulator budget: each tap also needs its input vectors.
  const TileShape t = tile_shape(s.O, vo, s.OW, m.accumulators / 2);
  const int no = t.no, tx = t.tx;
  Var oo("oo"), oi("oi"), xo("xo"), xi("xi");
  out.split(o, oo, oi, vo * no)
      .split(x, xo, xi, tx, TailStrategy::ShiftInwards)
      .reorder(oi, xi, oo, xo, y)
      .vectorize(oi, vo)
      .unroll(oi)
      .unroll(xi);
  acc.compute_at(out, oo);
  Var ai("ai"), ao("ao");
  acc.split(acc.args()[0], ao, ai, vo).vectorize(ai).unroll(ao).unroll(acc.args()[1]);
  Var ui("ui"), uo("uo");
  acc.update()
      .split(acc.args()[0], uo, ui, vo)
      .reorder(ui, uo, acc.args()[1], r.x, r.y, acc.args()[2])
      .vectorize(ui)
      .unroll(uo)
      .unroll(acc.args()[1])
      .unroll(r.x)
      .unroll(r.y);
}

}  // namespace qg::codegen::halide
