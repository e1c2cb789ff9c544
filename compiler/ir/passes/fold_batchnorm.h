#pragma once
#include "ir/graph.h"

namespace qg::ir {
// Folds a batchnorm whose input is produced by a conv2d or dense (and used by
// nothing else) into that layer: w' = w·scale[o], b' = b·scale[o] + shift[o]
// (computed in double, rounded once to float).
Graph fold_batchnorm(Graph g);
}
