// Schedule of the int8 dense layer (all targets; sizes from MachineInfo).
//
// Every weight is used once, so the layer streams its weights: tiles of up
// to 4 vectors of output channels, each an independent accumulator chain,
// the reduction over channel groups outside them. The G channels of a group
// (MachineInfo::dot_group) are vectorized atomically with the output channels (vpdpbusd / sdot), as
// in the convolution.
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_dense_i8(Func out, Func acc, const RDom& r, const LinearSpec& s, const MachineInfo& m) {
  Var o = out.args()[0];
  int vo = m.i32_lanes;
  while (s.Op % vo) vo /= 2;
  int no = 1;
  for (int k = 4; k >= 1; --k)
    if (s.Op % (vo * k) == 0) {
      no = k;
      break;
    }
  Var oo("oo"), oi("oi");
  // Padded channels (O < Op): the last tile of `out` is guarded, `acc` computes whole vectors.
  out.split(o, oo, oi, vo * no, s.O % (vo * no) ? TailStrategy::GuardWithIf : TailStrategy::Auto).vectorize(oi, vo).unroll(oi);
  acc.compute_at(out, oo);
  Var ai("ai"), ao("ao");
  acc.split(acc.args()[0], ao, ai, vo, TailStrategy::RoundUp).vectorize(ai).unroll(ao);
  RVar ci(r.x), cq(r.y);
  Var ui("ui"), uo("uo");
  acc.update().split(acc.args()[0], uo, ui, vo, TailStrategy::RoundUp).reorder(ci, ui, uo, cq).atomic().vectorize(ci).vectorize(ui).unroll(uo);
}

}  // namespace qg::codegen::halide
