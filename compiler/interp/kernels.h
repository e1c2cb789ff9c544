// Interpreter kernels, one per op, in a table indexed by ir::Op.
#pragma once
#include <vector>

#include "interp/interp.h"

namespace qg::interp {

struct KernelArgs {
  const ir::Graph& g;
  const ir::Node& n;
  std::vector<const std::vector<float>*> in;  // internal layout
  std::vector<float>& out;
  bool quantized;  // run n.lq if present
};

using KernelFn = void (*)(const KernelArgs&);
KernelFn kernel_for(ir::Op op);

}  // namespace qg::interp
