// Cortex-M7 target: the emitted code (DSP SIMD and packed sub-byte kernels
// where they apply, portable kernels elsewhere) built with arm-none-eabi-gcc,
// run on QEMU's mps2-an500 board and compared bit for bit with the
// interpreter, on the target itself; the same sources also built for the host
// (the DSP primitives' C fallback) must agree.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "differential/harness.h"
#include "support/cbuild.h"

namespace {

const std::string kModels = std::string(QGEN_SOURCE_DIR) + "/../shared/models";

// Random float nets quantized with scheme int8 (per-channel 8/4/2-bit weights:
// the packed kernels) or LQ/DQ (every bit width and region kind).
std::vector<qgt::DiffModel> random_models(uint64_t first, int count, bool int8) {
  std::vector<qgt::DiffModel> models;
  for (int k = 0; k < count; ++k) {
    const uint64_t seed = first + static_cast<uint64_t>(k);
    qgt::RandomNetOptions opt;
    opt.quantized = !int8;
    qgt::RandomNet rn = qgt::random_net(seed, opt);
    qgt::DiffModel m;
    m.net_json = rn.net_json;
    m.prefix = (int8 ? "m7i" : "m7q") + std::to_string(seed);
    m.label = std::string(int8 ? "int8" : "LQ/DQ") + " net seed " + std::to_string(seed);
    if (int8) {
      const int wb[3] = {8, 4, 2};
      m.quant_json = "{\"default\": {\"scheme\": \"int8\", \"w_bits\": " + std::to_string(wb[seed % 3]) + "}}";
      for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(seed * 31 + static_cast<uint64_t>(c), rn.input_size, c % 2 ? 0 : 3));
    } else {
      m.quant_json = rn.quant_json;
    }
    for (int kind = 0; kind < 3; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace

TEST_CASE("cortex-m7: random integer-only nets (8/4/2-bit weights) equal the interpreter on the board", "[m7]") {
  const std::string err = qgt::run_differential(random_models(910000, 24, true), qgt::m7_toolchains(), "m7i8");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: random LQ/DQ and float nets equal the interpreter on the board", "[m7]") {
  std::vector<qgt::DiffModel> ms = random_models(1000, 25, false);
  qgt::RandomNetOptions opt;
  opt.quantized = false;
  for (uint64_t seed : {500000u, 500001u, 500002u}) {
    qgt::RandomNet rn = qgt::random_net(seed, opt);
    qgt::DiffModel m;
    m.net_json = rn.net_json;
    m.prefix = "m7f" + std::to_string(seed);
    m.label = "float net seed " + std::to_string(seed);
    for (int kind = 0; kind < 3; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
    ms.push_back(std::move(m));
  }
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7lq");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: MLPerf Tiny int8 models equal the interpreter on the board (real inputs)", "[m7][tflite]") {
  if (!std::filesystem::exists(kModels + "/mlperf-tiny/kws_ref_model.tflite")) {
    WARN("shared models not found: skipped");
    return;
  }
  std::vector<qgt::DiffModel> ms;
  qgt::Rng r(42);
  auto model = [&](const std::string& file, const std::string& prefix, int64_t in_size, int random_inputs) {
    qgt::DiffModel m;
    m.model_file = kModels + "/" + file;
    m.prefix = prefix;
    m.label = file;
    for (int k = 0; k < random_inputs; ++k) {
      std::vector<float> in(static_cast<size_t>(in_size));
      for (float& v : in) v = static_cast<float>(r.uniform(-128, 127));
      m.inputs.push_back(in);
    }
    return m;
  };
  qgt::DiffModel kws = model("mlperf-tiny/kws_ref_model.tflite", "kws", 490, 3);
  kws.inputs.insert(kws.inputs.begin(), qgt::read_i8_as_float(kModels + "/mlperf-tiny/kws_input0.int8.bin"));
  ms.push_back(kws);
  ms.push_back(model("mlperf-tiny/pretrainedResnet_quant.tflite", "resnet8", 32 * 32 * 3, 2));
  ms.push_back(model("mlperf-tiny/vww_96_int8.tflite", "vww", 96 * 96 * 3, 1));
  qgt::DiffModel ad = model("mlperf-tiny/ad01_int8.tflite", "ad01", 640, 2);
  {
    // Real spectrogram windows, quantized with the model's input parameters (TFLite: round half away, clamp).
    const std::vector<float> all = qgt::read_floats(kModels + "/mlperf-tiny/ad_input0.f32.bin");
    REQUIRE(all.size() == 40 * 640);
    for (size_t w = 0; w < 40; w += 10) {
      std::vector<float> q;
      for (size_t i = 0; i < 640; ++i)
        q.push_back(static_cast<float>(std::min(127L, std::max(-128L, std::lround(all[w * 640 + i] / 0x1.90664cp-2f) + 89))));
      ad.inputs.push_back(q);
    }
  }
  ms.push_back(ad);
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7tflite");
  if (!err.empty()) FAIL(err);
}
