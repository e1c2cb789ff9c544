// TensorFlow Lite importer: reads a .tflite flatbuffer (schema version 3,
// float32 or full-integer int8) into the IR. The file is checked by the
// flatbuffers Verifier before anything is read, and every index, size and shape
// in it is bounds-checked, so a corrupt file is one UserError, never an
// out-of-bounds read.
//
// Mapping (subgraph 0; exactly one input and one output; batch 1):
//   shapes        [1,H,W,C] -> {H,W,C} (Graph.layout = HWC), [1,N] or [N] -> {N}
//   tensors       FLOAT32 -> DType::F32; INT8 -> DType::I8 with per-tensor
//                 (scale, zero point). Other types are errors.
//   CONV_2D       conv2d, weight OHWI = TFLite's filter layout; SAME/VALID ->
//                 explicit pads; a filter with C/g input channels -> groups g
//   DEPTHWISE_CONV_2D  conv2d with groups = C, filter [1,kh,kw,C*m] ->
//                 OHWI {C*m,kh,kw,1}
//   FULLY_CONNECTED    dense (a flatten is inserted when the input is not a vector)
//   ADD, AVERAGE_POOL_2D, MAX_POOL_2D, SOFTMAX (attrs.beta), RESHAPE (flatten
//                 when the target is a vector, else reshape)
//   fused RELU / RELU6 -> Node::act on conv2d / dense and on every int8 node;
//                 on float add / pools (whose float kernels have no fused
//                 activation) an explicit relu / relu6 node follows instead.
// Int8 conv2d / dense: quant.scheme = Int8 and Node::il holds the int8 weights
// (same OHWI / [O][I] order), per-output-channel scales and int32 bias; every
// other int8 node also gets quant.scheme = Int8. Float models with int8
// filters (TFLite "hybrid" / dynamic-range models) get the filters dequantized
// to float at import.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "ir/graph.h"

namespace qg::frontend {

// Reads `path`; the graph is named after the file stem.
ir::Graph load_tflite(const std::string& path);

// Same, from bytes in memory; `label` names the file in messages.
ir::Graph parse_tflite(const uint8_t* data, size_t size, const std::string& label, const std::string& name);

// "CONV_2D, DEPTHWISE_CONV_2D, ..." for messages.
const char* tflite_supported_operators();

}  // namespace qg::frontend
