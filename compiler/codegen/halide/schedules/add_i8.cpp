// Schedule of the int8 add: vectors of int32 lanes over the elements (the
// int64 steps of the requantization split them further), the last partial
// vector guarded (not shifted inwards: the planner may give the output the
// memory of an input, and each vector reads its inputs before it stores).
// No parallel loops.
#include "codegen/halide/linear_i8.h"

namespace qg::codegen::halide {

using namespace Halide;

void schedule_add_i8(Func out, const AddSpec& s, const MachineInfo& m) {
  if (s.N >= m.i32_lanes) out.vectorize(out.args()[0], m.i32_lanes, TailStrategy::GuardWithIf);
}

}  // namespace qg::codegen::halide
