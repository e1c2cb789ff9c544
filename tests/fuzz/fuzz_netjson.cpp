// net.json + weights: the input is the net.json text, optionally followed by
// a NUL byte and the weight file's bytes (written as w.bin; the seeds name it
// so). The input's length modulo 3 picks float, scheme lq or scheme int8.
#include <algorithm>
#include <cstring>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t json_len = nul ? static_cast<size_t>(nul - data) : size;
  const std::string net = qg::fuzz::write_file("net.json", data, json_len);
  const size_t wlen = nul ? size - json_len - 1 : 0;
  qg::fuzz::write_file("w.bin", nul ? nul + 1 : data, wlen);
  static const char* const kConfigs[] = {"", R"({"default": {"scheme": "lq"}})", R"({"default": {"scheme": "int8"}})"};
  qg::fuzz::run_model(net, kConfigs[size % 3]);
  return 0;
}
