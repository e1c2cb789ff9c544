// LUT kernels (quant/lut.h) on the random differential suite: random nets
// whose quantized layers use 1-, 2- or 4-bit activations with "kernel": "lut"
// (random group sizes, default group sizes, some "auto" and "mac" layers),
// odd region sizes and odd / prime channel counts from the generator.
//  - emitted C (gcc and clang at -O0 and -O2, and the SSSE3 / AVX2 pshufb path)
//    equals the interpreter bit for bit;
//  - the interpreter's LUT path equals its MAC path (same config with
//    "kernel": "mac") bit for bit.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "differential/harness.h"
#include "interp/interp.h"
#include "support/cbuild.h"

namespace {

using json = nlohmann::json;

constexpr int kPerGroup = 20;

// The random config with LUT-able activation widths and kernel choices; `mac`
// = the same precision choices with the MAC kernel everywhere.
void lut_configs(uint64_t seed, const std::string& quant_json, std::string* lut, std::string* mac) {
  qgt::Rng r(seed ^ 0x5151ull);
  json cfg = json::parse(quant_json);
  json mcfg = cfg;
  auto edit = [&](json& c, json& m, bool is_default) {
    if (c.contains("scheme") && c["scheme"] == "float") return;
    const int bits[3] = {1, 2, 4};
    const int a = bits[r.uniform(0, 2)];
    c["a_bits"] = a;
    m["a_bits"] = a;
    const double x = r.real();
    c["kernel"] = x < 0.75 ? "lut" : x < 0.9 ? "auto" : "mac";
    // A default lut_group applies to layers of any width: at most 2 (4-bit codes).
    if (c["kernel"] != "mac" && r.chance(0.7)) c["lut_group"] = r.uniform(1, is_default ? 2 : 8 / a);
    m["kernel"] = "mac";
  };
  if (cfg.contains("default")) edit(cfg["default"], mcfg["default"], true);
  if (cfg.contains("layers"))
    for (auto it = cfg["layers"].begin(); it != cfg["layers"].end(); ++it) edit(it.value(), mcfg["layers"][it.key()], false);
  // Layers that inherit the default: a layer choice with its own "kernel"
  // but without a_bits keeps the default's a_bits, set above.
  *lut = cfg.dump(1);
  *mac = mcfg.dump(1);
}

std::vector<float> interp_outputs(const std::string& dir, const std::string& net, const std::string& quant, const std::vector<float>& in) {
  qg::driver::PipelineOptions o;
  o.net_path = dir + "/net.json";
  o.config_path = dir + "/quant.json";
  qgt::write_file(o.net_path, net);
  qgt::write_file(o.config_path, quant);
  qg::driver::PipelineState s = qg::driver::run_pipeline(o, "select");  // "auto" layers get their kernel in select
  return qg::interp::run(s.graph, in);
}

// A random quantized net with LUT-able precision choices (`mac`: the same
// with the MAC kernel everywhere) and `inputs` random inputs.
qgt::DiffModel lut_model(uint64_t seed, const std::string& prefix, int inputs, std::string* mac) {
  qgt::RandomNetOptions opt;
  opt.quantized = true;
  qgt::RandomNet rn = qgt::random_net(seed, opt);
  qgt::DiffModel m;
  m.net_json = rn.net_json;
  lut_configs(seed, rn.quant_json, &m.quant_json, mac);
  m.prefix = prefix + std::to_string(seed);
  m.label = "LUT net seed " + std::to_string(seed);
  for (int kind = 0; kind < inputs; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
  return m;
}

void check_lut_group(int group) {
  std::vector<qgt::DiffModel> models;
  std::vector<std::vector<std::vector<float>>> mac_out;
  const std::string tmp = qgt::make_temp_dir("lutmac" + std::to_string(group));
  int lut_layers = 0;
  for (int k = 0; k < kPerGroup; ++k) {
    const uint64_t seed = 700000 + static_cast<uint64_t>(group * kPerGroup + k);
    std::string mac;
    qgt::DiffModel m = lut_model(seed, "lut", 4, &mac);
    // Interpreter: LUT path == MAC path, bit for bit.
    std::vector<std::vector<float>> outs;
    for (size_t i = 0; i < m.inputs.size(); ++i) {
      const std::vector<float> a = interp_outputs(tmp, m.net_json, m.quant_json, m.inputs[i]);
      const std::vector<float> b = interp_outputs(tmp, m.net_json, mac, m.inputs[i]);
      INFO(m.label << " input " << i << "\nquant.json (lut): " << m.quant_json);
      REQUIRE(qgt::first_difference(a, b) == -1);
    }
    {
      qg::driver::PipelineOptions o;
      o.net_path = tmp + "/net.json";
      o.config_path = tmp + "/quant.json";
      qgt::write_file(o.net_path, m.net_json);
      qgt::write_file(o.config_path, m.quant_json);
      for (const auto& n : qg::driver::run_pipeline(o, "select").graph.nodes) lut_layers += n.lq && n.lq->lut_g ? 1 : 0;
    }
    models.push_back(std::move(m));
  }
  qgt::remove_dir(tmp);
  INFO("LUT group " << group << ": " << lut_layers << " LUT layers");
  CHECK(lut_layers >= kPerGroup);
  std::vector<qgt::Toolchain> tcs = qgt::default_toolchains();
#if defined(__x86_64__) || defined(__i386__)
  // The pshufb path of templates/conv2d_lq_lut.c, where the host can run it.
  if (__builtin_cpu_supports("ssse3")) tcs.push_back({"gcc", "-O2 -mssse3"});
  if (__builtin_cpu_supports("avx2")) tcs.push_back({"clang", "-O2 -mavx2"});
#endif
  const std::string err = qgt::run_differential(models, tcs, "difflut" + std::to_string(group));
  if (!err.empty()) FAIL(err);
}

}  // namespace

TEST_CASE("random LUT nets group 0: emitted C (scalar and pshufb) equals interpreter and interpreter LUT equals MAC", "[differential][lut]") {
  check_lut_group(0);
}
TEST_CASE("random LUT nets group 1: emitted C (scalar and pshufb) equals interpreter and interpreter LUT equals MAC", "[differential][lut]") {
  check_lut_group(1);
}

// Cortex-M7: the LUT kernel's UADD16 row path (QG_ROW16) on the board under
// QEMU and on the host, bit for bit with the interpreter.
TEST_CASE("cortex-m7: random LUT nets equal the interpreter on the board", "[differential][lut][m7]") {
  std::vector<qgt::DiffModel> models;
  int lut_layers = 0, row_layers = 0;
  for (int k = 0; k < 2 * kPerGroup; ++k) {
    const uint64_t seed = 710000 + static_cast<uint64_t>(k);
    std::string mac;
    qgt::DiffModel m = lut_model(seed, "m7lut", 3, &mac);
    // Keep the nets whose tables fit a microcontroller (under 1 MiB in all).
    const std::string tmp = qgt::make_temp_dir("m7lutsize");
    qg::driver::PipelineOptions o;
    o.net_path = tmp + "/net.json";
    o.config_path = tmp + "/quant.json";
    qgt::write_file(o.net_path, m.net_json);
    qgt::write_file(o.config_path, m.quant_json);
    o.target = "cortex-m7";
    const qg::driver::PipelineState st = qg::driver::run_pipeline(o);
    size_t bytes = 0;
    int layers = 0, rows = 0;
    for (size_t i = 0; i < st.graph.nodes.size(); ++i) {
      const auto& n = st.graph.nodes[i];
      if (!n.lq || !n.lq->lut_g) continue;
      bytes += n.lq->lut.size();
      ++layers;
      // The Cortex-M7 variant (UADD16 rows) names its target.
      rows += (*st.kernels)[i].kernel.find("__cortex_m7") != std::string::npos ? 1 : 0;
    }
    qgt::remove_dir(tmp);
    if (bytes > (size_t{1} << 20)) continue;
    lut_layers += layers;
    row_layers += rows;
    models.push_back(std::move(m));
  }
  // The shape bench/lut/m7_layer.sh measures: every group full (QG_UNIFORM), 16 channels (one UADD16 block).
  for (int a : {1, 2, 4}) {
    qgt::DiffModel m;
    m.net_json = R"({"format": "qgen-net", "version": 1, "name": "conv",
      "input": {"name": "x", "shape": [16, 12, 12], "layout": "CHW"},
      "layers": [{"name": "conv", "op": "conv2d", "weight": {"shape": [16, 16, 3, 3], "random": 5},
                  "bias": {"shape": [16], "random": 6}, "padding": 1}, {"name": "r", "op": "relu"}]})";
    m.quant_json = R"({"default": {"w_bits": 8, "a_bits": )" + std::to_string(a) + R"(, "w_region": "kernel", "a_region": "kernel", "kernel": "lut"}})";
    m.prefix = "m7lutconv" + std::to_string(a);
    m.label = "3x3 conv 16 -> 16, LUT, " + std::to_string(a) + "-bit activations";
    for (int kind = 0; kind < 2; ++kind) m.inputs.push_back(qgt::random_input(77 + static_cast<uint64_t>(kind), 16 * 12 * 12, kind));
    models.insert(models.begin(), std::move(m));
    ++lut_layers;
  }
  INFO(models.size() << " nets, " << lut_layers << " LUT layers, " << row_layers << " of the random ones with the Cortex-M7 row kernel");
  CHECK(lut_layers >= 10);
  CHECK(row_layers >= 10);
  // LUT tables are large: five models per firmware keep it inside the board's 4 MiB.
  for (size_t b = 0; b < models.size(); b += 5) {
    const std::vector<qgt::DiffModel> part(models.begin() + static_cast<long>(b), models.begin() + static_cast<long>(std::min(b + 5, models.size())));
    const std::string err = qgt::run_differential(part, qgt::m7_toolchains(), "m7lut");
    if (!err.empty()) FAIL(err);
  }
}
