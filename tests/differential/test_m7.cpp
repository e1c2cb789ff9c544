// Cortex-M7 target: the emitted code (DSP SIMD and packed sub-byte kernels
// where they apply, portable kernels elsewhere) built with arm-none-eabi-gcc,
// run on QEMU's mps2-an500 board and compared bit for bit with the
// interpreter, on the target itself; the same sources also built for the host
// (the DSP primitives' C fallback) must agree.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <map>

#include "differential/harness.h"
#include "support/cbuild.h"
#include "support/skip.h"

namespace {

const std::string kModels = qgt::models_dir();

}  // namespace

TEST_CASE("cortex-m7: random integer-only nets (8/4/2-bit weights) equal the interpreter on the board", "[m7]") {
  const std::string err = qgt::run_differential(qgt::random_models(910000, 24, "int8", "m7i", 3), qgt::m7_toolchains(), "m7i8");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: random LQ/DQ and float nets equal the interpreter on the board", "[m7]") {
  std::vector<qgt::DiffModel> ms = qgt::random_models(1000, 25, "lq", "m7q", 3);
  for (qgt::DiffModel& m : qgt::random_models(500000, 3, "float", "m7f", 3)) ms.push_back(std::move(m));
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7lq");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: MLPerf Tiny int8 models equal the interpreter on the board (real inputs)", "[m7][tflite]") {
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_input0.int8.bin",
                                                            "mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/vww_96_int8.tflite",
                                                            "mlperf-tiny/ad01_int8.tflite", "mlperf-tiny/ad_input0.f32.bin"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
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

// The sets above reach every Cortex-M7 kernel family (else they could pass
// with the portable kernels alone).
TEST_CASE("cortex-m7: the random nets above reach every DSP and packed kernel family", "[m7]") {
  std::vector<qgt::DiffModel> ms = qgt::random_models(910000, 24, "int8", "m7i", 0);
  for (qgt::DiffModel& m : qgt::random_models(1000, 25, "lq", "m7q", 0)) ms.push_back(std::move(m));
  std::map<std::string, int> count;
  const std::vector<std::string> families = {"conv2d_a8w8_smlad__cortex_m7", "dwconv2d_a8w8_smlad__cortex_m7", "dense_a8w8_smlad__cortex_m7",
                                             "_a8w4_packed__cortex_m7",       "_a8w2_packed__cortex_m7",        "rk_packed__cortex_m7"};
  const std::string dir = qgt::make_temp_dir("m7cover");
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    for (const qg::select::KernelChoice& c : *s.kernels)  // the select stage's choices
      for (const std::string& f : families) count[f] += c.kernel.find(f) != std::string::npos ? 1 : 0;
  }
  qgt::remove_dir(dir);
  for (const std::string& f : families) {
    INFO(f << ": " << count[f] << " layers");
    CHECK(count[f] >= 2);
  }
}
