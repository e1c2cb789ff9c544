// LQ-packed activations (quant::choose_storage, templates/conv2d_lqp.c,
// docs/quantization.md §11): tensors quantized once by their producer and
// stored as packed codes + per-region (lo, s). Checks, on random nets whose
// LQ configs let tensors be packed (every a_bits, R dividing the channel
// count and not, padding on every border, LUT / float / mismatched consumers
// that force the float fallback) and on hand-written conv -> conv nets:
//   - the interpreter with packed storage equals the interpreter with every
//     tensor in float (today's per-patch quantization) bit for bit;
//   - the emitted C equals the interpreter bit for bit: host gcc / clang,
//     Cortex-M7 under QEMU (DSP row), Cortex-A under qemu-aarch64.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "differential/harness.h"
#include "interp/interp.h"
#include "ir/op_table.h"
#include "support/cbuild.h"

namespace {

using json = nlohmann::json;

// conv 3x3 (C0 -> C1, padding pad1, relu) -> conv (C1 -> C2, kernel k2, padding pad2) -> dense 5,
// every layer a_bits / a_region R (the first layer's regions are per kernel patch).
qgt::DiffModel conv_chain(const std::string& prefix, int a_bits, int w_bits, int64_t R, int64_t C1, std::vector<int64_t> pad2, int64_t k2,
                          uint64_t seed) {
  qgt::Rng r(seed);
  auto data = [&](int64_t n, float sc) {
    json d = json::array();
    for (int64_t i = 0; i < n; ++i) d.push_back(r.sym(sc));
    return d;
  };
  const int64_t H = 6, W = 5, C0 = 3, C2 = 6;
  const int64_t oh = H + pad2[0] + pad2[2] - k2 + 1, ow = W + pad2[1] + pad2[3] - k2 + 1;
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", prefix}, {"input", {{"name", "x"}, {"shape", {C0, H, W}}, {"layout", "CHW"}}}};
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {C1, C0, 3, 3}}, {"data", data(C1 * C0 * 9, 0.4f)}}}, {"bias", {{"shape", {C1}}, {"data", data(C1, 0.2f)}}}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}, {"inputs", {"c1"}}});
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"r1"}}, {"padding", pad2},
                    {"weight", {{"shape", {C2, C1, k2, k2}}, {"data", data(C2 * C1 * k2 * k2, 0.3f)}}}});
  layers.push_back({{"name", "f"}, {"op", "flatten"}, {"inputs", {"c2"}}});
  layers.push_back({{"name", "d"}, {"op", "dense"}, {"inputs", {"f"}}, {"weight", {{"shape", {5, C2 * oh * ow}}, {"data", data(5 * C2 * oh * ow, 0.1f)}}}});
  net["layers"] = layers;
  json q = {{"default", {{"w_bits", w_bits}, {"a_bits", a_bits}, {"w_region", "kernel"}, {"a_region", R}}},
            {"layers", {{"c1", {{"a_region", "kernel"}}}}}};
  qgt::DiffModel m;
  m.net_json = net.dump();
  m.quant_json = q.dump();
  m.prefix = prefix;
  m.label = "conv chain " + prefix;
  for (int k = 0; k < 3; ++k) m.inputs.push_back(qgt::random_input(seed * 13 + static_cast<uint64_t>(k), C0 * H * W, k == 1 ? 3 : k));
  return m;
}

// conv 3x3 (C0 -> 8, relu) -> conv 3x3 (8 -> C2, relu, R-packed input, float
// output) -> max pool (kernel pk, stride ps, padding ppad) -> conv 1x1
// (C2 -> 4, R-packed input) -> dense 3: the max pool is fused into the second
// conv's kernel (select::fuse_lq_pools) on the conv2d_lqp.c rows.
// With c2_kernel, the second conv takes "kernel" regions (float input,
// per-patch quantization: the conv2d_lq.c row before fusion).
qgt::DiffModel pool_chain(const std::string& prefix, int a_bits, int64_t R, int64_t C2, int64_t pk, int64_t ps, std::vector<int64_t> ppad,
                          uint64_t seed, bool c2_kernel = false) {
  qgt::Rng r(seed);
  auto data = [&](int64_t n, float sc) {
    json d = json::array();
    for (int64_t i = 0; i < n; ++i) d.push_back(r.sym(sc));
    return d;
  };
  const int64_t H = 7, W = 6, C0 = 3, C1 = 8;
  const int64_t ph = (H + ppad[0] + ppad[2] - pk) / ps + 1, pw = (W + ppad[1] + ppad[3] - pk) / ps + 1;
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", prefix}, {"input", {{"name", "x"}, {"shape", {C0, H, W}}, {"layout", "CHW"}}}};
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {C1, C0, 3, 3}}, {"data", data(C1 * C0 * 9, 0.4f)}}}, {"bias", {{"shape", {C1}}, {"data", data(C1, 0.2f)}}}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}, {"inputs", {"c1"}}});
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"r1"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {C2, C1, 3, 3}}, {"data", data(C2 * C1 * 9, 0.3f)}}}, {"bias", {{"shape", {C2}}, {"data", data(C2, 0.2f)}}}});
  layers.push_back({{"name", "r2"}, {"op", "relu"}, {"inputs", {"c2"}}});
  layers.push_back({{"name", "p"}, {"op", "maxpool2d"}, {"inputs", {"r2"}}, {"kernel", {pk, pk}}, {"stride", {ps, ps}}, {"padding", ppad}});
  layers.push_back({{"name", "c3"}, {"op", "conv2d"}, {"inputs", {"p"}}, {"weight", {{"shape", {4, C2, 1, 1}}, {"data", data(4 * C2, 0.3f)}}}});
  layers.push_back({{"name", "f"}, {"op", "flatten"}, {"inputs", {"c3"}}});
  layers.push_back({{"name", "d"}, {"op", "dense"}, {"inputs", {"f"}}, {"weight", {{"shape", {3, 4 * ph * pw}}, {"data", data(3 * 4 * ph * pw, 0.1f)}}}});
  net["layers"] = layers;
  json q = {{"default", {{"w_bits", 8}, {"a_bits", a_bits}, {"w_region", "kernel"}, {"a_region", R}}},
            {"layers", {{"c1", {{"a_region", "kernel"}}}, {"c2", {{"a_region", c2_kernel ? json("kernel") : json(4)}}}}}};
  qgt::DiffModel m;
  m.net_json = net.dump();
  m.quant_json = q.dump();
  m.prefix = prefix;
  m.label = "conv + max pool chain " + prefix;
  for (int k = 0; k < 3; ++k) m.inputs.push_back(qgt::random_input(seed * 17 + static_cast<uint64_t>(k), C0 * H * W, k == 1 ? 3 : k));
  return m;
}

// Fused conv + max pool pairs in the models' selections for a target.
int fused_pools(const std::vector<qgt::DiffModel>& ms, const std::string& target) {
  const std::string dir = qgt::make_temp_dir("lqpf");
  int n = 0;
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, target);
    for (const qg::select::KernelChoice& c : *s.kernels) n += c.pool_node >= 0 ? 1 : 0;
  }
  qgt::remove_dir(dir);
  return n;
}

std::vector<qgt::DiffModel> chains() {
  std::vector<qgt::DiffModel> ms;
  const int bits[] = {8, 6, 4, 2, 1};
  for (int i = 0; i < 5; ++i) {
    const int a = bits[i], w = bits[(i + 2) % 5];
    // R divides C1 = 8: packed; padding on every border, asymmetric.
    ms.push_back(conv_chain("lqpc" + std::to_string(a) + "a", a, w, 2, 8, {1, 2, 2, 1}, 3, 100 + static_cast<uint64_t>(i)));
    ms.push_back(conv_chain("lqpc" + std::to_string(a) + "b", a, w, 4, 8, {2, 0, 0, 2}, 2, 200 + static_cast<uint64_t>(i)));
    // R = 3 does not divide C1 = 8: float storage, per-patch path.
    ms.push_back(conv_chain("lqpc" + std::to_string(a) + "c", a, w, 3, 8, {1, 1, 1, 1}, 3, 300 + static_cast<uint64_t>(i)));
    // conv + max pool fused: 2x2 stride 2 (the last row / column of an odd
    // size dropped), 3x3 stride 2 padded on every border (asymmetric), 3x3
    // stride 1 (overlapping windows), 2x2 stride 1 padded past the edge;
    // odd channel counts (C2 = 5 with R = 5, 6 with R = 3 and 2).
    const std::string a_s = std::to_string(a);
    ms.push_back(pool_chain("lqpp" + a_s + "a", a, 3, 6, 2, 2, {0, 0, 0, 0}, 400 + static_cast<uint64_t>(i)));
    ms.push_back(pool_chain("lqpp" + a_s + "b", a, 5, 5, 3, 2, {1, 2, 2, 1}, 500 + static_cast<uint64_t>(i)));
    ms.push_back(pool_chain("lqpp" + a_s + "c", a, 2, 6, 3, 1, {0, 1, 1, 0}, 600 + static_cast<uint64_t>(i)));
    ms.push_back(pool_chain("lqpp" + a_s + "d", a, 3, 6, 2, 1, {1, 1, 1, 1}, 700 + static_cast<uint64_t>(i)));
    ms.push_back(pool_chain("lqpp" + a_s + "e", a, 3, 6, 3, 2, {1, 0, 1, 1}, 800 + static_cast<uint64_t>(i), true));
  }
  // 8-bit weights, R = 8 / 4 dividing C1 = 8: the DSP row's four-channel
  // blocks (segments of a multiple of 4 codes) with a remainder (C2 = 6).
  ms.push_back(conv_chain("lqpc4w8", 4, 8, 8, 8, {1, 1, 1, 1}, 3, 901));
  ms.push_back(conv_chain("lqpc8w8", 8, 8, 4, 8, {0, 1, 2, 1}, 3, 902));
  return ms;
}

std::vector<qgt::DiffModel> random_pack_nets(uint64_t first, int count, const std::string& prefix, int inputs = 4) {
  return qgt::random_models(first, count, "lq", prefix, inputs, [](int, qgt::RandomNetOptions& o) { o.lq_pack = true; });
}

}  // namespace

TEST_CASE("lqpack: the interpreter with packed storage equals per-patch quantization bit for bit", "[differential][lqpack]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : random_pack_nets(7000, 150, "lqpi", 3)) ms.push_back(std::move(m));
  const std::string dir = qgt::make_temp_dir("lqpi");
  std::map<std::string, int> seen;
  for (const qgt::DiffModel& m : ms) {
    INFO(m.label);
    qg::driver::PipelineState s;
    try {
      s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix);
    } catch (const std::exception& e) {
      FAIL(m.label << ": qgen failed: " << e.what());
    }
    const qg::ir::Graph& g = s.graph;
    qg::ir::Graph flat = g;  // the same quantized graph with every tensor in float
    for (qg::ir::Tensor& t : flat.tensors) t.pack = {};
    for (const qg::ir::Node& n : g.nodes) {
      const qg::ir::Tensor &in = g.in(n), &out = g.out(n);
      if (out.pack.on()) {
        ++seen["packed a" + std::to_string(out.pack.a_bits)];
        ++seen[std::string("packed by ") + (n.lq ? "LQ layer" : qg::ir::op_info(n.op).name)];
      }
      if (!in.pack.on() && n.lq && !n.lq->lut_g && n.lq->a_region.kind == qg::ir::RegionKind::Block && n.op == qg::ir::Op::Conv2d &&
          (in.shape[2] / n.attrs.groups) % n.lq->a_region.block != 0)
        ++seen["R not dividing, float input"];
      if (!in.pack.on() || n.op != qg::ir::Op::Conv2d) continue;
      const qg::ir::Window& w = n.attrs.win;
      if (w.pt) ++seen["packed input, top padding"];
      if (w.pl) ++seen["packed input, left padding"];
      if (w.pb) ++seen["packed input, bottom padding"];
      if (w.pr) ++seen["packed input, right padding"];
      if (n.attrs.groups > 1) ++seen["packed input, grouped"];
    }
    for (const auto& in : m.inputs) {
      const std::vector<float> a = qg::interp::run(g, in), b = qg::interp::run(flat, in);
      const long d = qgt::first_difference(a, b);
      INFO("packed vs float storage, first difference at " << d);
      REQUIRE(d < 0);
    }
  }
  qgt::remove_dir(dir);
  // The sets reach what they claim to test.
  for (const char* k : {"packed a8", "packed a6", "packed a4", "packed a2", "packed a1", "R not dividing, float input",
                        "packed input, top padding", "packed input, left padding", "packed input, bottom padding",
                        "packed input, right padding", "packed input, grouped", "packed by LQ layer", "packed by maxpool2d",
                        "packed by avgpool2d", "packed by relu", "packed by add"}) {
    INFO(k << ": " << seen[k]);
    CHECK(seen[k] >= 2);
  }
}

TEST_CASE("lqpack: emitted C equals the interpreter bit for bit (gcc and clang, -O0 and -O2)", "[differential][lqpack]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : random_pack_nets(7000, 60, "lqph")) ms.push_back(std::move(m));
  CHECK(fused_pools(ms, "c") >= 25);  // every hand-written conv + max pool chain (and random nets)
  const std::string err = qgt::run_differential(ms, qgt::default_toolchains(), "lqph");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lqpack: cortex-m7 (DSP row) equals the interpreter on the board", "[m7][lqpack]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : random_pack_nets(7100, 20, "lqpm", 3)) ms.push_back(std::move(m));
  // The DSP row is reached.
  const std::string dir = qgt::make_temp_dir("lqpm");
  int dsp = 0, pair = 0;
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, {}, "cortex-m7");
    for (const qg::select::KernelChoice& c : *s.kernels) {
      dsp += c.row == "lqp_dsp" ? 1 : 0;
      // two positions at a time (QG_LQP_PAIR): R = 4 / 8 packed inputs, 8/6/4/2-bit codes, fused pools
      for (const auto& d : c.defines) pair += d.first == "QG_LQP_PAIR" && d.second == "1" ? 1 : 0;
    }
  }
  qgt::remove_dir(dir);
  CHECK(dsp >= 5);
  CHECK(pair >= 10);
  CHECK(fused_pools(ms, "cortex-m7") >= 25);
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "lqpm");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lqpack: cortex-a (qemu-aarch64) equals the interpreter bit for bit", "[differential][lqpack]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : random_pack_nets(7200, 20, "lqpa", 3)) ms.push_back(std::move(m));
  const std::string err =
      qgt::run_differential(ms, {{"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", "qemu-aarch64 -L /usr/aarch64-linux-gnu"}}, "lqpa");
  if (!err.empty()) FAIL(err);
}
