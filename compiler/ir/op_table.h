// Every op is described once, here: its net.json name, arity, which attribute
// groups and parameters it accepts, shape inference and its MAC count. Later
// stages keep their own per-op tables (interpreter kernels, emitters) indexed
// by ir::Op, never a switch over ops.
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::ir {

enum AttrGroup : unsigned {
  kAttrWindow = 1u << 0,    // kernel, stride, padding, dilation
  kAttrKernelReq = 1u << 1, // `kernel` is required (pools); conv takes it from the weight
  kAttrGroups = 1u << 2,
  kAttrAxis = 1u << 3,
  kAttrShape = 1u << 4,
  kAttrCountPad = 1u << 5,
  kAttrEpsilon = 1u << 6,
  kAttrDilation = 1u << 7,
};

struct OpInfo {
  Op op;
  const char* name;
  int min_inputs, max_inputs;  // max -1: unbounded
  unsigned attrs;              // AttrGroup bits
  std::vector<const char*> params;  // parameter keys in net.json
  bool quantizable;            // has a reduction that the quant stage quantizes
  int rank_in;                 // required input rank (0: any)
  // Sets the output tensor's shape; reports bad shapes as user errors.
  void (*infer)(Graph& g, Node& n);
  int64_t (*macs)(const Graph& g, const Node& n);
  bool internal = false;       // made by passes/importers, not written in net.json
};

const OpInfo& op_info(Op op);
const OpInfo* find_op(const std::string& name);  // net.json ops only; nullptr if unknown
std::string known_op_names();                    // "conv2d, dense, ..." for messages

// Output size of a sliding window along one axis; 0 when it does not fit.
int64_t window_out(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t pad_lo, int64_t pad_hi);

}  // namespace qg::ir
