// Shared by the hls test files (test_hls.cpp, test_hls_models.cpp): where the
// ap_types headers are, the g++ flags of the C simulation, the skip when the
// headers or g++ are missing, and the testbench's input file format.
#pragma once
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "support/cbuild.h"
#include "support/skip.h"

namespace qgt_hls {

inline const std::string kAp = QGEN_HLS_AP_TYPES;

// Warnings: all of -Wall -Wextra as errors, plus -Wvla. -Wno-unknown-pragmas:
// g++ does not know `#pragma HLS`. At -O2 the vendor's ap_private default
// constructor reads its own uninitialized value (ap_private.h
// clearUnusedBits), which GCC reports through inlining into our code; so the
// warning-clean build is -O0, and the faster -O2 build used for the larger
// models also passes -Wno-uninitialized -Wno-maybe-uninitialized.
inline const std::string kWarn = "-Wall -Wextra -Werror -Wvla -Wno-unknown-pragmas";
inline const std::string kO0 = "-std=c++17 -O0 -ffp-contract=off " + kWarn;
inline const std::string kO2 = "-std=c++17 -O2 -ffp-contract=off " + kWarn + " -Wno-uninitialized -Wno-maybe-uninitialized";

inline bool have_ap_types() { return std::ifstream(kAp + "/ap_int.h").good(); }

// The testbench's input file: int8 codes, or float32 values, back to back.
inline std::string bytes_of(const std::vector<std::vector<float>>& inputs, bool i8) {
  std::string b;
  for (const auto& in : inputs)
    for (float v : in) {
      if (i8) {
        b.push_back(static_cast<char>(static_cast<int8_t>(v)));
      } else {
        char c[4];
        std::memcpy(c, &v, 4);
        b.append(c, 4);
      }
    }
  return b;
}

}  // namespace qgt_hls

#define REQUIRE_AP_TYPES()                                                                                             \
  do {                                                                                                                 \
    if (!qgt_hls::have_ap_types())                                                                                     \
      QGT_SKIP_MISSING("ap_types headers not found in " << qgt_hls::kAp << " (test fixture hls_fetch_ap_types)");     \
    if (!qgt::have_tool("g++")) QGT_SKIP("g++ not found");                                                             \
  } while (0)
