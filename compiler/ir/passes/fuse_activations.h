#pragma once
#include "ir/graph.h"

namespace qg::ir {
// Fuses relu / relu6 into the conv2d or dense that produces its input when that
// output has no other user. Results are unchanged: the activation is applied
// to the same float value, only without a round trip through memory.
Graph fuse_activations(Graph g);
}
