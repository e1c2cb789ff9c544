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

// The per-patch LQ kernel's paths (templates/conv2d_lq.c): "kernel" regions
// (min / max while gathering the patch, Σq while coding), four output
// channels per code pass and the 1-3 channels left over, groups and
// depthwise, padding and stride 2, regions straddling pixels (R = 5), several
// segments per region (w_region 4), every activation bit width through the
// Arm quantization (qg_quantize_fast), inputs with -0, subnormals, equal
// values and values near float's range.
TEST_CASE("cortex-m7: LQ per-patch kernels (channel blocks and remainders, groups, kernel and straddling regions) equal the interpreter",
          "[m7]") {
  const std::string net = R"({"format": "qgen-net", "version": 1, "name": "lqk",
    "input": {"name": "x", "shape": [3, 9, 9], "layout": "CHW"},
    "layers": [
      {"name": "c1", "op": "conv2d", "padding": 1, "weight": {"random": 1, "shape": [7, 3, 3, 3]}, "bias": {"random": 2, "shape": [7]}},
      {"name": "r1", "op": "relu"},
      {"name": "c2", "op": "conv2d", "padding": 1, "stride": 2, "weight": {"random": 3, "shape": [8, 7, 3, 3]}, "bias": {"random": 4, "shape": [8]}},
      {"name": "g3", "op": "conv2d", "padding": 1, "groups": 2, "weight": {"random": 5, "shape": [6, 4, 3, 3]}, "bias": {"random": 6, "shape": [6]}},
      {"name": "d4", "op": "conv2d", "padding": 1, "groups": 6, "weight": {"random": 7, "shape": [6, 1, 3, 3]}},
      {"name": "c5", "op": "conv2d", "weight": {"random": 8, "shape": [9, 6, 2, 2]}, "bias": {"random": 9, "shape": [9]}},
      {"name": "f", "op": "flatten"},
      {"name": "fc", "op": "dense", "weight": {"random": 10, "shape": [5, 144]}}]})";
  const std::vector<std::string> configs = {
      R"({"default": {"w_bits": 8, "a_bits": 8, "w_region": "kernel", "a_region": "kernel"}})",
      R"({"default": {"w_bits": 8, "a_bits": 4, "w_region": "kernel", "a_region": "kernel"}})",
      R"({"default": {"w_bits": 8, "a_bits": 2, "w_region": 4, "a_region": "kernel"}})",
      R"({"default": {"w_bits": 8, "a_bits": 1, "w_region": "kernel", "a_region": 5}})",
      R"({"default": {"w_bits": 6, "a_bits": 6, "w_region": 5, "a_region": 3}})",
      R"({"default": {"w_bits": 4, "a_bits": 8, "w_region": "kernel", "a_region": "kernel"}})"};
  std::vector<qgt::DiffModel> ms;
  for (size_t k = 0; k < configs.size(); ++k) {
    qgt::DiffModel m;
    m.net_json = net;
    m.quant_json = configs[k];
    m.prefix = "lqk" + std::to_string(k);
    m.label = "lqk config " + configs[k];
    for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(77 + k * 4 + static_cast<uint64_t>(kind), 243, kind));
    std::vector<float> odd = qgt::random_input(99 + k, 243, 0);
    odd[0] = -0.0f;
    odd[5] = 1e-40f;   // subnormal
    odd[6] = -1e-41f;
    odd[40] = 3e37f;   // (v - lo) stays finite, the region's s is huge
    odd[41] = -2e37f;
    for (size_t i = 100; i < 130; ++i) odd[i] = 0.25f;  // equal values
    m.inputs.push_back(odd);
    ms.push_back(std::move(m));
  }
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7lqk");
  if (!err.empty()) FAIL(err);
}

// Dense layers with pair-packed rows (templates/conv2d_i8_smlad.c QG_HILO:
// one output pixel, O a multiple of 8, K a multiple of 4): one to three
// blocks of eight rows, K from 4 to 148 (odd and prime group counts: 1, 5,
// 37), each layer checked by the select stage to take the pair-packed form;
// relu clamps on some, the full range on others; inputs of every kind,
// including all -128 / all 127 after quantization.
TEST_CASE("cortex-m7: dense layers with pair-packed rows (QG_HILO) equal the interpreter on the board", "[m7]") {
  const std::string net = R"({"format": "qgen-net", "version": 1, "name": "hilo",
    "input": {"name": "x", "shape": [148]},
    "layers": [
      {"name": "fc1", "op": "dense", "weight": {"random": 1, "shape": [24, 148]}, "bias": {"random": 2, "shape": [24]}},
      {"name": "r1", "op": "relu"},
      {"name": "fc2", "op": "dense", "weight": {"random": 3, "shape": [8, 24]}},
      {"name": "fc3", "op": "dense", "weight": {"random": 4, "shape": [16, 8]}, "bias": {"random": 5, "shape": [16]}},
      {"name": "fc4", "op": "dense", "weight": {"random": 6, "shape": [8, 16]}, "bias": {"random": 7, "shape": [8]}},
      {"name": "r4", "op": "relu"},
      {"name": "fc5", "op": "dense", "weight": {"random": 8, "shape": [16, 8]}}]})";
  qgt::DiffModel m;
  m.net_json = net;
  m.quant_json = R"({"default": {"scheme": "int8"}})";
  m.prefix = "hilo";
  m.label = "hilo dense chain";
  for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(500 + static_cast<uint64_t>(c), 148, c % 2 ? 0 : 3));
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(600 + static_cast<uint64_t>(kind), 148, kind));
  m.inputs.push_back(std::vector<float>(148, -1e6f));  // every input code -128
  m.inputs.push_back(std::vector<float>(148, 1e6f));   // every input code 127
  {
    const std::string dir = qgt::make_temp_dir("m7hilo");
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    int hilo = 0;
    for (const qg::select::KernelChoice& c : *s.kernels) hilo += c.dsp.hilo ? 1 : 0;
    qgt::remove_dir(dir);
    CHECK(hilo == 5);
  }
  const std::string err = qgt::run_differential({m}, qgt::m7_toolchains(), "m7hilo");
  if (!err.empty()) FAIL(err);
}

// templates/dwconv2d_i8_smlad.c's paths: interior pixels paired along x (a
// wide map) and along y (a tall one), a lone interior column / row, border
// pixels, stride 2, dilation 2, no padding, a 5x5 window (the C pair step),
// odd and prime channel counts (the one-channel tail), a clamp (relu6), and
// inputs at both ends of the int8 range.
TEST_CASE("cortex-m7: depthwise layers (pixel pairs along x and y, borders, strides, dilation, odd channels) equal the interpreter",
          "[m7]") {
  auto dw = [](const char* name, int c, int k, int stride, int pad, int dil, int seed) {
    return std::string(R"({"name": ")") + name + R"(", "op": "conv2d", "groups": )" + std::to_string(c) + R"(, "stride": )" +
           std::to_string(stride) + R"(, "padding": )" + std::to_string(pad) + R"(, "dilation": )" + std::to_string(dil) +
           R"(, "weight": {"random": )" + std::to_string(seed) + R"(, "shape": [)" + std::to_string(c) + ", 1, " + std::to_string(k) +
           ", " + std::to_string(k) + R"(]}, "bias": {"random": )" + std::to_string(seed + 1) + R"(, "shape": [)" + std::to_string(c) + "]}}";
  };
  auto pw = [](const char* name, int o, int i, int seed) {
    return std::string(R"({"name": ")") + name + R"(", "op": "conv2d", "weight": {"random": )" + std::to_string(seed) + R"(, "shape": [)" +
           std::to_string(o) + ", " + std::to_string(i) + ", 1, 1]}}";
  };
  struct Net {
    const char* prefix;
    int c, h, w;
    std::string layers;
  };
  const std::vector<Net> nets = {
      {"dwwide", 13, 5, 12,
       dw("d1", 13, 3, 1, 1, 1, 1) + R"(, {"name": "r1", "op": "relu6"}, )" + dw("d2", 13, 3, 2, 1, 1, 3) + ", " + pw("p2", 8, 13, 5) + ", " +
           dw("d3", 8, 3, 1, 0, 1, 6) + ", " + pw("p3", 7, 8, 8) + ", " + dw("d4", 7, 3, 1, 1, 1, 9)},
      {"dwtall", 11, 13, 5,
       dw("d1", 11, 3, 1, 1, 1, 11) + ", " + dw("d2", 11, 3, 1, 2, 2, 13) + R"(, {"name": "r2", "op": "relu"}, )" + pw("p2", 4, 11, 15) +
           ", " + dw("d3", 4, 5, 1, 2, 1, 16) + ", " + dw("d4", 4, 3, 2, 1, 1, 18) + ", " + pw("p4", 6, 4, 20) + ", " +
           dw("d5", 6, 3, 1, 1, 1, 21)},
  };
  std::vector<qgt::DiffModel> ms;
  for (const Net& n : nets) {
    qgt::DiffModel m;
    m.net_json = std::string(R"({"format": "qgen-net", "version": 1, "name": ")") + n.prefix + R"(", "input": {"name": "x", "shape": [)" +
                 std::to_string(n.c) + ", " + std::to_string(n.h) + ", " + std::to_string(n.w) + R"(], "layout": "CHW"}, "layers": [)" +
                 n.layers + "]}";
    m.quant_json = R"({"default": {"scheme": "int8"}})";
    m.prefix = n.prefix;
    m.label = n.prefix;
    const int64_t size = int64_t{n.c} * n.h * n.w;
    for (int c = 0; c < 6; ++c) m.calibration.push_back(qgt::random_input(700 + static_cast<uint64_t>(c), size, c % 2 ? 0 : 3));
    for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(800 + static_cast<uint64_t>(kind), size, kind));
    m.inputs.push_back(std::vector<float>(static_cast<size_t>(size), -1e6f));  // every input code -128
    m.inputs.push_back(std::vector<float>(static_cast<size_t>(size), 1e6f));   // every input code 127
    const std::string dir = qgt::make_temp_dir("m7dw");
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    int depthwise = 0;
    for (const qg::select::KernelChoice& c : *s.kernels) depthwise += c.dsp.kind == qg::select::DspKind::Depthwise ? 1 : 0;
    qgt::remove_dir(dir);
    INFO(n.prefix << ": DSP depthwise layers " << depthwise);
    CHECK(depthwise == (std::string(n.prefix) == "dwwide" ? 4 : 5));
    ms.push_back(std::move(m));
  }
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7dw");
  if (!err.empty()) FAIL(err);
}

// Convolutions that read their windows in place (templates/conv2d_i8_smlad.c
// QG_ROWS): 3x3 stride 1 with padding (pairs at the border through the patch,
// odd and even groups per kernel row: C = 4 and 8), 3x3 stride 2 with every
// window inside, 1x1 stride 2 (stride > kernel); plain or pair-packed rows
// as the select stage finds them exact; inputs of every kind, including all
// -128 / all 127 after quantization.
TEST_CASE("cortex-m7: convolutions reading windows in place (QG_ROWS) equal the interpreter on the board", "[m7]") {
  const std::string net = R"({"format": "qgen-net", "version": 1, "name": "rows",
    "input": {"name": "x", "shape": [4, 17, 34], "layout": "CHW"},
    "layers": [
      {"name": "c0", "op": "conv2d", "padding": 1, "weight": {"random": 1, "shape": [4, 4, 3, 3]}, "bias": {"random": 2, "shape": [4]}},
      {"name": "r0", "op": "relu"},
      {"name": "c0b", "op": "conv2d", "weight": {"random": 3, "shape": [8, 4, 1, 1]}},
      {"name": "c1", "op": "conv2d", "padding": 1, "weight": {"random": 4, "shape": [8, 8, 3, 3]}, "bias": {"random": 5, "shape": [8]}},
      {"name": "c2", "op": "conv2d", "stride": 2, "weight": {"random": 6, "shape": [8, 8, 3, 3]}, "bias": {"random": 7, "shape": [8]}},
      {"name": "r2", "op": "relu"},
      {"name": "c3", "op": "conv2d", "stride": 2, "weight": {"random": 8, "shape": [10, 8, 1, 1]}, "bias": {"random": 9, "shape": [10]}},
      {"name": "f", "op": "flatten"},
      {"name": "fc", "op": "dense", "weight": {"random": 10, "shape": [5, 320]}}]})";
  const int64_t n = 4 * 17 * 34;
  qgt::DiffModel m;
  m.net_json = net;
  m.quant_json = R"({"default": {"scheme": "int8"}})";
  m.prefix = "rows";
  m.label = "convolutions read in place";
  for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(700 + static_cast<uint64_t>(c), n, c % 2 ? 0 : 3));
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(800 + static_cast<uint64_t>(kind), n, kind));
  m.inputs.push_back(std::vector<float>(static_cast<size_t>(n), -1e6f));  // every input code -128
  m.inputs.push_back(std::vector<float>(static_cast<size_t>(n), 1e6f));   // every input code 127
  const std::string err = qgt::run_differential({m}, qgt::m7_toolchains(), "m7rows");
  if (!err.empty()) FAIL(err);
}

// 1x1 convolutions with output channels a multiple of 4 (pair-packed rows in
// blocks of two pairs, requantization mode 2, no clamp: the whole image in
// qg_gemm2x4_hl_m2): odd pixel counts (15, then 5 after a stride-2 layer that
// is not 1x1 stride 1), 12 / 8 / 20 / 4 channels; inputs of every kind,
// including all -128 / all 127.
TEST_CASE("cortex-m7: 1x1 convolutions through qg_gemm2x4_hl_m2 (odd pixel counts) equal the interpreter on the board", "[m7]") {
  const std::string net = R"({"format": "qgen-net", "version": 1, "name": "pw",
    "input": {"name": "x", "shape": [12, 5, 3], "layout": "CHW"},
    "layers": [
      {"name": "p0", "op": "conv2d", "weight": {"random": 1, "shape": [8, 12, 1, 1]}, "bias": {"random": 2, "shape": [8]}},
      {"name": "r0", "op": "relu"},
      {"name": "p1", "op": "conv2d", "weight": {"random": 3, "shape": [20, 8, 1, 1]}, "bias": {"random": 4, "shape": [20]}},
      {"name": "p2", "op": "conv2d", "weight": {"random": 5, "shape": [4, 20, 1, 1]}},
      {"name": "s3", "op": "conv2d", "stride": 2, "weight": {"random": 6, "shape": [8, 4, 1, 1]}, "bias": {"random": 7, "shape": [8]}},
      {"name": "p4", "op": "conv2d", "weight": {"random": 8, "shape": [12, 8, 1, 1]}, "bias": {"random": 9, "shape": [12]}},
      {"name": "f", "op": "flatten"},
      {"name": "fc", "op": "dense", "weight": {"random": 10, "shape": [5, 72]}}]})";
  const int64_t n = 12 * 5 * 3;
  qgt::DiffModel m;
  m.net_json = net;
  m.quant_json = R"({"default": {"scheme": "int8"}})";
  m.prefix = "pw";
  m.label = "1x1 convolutions in blocks of two pairs";
  for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(900 + static_cast<uint64_t>(c), n, c % 2 ? 0 : 3));
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(950 + static_cast<uint64_t>(kind), n, kind));
  m.inputs.push_back(std::vector<float>(static_cast<size_t>(n), -1e6f));  // every input code -128
  m.inputs.push_back(std::vector<float>(static_cast<size_t>(n), 1e6f));   // every input code 127
  const std::string err = qgt::run_differential({m}, qgt::m7_toolchains(), "m7pw");
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

// TFLite's 16x8 quantization (int16 activations, int8 weights) on the board:
// every single-op 16x8 model of tests/models/tflite_ops16 that qgen compiles
// (all but mul.tflite, the refusal case), int16 codes in and out, compared
// code for code with the interpreter on the target (and in the host build of
// the same sources). The interpreter itself equals TFLite's BUILTIN_REF on
// these models (ctest tflite_ops16_vs_tflite). Inputs: two uniform over the
// whole int16 range, two within +-3000 (near the calibrated range), all
// -32768 and all 32767.
TEST_CASE("cortex-m7: 16x8 TFLite models (int16 activations) equal the interpreter on the board", "[m7][tflite][16x8]") {
  for (const char* tool : {"arm-none-eabi-gcc", "qemu-system-arm"})
    if (!qgt::have_tool(tool)) QGT_SKIP(tool << " not found (scripts/install-deps.sh installs it)");
  const std::string dir = std::string(QGEN_SOURCE_DIR) + "/tests/models/tflite_ops16";
  const std::vector<std::string> files = {"conv_2d.tflite",       "conv_2d_stride.tflite", "depthwise_conv_2d.tflite", "fully_connected.tflite",
                                          "add.tflite",           "max_pool_2d.tflite",    "average_pool_2d.tflite",   "softmax.tflite",
                                          "softmax_conv.tflite",  "logistic.tflite",       "logistic_conv.tflite",     "tanh.tflite",
                                          "tanh_conv.tflite",     "transpose_conv.tflite"};
  const std::string missing = qgt::missing_files(dir, files);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  qgt::Rng r(1608);
  std::vector<qgt::DiffModel> ms;
  for (const std::string& f : files) {
    qgt::DiffModel m;
    m.model_file = dir + "/" + f;
    m.prefix = "i16_" + f.substr(0, f.find('.'));
    m.label = "tflite_ops16/" + f;
    const size_t n = 8 * 8 * 4;  // every model's input: [1, 8, 8, 4] int16
    for (int k = 0; k < 4; ++k) {
      std::vector<float> in(n);
      for (float& v : in) v = static_cast<float>(k < 2 ? r.uniform(-32768, 32767) : r.uniform(-3000, 3000));
      m.inputs.push_back(in);
    }
    m.inputs.push_back(std::vector<float>(n, -32768.0f));
    m.inputs.push_back(std::vector<float>(n, 32767.0f));
    ms.push_back(std::move(m));
  }
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7i16");
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
    for (const qg::select::KernelChoice& c : *s.kernels) {  // the select stage's choices
      for (const std::string& f : families) count[f] += c.kernel.find(f) != std::string::npos ? 1 : 0;
      count["pair-packed rows (QG_HILO)"] += c.dsp.hilo ? 1 : 0;
    }
  }
  qgt::remove_dir(dir);
  INFO("pair-packed rows (QG_HILO): " << count["pair-packed rows (QG_HILO)"] << " layers");
  CHECK(count["pair-packed rows (QG_HILO)"] >= 2);
  for (const std::string& f : families) {
    INFO(f << ": " << count[f] << " layers");
    CHECK(count[f] >= 2);
  }
}

// Issue 15: TRANSPOSE_CONV (a zero-inserting pad + the DSP conv2d) in int8,
// and the float model with LQ-4, on the board.
TEST_CASE("cortex-m7: TRANSPOSE_CONV int8 and LQ-4 equal the interpreter on the board", "[m7][tflite]") {
  const std::string dir = std::string(QGEN_SOURCE_DIR) + "/tests/models/tflite_ops";
  std::vector<qgt::DiffModel> ms;
  qgt::Rng r(15);
  auto add = [&](const std::string& file, const std::string& prefix, bool int8, const std::string& quant) {
    ms.push_back(qgt::file_model(dir, file, prefix, int8, quant, 8 * 8 * 4, 2, r));
  };
  add("transpose_conv_bias.tflite", "m7tc_i8", true, "");
  add("transpose_conv_bias_f32.tflite", "m7tc_lq4", false,
      R"({"default": {"w_bits": 4, "a_bits": 4, "w_region": "kernel", "a_region": "kernel"}})");
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7tconv");
  if (!err.empty()) FAIL(err);
}
