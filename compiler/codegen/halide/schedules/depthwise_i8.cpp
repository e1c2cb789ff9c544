// Schedule of the int8 depthwise convolution: tiles of vo·no channels × tx
// columns whose int32 accumulators stay in registers while the (unrolled)
// window is summed; vectors over channels. There is no reduction across
// channels, so no dot-product instruction: widening multiplies and adds.
#include <algorithm>

#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_depthwise_i8(Func out, Func acc, const RDom& r, const LinearSpec& s, const MachineInfo& m) {
  // Half the accumulator budget: each tap also needs its input vectors.
  const int vo = tile_output(out, acc, s, m, m.accumulators / 2);
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
