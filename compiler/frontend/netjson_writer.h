// net.json v1 writer (docs/net-format.md): an imported float graph (before any
// pass) -> the JSON document and its weight file. Reading the result back with
// load_netjson gives the same graph: the same nodes, names, shapes and
// attributes, and the same weights bit for bit, so compiling either gives the
// same C.
//
//   conv2d    weight written back as OIHW; stride, padding [t, l, b, r],
//             dilation, groups
//   batchnorm the IR keeps per-channel (scale, shift); it is written as
//             scale = scale, bias = shift, mean = 0, var = 1 - 2^-10,
//             epsilon = 2^-10 (var + epsilon is exactly 1), which reads back to
//             the same numbers (only Attrs::epsilon, already applied, differs)
//   fused activations (TFLite imports) become a relu / relu6 layer after the
//             conv2d / dense, named "<layer>_relu" / "<layer>_relu6"; the
//             fuse_activations pass fuses them again.
// Int8 graphs and softmax with beta != 1 have no net.json v1 form (UserError).
#pragma once
#include <string>

#include "ir/graph.h"

namespace qg::frontend {

struct NetJsonFiles {
  std::string json;     // the net.json document
  std::string weights;  // the weight file: little-endian float32, tensors back to back
};

// `weights_name` is what the document's "weights" key says (a path relative to
// the net.json's folder).
NetJsonFiles to_netjson(const ir::Graph& g, const std::string& weights_name);

// Writes `json_path` and the weight file next to it (`<stem>.bin`; returned).
// Both files are written to temporary names first and renamed into place only
// when both are complete.
std::string write_netjson(const ir::Graph& g, const std::string& json_path);

}  // namespace qg::frontend
