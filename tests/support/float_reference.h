// A straightforward float64 evaluation of an imported graph (before any
// pass), independent of the interpreter's kernels: the yardstick for float
// mode (emitted C within 1e-5 relative).
#pragma once
#include <vector>

#include "ir/graph.h"

namespace qgt {
std::vector<double> float_reference(const qg::ir::Graph& g, const std::vector<float>& input);
}
