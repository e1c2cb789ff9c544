// Sub-byte activations in the int8 scheme (docs/integer-only.md, "Sub-byte
// activations"): random integer-only nets whose conv / dense layers get
// per-layer a_bits 8/4/2 (packed unsigned codes) and w_bits 8/4/2; emitted C
// (host: gcc and clang, -O0 and -O2; Cortex-M7 under QEMU) equals the
// interpreter bit for bit. A coverage case checks that the nets reach every
// (input bits, output bits) pair of a conv / dense layer, every weight width
// with packed activations, odd channel counts and packed tails, and max pools
// that read and write packed codes (templates/pool2d_sub.c).
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "differential/harness.h"
#include "support/cbuild.h"

namespace {

using json = nlohmann::json;

// random_models' int8 nets, with a per-layer a_bits / w_bits for every conv
// and dense layer: layer i gets a_bits bits[kCycle[(seed + i) % 9]], a cyclic
// de Bruijn sequence, so consecutive layers run through all nine width pairs
// over the seeds; w_bits bits[(seed / 9 + i) % 3].
// pools: a max pool after most conv layers (reading the packed codes).
std::vector<qgt::DiffModel> subbyte_models(uint64_t first, int count, const std::string& prefix, int inputs, bool pools = false) {
  std::vector<qgt::DiffModel> ms =
      qgt::random_models(first, count, "int8", prefix, inputs, [pools](int, qgt::RandomNetOptions& o) { o.pool_after_conv = pools; });
  const int bits[3] = {8, 4, 2};
  const int kCycle[9] = {0, 0, 1, 1, 2, 2, 0, 2, 1};  // every ordered pair once, cyclically
  for (size_t k = 0; k < ms.size(); ++k) {
    const uint64_t seed = first + k;
    const json net = json::parse(ms[k].net_json);
    json layers = json::object();
    uint64_t i = 0;
    for (const json& L : net.at("layers")) {
      const std::string op = L.at("op");
      if (op != "conv2d" && op != "dense") continue;
      layers[L.at("name").get<std::string>()] = {{"a_bits", bits[kCycle[(seed + i) % 9]]}, {"w_bits", bits[(seed / 9 + i) % 3]}};
      ++i;
    }
    ms[k].quant_json = json{{"default", {{"scheme", "int8"}, {"w_bits", 8}}}, {"layers", layers}}.dump();
    ms[k].label = "sub-byte int8 net seed " + std::to_string(seed);
  }
  return ms;
}

constexpr uint64_t kFirst = 930000;
constexpr int kPerGroup = 20;
constexpr int kM7Nets = 32;  // the Cortex-M7 set: enough to reach every width pair on the DSP kernel (checked below)
constexpr uint64_t kPoolFirst = 931000;
constexpr int kPoolNets = 20, kM7PoolNets = 10;  // nets with a max pool after most convs

void check_group(int group) {
  INFO("sub-byte group " << group);
  const std::string err = qgt::run_differential(subbyte_models(kFirst + static_cast<uint64_t>(group * kPerGroup), kPerGroup, "sb", 3),
                                                qgt::default_toolchains(), "sub" + std::to_string(group));
  if (!err.empty()) FAIL(err);
}

}  // namespace

TEST_CASE("sub-byte activations group 0: emitted C equals interpreter bit for bit", "[differential][int8][subbyte]") { check_group(0); }
TEST_CASE("sub-byte activations group 1: emitted C equals interpreter bit for bit", "[differential][int8][subbyte]") { check_group(1); }
TEST_CASE("sub-byte activations group 2: emitted C equals interpreter bit for bit", "[differential][int8][subbyte]") { check_group(2); }

TEST_CASE("sub-byte max pools on packed codes: emitted C equals interpreter bit for bit", "[differential][int8][subbyte]") {
  const std::string err = qgt::run_differential(subbyte_models(kPoolFirst, kPoolNets, "sbp", 3, true), qgt::default_toolchains(), "subpool");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: sub-byte max pools on packed codes equal the interpreter on the board", "[m7][subbyte]") {
  const std::string err = qgt::run_differential(subbyte_models(kPoolFirst, kM7PoolNets, "m7sbp", 2, true), qgt::m7_toolchains(), "m7subpool");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: random nets with sub-byte activations equal the interpreter on the board", "[m7][subbyte]") {
  const std::string err = qgt::run_differential(subbyte_models(kFirst, kM7Nets, "m7sb", 2), qgt::m7_toolchains(), "m7sub");
  if (!err.empty()) FAIL(err);
}

// The nets above reach what they are meant to test (else they could pass
// with 8-bit activations alone), max pools on packed codes included.
TEST_CASE("sub-byte activations: the random nets reach every width pair, packed tails and odd channels", "[differential][subbyte]") {
  std::vector<qgt::DiffModel> ms = subbyte_models(kFirst, 3 * kPerGroup, "sbc", 0);
  for (qgt::DiffModel& m : subbyte_models(kPoolFirst, kPoolNets, "sbpc", 0, true)) ms.push_back(std::move(m));
  std::map<std::pair<int, int>, int> pairs;  // (input bits, output bits) of conv / dense layers
  std::map<int, int> w_with_packed;          // w_bits of layers with a packed input or output
  int tails = 0, odd_channels = 0, unpacks = 0, sub_rows = 0;
  std::map<int, int> pools;  // max pools on packed codes (row maxpool_sub) by width
  int pool_tails = 0, pool_odd = 0;
  const std::string dir = qgt::make_temp_dir("subcover");
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "c");
    const qg::ir::Graph& g = s.graph;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const qg::ir::Node& n = g.nodes[i];
      const std::string& row = s.kernels->at(i).row;
      sub_rows += row == "int8_sub" ? 1 : 0;
      unpacks += row == "unpack_sub" ? 1 : 0;
      if (row == "maxpool_sub") {
        ++pools[g.out(n).q.bits];
        pool_tails += (g.out(n).numel() * g.out(n).q.bits) % 8 != 0 || (g.in(n).numel() * g.in(n).q.bits) % 8 != 0 ? 1 : 0;
        pool_odd += g.out(n).shape.back() % 2 != 0 ? 1 : 0;
      }
      if (!n.il) continue;
      const qg::ir::Tensor &in = g.in(n), &out = g.out(n);
      ++pairs[{in.q.bits, out.q.bits}];
      if (in.sub_byte() || out.sub_byte()) ++w_with_packed[n.il->w_bits];
      for (const qg::ir::Tensor* t : {&in, &out}) {
        if (!t->sub_byte()) continue;
        tails += (t->numel() * t->q.bits) % 8 != 0 ? 1 : 0;
        odd_channels += t->shape.back() % 2 != 0 ? 1 : 0;
      }
    }
  }
  qgt::remove_dir(dir);
  for (int ib : {8, 4, 2})
    for (int ob : {8, 4, 2}) {
      const int count = pairs[std::make_pair(ib, ob)];
      INFO("layers with " << ib << "-bit input, " << ob << "-bit output: " << count);
      CHECK(count >= 1);
    }
  for (int wb : {8, 4, 2}) {
    INFO(wb << "-bit weights with packed activations: " << w_with_packed[wb] << " layers");
    CHECK(w_with_packed[wb] >= 1);
  }
  INFO("packed tensors with a partial last byte: " << tails << ", with an odd channel count: " << odd_channels << "; unpack nodes "
                                                   << unpacks << ", int8_sub layers " << sub_rows);
  CHECK(tails >= 1);
  CHECK(odd_channels >= 1);
  CHECK(unpacks >= 1);
  CHECK(sub_rows >= 1);
  INFO("max pools on packed codes: " << pools[4] << " at 4 bits, " << pools[2] << " at 2 bits; " << pool_tails << " with a partial last byte, "
                                     << pool_odd << " with odd channels");
  CHECK(pools[4] >= 1);
  CHECK(pools[2] >= 1);
  CHECK(pool_tails >= 1);
  CHECK(pool_odd >= 1);
}

// On the Cortex-M7 the m7 case above runs the DSP kernel of packed layers
// (templates/conv2d_sub_smlad.c) for every pair of input and output widths
// and every weight width, with odd channel counts.
TEST_CASE("cortex-m7: the sub-byte nets reach the DSP kernel for packed activations", "[m7][subbyte]") {
  const std::vector<qgt::DiffModel> ms = subbyte_models(kFirst, kM7Nets, "m7sbc", 0);
  std::map<std::pair<int, int>, int> pairs;  // (input bits, output bits) of dsp_gemm_sub layers
  std::map<int, int> w;
  int odd_in = 0;
  const std::string dir = qgt::make_temp_dir("m7subcover");
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      if (s.kernels->at(i).row != "dsp_gemm_sub") continue;
      const qg::ir::Node& n = s.graph.nodes[i];
      ++pairs[{s.graph.in(n).q.bits, s.graph.out(n).q.bits}];
      ++w[s.kernels->at(i).dsp.w_bits];
      odd_in += s.graph.in(n).sub_byte() && s.graph.in(n).shape.back() % 2 ? 1 : 0;  // runs start inside a byte
    }
  }
  qgt::remove_dir(dir);
  for (int ib : {8, 4, 2})
    for (int ob : {8, 4, 2}) {
      if (ib == 8 && ob == 8) continue;
      const int count = pairs[std::make_pair(ib, ob)];
      INFO("DSP layers with " << ib << "-bit input, " << ob << "-bit output: " << count);
      CHECK(count >= 1);
    }
  for (int wb : {8, 4, 2}) {
    INFO("DSP sub-byte layers with " << wb << "-bit weights: " << w[wb]);
    CHECK(w[wb] >= 1);
  }
  INFO("packed inputs with an odd channel count: " << odd_in);
  CHECK(odd_in >= 1);
}
