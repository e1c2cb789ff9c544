// --target hls on the MLPerf Tiny int8 models, the synthesizable-subset check,
// the estimate formulas on hand-computed layers and the target's user errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "codegen/hls_emitter.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "support/cbuild.h"
#include "support/random_net.h"
#include "hls_test_support.h"
#include "support/skip.h"

namespace {

using qgt_hls::kAp;
using qgt_hls::kO0;
using qgt_hls::kO2;
const std::string kSrc = QGEN_SOURCE_DIR;
const std::string kQgen = QGEN_BINARY;
const std::string kModels = qgt::models_dir();

// Builds and runs the testbench of dir/out; "" or the first difference with the interpreter.
std::string csim(const qg::driver::PipelineState& s, const std::string& dir, const std::string& prefix,
                 const std::vector<std::vector<float>>& inputs, const std::string& flags, const std::string& include) {
  const qg::ir::Graph& g = s.graph;
  const bool in_i8 = g.tensor(g.input).dtype == qg::ir::DType::I8, out_i8 = g.tensor(g.output).dtype == qg::ir::DType::I8;
  const std::string out = dir + "/out";
  const qgt::CmdResult b = qgt::run_cmd("g++ " + flags + " -isystem " + include + " -I" + out + " " + out + "/" + prefix + ".cpp " + out +
                                        "/" + prefix + "_tb.cpp -o " + dir + "/tb 2>&1");
  if (b.status != 0) return "build failed:\n" + b.output.substr(0, 3000);
  qgt::write_file(dir + "/in.bin", qgt_hls::bytes_of(inputs, in_i8));
  const qgt::CmdResult r = qgt::run_cmd(dir + "/tb " + dir + "/in.bin " + dir + "/got.bin 2>&1");
  if (r.status != 0) return "testbench failed: " + r.output.substr(0, 2000);
  const std::vector<float> got = out_i8 ? qgt::read_i8_as_float(dir + "/got.bin") : qgt::read_floats(dir + "/got.bin");
  const auto want = qg::interp::run_batch(g, inputs, qg::interp::Mode::AsCompiled, 1);
  const size_t n = static_cast<size_t>(g.tensor(g.output).numel());
  if (got.size() != n * want.size()) return "output size " + std::to_string(got.size());
  for (size_t k = 0; k < want.size(); ++k) {
    const std::vector<float> gk(got.begin() + static_cast<long>(k * n), got.begin() + static_cast<long>((k + 1) * n));
    const long d = qgt::first_difference(gk, want[k]);
    if (d >= 0) return "input " + std::to_string(k) + " differs at output " + std::to_string(d);
  }
  return "";
}

std::vector<float> random_codes(uint64_t seed, int64_t n) {
  qgt::Rng r(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(r.uniform(-128, 127));
  return v;
}

// TFLite's input quantization: round half away from zero, then clamp.
std::vector<float> quantize_input(const std::vector<float>& x, float scale, int zp) {
  std::vector<float> q;
  for (float v : x) q.push_back(static_cast<float>(std::min(127, std::max(-128, static_cast<int>(std::round(v / scale)) + zp))));
  return q;
}

void model_case(const std::string& file, const std::string& prefix, const std::vector<std::vector<float>>& inputs) {
  const std::string dir = qgt::make_temp_dir("hls_model");
  const qg::driver::PipelineState s = qgt::compile_model_file(dir, kModels + "/" + file, prefix, "hls");
  const std::string err = csim(s, dir, prefix, inputs, kO2, kAp);
  INFO(file << " (kept in " << dir << ")");
  REQUIRE(err == "");
  WARN(file << ": C simulation bit-exact on " << inputs.size() << " inputs");
  qgt::remove_dir(dir);
}

}  // namespace

TEST_CASE("MLPerf Tiny KWS int8, real input + random inputs, C simulation bit-exact", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_input0.int8.bin"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  std::vector<std::vector<float>> in = {qgt::read_i8_as_float(kModels + "/mlperf-tiny/kws_input0.int8.bin")};
  for (uint64_t k = 0; k < 4; ++k) in.push_back(random_codes(100 + k, 490));
  model_case("mlperf-tiny/kws_ref_model.tflite", "kws", in);
  // Again with 4 output channels in parallel (the int8 quantization is the model's own).
  const std::string dir = qgt::make_temp_dir("hls_kws_p4");
  qgt::write_file(dir + "/q.json", "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"parallelism\": 4}}}");
  const qg::driver::PipelineState s = qgt::compile_model_file(dir, kModels + "/mlperf-tiny/kws_ref_model.tflite", "kws4", "hls", "", dir + "/q.json");
  const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/out/report.json"));
  CHECK(rep["layers"][0]["hls"]["parallelism"] == 4);
  const std::string err = csim(s, dir, "kws4", in, kO2, kAp);
  INFO("kept in " << dir);
  REQUIRE(err == "");
  qgt::remove_dir(dir);
}

TEST_CASE("MLPerf Tiny anomaly detection int8, real spectrogram windows, C simulation bit-exact", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/ad01_int8.tflite", "mlperf-tiny/ad_input0.f32.bin"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  const std::vector<float> all = qgt::read_floats(kModels + "/mlperf-tiny/ad_input0.f32.bin");
  REQUIRE(all.size() == 40 * 640);
  std::vector<std::vector<float>> in;
  for (size_t w = 0; w < 40; ++w)  // all 40 windows, quantized with the model's input parameters
    in.push_back(quantize_input(std::vector<float>(all.begin() + static_cast<long>(w * 640), all.begin() + static_cast<long>((w + 1) * 640)),
                                0x1.90664cp-2f, 89));
  model_case("mlperf-tiny/ad01_int8.tflite", "ad01", in);
}

TEST_CASE("MLPerf Tiny ResNet-8 int8, random inputs, C simulation bit-exact", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/pretrainedResnet_quant.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  model_case("mlperf-tiny/pretrainedResnet_quant.tflite", "resnet8", {random_codes(7, 32 * 32 * 3), random_codes(8, 32 * 32 * 3)});
}

TEST_CASE("MLPerf Tiny visual wake words int8, random inputs, C simulation bit-exact", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/vww_96_int8.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  model_case("mlperf-tiny/vww_96_int8.tflite", "vww", {random_codes(9, 96 * 96 * 3), random_codes(10, 96 * 96 * 3)});
}

TEST_CASE("the qgen hls::stream stand-in (no vendor hls_stream.h) gives the same C simulation", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_input0.int8.bin"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  const std::string dir = qgt::make_temp_dir("hls_standin");
  // ap_types without hls_stream.h (the hls4ml wheel carries one; the vendor tool does too).
  const std::string inc = dir + "/ap_only";
  std::filesystem::create_directories(inc);
  for (const auto& e : std::filesystem::directory_iterator(kAp))
    if (e.path().filename() != "hls_stream.h") std::filesystem::create_symlink(e.path(), inc + "/" + e.path().filename().string());
  REQUIRE_FALSE(std::ifstream(inc + "/hls_stream.h").good());
  const qg::driver::PipelineState s = qgt::compile_model_file(dir, kModels + "/mlperf-tiny/kws_ref_model.tflite", "kws", "hls");
  const std::string err = csim(s, dir, "kws", {qgt::read_i8_as_float(kModels + "/mlperf-tiny/kws_input0.int8.bin"), random_codes(1, 490)},
                               kO0, inc);
  INFO("kept in " << dir);
  REQUIRE(err == "");
  qgt::remove_dir(dir);
}

TEST_CASE("synthesizable subset: the emitted design compiles with malloc/new/std/I-O/casts poisoned, -Wvla, -Werror", "[hls]") {
  REQUIRE_AP_TYPES();
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/pretrainedResnet_quant.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  const std::string dir = qgt::make_temp_dir("hls_subset");
  std::filesystem::create_directories(dir + "/a");
  std::filesystem::create_directories(dir + "/b");
  std::filesystem::create_directories(dir + "/c");
  std::filesystem::create_directories(dir + "/d");
  // ResNet-8 (conv, add with forks, pool, dense, softmax) and one random float-input net (quantize / dequantize,
  // 4-bit activations: ap_uint<4> streams and unpack).
  qgt::compile_model_file(dir + "/a", kModels + "/mlperf-tiny/pretrainedResnet_quant.tflite", "resnet8", "hls");
  qgt::RandomNetOptions opt;
  opt.quantized = false;
  opt.zoo_ops = false;
  std::string rprefix;
  for (uint64_t seed = 1; seed < 40 && rprefix.empty(); ++seed) {
    const qgt::RandomNet rn = qgt::random_net(seed, opt);
    std::vector<std::vector<float>> cal = {qgt::random_input(seed, rn.input_size, 0), qgt::random_input(seed + 1, rn.input_size, 3)};
    try {
      qgt::compile_model(dir + "/b", rn.net_json, "{\"default\": {\"scheme\": \"int8\", \"w_bits\": 4, \"a_bits\": 4}}", "r" + std::to_string(seed), cal, "hls");
      rprefix = "r" + std::to_string(seed);
    } catch (const qg::UserError&) {
    }
  }
  REQUIRE_FALSE(rprefix.empty());
  REQUIRE(qgt::read_file(dir + "/b/out/" + rprefix + ".cpp").find("qg_hls::unpack<") != std::string::npos);
  {  // a net left in float (linear_f32 and the float helper layers), parallelism 3
    const qgt::RandomNet rn = qgt::random_net(2, opt);
    qgt::compile_model(dir + "/c", rn.net_json, "{\"default\": {\"scheme\": \"float\", \"hls\": {\"parallelism\": 3}}}", "fl", {}, "hls");
    REQUIRE(qgt::read_file(dir + "/c/out/fl.cpp").find("qg_hls::linear_f32<") != std::string::npos);
  }
  {  // LQ at parallelism 3 (not dividing 16 / 32 / 10 channels): MAC (linear_lq) and LUT (linear_lut) layers
    const std::string net = qgt::read_file(kSrc + "/examples/fmnist-small/fmnist_small.json");
    std::filesystem::copy_file(kSrc + "/examples/fmnist-small/fmnist_small.bin", dir + "/d/fmnist_small.bin");  // its weights
    qgt::compile_model(dir + "/d", net,
                       "{\"default\": {\"w_bits\": 8, \"a_bits\": 2, \"a_region\": 8, \"kernel\": \"mac\", \"hls\": {\"parallelism\": 3}},"
                       " \"layers\": {\"conv1\": {\"kernel\": \"lut\", \"a_region\": 9}, \"fc2\": {\"kernel\": \"lut\"}}}",
                       "lqp", {}, "hls");
    const std::string cpp = qgt::read_file(dir + "/d/out/lqp.cpp");
    REQUIRE(cpp.find("qg_hls::linear_lq<") != std::string::npos);
    REQUIRE(cpp.find("qg_hls::linear_lut<") != std::string::npos);
    REQUIRE(cpp.find("static constexpr int P = 3;") != std::string::npos);
  }
  for (const auto& [sub, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"a", "resnet8"}, {"b", rprefix}, {"c", std::string("fl")}, {"d", std::string("lqp")}}) {
    const std::string out = dir + "/" + sub + "/out";
    qgt::write_file(out + "/subset_check.cpp", "#include <float.h>\n#include <stdint.h>\n#include <ap_int.h>\n#include <hls_stream.h>\n#include \"" +
                                                   kSrc + "/tests/hls/poison.h\"\n#include \"" + prefix + ".cpp\"\n");
    const qgt::CmdResult r = qgt::run_cmd("g++ " + kO0 + " -isystem " + kAp + " -I" + out + " -c " + out + "/subset_check.cpp -o " + out +
                                          "/subset_check.o 2>&1");
    INFO(prefix << ": " << r.output.substr(0, 3000));
    CHECK(r.status == 0);
    // No pointer casts: no "(T*)" / "(T *)" in the design's own sources.
    const std::regex cast("\\(\\s*(const\\s+)?[A-Za-z_][A-Za-z0-9_:<>, ]*\\*+\\s*\\)");
    for (const std::string& f : {prefix + ".cpp", prefix + ".h", std::string("qg_hls.h"), std::string("qg_fixed.h")}) {
      const std::string text = qgt::read_file(out + "/" + f);
      std::smatch m;
      INFO(f);
      CHECK_FALSE(std::regex_search(text, m, cast));
    }
    // The poison header does catch a forbidden name (the check can fail).
    qgt::write_file(out + "/bad.cpp", "#include <ap_int.h>\n#include \"" + kSrc + "/tests/hls/poison.h\"\nint* f() { return new int; }\n");
    CHECK(qgt::run_cmd("g++ -std=c++17 -isystem " + kAp + " -c " + out + "/bad.cpp -o " + out + "/bad.o 2>&1").status != 0);
  }
  qgt::remove_dir(dir);
}

TEST_CASE("estimate formulas on hand-computed layers", "[hls]") {
  // 3x3 conv 8x8x4 -> 8x8x8 (K = 36), 8-bit weights, x 9 bits, accumulator 20 bits, parallelism 2:
  //   DSP 2 (one multiplier per parallel channel; 8 x 9 bits is a DSP multiply)
  //   LUT 2 * 20 + 150 = 190, FF 2 * 2 * 20 + 100 + 2 * 32 (the block word) = 244
  //   BRAM18: weights 288 x 8 bits in 2 banks of 1152 bits -> 2; line buffer 3 rows x 8 x 4 x 8 bits = 768 bits -> LUTRAM, 0
  //   cycles: the taps process 256 (read) + 64 positions * 4 blocks * 36 = 9472, the output process 64 * 4 * 2 = 512
  //   beside it: max 9472 + the last block's 2 = 9474
  const qg::codegen::HlsEstimate e = qg::codegen::hls_estimate_linear(8, 8, 4, 3, 8, 8, 8, 36, 2, 8, 9, 20);
  CHECK(e.dsp == 2);
  CHECK(e.lut == 190);
  CHECK(e.ff == 244);
  CHECK(e.bram18 == 2);
  CHECK(e.cycles == 9474);
  // The same layer with 2-bit weights: 2 x 9-bit multipliers in LUTs (0 DSP, 18 LUTs each), accumulator 14 bits.
  const qg::codegen::HlsEstimate e2 = qg::codegen::hls_estimate_linear(8, 8, 4, 3, 8, 8, 8, 36, 2, 2, 9, 14);
  CHECK(e2.dsp == 0);
  CHECK(e2.lut == 2 * (14 + 18) + 150);
  CHECK(e2.bram18 == 0);  // 288 x 2 bits in 2 banks of 288 bits: LUTRAM; line buffer LUTRAM
  // 3x3 conv on 32x32x16 -> 32x32x16: the line buffer is 3 rows x 32 x 16 x 8 = 12288 bits -> 1 block (the
  // whole map would be 131072 bits -> 8 blocks); weights 16 x 144 x 8 = 18432 bits in 1 bank -> 1.
  const qg::codegen::HlsEstimate lb = qg::codegen::hls_estimate_linear(32, 32, 16, 3, 32, 32, 16, 144, 1, 8, 9, 24);
  CHECK(lb.bram18 == 1 + 1);
  CHECK(qg::codegen::hls_estimate_linear(32, 32, 16, 32, 32, 32, 16, 144, 1, 8, 9, 24).bram18 == 1 + 8);
  // Dense 256 -> 10 at parallelism 10: one cycle block per tap; taps 256 + 256, outputs 10, + the last block's 10.
  const qg::codegen::HlsEstimate d = qg::codegen::hls_estimate_linear(1, 1, 256, 1, 1, 1, 10, 256, 10, 8, 9, 26);
  CHECK(d.dsp == 10);
  CHECK(d.cycles == 256 + 256 + 10);
  // The output process the slower one: 3x3 conv 8x8x1 -> 8x8x16 at P = 16 (K = 9): taps 64 + 64 * 9 = 640,
  // outputs 64 * 16 = 1024 (one value per cycle on the output stream), + 16 = 1040.
  CHECK(qg::codegen::hls_estimate_linear(8, 8, 1, 3, 8, 8, 16, 9, 16, 8, 9, 16).cycles == 1040);
  CHECK(d.bram18 == 10 * 1 + 1);  // 10 banks of 256 x 8 = 2048 bits; buffer (one row) 2048 bits
  // LQ / DQ layers (docs/hls.md "LQ / DQ layers"): the whole layer, with the shared float combination unit (8 DSP,
  // 3000 LUT, 3000 FF) and the patch quantization (3 cycles per code). Dense 64 -> 10 (K = 64, activation regions
  // of 8: S = 8 segments), 8-bit weights x 8-bit codes (a DSP multiply), accumulator 19 bits, parallelism 4:
  //   DSP 4 + 8 = 12; LUT 4 x 19 + 150 + 3000 = 3226; FF 4 x (2 x 19 + 32) + 100 + 3000 = 3380
  //   BRAM18: codes in 4 banks of ceil(10 / 4) = 3 rows of 64 bytes = 1536 bits -> 4; float line buffer 64 x 32 = 2048 bits -> 1
  //   cycles: 64 (read) + 1 position x (3 x 64 + ceil(10 / 4) = 3 blocks x (64 + 8 x 4 + 4)) = 64 + 192 + 300 = 556
  qg::codegen::HlsLqShape sh;
  sh.CI = 64, sh.O = 10, sh.K = 64, sh.S = 8, sh.P = 4;
  const qg::codegen::HlsEstimate l = qg::codegen::hls_estimate_lq(sh, 8, 8, 19);
  CHECK(l.dsp == 12);
  CHECK(l.lut == 3226);
  CHECK(l.ff == 3380);
  CHECK(l.bram18 == 5);
  CHECK(l.cycles == 556);
  // DQ (the whole input's min / max first): + 64 cycles. 8 x 2-bit codes: fabric, 0 DSP for the products, 4 x 16 LUTs.
  qg::codegen::HlsLqShape shw = sh;
  shw.whole = true;
  CHECK(qg::codegen::hls_estimate_lq(shw, 8, 8, 19).cycles == 620);
  const qg::codegen::HlsEstimate l2 = qg::codegen::hls_estimate_lq(sh, 8, 2, 19);
  CHECK(l2.dsp == 8);
  CHECK(l2.lut == 3226 + 4 * 16);
  // The same layer serial (P = 1): 1 + 8 DSP; codes 640 bytes in one bank (5120 bits) -> 1 block;
  // cycles 64 + 192 + 10 x (64 + 8 + 1) = 986.
  qg::codegen::HlsLqShape sh1 = sh;
  sh1.P = 1;
  const qg::codegen::HlsEstimate l1 = qg::codegen::hls_estimate_lq(sh1, 8, 8, 19);
  CHECK(l1.dsp == 9);
  CHECK(l1.bram18 == 2);
  CHECK(l1.cycles == 986);
  // Grouped: a 3x3 conv 4x4x4 -> 4x4x8 in 2 groups (K = 18, Og = 4, S = 2), P = 3 (not dividing 4):
  //   cycles 64 (read) + 16 positions x 2 groups x (3 x 18 + ceil(4 / 3) = 2 x (18 + 2 x 3 + 3)) = 64 + 32 x 108 = 3520
  qg::codegen::HlsLqShape shg;
  shg.H = 4, shg.W = 4, shg.CI = 4, shg.RB = 3, shg.OH = 4, shg.OW = 4, shg.O = 8, shg.G = 2, shg.K = 18, shg.S = 2, shg.P = 3;
  CHECK(qg::codegen::hls_estimate_lq(shg, 8, 8, 16).cycles == 3520);
  // LUT kernel, dense 64 -> 10, 2-bit activations in groups of 3: 22 groups (21 of 3 codes, 1 of 1), 21 * 64 + 4 = 1348
  // entries per channel of 5 bits, accumulator 10 bits, S = 8, parallelism 5:
  //   DSP 0 + 8; ROM in 5 banks of 2 channels x 1348 x 5 bits = 13480 bits -> 5 BRAM18, float line buffer 2048 bits -> 1
  //   LUT 5 x 10 (adders) + 6 (index) + 150 + 3000 = 3206, FF 5 x (20 + 32) + 6 + 100 + 3000 = 3366
  //   cycles: 64 (read) + 1 position x (3 x 64 + 22 indices + 2 blocks x (22 look-ups + 8 x 5 + 5)) = 412
  qg::codegen::HlsLqShape su = sh;
  su.P = 5;
  const qg::codegen::HlsEstimate u = qg::codegen::hls_estimate_lut(su, 22, 1348, 5, 3, 2, 10);
  CHECK(u.dsp == 8);
  CHECK(u.bram18 == 5 + 1);
  CHECK(u.lut == 3206);
  CHECK(u.ff == 3366);
  CHECK(u.cycles == 412);
  // Serial: the ROM in one bank of 67400 bits -> 4 BRAM18; cycles 64 + 192 + 22 + 10 x (22 + 8 + 1) = 588.
  su.P = 1;
  const qg::codegen::HlsEstimate u1 = qg::codegen::hls_estimate_lut(su, 22, 1348, 5, 3, 2, 10);
  CHECK(u1.bram18 == 4 + 1);
  CHECK(u1.cycles == 588);
  // A ROM of 2 x 16 entries of 4 bits, P = 2: banks of 64 bits, LUTRAM (2 LUT6 as 64 x 1 ROMs), no BRAM.
  qg::codegen::HlsLqShape s2;
  s2.CI = 4, s2.O = 2, s2.K = 4, s2.S = 1, s2.P = 2;
  const qg::codegen::HlsEstimate u2 = qg::codegen::hls_estimate_lut(s2, 2, 16, 4, 2, 2, 6);
  CHECK(u2.bram18 == 0);
  CHECK(u2.lut == 2 * 6 + 4 + 150 + 3000 + 2);
  // Float conv2d (docs/hls.md "Float layers"), the same 3x3 conv 8x8x4 -> 8x8x8 (K = 36) at parallelism 2:
  //   DSP 2 x (3 + 2) + 2 = 12 (per lane a float multiplier and adder, + the bias adder)
  //   LUT 2 x 400 + 400 = 1200, FF 2 x 550 + 450 + 2 x 32 = 1614
  //   BRAM18: weights 288 x 32 bits in 2 banks of 4608 bits -> 2; float line buffer 96 x 32 = 3072 bits -> 1;
  //           partial sums 8 x 32 bits in 2 banks -> LUTRAM, 0
  //   cycles: 256 (read) + 64 positions x (36 taps x max(ceil(8 / 2) = 4, adder latency 5) + 2 x 8) = 12800
  const qg::codegen::HlsEstimate f = qg::codegen::hls_estimate_float(8, 8, 4, 3, 8, 8, 8, 36, 2);
  CHECK(f.dsp == 12);
  CHECK(f.lut == 1200);
  CHECK(f.ff == 1614);
  CHECK(f.bram18 == 3);
  CHECK(f.cycles == 12800);
  // Float dense 256 -> 10 at parallelism 10: 52 DSP; weights 10 banks of 256 x 32 bits -> 10, buffer 8192 bits -> 1;
  // cycles 256 + 256 x max(1, 5) + 20 = 1556 (the adder's latency, not the channel count, paces the taps).
  const qg::codegen::HlsEstimate fd = qg::codegen::hls_estimate_float(1, 1, 256, 1, 1, 1, 10, 256, 10);
  CHECK(fd.dsp == 52);
  CHECK(fd.bram18 == 11);
  CHECK(fd.cycles == 1556);
  // Which multiplier is a DSP (docs/hls.md): one operand of at most 4 bits -> LUT fabric (4 x 9: 36 LUTs), else a DSP.
  CHECK(qg::codegen::hls_mul_in_fabric(4, 9));
  CHECK(qg::codegen::hls_mul_in_fabric(8, 4));
  CHECK(qg::codegen::hls_mul_in_fabric(4, 4));
  CHECK(!qg::codegen::hls_mul_in_fabric(5, 9));
  CHECK(!qg::codegen::hls_mul_in_fabric(8, 8));
  // 3x3 conv 8x8x4 -> 8x8x8 with 4-bit weights, x 9 bits, accumulator 17 bits, parallelism 2: 0 DSP, 2 x (17 + 36) + 150 LUTs;
  // with 5-bit weights (not an int8-scheme width, the formula's boundary) 2 DSP, 2 x 17 + 150 LUTs.
  const qg::codegen::HlsEstimate e4 = qg::codegen::hls_estimate_linear(8, 8, 4, 3, 8, 8, 8, 36, 2, 4, 9, 17);
  CHECK(e4.dsp == 0);
  CHECK(e4.lut == 2 * (17 + 36) + 150);
  const qg::codegen::HlsEstimate e5 = qg::codegen::hls_estimate_linear(8, 8, 4, 3, 8, 8, 8, 36, 2, 5, 9, 17);
  CHECK(e5.dsp == 2);
  CHECK(e5.lut == 2 * 17 + 150);
  // LQ MAC layer, 8-bit weight codes x 4-bit activation codes: fabric; 8 x 6: a DSP.
  CHECK(qg::codegen::hls_estimate_linear(1, 1, 64, 1, 1, 1, 10, 64, 1, 8, 4, 16).dsp == 0);
  CHECK(qg::codegen::hls_estimate_linear(1, 1, 64, 1, 1, 1, 10, 64, 1, 8, 6, 18).dsp == 1);
  // DSP packing: two 8 x 9-bit products of channels o, o + 1 sharing x in one DSP (P and channels per group even,
  // w_bits + x_bits <= 17); not for a fabric multiplier, an odd P, a depthwise layer (1 channel per group).
  CHECK(qg::codegen::hls_dsp_pack(8, 9, 16, 16));
  CHECK(!qg::codegen::hls_dsp_pack(8, 9, 5, 16));
  CHECK(!qg::codegen::hls_dsp_pack(8, 9, 2, 1));
  CHECK(!qg::codegen::hls_dsp_pack(4, 9, 2, 16));
  CHECK(!qg::codegen::hls_dsp_pack(8, 10, 2, 16));
  // The first layer above packed: DSP 2 / 2 = 1, LUT 190 + 1 pair x 17 bits of correction.
  const qg::codegen::HlsEstimate ep = qg::codegen::hls_estimate_linear(8, 8, 4, 3, 8, 8, 8, 36, 2, 8, 9, 20, true);
  CHECK(ep.dsp == 1);
  CHECK(ep.lut == 190 + 17);
  CHECK(ep.cycles == 9474);
  CHECK(qg::codegen::hls_estimate_linear(1, 1, 256, 1, 1, 1, 10, 256, 10, 8, 9, 26, true).dsp == 5);
  // The requantization in fabric (docs/hls.md): a 20-bit x (sum + bias) times a 32-bit multiplier: 0 DSP,
  // 20 x 32 = 640 LUTs, 20 + 32 = 52 FFs. The dequantize ROM: 256 x 32 bits = 8192 bits -> 1 BRAM18, 0 DSP.
  const qg::codegen::HlsEstimate rq = qg::codegen::hls_estimate_requant(20, 32);
  CHECK(rq.dsp == 0);
  CHECK(rq.lut == 640);
  CHECK(rq.ff == 52);
  const qg::codegen::HlsEstimate dq = qg::codegen::hls_estimate_dequant_rom(10);
  CHECK(dq.dsp == 0);
  CHECK(dq.bram18 == 1);
  CHECK(dq.cycles == 10);
  CHECK(qg::codegen::hls_bram18(1024, 18, 1) == 1);
  CHECK(qg::codegen::hls_bram18(1025, 18, 1) == 2);
  CHECK(qg::codegen::hls_bram18(64, 16, 1) == 0);
}

TEST_CASE("bad --target-features and parallelism are one-line user errors, no output folder", "[hls]") {
  const std::string missing = qgt::missing_files(kModels, {"mlperf-tiny/kws_ref_model.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  const std::string dir = qgt::make_temp_dir("hls_errors");
  const std::string kws = kModels + "/mlperf-tiny/kws_ref_model.tflite";
  struct Case {
    std::string args, expect;
  };
  qgt::RandomNetOptions opt;
  opt.quantized = false;
  const qgt::RandomNet rn = qgt::random_net(3, opt);
  qgt::write_file(dir + "/net.json", rn.net_json);
  qgt::write_file(dir + "/p0.json", "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"parallelism\": 0}}}");
  qgt::write_file(dir + "/pk.json", "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"reuse\": 2}}}");
  qgt::write_file(dir + "/pbig.json", "{\"default\": {\"scheme\": \"int8\"}, \"layers\": {\"conv1\": {\"hls\": {\"parallelism\": 4096}}}}");
  qgt::write_file(dir + "/cal.f32", std::string(reinterpret_cast<const char*>(qgt::random_input(1, rn.input_size, 0).data()),
                                                static_cast<size_t>(rn.input_size) * 4));
  // A LUT layer whose ROM is over the target's budget: dense 256 -> 32, 4-bit activations in pairs: 128 groups of 256
  // entries per channel, 32 x 32768 entries of >= 9 bits > 512 BRAM18.
  {
    nlohmann::json w = nlohmann::json::array();
    qgt::Rng r(5);
    for (int i = 0; i < 32 * 256; ++i) w.push_back(r.sym(1.0f));
    const nlohmann::json big = {{"format", "qgen-net"}, {"version", 1}, {"name", "big"}, {"input", {{"name", "x"}, {"shape", {256}}}},
                                {"layers", {{{"name", "fc big"}, {"op", "dense"}, {"inputs", {"x"}}, {"weight", {{"shape", {32, 256}}, {"data", w}}}}}}};
    qgt::write_file(dir + "/big.json", big.dump());
    const nlohmann::json mul = {{"format", "qgen-net"}, {"version", 1}, {"name", "mul"}, {"input", {{"name", "x"}, {"shape", {8}}}},
                                {"layers", {{{"name", "sq"}, {"op", "mul"}, {"inputs", {"x", "x"}}}}}};
    qgt::write_file(dir + "/mul.json", mul.dump());
    qgt::write_file(dir + "/lut.json", "{\"default\": {\"scheme\": \"lq\", \"kernel\": \"lut\", \"a_bits\": 4, \"w_bits\": 8, \"lut_group\": 2}}");
    // An LQ depthwise conv (1 output channel per group) asked for 2 channels in parallel by its own entry.
    nlohmann::json dw = nlohmann::json::array();
    for (int i = 0; i < 2 * 9; ++i) dw.push_back(r.sym(1.0f));
    const nlohmann::json dwnet = {{"format", "qgen-net"}, {"version", 1}, {"name", "dw"}, {"input", {{"name", "x"}, {"shape", {4, 4, 2}}, {"layout", "HWC"}}},
                                  {"layers", {{{"name", "dw1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"groups", 2}, {"padding", 1},
                                               {"weight", {{"shape", {2, 1, 3, 3}}, {"data", dw}}}}}}};
    qgt::write_file(dir + "/dw.json", dwnet.dump());
    qgt::write_file(dir + "/dwp.json", "{\"default\": {\"scheme\": \"lq\"}, \"layers\": {\"dw1\": {\"hls\": {\"parallelism\": 2}}}}");
  }
  const std::vector<Case> cases = {
      {dir + "/big.json --config " + dir + "/lut.json --target hls", "(dense): the LUT kernel's ROM needs"},
      {dir + "/dw.json --config " + dir + "/dwp.json --target hls",
       "layers.dw1.hls.parallelism: parallelism 2 exceeds the 1 output channels per group of LQ layer 'dw1'"},
      {kws + " --target hls --target-features clock=fast", "--target-features: clock 'fast'"},
      {kws + " --target hls --target-features speed=1", "unknown key 'speed' (keys of target hls: part, clock)"},
      {kws + " --target hls --target-features part", "expected KEY=VALUE"},
      {kws + " --target hls --target-features 'part=a b'", "letters, digits"},
      {dir + "/net.json --config " + dir + "/p0.json --target hls", "default.hls.parallelism: must be an integer from 1 to 4096"},
      {dir + "/net.json --config " + dir + "/pk.json --target hls", "default.hls.reuse: unknown key (allowed: parallelism)"},
      {dir + "/mul.json --target hls", "layer 'sq' (mul): has no float HLS kernel yet (--target hls supports the ops and schemes of docs/hls.md"},
      {dir + "/net.json --config " + dir + "/pbig.json --calibrate " + dir + "/cal.f32 --target hls",
       "layers.conv1.hls.parallelism: parallelism 4096 exceeds the"},
  };
  for (const Case& c : cases) {
    const qgt::CmdResult r = qgt::run_cmd(kQgen + " compile " + c.args + " -o " + dir + "/o -q 2>&1");
    INFO(c.args << " -> " << r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find(c.expect) != std::string::npos);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir + "/o"));
  }
  // The parallelism reaches the layer: report.json and the emitted configuration (P = min(N, output channels)).
  {
    std::filesystem::create_directories(dir + "/p3");
    const qg::driver::PipelineState s = qgt::compile_model(dir + "/p3", rn.net_json, "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"parallelism\": 3}}}",
                                                           "p3", {qgt::random_input(1, rn.input_size, 0)}, "hls");
    const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/p3/out/report.json"));
    const std::string cpp = qgt::read_file(dir + "/p3/out/p3.cpp");
    int linear = 0;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      if (!s.graph.nodes[i].il) continue;
      const int64_t P = std::min<int64_t>(3, s.graph.out(s.graph.nodes[i]).shape.back());
      CHECK(rep["layers"][i]["hls"]["parallelism"].get<int64_t>() == P);
      CHECK(cpp.find("struct L" + std::to_string(i) + "_cfg {") != std::string::npos);
      CHECK(std::regex_search(cpp, std::regex("struct L" + std::to_string(i) + "_cfg \\{[^}]*static constexpr int P = " + std::to_string(P) + ";")));
      ++linear;
    }
    CHECK(linear > 0);
  }
  // A good one: part and clock reach run_hls.tcl, hls_config.cfg and report.json.
  const qgt::CmdResult ok = qgt::run_cmd(kQgen + " compile " + kws + " --target hls --target-features part=xcu250-figd2104-2L-e,clock=3.33ns -o " +
                                         dir + "/good -q 2>&1");
  INFO(ok.output);
  REQUIRE(ok.status == 0);
  CHECK(qgt::read_file(dir + "/good/run_hls.tcl").find("set_part {xcu250-figd2104-2L-e}\ncreate_clock -period 3.33") != std::string::npos);
  CHECK(qgt::read_file(dir + "/good/hls_config.cfg").find("clock=3.33ns") != std::string::npos);
  const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/good/report.json"));
  CHECK(rep["hls_part"] == "xcu250-figd2104-2L-e");
  CHECK(rep["hls_clock_ns"].get<double>() == 3.33);
  qgt::remove_dir(dir);
}
