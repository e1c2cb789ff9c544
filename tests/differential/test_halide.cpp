// The Halide targets (x86-64 natively, cortex-a under qemu-aarch64): every
// emitted package (glue C + portable C kernels + <prefix>_halide.o) built and
// run, outputs compared element by element with the reference interpreter,
// bit for bit. Integer-only layers run as Halide pipelines; float and LQ / DQ
// layers fall back to the portable C kernels inside the same package.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "ir/op_table.h"
#include "codegen/halide/halide_backend.h"
#include "differential/harness.h"
#include "support/cbuild.h"
#include "support/skip.h"

namespace {

const std::string kSource = QGEN_SOURCE_DIR;
const std::string kModels = qgt::models_dir();
const std::vector<std::string> kMlperfFiles = {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/pretrainedResnet_quant.tflite",
                                               "mlperf-tiny/vww_96_int8.tflite", "mlperf-tiny/ad01_int8.tflite"};
const std::string kQemu = "qemu-aarch64 -L /usr/aarch64-linux-gnu";

// The host's best feature set (--target-features host) and the default (AVX2).
std::vector<qgt::Toolchain> x86_toolchains() {
  return {{"gcc", "-O2", "x86-64", "host", ""}, {"clang", "-O0", "x86-64", "host", ""}, {"gcc", "-O2", "x86-64", "", ""}};
}
std::vector<qgt::Toolchain> arm_toolchains() { return {{"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", kQemu}}; }
// Also the feature sets that are not the default: plain NEON (no sdot), AVX-512 without VNNI.
std::vector<qgt::Toolchain> arm_toolchains_all() {
  return {{"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", kQemu}, {"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "neon", kQemu}};
}

// Random float nets made integer-only (calibrated), 8/4/2-bit weights; every
// other net with channel counts rounded up to multiples of 4, so that more
// layers take the Halide kernels (the others test the fallbacks).
std::vector<qgt::DiffModel> int8_nets(uint64_t first, int count) {
  return qgt::random_models(first, count, "int8", "hl", 4, [](int k, qgt::RandomNetOptions& o) {
    if (k % 2 == 0) o.channel_multiple = 4;
  });
}

// Random integer-only nets with unpadded average pools after most convs (the
// Halide average pool; some windows cover the whole image).
std::vector<qgt::DiffModel> avgpool_nets(uint64_t first, int count) {
  return qgt::random_models(first, count, "int8", "hlap", 4, [](int, qgt::RandomNetOptions& o) {
    o.channel_multiple = 4;
    o.avgpool_after_conv = true;
  });
}

// Random LQ / DQ (quantized = true) or float nets.
std::vector<qgt::DiffModel> other_nets(uint64_t first, int count, bool quantized) {
  return qgt::random_models(first, count, quantized ? "lq" : "float", "hq", 4);
}

std::vector<float> fmnist_images(const char* file, int first, int count) {
  qgt::CmdResult r = qgt::run_cmd("gzip -dc /usr/share/datasets/fashion-mnist/" + std::string(file) + " | head -c " +
                                  std::to_string(16 + 784 * (first + count)) + " | tail -c " + std::to_string(784 * count) + " | od -An -v -tu1");
  std::vector<float> v;
  std::istringstream is(r.output);
  int p;
  while (is >> p) v.push_back(static_cast<float>(p) / 255.0f);
  return v;
}

std::vector<std::vector<float>> split(const std::vector<float>& all, size_t n) {
  std::vector<std::vector<float>> r;
  for (size_t i = 0; i + n <= all.size(); i += n) r.emplace_back(all.begin() + static_cast<long>(i), all.begin() + static_cast<long>(i + n));
  return r;
}

qgt::DiffModel random_inputs(qgt::DiffModel m, int64_t n, int count, bool int8) {
  qgt::Rng r(std::hash<std::string>{}(m.label));
  for (int k = 0; k < count; ++k) {
    std::vector<float> in(static_cast<size_t>(n));
    for (float& v : in) v = int8 ? static_cast<float>(r.uniform(-128, 127)) : static_cast<float>(r.real());
    m.inputs.push_back(in);
  }
  return m;
}

// The Fashion-MNIST models of examples/: VGG and the small CNN made
// integer-only with calibration, and the small CNN with 4-bit LQ.
std::vector<qgt::DiffModel> fmnist_models() {
  std::vector<qgt::DiffModel> ms;
  const bool have_fm = std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
  const std::vector<std::vector<float>> calib = have_fm ? split(fmnist_images("train-images-idx3-ubyte.gz", 0, 32), 784)
                                                        : std::vector<std::vector<float>>{};
  const std::vector<std::vector<float>> test = have_fm ? split(fmnist_images("t10k-images-idx3-ubyte.gz", 0, 6), 784)
                                                       : std::vector<std::vector<float>>{};
  auto fm = [&](const std::string& file, const std::string& prefix, const std::string& quant, bool calibrate) {
    qgt::DiffModel m;
    m.model_file = kSource + "/" + file;
    m.quant_json = quant;
    m.prefix = prefix;
    m.label = file + " " + quant;
    if (calibrate) m.calibration = calib.empty() ? split(random_inputs(m, 784, 16, false).inputs.front(), 784) : calib;
    m.inputs = test;
    return random_inputs(m, 784, 2, false);
  };
  const std::string int8 = "{\"default\": {\"scheme\": \"int8\", \"w_bits\": 8}}";
  ms.push_back(fm("examples/fashion-mnist/fmnist_vgg.onnx", "vgg_i8", int8, true));
  ms.push_back(fm("examples/fmnist-small/fmnist_small.json", "small_i8", int8, true));
  ms.push_back(fm("examples/fmnist-small/fmnist_small.json", "small_w4", "{\"default\": {\"scheme\": \"int8\", \"w_bits\": 4}}", true));
  ms.push_back(fm("examples/fmnist-small/fmnist_small.json", "small_lq4", qgt::read_file(kSource + "/examples/fmnist-small/lq4.json"), false));
  ms.push_back(fm("examples/fmnist-small/fmnist_small.json", "small_f", "", false));
  return ms;
}

// The MLPerf Tiny int8 models (TFLite) of models/, on random inputs.
std::vector<qgt::DiffModel> mlperf_models() {
  auto tfl = [&](const std::string& file, const std::string& prefix, int64_t n, int count) {
    qgt::DiffModel m;
    m.model_file = kModels + "/" + file;
    m.prefix = prefix;
    m.label = file;
    return random_inputs(m, n, count, true);
  };
  return {tfl(kMlperfFiles[0], "kws", 490, 4), tfl(kMlperfFiles[1], "resnet8", 32 * 32 * 3, 4), tfl(kMlperfFiles[2], "vww", 96 * 96 * 3, 2),
          tfl(kMlperfFiles[3], "ad01", 640, 4)};
}

void check(const std::vector<qgt::DiffModel>& models, const std::vector<qgt::Toolchain>& tcs, const std::string& tag, bool want_objects) {
  int objects = 0;
  const std::string err = qgt::run_differential(models, tcs, tag, nullptr, &objects);
  if (!err.empty()) FAIL(err);
  if (want_objects) REQUIRE(objects > 0);  // some layers really ran in Halide
}

}  // namespace

TEST_CASE("the random integer-only nets below reach every Halide kernel family", "[differential][halide]") {
  // conv (groups 1), depthwise conv, dense, max and average pool, add: layers the x86-64 target gives to Halide.
  int conv = 0, depthwise = 0, dense = 0, pool = 0, avgpool = 0, add = 0;
  // Depthwise layers of 4 channels: vectors of several pixels (fewer channels
  // than int32 lanes: AVX2's 8, AVX-512's 16; schedules/depthwise_i8.cpp).
  int depthwise_narrow = 0;
  const qg::codegen::Target& t = qg::codegen::target("x86-64");
  std::vector<qgt::DiffModel> nets = int8_nets(950000, 48), ap = avgpool_nets(955006, 6);
  nets.insert(nets.end(), ap.begin(), ap.end());
  for (const qgt::DiffModel& m : nets) {
    const std::string dir = qgt::make_temp_dir("hlcover");
    qgt::write_file(dir + "/net.json", m.net_json);
    qgt::write_file(dir + "/q.json", m.quant_json);
    qg::driver::PipelineOptions o;
    o.net_path = dir + "/net.json";
    o.config_path = dir + "/q.json";
    o.calibration = m.calibration;
    o.target = t.name;
    const qg::driver::PipelineState s = qg::driver::run_pipeline(o, "select");
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      const qg::ir::Node& n = s.graph.nodes[i];
      if (!(*s.kernels)[i].halide) continue;
      if (n.op == qg::ir::Op::Dense) ++dense;
      else if (n.op == qg::ir::Op::MaxPool2d) ++pool;
      else if (n.op == qg::ir::Op::AvgPool2d) ++avgpool;
      else if (n.op == qg::ir::Op::Add) ++add;
      else if (qg::ir::is_depthwise(s.graph, n)) {
        ++depthwise;
        if (s.graph.out(n).shape[2] == 4) ++depthwise_narrow;
      }
      else ++conv;
    }
    qgt::remove_dir(dir);
  }
  INFO("Halide layers: conv " << conv << ", depthwise " << depthwise << ", dense " << dense << ", max pool " << pool << ", average pool " << avgpool
                              << ", add " << add);
  CHECK(conv > 0);
  CHECK(depthwise > 0);
  CHECK(depthwise_narrow > 0);
  CHECK(dense > 0);
  CHECK(pool > 0);
  CHECK(avgpool > 0);
  CHECK(add > 0);
  WARN("random int8 nets: Halide layers: conv " << conv << ", depthwise " << depthwise << " (4 channels: " << depthwise_narrow << "), dense " << dense << ", max pool " << pool
                                                << ", average pool " << avgpool << ", add " << add);
}

TEST_CASE("x86-64 (Halide): random integer-only nets equal the interpreter bit for bit", "[differential][halide]") {
  std::vector<qgt::DiffModel> nets = int8_nets(950000, 48), ap = avgpool_nets(955006, 6);
  nets.insert(nets.end(), ap.begin(), ap.end());
  check(nets, x86_toolchains(), "hlx86i8", true);
}

TEST_CASE("cortex-a (Halide, qemu-aarch64): random integer-only nets equal the interpreter bit for bit", "[differential][halide]") {
  check(int8_nets(950000, 48), arm_toolchains_all(), "hlarmi8", true);
}

TEST_CASE("x86-64 and cortex-a: random LQ/DQ and float nets (portable C and x86-64 LQ kernels in the package) equal the interpreter", "[differential][halide]") {
  std::vector<qgt::DiffModel> ms = other_nets(960000, 10, true);
  for (auto& m : other_nets(970000, 5, false)) ms.push_back(std::move(m));
  std::vector<qgt::Toolchain> tcs = {{"gcc", "-O2", "x86-64", "", ""}};
  for (const auto& t : arm_toolchains()) tcs.push_back(t);
  check(ms, tcs, "hlother", false);
}

// gcc -O2 with the default (AVX2) and with --target-features host; AVX-512
// without VNNI too where this machine runs it and "host" is not that already.
static std::vector<qgt::Toolchain> x86_real_toolchains() {
  std::vector<qgt::Toolchain> tcs = {{"gcc", "-O2", "x86-64", "", ""}, {"gcc", "-O2", "x86-64", "host", ""}};
  const qg::codegen::Target& t = qg::codegen::target("x86-64");
  if (qgt::run_cmd("grep -qw avx512bw /proc/cpuinfo").status == 0 &&
      qg::codegen::halide::halide_target_string(t, "host") != qg::codegen::halide::halide_target_string(t, "avx512"))
    tcs.push_back({"gcc", "-O2", "x86-64", "avx512", ""});
  return tcs;
}

TEST_CASE("x86-64 (Halide): real models equal the interpreter bit for bit", "[differential][halide]") {
  check(fmnist_models(), x86_real_toolchains(), "hlx86real", true);
}

TEST_CASE("x86-64 (Halide): MLPerf Tiny int8 models equal the interpreter bit for bit", "[differential][halide][tflite]") {
  const std::string missing = qgt::missing_files(kModels, kMlperfFiles);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  check(mlperf_models(), x86_real_toolchains(), "hlx86mlperf", true);
}

// avx512_vnni_evex (AVX512-VNNI without AVX-VNNI, e.g. AMD Zen 4): the Halide
// target it names lets LLVM encode 128/256-bit dot products as VEX
// (AVX-VNNI), which such CPUs lack; the backend uses it only when every
// Halide conv / dense / depthwise layer runs on 512-bit vectors (conv and
// dense of other channel counts padded to whole vectors, depthwise layers of
// 4 or 8 channels on vectors of several pixels), else the avx512 target.
// Checked on the object code: no VEX-encoded VNNI instruction in any MLPerf
// Tiny package, and vpdpbusd in all four (VWW has an 8-channel conv and an
// 8-channel depthwise layer). Whether the packages run is checked above
// (--target-features host picks this set on such a CPU).
TEST_CASE("x86-64 avx512_vnni_evex: no VEX-encoded VNNI instruction and VNNI only where every layer is 512-bit wide", "[differential][halide][tflite]") {
  const std::string missing = qgt::missing_files(kModels, kMlperfFiles);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  if (qgt::run_cmd("objdump --version").status != 0) QGT_SKIP("objdump (binutils) not found");
  for (const std::string& f : kMlperfFiles) {
    const std::string dir = qgt::make_temp_dir("hlevex");
    const qg::driver::PipelineState st = qgt::compile_model_file(dir, kModels + "/" + f, "m", "x86-64", "avx512_vnni_evex", "", {});
    INFO(f << ": Halide target " << st.emitted->halide_target);
    const qgt::CmdResult d = qgt::run_cmd("objdump -d " + qgt::quote(dir + "/out/m_halide.o"));
    REQUIRE(d.status == 0);
    const bool vnni = st.emitted->halide_target.find("avx512_sapphirerapids") != std::string::npos;
    CHECK(d.output.find("{vex}") == std::string::npos);
    CHECK(vnni);
    CHECK(d.output.find("vpdpbusd") != std::string::npos);
    qgt::remove_dir(dir);
  }
}

TEST_CASE("cortex-a (Halide, qemu-aarch64): real models equal the interpreter bit for bit", "[differential][halide]") {
  check(fmnist_models(), arm_toolchains(), "hlarmreal", true);
}

TEST_CASE("cortex-a (Halide, qemu-aarch64): MLPerf Tiny int8 models equal the interpreter bit for bit", "[differential][halide][tflite]") {
  const std::string missing = qgt::missing_files(kModels, kMlperfFiles);
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  check(mlperf_models(), arm_toolchains(), "hlarmmlperf", true);
}
