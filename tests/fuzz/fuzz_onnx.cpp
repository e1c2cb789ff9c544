// ONNX: the input is the .onnx file; run as float and, when the length is
// odd, with scheme lq.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = qg::fuzz::write_file("m.onnx", data, size);
  qg::fuzz::run_model(p, size % 2 ? R"({"default": {"scheme": "lq"}})" : "");
  return 0;
}
