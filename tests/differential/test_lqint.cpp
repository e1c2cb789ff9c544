// Integer-only LQ ("scheme": "lq_int", docs/quantization.md §12;
// quant/lq_int.cpp, interp/kernels_lqi.cpp, templates/conv2d_lqi.c): the
// emitted C equals the interpreter bit for bit on random nets that mix
// lq_int layers (every a_bits 8/4/2, integer R dividing the channel count
// and not, "kernel" regions, padding at every border) with float-combination
// LQ, float layers, pools and adds; host gcc / clang at -O0 / -O2, the
// Cortex-M7 under QEMU (the SMLAD variant) and Cortex-A under qemu-aarch64.
// Also: coverage of the nets, lq_int close to float-combination LQ on a
// hand-written chain, and the configuration errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "differential/harness.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "support/cbuild.h"

namespace {

using json = nlohmann::json;

int lqi_bits(int64_t b) { return b >= 8 || b == 6 ? 8 : b >= 4 ? 4 : 2; }

// The LQ-pack random nets (one default integer R most layers inherit, pools,
// relus, adds, grouped convs), turned into lq_int nets: the default and the
// per-layer LQ choices become "lq_int" with a_bits mapped to 8/4/2 and
// "layer" activation regions to "kernel"; the LUT layers become
// float-combination LQ ("lq"), float layers stay float. Calibration: 8
// random inputs.
std::vector<qgt::DiffModel> lqint_models(uint64_t first, int count, const std::string& prefix, int inputs) {
  std::vector<qgt::DiffModel> ms = qgt::random_models(first, count, "lq", prefix, inputs, [](int, qgt::RandomNetOptions& o) { o.lq_pack = true; });
  const int abits[3] = {8, 4, 2};
  for (size_t k = 0; k < ms.size(); ++k) {
    const uint64_t seed = first + k;
    json q = json::parse(ms[k].quant_json);
    json& d = q["default"];
    d["scheme"] = "lq_int";
    d["a_bits"] = abits[seed % 3];
    if (q.contains("layers"))
      for (auto it = q["layers"].begin(); it != q["layers"].end(); ++it) {
        json& c = it.value();
        if (c.value("scheme", "") == "float") continue;
        if (c.value("kernel", "") == "lut") {
          c = {{"scheme", "lq"}, {"a_bits", c["a_bits"]}};
          continue;
        }
        c["scheme"] = "lq_int";
        if (c.contains("a_bits")) c["a_bits"] = lqi_bits(c["a_bits"].get<int64_t>());
        if (c.contains("a_region") && c["a_region"] == "layer") c["a_region"] = "kernel";
      }
    ms[k].quant_json = q.dump();
    ms[k].label = "lq_int net seed " + std::to_string(seed);
    const json net = json::parse(ms[k].net_json);
    int64_t n = 1;
    for (const json& v : net.at("input").at("shape")) n *= v.get<int64_t>();
    for (int c = 0; c < 8; ++c) ms[k].calibration.push_back(qgt::random_input(seed * 31 + static_cast<uint64_t>(c), n, c % 2 ? 0 : 3));
  }
  return ms;
}

// conv 3x3 (C0 -> C1, padding 1, relu) -> max pool 2x2 -> conv (C1 -> C2,
// kernel k2, padding pad2, every border) -> add with itself -> dense 5; every
// layer "lq_int" (or `scheme`) at a_bits / a_region R (first conv: "kernel").
qgt::DiffModel chain(const std::string& prefix, const std::string& scheme, int a_bits, int64_t R, int64_t C1, std::vector<int64_t> pad2,
                     int64_t k2, uint64_t seed) {
  qgt::Rng r(seed);
  auto data = [&](int64_t n, float sc) {
    json d = json::array();
    for (int64_t i = 0; i < n; ++i) d.push_back(r.sym(sc));
    return d;
  };
  const int64_t H = 8, W = 7, C0 = 3, C2 = 6, ph = H / 2, pw = W / 2;
  const int64_t oh = ph + pad2[0] + pad2[2] - k2 + 1, ow = pw + pad2[1] + pad2[3] - k2 + 1;
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", prefix}, {"input", {{"name", "x"}, {"shape", {C0, H, W}}, {"layout", "CHW"}}}};
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {C1, C0, 3, 3}}, {"data", data(C1 * C0 * 9, 0.4f)}}}, {"bias", {{"shape", {C1}}, {"data", data(C1, 0.2f)}}}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}, {"inputs", {"c1"}}});
  layers.push_back({{"name", "p1"}, {"op", "maxpool2d"}, {"inputs", {"r1"}}, {"kernel", {2, 2}}, {"stride", {2, 2}}});
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"p1"}}, {"padding", pad2},
                    {"weight", {{"shape", {C2, C1, k2, k2}}, {"data", data(C2 * C1 * k2 * k2, 0.3f)}}}});
  layers.push_back({{"name", "a2"}, {"op", "add"}, {"inputs", {"c2", "c2"}}});
  layers.push_back({{"name", "f"}, {"op", "flatten"}, {"inputs", {"a2"}}});
  layers.push_back({{"name", "d"}, {"op", "dense"}, {"inputs", {"f"}}, {"weight", {{"shape", {5, C2 * oh * ow}}, {"data", data(5 * C2 * oh * ow, 0.1f)}}}});
  net["layers"] = layers;
  json q = {{"default", {{"scheme", scheme}, {"w_bits", 8}, {"a_bits", a_bits}, {"w_region", "kernel"}, {"a_region", R}}},
            {"layers", {{"c1", {{"a_region", "kernel"}}}}}};
  qgt::DiffModel m;
  m.net_json = net.dump();
  m.quant_json = q.dump();
  m.prefix = prefix;
  m.label = "lq_int chain " + prefix;
  for (int k = 0; k < 3; ++k) m.inputs.push_back(qgt::random_input(seed * 13 + static_cast<uint64_t>(k), C0 * H * W, k == 1 ? 3 : k));
  for (int k = 0; k < 8; ++k) m.calibration.push_back(qgt::random_input(seed * 17 + static_cast<uint64_t>(k), C0 * H * W, k % 2 ? 0 : 3));
  return m;
}

// lq_int layers that read each other directly (docs/quantization.md §12,
// "Packed storage"): conv 3x3 (C0 -> C1, padding 1, relu, "kernel" regions)
// -> conv k2 (C1 -> C2, padding pad2 on every border, relu) -> conv 3x3
// (C2 -> C3, padding 1, g3 groups) -> max pool 2x2 -> flatten -> dense 12
// (relu) -> dense 5, lq_int at a_bits / R (c3 at a3 / R3 when given). A
// tensor is stored packed when R divides its consumer's channels per group:
// c1's, c2's and d1's outputs here, unless R or the consumer says otherwise.
qgt::DiffModel direct(const std::string& prefix, int a_bits, int64_t R, int64_t C1, int64_t C2, std::vector<int64_t> pad2, int64_t g3, int a3,
                      int64_t R3, uint64_t seed) {
  qgt::Rng r(seed);
  auto data = [&](int64_t n, float sc) {
    json d = json::array();
    for (int64_t i = 0; i < n; ++i) d.push_back(r.sym(sc));
    return d;
  };
  const int64_t H = 9, W = 8, C0 = 3, k2 = 3, C3 = g3 == 1 ? 5 : 3 * g3;
  const int64_t oh = H + pad2[0] + pad2[2] - k2 + 1, ow = W + pad2[1] + pad2[3] - k2 + 1, I = C3 * (oh / 2) * (ow / 2);
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", prefix}, {"input", {{"name", "x"}, {"shape", {C0, H, W}}, {"layout", "CHW"}}}};
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"inputs", {"x"}}, {"padding", {1, 1, 1, 1}},
                    {"weight", {{"shape", {C1, C0, 3, 3}}, {"data", data(C1 * C0 * 9, 0.4f)}}}, {"bias", {{"shape", {C1}}, {"data", data(C1, 0.2f)}}}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}, {"inputs", {"c1"}}});  // fused into c1
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"r1"}}, {"padding", pad2},
                    {"weight", {{"shape", {C2, C1, k2, k2}}, {"data", data(C2 * C1 * k2 * k2, 0.3f)}}}, {"bias", {{"shape", {C2}}, {"data", data(C2, 0.1f)}}}});
  layers.push_back({{"name", "r2"}, {"op", "relu"}, {"inputs", {"c2"}}});
  layers.push_back({{"name", "c3"}, {"op", "conv2d"}, {"inputs", {"r2"}}, {"padding", {1, 1, 1, 1}}, {"groups", g3},
                    {"weight", {{"shape", {C3, C2 / g3, 3, 3}}, {"data", data(C3 * (C2 / g3) * 9, 0.3f)}}}});
  layers.push_back({{"name", "p"}, {"op", "maxpool2d"}, {"inputs", {"c3"}}, {"kernel", {2, 2}}, {"stride", {2, 2}}});
  layers.push_back({{"name", "f"}, {"op", "flatten"}, {"inputs", {"p"}}});
  layers.push_back({{"name", "d1"}, {"op", "dense"}, {"inputs", {"f"}},
                    {"weight", {{"shape", {12, I}}, {"data", data(12 * I, 0.1f)}}}, {"bias", {{"shape", {12}}, {"data", data(12, 0.1f)}}}});
  layers.push_back({{"name", "r3"}, {"op", "relu"}, {"inputs", {"d1"}}});
  layers.push_back({{"name", "d2"}, {"op", "dense"}, {"inputs", {"r3"}}, {"weight", {{"shape", {5, 12}}, {"data", data(60, 0.3f)}}}});
  net["layers"] = layers;
  json q = {{"default", {{"scheme", "lq_int"}, {"w_bits", 8}, {"a_bits", a_bits}, {"w_region", "kernel"}, {"a_region", R}}},
            {"layers", {{"c1", {{"a_region", "kernel"}}}}}};
  if (a3) q["layers"]["c3"] = {{"a_bits", a3}, {"a_region", R3}};
  qgt::DiffModel m;
  m.net_json = net.dump();
  m.quant_json = q.dump();
  m.prefix = prefix;
  m.label = "lq_int direct chain " + prefix;
  for (int k = 0; k < 3; ++k) m.inputs.push_back(qgt::random_input(seed * 13 + static_cast<uint64_t>(k), C0 * H * W, k == 1 ? 3 : k));
  for (int k = 0; k < 8; ++k) m.calibration.push_back(qgt::random_input(seed * 17 + static_cast<uint64_t>(k), C0 * H * W, k % 2 ? 0 : 3));
  return m;
}

// The direct chains: every a_bits; R = 2, 4 (grouped c3: 4 channels per
// group), 3 (odd region length), 16 (the M7 fast path at R = 16), R = 5
// dividing C1 but not C2 (c2's output stays float); c3 at other bits / R
// than c2 (c2's output packed in c3's form, c1's in c2's).
std::vector<qgt::DiffModel> directs() {
  std::vector<qgt::DiffModel> ms;
  const int bits[] = {8, 4, 2};
  for (int i = 0; i < 3; ++i) {
    const int a = bits[i];
    const std::string p = "lqid" + std::to_string(a);
    const uint64_t sd = 700 + static_cast<uint64_t>(i);
    ms.push_back(direct(p + "a", a, 2, 8, 6, {1, 2, 2, 1}, 1, 0, 0, sd));
    ms.push_back(direct(p + "b", a, 4, 8, 12, {2, 0, 0, 2}, 3, 0, 0, sd + 10));
    ms.push_back(direct(p + "c", a, 3, 6, 9, {0, 1, 1, 0}, 1, 0, 0, sd + 20));
    ms.push_back(direct(p + "d", a, 16, 16, 16, {1, 1, 1, 1}, 1, 0, 0, sd + 30));
    ms.push_back(direct(p + "e", a, 5, 10, 7, {1, 0, 2, 1}, 1, 0, 0, sd + 40));
    ms.push_back(direct(p + "f", a, 4, 8, 8, {1, 1, 0, 0}, 1, bits[(i + 1) % 3], 2, sd + 50));
  }
  return ms;
}

std::vector<qgt::DiffModel> chains(const std::string& scheme = "lq_int") {
  std::vector<qgt::DiffModel> ms;
  const int bits[] = {8, 4, 2};
  for (int i = 0; i < 3; ++i) {
    const int a = bits[i];
    const std::string p = "lqic" + std::to_string(a) + (scheme == "lq" ? "f" : "");
    ms.push_back(chain(p + "a", scheme, a, 2, 8, {1, 2, 2, 1}, 3, 100 + static_cast<uint64_t>(i)));  // R divides C1
    ms.push_back(chain(p + "b", scheme, a, 4, 8, {2, 0, 0, 2}, 2, 200 + static_cast<uint64_t>(i)));
    ms.push_back(chain(p + "c", scheme, a, 3, 8, {0, 1, 1, 0}, 3, 300 + static_cast<uint64_t>(i)));  // R = 3 does not divide 8
    ms.push_back(chain(p + "d", scheme, a, 16, 8, {1, 1, 1, 1}, 3, 400 + static_cast<uint64_t>(i)));  // R = 16 straddles pixels
    // R = 3 divides C1 = 6: odd region length (the DSP fast path's code tail), 6 output channels (4 + 2)
    ms.push_back(chain(p + "e", scheme, a, 3, 6, {2, 1, 0, 2}, 3, 500 + static_cast<uint64_t>(i)));
    ms.push_back(chain(p + "f", scheme, a, 4, 12, {0, 2, 1, 1}, 2, 600 + static_cast<uint64_t>(i)));  // three regions per tap
  }
  return ms;
}

constexpr uint64_t kFirst = 9100;

std::string compile_error(const std::string& net, const std::string& quant, const std::vector<std::vector<float>>& calib,
                          const std::string& target = "c") {
  const std::string dir = qgt::make_temp_dir("lqierr");
  std::string msg;
  try {
    (void)qgt::compile_model(dir, net, quant, "e", calib, target);
  } catch (const qg::UserError& e) {
    msg = e.what();
  }
  qgt::remove_dir(dir);
  return msg;
}

}  // namespace

TEST_CASE("lq_int: emitted C equals the interpreter bit for bit (gcc and clang, -O0 and -O2)", "[differential][lqint]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : directs()) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : lqint_models(kFirst, 45, "lqih", 3)) ms.push_back(std::move(m));
  const std::string err = qgt::run_differential(ms, qgt::default_toolchains(), "lqih");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lq_int: cortex-m7 (SMLAD variant) equals the interpreter on the board", "[m7][lqint]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : directs()) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : lqint_models(kFirst, 15, "lqim", 2)) ms.push_back(std::move(m));
  const std::string dir = qgt::make_temp_dir("lqim");
  int dsp = 0, fast = 0, fast_in = 0, fast_out = 0, fused = 0;
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    for (const qg::select::KernelChoice& c : *s.kernels) {
      const bool lqi = c.row == "lqi" || c.row == "lqi_packed";
      dsp += lqi && c.kernel.find("__cortex_m7") != std::string::npos ? 1 : 0;
      // QG_LQI_FAST: codes read in place (or, packed, unpacked per tap), padding taps skipped, 32-bit products
      fast += lqi && (c.kernel.find("xf_lqi") != std::string::npos || c.kernel.find("xfp_lqi") != std::string::npos) ? 1 : 0;
      fast_in += lqi && c.kernel.find("xfp_lqi") != std::string::npos ? 1 : 0;
      fast_out += lqi && (c.kernel.find("f_lqi_po__") != std::string::npos || c.kernel.find("fp_lqi_po__") != std::string::npos) ? 1 : 0;
      fused += lqi && c.pool_node >= 0 ? 1 : 0;
    }
  }
  qgt::remove_dir(dir);
  INFO("DSP lq_int layers " << dsp << ", fast path " << fast << " (packed input " << fast_in << ", packed output " << fast_out
                             << "), max pool fused " << fused);
  CHECK(dsp >= 10);
  CHECK(fast >= 12);
  CHECK(fast_in >= 3);
  CHECK(fast_out >= 3);
  CHECK(fused >= 3);
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "lqim");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("lq_int: cortex-a (qemu-aarch64) equals the interpreter bit for bit", "[differential][lqint]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : directs()) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : lqint_models(kFirst + 50, 12, "lqia", 2)) ms.push_back(std::move(m));
  const std::string err =
      qgt::run_differential(ms, {{"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", "qemu-aarch64 -L /usr/aarch64-linux-gnu"}}, "lqia");
  if (!err.empty()) FAIL(err);
}

// The nets reach what they are meant to test.
TEST_CASE("lq_int: the nets reach every a_bits, R dividing and not, padding, pools / adds before lq_int layers", "[differential][lqint]") {
  std::vector<qgt::DiffModel> ms = chains();
  for (qgt::DiffModel& m : directs()) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : lqint_models(kFirst, 45, "lqiv", 0)) ms.push_back(std::move(m));
  std::map<int, int> bits, packed_bits;
  int divides = 0, straddles = 0, kernel = 0, padded = 0, after_pool_add = 0, float_lq = 0, acc64 = 0, pix = 0, per_patch = 0;
  int packed_in = 0, packed_out = 0, packed_grouped = 0, packed_dense = 0, packed_padded = 0, fallback = 0, packed_pool = 0, fused_pool = 0;
  const std::string dir = qgt::make_temp_dir("lqicover");
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "c");
    const qg::ir::Graph& g = s.graph;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const qg::ir::Node& n = g.nodes[i];
      if ((n.op == qg::ir::Op::MaxPool2d || n.op == qg::ir::Op::AvgPool2d) && g.out(n).pack.lqi) {
        const qg::select::KernelChoice& c = s.kernels->at(i);
        if (c.row == "fused") {  // computed by the lq_int conv before it (conv2d_lqi.c, QG_POOL)
          CHECK(c.kernel.find("_lqi_mp_po__") != std::string::npos);
          ++fused_pool;
        } else {
          CHECK(c.kernel.find("_f32_pi__c") != std::string::npos);  // pool2d_lqp.c, QG_OUT_LQI
          ++packed_pool;
        }
      }
      if (!n.lq) continue;
      if (!n.lq->lqi) {
        ++float_lq;
        continue;
      }
      const bool fused = s.kernels->at(i).pool_node >= 0;  // its max pool's output is packed
      const bool in_packed = g.in(n).pack.on(), out_packed = g.out(n).pack.on() || fused;
      CHECK(s.kernels->at(i).row == (in_packed || out_packed ? "lqi_packed" : "lqi"));
      // the lq_int packed form (docs/quantization.md §12, "Packed storage"), in and out
      if (in_packed) {
        CHECK(g.in(n).pack.lqi);
        CHECK(g.in(n).pack.step == n.lq->S_in);
        ++packed_in;
        ++packed_bits[g.in(n).pack.a_bits];
        packed_grouped += n.op == qg::ir::Op::Conv2d && n.attrs.groups > 1 ? 1 : 0;
        packed_dense += n.op == qg::ir::Op::Dense ? 1 : 0;
        packed_padded += n.op == qg::ir::Op::Conv2d && n.attrs.win.padded() ? 1 : 0;
      }
      if (out_packed) {
        CHECK((fused || g.out(n).pack.lqi));
        ++packed_out;
      }
      // an lq_int layer reading an lq_int layer's output it cannot read packed (R does not divide its channels)
      for (const qg::ir::Node& p : g.nodes)
        if (p.output == n.inputs[0] && p.lq && p.lq->lqi && !in_packed) ++fallback;
      // QG_PIX (regions inside one pixel, coded once per layer) and the per-patch path
      (s.kernels->at(i).kernel.find("x_lqi") != std::string::npos ? pix : per_patch) += 1;
      ++bits[n.lq->a_bits];
      acc64 += n.lq->acc64 ? 1 : 0;
      const int64_t C = g.in(n).shape.back() / (n.op == qg::ir::Op::Conv2d ? n.attrs.groups : 1);
      if (n.lq->a_region.kind == qg::ir::RegionKind::Kernel) ++kernel;
      else if (C % n.lq->a_region.block == 0) ++divides;
      else ++straddles;
      if (n.op == qg::ir::Op::Conv2d && n.attrs.win.padded()) ++padded;
      for (const qg::ir::Node& p : g.nodes)
        if (p.output == n.inputs[0] && (p.op == qg::ir::Op::MaxPool2d || p.op == qg::ir::Op::AvgPool2d || p.op == qg::ir::Op::Add)) ++after_pool_add;
    }
  }
  qgt::remove_dir(dir);
  INFO("a8 " << bits[8] << " a4 " << bits[4] << " a2 " << bits[2] << " divides " << divides << " straddles " << straddles << " kernel " << kernel
             << " padded " << padded << " pix " << pix << " per-patch " << per_patch << " after pool/add " << after_pool_add << " float-combination LQ " << float_lq);
  CHECK(bits[8] >= 10);
  CHECK(bits[4] >= 10);
  CHECK(bits[2] >= 10);
  CHECK(divides >= 10);
  CHECK(straddles >= 10);
  CHECK(kernel >= 10);
  CHECK(padded >= 10);
  CHECK(after_pool_add >= 5);
  CHECK(float_lq >= 3);
  CHECK(pix >= 10);
  CHECK(per_patch >= 10);
  INFO("packed inputs " << packed_in << " (a8 " << packed_bits[8] << " a4 " << packed_bits[4] << " a2 " << packed_bits[2] << ", grouped "
                        << packed_grouped << ", dense " << packed_dense << ", padded " << packed_padded << "), packed outputs " << packed_out
                        << ", packed pool outputs " << packed_pool << " (fused into the conv " << fused_pool << ")" << ", float fallbacks between lq_int layers " << fallback);
  CHECK(packed_out >= 10);
  CHECK(packed_in >= packed_out);  // a packed tensor may have several consumers
  CHECK(packed_pool >= 3);
  CHECK(fused_pool >= 5);
  CHECK(packed_bits[8] >= 5);
  CHECK(packed_bits[4] >= 5);
  CHECK(packed_bits[2] >= 5);
  CHECK(packed_grouped >= 3);
  CHECK(packed_dense >= 3);
  CHECK(packed_padded >= 10);
  CHECK(fallback >= 3);
}

// lq_int approximates the float network about as well as float-combination
// LQ at the same bits and regions: over the chains of each a_bits, the RMS
// error against float evaluation is at most 1.5x float-combination LQ's
// (the accuracy figures are in docs/results.md), on the inputs drawn like
// the calibration inputs (the third, wide-range input exceeds the calibrated
// grid and is clamped, as in the int8 scheme).
TEST_CASE("lq_int: error against float close to float-combination LQ's on the chains", "[lqint]") {
  const std::vector<qgt::DiffModel> a = chains("lq_int"), b = chains("lq");
  const std::string dir = qgt::make_temp_dir("lqiclose");
  std::map<int, double> se_i, se_f;
  for (size_t k = 0; k < a.size(); ++k) {
    const qg::driver::PipelineState si = qgt::compile_model(dir, a[k].net_json, a[k].quant_json, a[k].prefix, a[k].calibration, "c");
    const qg::driver::PipelineState sf = qgt::compile_model(dir, b[k].net_json, b[k].quant_json, b[k].prefix, {}, "c");
    const int bits = si.graph.nodes.back().lq ? si.graph.nodes.back().lq->a_bits : 0;
    REQUIRE(bits != 0);
    for (size_t i_in = 0; i_in < 2; ++i_in) {
      const std::vector<float>& in = a[k].inputs[i_in];
      const std::vector<float> yi = qg::interp::run(si.graph, in, qg::interp::Mode::AsCompiled);
      const std::vector<float> yf = qg::interp::run(sf.graph, in, qg::interp::Mode::AsCompiled);
      const std::vector<float> y = qg::interp::run(sf.graph, in, qg::interp::Mode::Float);
      for (size_t i = 0; i < y.size(); ++i) {
        se_i[bits] += (static_cast<double>(yi[i]) - y[i]) * (static_cast<double>(yi[i]) - y[i]);
        se_f[bits] += (static_cast<double>(yf[i]) - y[i]) * (static_cast<double>(yf[i]) - y[i]);
      }
    }
  }
  qgt::remove_dir(dir);
  for (int bits : {8, 4, 2}) {
    INFO("a_bits " << bits << ": squared error lq_int " << se_i[bits] << ", lq " << se_f[bits]);
    CHECK(se_f[bits] > 0.0);
    CHECK(std::sqrt(se_i[bits]) <= 1.5 * std::sqrt(se_f[bits]));
  }
}

TEST_CASE("lq_int: configuration errors name the config path and the layer", "[lqint]") {
  const qgt::DiffModel m = chain("lqie", "lq_int", 8, 2, 8, {1, 1, 1, 1}, 3, 7);
  auto with = [&](const json& layer) {
    json q = json::parse(m.quant_json);
    q["layers"]["c2"] = layer;
    return q.dump();
  };
  CHECK_THAT(compile_error(m.net_json, with({{"a_bits", 6}}), m.calibration),
             Catch::Contains("layers.c2.a_bits") && Catch::Contains("scheme lq_int takes a_bits 8, 4 or 2, got 6 (layer 'c2')"));
  CHECK_THAT(compile_error(m.net_json, with({{"a_bits", 4}, {"kernel", "lut"}}), m.calibration),
             Catch::Contains("layers.c2.kernel") && Catch::Contains("scheme lq_int has only the \"mac\" kernel (layer 'c2')"));
  CHECK_THAT(compile_error(m.net_json, with({{"a_region", "layer"}}), m.calibration),
             Catch::Contains("layers.c2.a_region") && Catch::Contains("not \"layer\" (layer 'c2')"));
  CHECK_THAT(compile_error(m.net_json, m.quant_json, {}), Catch::Contains("default.scheme") && Catch::Contains("scheme lq_int needs calibration inputs"));
  CHECK_THAT(compile_error(m.net_json, m.quant_json, m.calibration, "hls"), Catch::Contains("scheme lq_int (integer-only LQ) is not supported"));
  CHECK_THAT(compile_error(m.net_json, with({{"scheme", "lq_int8"}}), m.calibration), Catch::Contains("\"lq_int\""));
}
