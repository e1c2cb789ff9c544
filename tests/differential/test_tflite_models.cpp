// The real models of models/ (MLPerf Tiny int8 and float, hello_world): emitted C
// vs the interpreter, bit-exact, on their real inputs and on random inputs.
// (The independent check against TFLite's own reference kernels is
// tests/tflite/check_against_tflite.py.)
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "differential/harness.h"
#include "support/cbuild.h"
#include "support/skip.h"
#include "tiny_model.h"

namespace {

const std::string kModels = qgt::models_dir();

// TFLite's input quantization: round half away from zero, then clamp.
std::vector<float> quantize_input(const std::vector<float>& x, float scale, int zp) {
  std::vector<float> q;
  for (float v : x) q.push_back(static_cast<float>(std::min(127, std::max(-128, static_cast<int>(std::round(v / scale)) + zp))));
  return q;
}

qgt::DiffModel model(const std::string& file, const std::string& prefix, int64_t in_size, bool int8, int random_inputs) {
  qgt::DiffModel m;
  m.model_file = kModels + "/" + file;
  m.prefix = prefix;
  m.label = file;
  qgt::Rng r(std::hash<std::string>{}(file));
  for (int k = 0; k < random_inputs; ++k) {
    std::vector<float> in(static_cast<size_t>(in_size));
    for (float& v : in) v = int8 ? static_cast<float>(r.uniform(-128, 127)) : r.sym(2.0f);
    m.inputs.push_back(in);
  }
  return m;
}

const std::vector<std::string> kInt8Files = {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_input0.int8.bin",
                                             "mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/vww_96_int8.tflite",
                                             "mlperf-tiny/ad01_int8.tflite", "mlperf-tiny/ad_input0.f32.bin", "hello_world_int8.tflite"};
const std::vector<std::string> kFloatFiles = {"mlperf-tiny/kws_ref_model_float32.tflite", "mlperf-tiny/pretrainedResnet.tflite",
                                              "mlperf-tiny/vww_96_float.tflite", "mlperf-tiny/ad01_fp32.tflite", "hello_world_float.tflite"};

}  // namespace

TEST_CASE("MLPerf Tiny int8 models: emitted C equals interpreter bit for bit on real and random inputs", "[tflite]") {
  const std::string missing = qgt::missing_files(kModels, kInt8Files);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  std::vector<qgt::DiffModel> ms;
  qgt::DiffModel kws = model("mlperf-tiny/kws_ref_model.tflite", "kws", 490, true, 30);
  kws.inputs.insert(kws.inputs.begin(), qgt::read_i8_as_float(kModels + "/mlperf-tiny/kws_input0.int8.bin"));
  ms.push_back(kws);
  ms.push_back(model("mlperf-tiny/pretrainedResnet_quant.tflite", "resnet8", 32 * 32 * 3, true, 20));
  ms.push_back(model("mlperf-tiny/vww_96_int8.tflite", "vww", 96 * 96 * 3, true, 8));
  qgt::DiffModel ad = model("mlperf-tiny/ad01_int8.tflite", "ad01", 640, true, 30);
  {
    // The real spectrogram: 40 windows of 640 values, quantized with the model's input parameters.
    const std::vector<float> all = qgt::read_floats(kModels + "/mlperf-tiny/ad_input0.f32.bin");
    REQUIRE(all.size() == 40 * 640);
    for (size_t w = 0; w < 40; w += 8)
      ad.inputs.push_back(quantize_input(std::vector<float>(all.begin() + static_cast<long>(w * 640), all.begin() + static_cast<long>((w + 1) * 640)),
                                         0x1.90664cp-2f, 89));
  }
  ms.push_back(ad);
  ms.push_back(model("hello_world_int8.tflite", "hello_i8", 1, true, 40));
  const std::string err = qgt::run_differential(ms, {{"gcc", "-O2"}, {"clang", "-O0"}}, "tflite_i8");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("MLPerf Tiny float models: emitted C equals interpreter bit for bit", "[tflite]") {
  const std::string missing = qgt::missing_files(kModels, kFloatFiles);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  std::vector<qgt::DiffModel> ms;
  ms.push_back(model("mlperf-tiny/kws_ref_model_float32.tflite", "kws_f", 490, false, 4));
  ms.push_back(model("mlperf-tiny/pretrainedResnet.tflite", "resnet8_f", 32 * 32 * 3, false, 4));
  ms.push_back(model("mlperf-tiny/vww_96_float.tflite", "vww_f", 96 * 96 * 3, false, 2));
  ms.push_back(model("mlperf-tiny/ad01_fp32.tflite", "ad01_f", 640, false, 4));
  ms.push_back(model("hello_world_float.tflite", "hello_f", 1, false, 8));
  const std::string err = qgt::run_differential(ms, {{"gcc", "-O2"}}, "tflite_f");
  if (!err.empty()) FAIL(err);
}

// Issue #18 D4: a verifier-valid model whose int32 accumulator overflows (bias
// 2^31 - 51) and whose requantization saturates (output scale 1e-45). The sums
// wrap (as TFLite's int32 kernels do) in the interpreter and the emitted C
// alike; the C is built with UBSan trapping, so any signed overflow fails.
TEST_CASE("int8 overflow: the emitted C wraps like the interpreter and has no undefined behaviour", "[tflite]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("qgen-d4-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "overflow.tflite").string();
  {
    const std::vector<uint8_t> bytes = qgt::tiny_int8_fc_overflow_model();
    std::ofstream f(file, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  qgt::DiffModel m;
  m.model_file = file;
  m.prefix = "ovf";
  m.label = "overflow.tflite";
  for (int a = -128; a <= 127; a += 17) m.inputs.push_back({float(a), float(-a / 2), 127.0f, float(a % 7)});
  m.inputs.push_back({127, -128, 127, -128});
  m.inputs.push_back({-128, 127, -128, 127});
  const std::string err = qgt::run_differential(
      {m}, {{"gcc", "-O2 -fsanitize=undefined -fno-sanitize-recover=all"}, {"clang", "-O0 -fsanitize=undefined -fno-sanitize-recover=all"}},
      "int8_overflow");
  std::filesystem::remove_all(dir);
  if (!err.empty()) FAIL(err);
}

// The same extremes on x86-64 with Halide (docs/halide.md, "Integer
// overflow"): dense(4) with an output scale of 1e-45 runs in Halide (the
// requantized values saturate and wrap, + zp_out wraps); with a bias of
// 2^31 - 51 the accumulator could overflow int32, so the layer must run the
// portable C kernel instead. Both equal the interpreter bit for bit.
TEST_CASE("int8 overflow (x86-64, Halide): saturating requantization in Halide, an overflowing bias in portable C", "[tflite][halide]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("qgen-d4h-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const bool big_bias : {false, true}) {
    INFO("big bias " << big_bias);
    const std::string file = (dir / (big_bias ? "bias.tflite" : "scale.tflite")).string();
    {
      const std::vector<uint8_t> bytes = qgt::tiny_int8_fc_overflow_model(true, big_bias);
      std::ofstream f(file, std::ios::binary);
      f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    qgt::DiffModel m;
    m.model_file = file;
    m.prefix = big_bias ? "ovb" : "ovs";
    m.label = file;
    for (int a = -128; a <= 127; a += 17) m.inputs.push_back({float(a), float(-a / 2), 127.0f, float(a % 7)});
    m.inputs.push_back({127, -128, 127, -128});
    m.inputs.push_back({-128, 127, -128, 127});
    m.inputs.push_back({0, 0, 0, 0});
    qgt::Toolchain tc{"gcc", "-O2"};
    tc.target = "x86-64";
    int objects = 0;
    const std::string err = qgt::run_differential({m}, {tc}, big_bias ? "int8_overflow_hb" : "int8_overflow_hs", nullptr, &objects);
    if (!err.empty()) FAIL(err);
    CHECK(objects == (big_bias ? 0 : 1));  // Halide layers in the package, or none
  }
  std::filesystem::remove_all(dir);
}

// Issue 15: TRANSPOSE_CONV (a zero-inserting pad + a stride-1 conv2d,
// tests/models/tflite_ops): the float model as is, with LQ-4 ("kernel" regions)
// and with DQ-8 ("layer" regions), and the int8 models, on targets c and x86-64.
TEST_CASE("TRANSPOSE_CONV: float, LQ, DQ and int8: emitted C equals interpreter bit for bit (c, x86-64)", "[tflite]") {
  const std::string dir = std::string(QGEN_SOURCE_DIR) + "/tests/models/tflite_ops";
  std::vector<qgt::DiffModel> ms;
  auto add = [&](const std::string& file, const std::string& prefix, bool int8, const std::string& quant) {
    qgt::Rng r(std::hash<std::string>{}(prefix));
    ms.push_back(qgt::file_model(dir, file, prefix, int8, quant, 8 * 8 * 4, 3, r));
  };
  add("transpose_conv_bias_f32.tflite", "tc_f", false, "");
  add("transpose_conv_bias_f32.tflite", "tc_lq4", false,
      R"({"default": {"w_bits": 4, "a_bits": 4, "w_region": "kernel", "a_region": "kernel"}})");
  add("transpose_conv_bias_f32.tflite", "tc_dq8", false,
      R"({"default": {"w_bits": 8, "a_bits": 8, "w_region": "layer", "a_region": "layer"}})");
  add("transpose_conv.tflite", "tc_i8", true, "");
  add("transpose_conv_valid.tflite", "tc_i8v", true, "");
  const std::string err = qgt::run_differential(ms, {{"gcc", "-O2", "c"}, {"gcc", "-O2", "x86-64"}}, "tconv");
  if (!err.empty()) FAIL(err);
}
