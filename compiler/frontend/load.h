// Model loading by file extension: .json -> net.json (netjson.h), .tflite ->
// TensorFlow Lite (tflite.h), .onnx -> ONNX (onnx.h). Anything else is a user
// error listing the formats.
#pragma once
#include <string>

#include "ir/graph.h"

namespace qg::frontend {

ir::Graph load_model(const std::string& path);

// "net.json (.json), TensorFlow Lite (.tflite)" for messages and --help.
const char* supported_model_formats();

}  // namespace qg::frontend
