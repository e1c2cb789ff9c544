// The x86-64 LQ-packed MAC kernel (templates/conv2d_lqp_x86.c, row lqp_x86,
// docs/quantization.md §11): the emitted x86-64 package equals the
// interpreter bit for bit on chains conv (kernel regions, float input,
// packed output: the per-patch path of the kernel) -> conv (packed input:
// R in 4, 8, 16 dividing the channels, and R not dividing them: fallback)
// -> dense, every a_bits, weights 8/4/2 bits, odd output channel counts
// (O not a multiple of 8), padding on every border, stride 2; and on random
// nets with packed tensors; the AVX2 bodies and, with a feature set that has
// AVX512-VNNI, the vpdpbusd ones (QG_VNNI). The same chains on Cortex-A under qemu-aarch64
// (conv2d_lqp.c there) equal the interpreter too.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "differential/harness.h"
#include "support/cbuild.h"

namespace {

using json = nlohmann::json;

struct Chain {
  int a_bits, w_bits;
  int64_t R, C1, C2, k2, stride;
  std::vector<int64_t> pad2;
};

// conv 3x3 (C0 -> C1, padding 1, relu; "kernel" regions) -> conv k2 (C1 -> C2,
// stride, padding pad2, relu6) -> conv 1x1 (C2 -> 7) -> flatten -> dense 5;
// a_region R elsewhere, w_region "kernel".
qgt::DiffModel chain(const std::string& prefix, const Chain& c, uint64_t seed) {
  qgt::Rng r(seed);
  auto data = [&](int64_t n, float sc) {
    json d = json::array();
    for (int64_t i = 0; i < n; ++i) d.push_back(r.sym(sc));
    return d;
  };
  const int64_t H = 7, W = 6, C0 = 3;
  const int64_t oh = (H + c.pad2[0] + c.pad2[2] - c.k2) / c.stride + 1, ow = (W + c.pad2[1] + c.pad2[3] - c.k2) / c.stride + 1;
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", prefix}, {"input", {{"name", "x"}, {"shape", {C0, H, W}}, {"layout", "CHW"}}}};
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {c.C1, C0, 3, 3}}, {"data", data(c.C1 * C0 * 9, 0.4f)}}},
                    {"bias", {{"shape", {c.C1}}, {"data", data(c.C1, 0.2f)}}}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}, {"inputs", {"c1"}}});
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"r1"}}, {"padding", c.pad2}, {"stride", {c.stride, c.stride}},
                    {"weight", {{"shape", {c.C2, c.C1, c.k2, c.k2}}, {"data", data(c.C2 * c.C1 * c.k2 * c.k2, 0.3f)}}},
                    {"bias", {{"shape", {c.C2}}, {"data", data(c.C2, 0.1f)}}}});
  layers.push_back({{"name", "r2"}, {"op", "relu6"}, {"inputs", {"c2"}}});
  layers.push_back({{"name", "c3"}, {"op", "conv2d"}, {"inputs", {"r2"}}, {"weight", {{"shape", {7, c.C2, 1, 1}}, {"data", data(7 * c.C2, 0.3f)}}}});
  layers.push_back({{"name", "f"}, {"op", "flatten"}, {"inputs", {"c3"}}});
  layers.push_back({{"name", "d"}, {"op", "dense"}, {"inputs", {"f"}}, {"weight", {{"shape", {5, 7 * oh * ow}}, {"data", data(5 * 7 * oh * ow, 0.1f)}}}});
  net["layers"] = layers;
  json q = {{"default", {{"w_bits", c.w_bits}, {"a_bits", c.a_bits}, {"w_region", "kernel"}, {"a_region", c.R}}},
            {"layers", {{"c1", {{"a_region", "kernel"}}}}}};
  qgt::DiffModel m;
  m.net_json = net.dump();
  m.quant_json = q.dump();
  m.prefix = prefix;
  m.label = "x86 LQ chain " + prefix;
  for (int k = 0; k < 3; ++k) m.inputs.push_back(qgt::random_input(seed * 17 + static_cast<uint64_t>(k), C0 * H * W, k == 1 ? 3 : k));
  return m;
}

std::vector<qgt::DiffModel> chains() {
  std::vector<qgt::DiffModel> ms;
  const int abits[] = {8, 6, 4, 2, 1}, wbits[] = {8, 4, 2};
  for (int i = 0; i < 5; ++i) {
    const int a = abits[i], w = wbits[i % 3];
    const std::string p = "lqx" + std::to_string(a);
    ms.push_back(chain(p + "a", {a, w, 4, 12, 5, 3, 1, {1, 2, 2, 1}}, 500 + static_cast<uint64_t>(i)));   // R 4 | 12, O = 5
    ms.push_back(chain(p + "b", {a, w, 8, 16, 13, 3, 2, {2, 0, 0, 2}}, 600 + static_cast<uint64_t>(i)));  // R 8, stride 2, O = 13
    ms.push_back(chain(p + "c", {a, w, 16, 32, 16, 2, 1, {0, 1, 1, 0}}, 700 + static_cast<uint64_t>(i))); // R 16, O = 16
    ms.push_back(chain(p + "d", {a, w, 8, 12, 9, 3, 1, {1, 1, 1, 1}}, 800 + static_cast<uint64_t>(i)));   // R 8 does not divide 12
  }
  return ms;
}

std::vector<qgt::DiffModel> random_nets(uint64_t first, int count, const std::string& prefix) {
  return qgt::random_models(first, count, "lq", prefix, 3, [](int, qgt::RandomNetOptions& o) {
    o.lq_pack = true;
    o.channel_multiple = 4;
  });
}

}  // namespace

TEST_CASE("lqx86: the x86-64 LQ-packed kernel equals the interpreter bit for bit", "[differential][lqx86]") {
  std::vector<qgt::DiffModel> ms = chains();
  // Both paths of the kernel (packed input; float input with one region per
  // patch) and the fallback are reached.
  const std::string dir = qgt::make_temp_dir("lqxs");
  int packed_in = 0, float_in = 0, fallback = 0;
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "x86-64");
    for (const qg::select::KernelChoice& c : *s.kernels) {
      if (c.row == "lqp_x86") (std::find(c.defines.begin(), c.defines.end(), std::make_pair(std::string("QG_IN_PACKED"), std::string("1"))) != c.defines.end() ? packed_in : float_in) += 1;
      fallback += c.row == "lq_mac" ? 1 : 0;
    }
  }
  CHECK(packed_in >= 20);  // c2 of chains a-c, c3 of chains c
  CHECK(float_in >= 15);   // c1 of chains a-c
  CHECK(fallback >= 5);    // chains d
  // A feature set with AVX512-VNNI takes vpdpbusd (QG_VNNI 1, 8-bit codes not
  // split); the default AVX2 set does not. The run with the host's features
  // below executes the VNNI bodies on a CPU that has AVX512-VNNI.
  int vnni = 0, vnni_split = 0, avx2_vnni = 0;
  for (size_t i = 0; i < 8; ++i) {
    const qgt::DiffModel& m = ms[i];
    auto has = [](const qg::select::KernelChoice& c, const char* k, const char* v) {
      return std::find(c.defines.begin(), c.defines.end(), std::make_pair(std::string(k), std::string(v))) != c.defines.end();
    };
    const qg::driver::PipelineState sv = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "x86-64", "avx512_vnni_evex");
    for (const qg::select::KernelChoice& c : *sv.kernels)
      if (c.row == "lqp_x86") {
        vnni += has(c, "QG_VNNI", "1") ? 1 : 0;
        vnni_split += has(c, "QG_SPLIT", "1") ? 1 : 0;
      }
    const qg::driver::PipelineState sa = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "x86-64");
    for (const qg::select::KernelChoice& c : *sa.kernels) avx2_vnni += c.row == "lqp_x86" && has(c, "QG_VNNI", "1") ? 1 : 0;
  }
  CHECK(vnni >= 8);
  CHECK(vnni_split == 0);
  CHECK(avx2_vnni == 0);
  std::vector<qgt::DiffModel> rn = random_nets(9100, 40, "lqxr");
  int reached = 0;
  for (const qgt::DiffModel& m : rn) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "x86-64");
    for (const qg::select::KernelChoice& c : *s.kernels) reached += c.row == "lqp_x86" ? 1 : 0;
  }
  qgt::remove_dir(dir);
  CHECK(reached >= 3);
  for (qgt::DiffModel& m : rn) ms.push_back(std::move(m));
  const std::string err = qgt::run_differential(
      ms, {{"gcc", "-O2", "x86-64", "", ""}, {"clang", "-O0", "x86-64", "", ""}, {"gcc", "-O2", "x86-64", "host", ""}}, "lqxh");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lqx86: --target-features sse41 (no AVX2) keeps the portable LQ kernels", "[differential][lqx86]") {
  std::vector<qgt::DiffModel> ms = chains();
  ms.resize(4);
  const std::string dir = qgt::make_temp_dir("lqxn");
  int x86 = 0, lqp = 0;
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "x86-64", "sse41");
    for (const qg::select::KernelChoice& c : *s.kernels) {
      x86 += c.row == "lqp_x86" || c.row == "pool_lqp_x86" ? 1 : 0;
      lqp += c.row == "lqp_mac" ? 1 : 0;
    }
  }
  qgt::remove_dir(dir);
  CHECK(x86 == 0);
  CHECK(lqp >= 3);
  const std::string err = qgt::run_differential(ms, {{"gcc", "-O2", "x86-64", "sse41", ""}}, "lqxn");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lqx86: the same chains on cortex-a (qemu-aarch64) equal the interpreter bit for bit", "[differential][lqx86]") {
  const std::string err =
      qgt::run_differential(chains(), {{"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", "qemu-aarch64 -L /usr/aarch64-linux-gnu"}}, "lqxa");
  if (!err.empty()) FAIL(err);
}
