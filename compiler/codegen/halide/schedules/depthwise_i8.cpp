// Schedule of the int8 depthwise convolution: tiles of vo·no channels × tx
// columns whose int32 accumulators stay in registers while the (unrolled)
// window is summed; vectors over channels. There is no reduction across
// channels, so no dot-product instruction: widening multiplies and adds.
#include <algorithm>

#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

// Fewer channels than one vector holds (O = 8 or 4 with 16 int32 lanes):
// vectors of k = lanes / O neighbouring output pixels × all O channels (the
// channel and pixel loops fused), so the layer runs on full vectors: on an
// avx512_vnni_evex target a narrower vector could become a VEX dot product.
static bool fuse_pixels(const LinearSpec& s, const MachineInfo& m) {
  return s.O < m.i32_lanes && m.i32_lanes % s.O == 0 && s.OW >= m.i32_lanes / s.O;
}

bool depthwise_full_vectors(const LinearSpec& s, const MachineInfo& m) {
  return s.O % m.i32_lanes == 0 || fuse_pixels(s, m);
}

void schedule_depthwise_i8(Func out, Func acc, const RDom& r, const LinearSpec& s, const MachineInfo& m) {
  if (fuse_pixels(s, m)) {
    const int k = m.i32_lanes / s.O;
    Var o = out.args()[0], x = out.args()[1], y = out.args()[2];
    Var xo("xo"), xi("xi"), f("f"), af("af"), uf("uf");
    out.split(x, xo, xi, k, TailStrategy::ShiftInwards).reorder(o, xi, xo, y).fuse(o, xi, f).vectorize(f, m.i32_lanes);
    acc.compute_at(out, xo);
    Var ao = acc.args()[0], ax = acc.args()[1];
    acc.fuse(ao, ax, af).vectorize(af, m.i32_lanes);
    acc.update().reorder(ao, ax, r.x, r.y, acc.args()[2]).fuse(ao, ax, uf).vectorize(uf, m.i32_lanes).unroll(r.x).unroll(r.y);
    return;
  }
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
