// net.json + weights: the input is the net.json text, optionally followed by
// a NUL byte and the weight file's bytes (written as w.bin; the seeds name it
// so). The input's length modulo 3 picks float, scheme lq or scheme int8.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "fuzz_common.h"

namespace {
// Valid nets can be huge (examples/vgg16-shapes: 138 M random weights, 10+ s
// to generate under ASan): skipped before import when any "shape" array
// multiplies to more than 2^22 elements. Only sizes are skipped, never an
// error path (a shape that is not an array of small integers is kept).
bool shapes_small(const nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "shape" && it.value().is_array()) {
        double n = 1;
        for (const auto& d : it.value())
          if (d.is_number()) n *= std::max(1.0, std::abs(d.get<double>()));
        if (n > double(1 << 22)) return false;
      }
      if (!shapes_small(it.value())) return false;
    }
  } else if (j.is_array()) {
    for (const auto& e : j)
      if (!shapes_small(e)) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t json_len = nul ? static_cast<size_t>(nul - data) : size;
  const nlohmann::json pre = nlohmann::json::parse(data, data + json_len, nullptr, false);
  if (!pre.is_discarded() && !shapes_small(pre)) return 0;
  const std::string net = qg::fuzz::write_file("net.json", data, json_len);
  const size_t wlen = nul ? size - json_len - 1 : 0;
  qg::fuzz::write_file("w.bin", nul ? nul + 1 : data, wlen);
  static const char* const kConfigs[] = {"", R"({"default": {"scheme": "lq"}})", R"({"default": {"scheme": "int8"}})"};
  qg::fuzz::run_model(net, kConfigs[size % 3]);
  return 0;
}
