// ONNX importer: reads a .onnx file (a protobuf ModelProto; float32, batch 1)
// into the IR. Every problem is one UserError naming the file and the ONNX
// node (`model.onnx: node 'Conv_3' (op LSTM): unsupported: LSTM ×1 (...)`, every
// unsupported operator of the model listed with its count) or
// graph input / initializer it is about.
//
// Mapping (NCHW, batch 1; the graph gets layout CHW, or C for a [N, F] input):
//   tensors   [1,C,H,W] -> internal {H,W,C}; [1,N] -> {N}. The batch dimension
//             may be 1 or symbolic; every other dimension must be static.
//             Only float32 activations and weights.
//   Conv      conv2d (group, strides, pads, dilations, auto_pad NOTSET / VALID /
//             SAME_UPPER / SAME_LOWER); OIHW weights -> OHWI
//   ConvTranspose (group 1; strides, pads, output_padding, dilations; auto_pad
//             NOTSET / VALID; no output_shape) -> pad (stride - 1 zeros between
//             pixels, the border) + stride-1 conv2d with the flipped weight,
//             named after the node
//   Gemm      dense (transA = 0; transB 0 or 1; alpha folded into the weight,
//             beta into the bias; C of shape [N], [1,N] or a scalar)
//   MatMul    dense: [1,K] x constant [K,N]; a following Add of a constant
//             [N] / [1,N] becomes its bias (also after Conv and Gemm without
//             bias: [1,C,1,1] / [C,1,1] and [N] / [1,N])
//   Relu, Clip [0,6] -> relu6 ([0,inf) -> relu), MaxPool, AveragePool
//             (count_include_pad), GlobalAveragePool, Add (equal shapes),
//             Concat, BatchNormalization (-> batchnorm: per-channel scale and
//             shift, computed as net.json does; fold_batchnorm folds it later),
//             Flatten (axis 0/1), Reshape (constant shape; 0 and -1) -> flatten /
//             reshape, Softmax over the channel axis, Sigmoid, Tanh
//   HardSigmoid (alpha 1/6, beta 0.5: PyTorch's) -> hardsigmoid, HardSwish
//   Mul, Sub, Div, Min, Max (2 computed inputs of equal rank, broadcasting)
//   ReduceMean over [2, 3] -> global_avgpool (+ flatten without keepdims);
//             GlobalMaxPool -> maxpool2d over the whole image
//   MaxPool / AveragePool ceil_mode: the extra trailing windows as trailing pads
//   Slice (one axis, step 1), Split -> slice per used output
//   Reshape [1,C,H,W] -> [1,G,C/G,H,W], Transpose [0,2,1,3,4], Reshape back
//             (a channel shuffle) -> channel_shuffle; no other 5-D use
//   Pad with all-zero pads, Identity, Dropout  dropped
//   Constant, and Shape / Gather / Unsqueeze / Squeeze / Concat / Reshape /
//             Cast / Identity / Add / Sub / Mul / Div / Slice (rank 1) on
//             constant values (the
//             `x.view(x.size(0), -1)` chain, a chunk's bounds) are evaluated
//             at import.
// An operator without a row is reported with all the others of the model in
// one message (`unsupported: LSTM ×3, Erf ×1`).
// Node and tensor names: an IR node is named after its ONNX node (or its first
// output when the node has no name), made unique; its output tensor has the
// same name. ir::op_info(op).infer runs on every node and the result is checked
// against the shapes the model declares (value_info, graph outputs).
#pragma once
#include <cstddef>
#include <string>

#include "ir/graph.h"

namespace qg::frontend {

// Reads `path`; the graph is named after the file stem.
ir::Graph load_onnx(const std::string& path);

// Same, from bytes in memory; `label` names the file in messages.
ir::Graph parse_onnx(const void* data, size_t size, const std::string& label, const std::string& name);

// "Add, AveragePool, ..." for messages.
const char* onnx_supported_operators();

}  // namespace qg::frontend
