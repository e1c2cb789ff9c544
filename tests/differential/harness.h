// Builds a batch of models into one C program per (compiler, flags), runs it
// and compares every output bit-exactly with the reference interpreter.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "support/random_net.h"

namespace qgt {

struct DiffModel {
  std::string net_json, quant_json, prefix, label;
  std::vector<std::vector<float>> inputs;
  std::vector<std::vector<float>> calibration;  // scheme int8
  std::string model_file;  // compile this file (e.g. .tflite) instead of net_json (quant_json still applies)
};

struct Toolchain {
  std::string cc;     // "gcc", "clang", "aarch64-linux-gnu-gcc"; "arm-none-eabi-gcc": built for
                      // the Cortex-M7 board and run under qemu-system-arm (inputs and
                      // expected outputs embedded in the firmware)
  std::string flags;  // "-O0", "-O2", ...
  std::string target = "c";     // qgen --target the models are compiled for
  std::string features = "";    // qgen --target-features ("" = the target's default)
  std::string runner = "";      // prefix of the test program's command line, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu"
};

// Returns "" on success, else a description of the first failure (the temp
// dir is kept for inspection then).
// `extra`, if given, also checks each output of the emitted C (model m,
// input k) and returns "" or a failure description.
using ExtraCheck = std::function<std::string(size_t m, size_t k, const std::vector<float>& got)>;
// Models are compiled once per (target, features) among the toolchains; the
// program links every .c, .o and .a file of each emitted package.
// `objects`, if given, receives how many packages brought object files
// (Halide layers) per (target, features).
std::string run_differential(const std::vector<DiffModel>& models, const std::vector<Toolchain>& toolchains,
                             const std::string& tag, const ExtraCheck& extra = nullptr, int* objects = nullptr);

// Toolchains that run Cortex-M7 code (target cortex-m7): the board under QEMU
// plus the host compiler (the DSP primitives have a C fallback with identical
// results).
std::vector<Toolchain> m7_toolchains();

std::vector<Toolchain> default_toolchains();

// `count` random nets (support/random_net.h) from seed `first`, for one scheme:
//   "int8"  float nets made integer-only, calibrated on 8 random inputs,
//           weights of 8/4/2 bits by seed % 3;
//   "lq"    the generator's random LQ / DQ precision choices;
//   "float" no quantization.
// Prefix `prefix` + seed, `inputs` random inputs each. `tweak`, if given,
// adjusts the generator options of the k-th net.
std::vector<DiffModel> random_models(uint64_t first, int count, const std::string& scheme, const std::string& prefix, int inputs = 4,
                                     const std::function<void(int k, RandomNetOptions&)>& tweak = nullptr);

// A model file (`dir`/`file`, e.g. a .tflite) compiled with `quant_json`
// ("" for none), labelled by file and quant.json, with `count` random inputs
// of `size` values from `r`: int8 codes in [-128, 127] when `int8`, else
// floats in [-2, 2].
DiffModel file_model(const std::string& dir, const std::string& file, const std::string& prefix, bool int8,
                     const std::string& quant_json, size_t size, int count, Rng& r);

}  // namespace qgt
