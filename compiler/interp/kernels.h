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

// Integer-only kernels (kernels_int8.cpp), used when the node's output is int8.
void k_linear_i8(const KernelArgs& a);
void k_add_i8(const KernelArgs& a);
void k_pool_i8(const KernelArgs& a);
void k_softmax_i8(const KernelArgs& a);
void k_quantize(const KernelArgs& a);
void k_dequantize(const KernelArgs& a);
inline bool int8_out(const KernelArgs& a) { return a.g.out(a.n).dtype == ir::DType::I8; }

}  // namespace qg::interp
