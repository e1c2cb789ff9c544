// TFLite: the input is the .tflite file (int8 models run as imported).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = qg::fuzz::write_file("m.tflite", data, size);
  qg::fuzz::run_model(p, "");
  return 0;
}
