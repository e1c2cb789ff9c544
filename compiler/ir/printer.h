#pragma once
#include <string>

#include "ir/graph.h"

namespace qg::ir {
// Text form of the IR, for --dump-after=STAGE and for tests.
std::string print_graph(const Graph& g);
}
