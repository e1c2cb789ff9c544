#include "frontend/load.h"

#include <filesystem>

#include "frontend/netjson.h"
#include "frontend/onnx.h"
#include "frontend/tflite.h"
#include "ir/diag.h"

namespace qg::frontend {

const char* supported_model_formats() { return "qgen net.json (.json), TensorFlow Lite (.tflite), ONNX (.onnx)"; }

ir::Graph load_model(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (ext == ".json") {
    // net.json text is UTF-8 checked by the JSON parser; the model name may come from the file name.
    ir::Graph g = load_netjson(path);
    ir::check_names_utf8(g, path);
    return g;
  }
  if (ext == ".tflite") return load_tflite(path);
  if (ext == ".onnx") return load_onnx(path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) user_error(path, "", "is a directory, not a model file");
  user_error(path, "",
             (ext.empty() ? std::string("has no file extension") : "unknown model format '" + printable_name(ext) + "'") +
                 "; supported: " + supported_model_formats());
}

}  // namespace qg::frontend
