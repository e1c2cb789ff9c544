// Tiny TFLite models built from scratch with flatbuffers (qgen's schema subset,
// so the bytes are what TFLite's converter would write for these fields), and
// the bad-input cases derived from them. Used by make_tflite_cases (writes the
// files for run_bad_cases.sh) and by the Catch2 tests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qgt {

// int8 FULLY_CONNECTED: input [1,4] -> dense(3, relu) -> output [1,3].
std::vector<uint8_t> tiny_int8_fc_model();
// The same with a bias of 2^31 - 51 and an output scale of 1e-45 (valid for
// the TFLite verifier): the int32 accumulator wraps, the requantization
// saturates (issue #18 D4).
// four_outputs: dense(4) instead of dense(3) (the Halide targets take it);
// big_bias = false keeps the bias of 100 (only the requantization saturates).
std::vector<uint8_t> tiny_int8_fc_overflow_model(bool four_outputs = false, bool big_bias = true);
// FULLY_CONNECTED (no activation) then LOGISTIC, int8: qgen's Sigmoid vs TFLite's reference kernel.
std::vector<uint8_t> tiny_int8_logistic_model();

struct BadCase {
  std::string name;     // file is <name>.tflite
  std::string path;     // location the error must name ("" = whole file)
  std::string message;  // substring of the error message
  std::vector<uint8_t> bytes;
};

std::vector<BadCase> bad_tflite_cases();

}  // namespace qgt
