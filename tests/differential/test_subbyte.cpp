// Sub-byte activations in the int8 scheme (docs/integer-only.md, "Sub-byte
// activations"): random integer-only nets whose conv / dense layers get
// per-layer a_bits 8/4/2 (packed unsigned codes) and w_bits 8/4/2; emitted C
// (host: gcc and clang, -O0 and -O2; Cortex-M7 under QEMU; x86-64 and
// cortex-a packages whose packed layers run the Halide int8 pipeline through
// the sub-byte glue, qemu-aarch64) equals the
// interpreter bit for bit. A coverage case checks that the nets reach every
// (input bits, output bits) pair of a conv / dense layer, every weight width
// with packed activations, odd channel counts and packed tails, and max pools
// that read and write packed codes (templates/pool2d_sub.c).
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "differential/harness.h"
#include "ir/op_table.h"
#include "support/cbuild.h"
#include "support/random_net.h"

namespace {

using json = nlohmann::json;

// random_models' int8 nets, with a per-layer a_bits / w_bits for every conv
// and dense layer: layer i gets a_bits bits[kCycle[(seed + i) % 9]], a cyclic
// de Bruijn sequence, so consecutive layers run through all nine width pairs
// over the seeds; w_bits bits[(seed / 9 + i) % 3].
// pools: a max pool after most conv layers (reading the packed codes).
// channel_multiple 4: channel counts a multiple of 4 and 8-bit weights, so
// that 3x3 layers with packed inputs take the patch path of
// templates/conv2d_sub_smlad.c (QG_SUB_BX needs KW * C % 4 == 0).
std::vector<qgt::DiffModel> subbyte_models(uint64_t first, int count, const std::string& prefix, int inputs, bool pools = false,
                                           int64_t channel_multiple = 1) {
  std::vector<qgt::DiffModel> ms = qgt::random_models(first, count, "int8", prefix, inputs, [pools, channel_multiple](int, qgt::RandomNetOptions& o) {
    o.pool_after_conv = pools;
    o.channel_multiple = channel_multiple;
  });
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
      layers[L.at("name").get<std::string>()] = {{"a_bits", bits[kCycle[(seed + i) % 9]]}, {"w_bits", channel_multiple > 1 ? 8 : bits[(seed / 9 + i) % 3]}};
      ++i;
    }
    ms[k].quant_json = json{{"default", {{"scheme", "int8"}, {"w_bits", 8}}}, {"layers", layers}}.dump();
    ms[k].label = "sub-byte int8 net seed " + std::to_string(seed);
  }
  return ms;
}

// Rows wider than one patch block of templates/conv2d_sub_smlad.c (16
// output pixels; the random nets above are at most 13 wide): input 6x37x8
// HWC, c0 1x1 8 -> 8, c1 3x3 same-padded 8 -> 12, c2 3x3 stride 2 padded
// 12 -> 5, each with relu; a_bits of c0, c1, c2 per variant (c1 and c2 read
// packed codes: 37 = 16 + 16 + 5 pixels, the last block with a lone pixel;
// 19 outputs of c2 = 16 + 3), 8-bit weights. Weights from a fixed LCG.
std::vector<qgt::DiffModel> wide_models(const std::string& prefix, int inputs) {
  const int variants[3][3] = {{4, 2, 8}, {2, 4, 4}, {4, 4, 2}};
  std::vector<qgt::DiffModel> ms;
  uint32_t st = 12345;
  auto rnd = [&st](float scale) {
    st = st * 1664525u + 1013904223u;
    return scale * (static_cast<float>(st >> 8) / 8388608.0f - 1.0f);
  };
  for (int v = 0; v < 3; ++v) {
    json layers = json::array();
    const int64_t shapes[3][5] = {{8, 8, 1, 1, 0}, {12, 8, 3, 1, 1}, {5, 12, 3, 2, 1}};  // O, C, k, stride, pad
    json q = json::object();
    std::string prev = "x";
    for (int i = 0; i < 3; ++i) {
      const int64_t O = shapes[i][0], C = shapes[i][1], k = shapes[i][2];
      std::vector<float> w(static_cast<size_t>(O * C * k * k)), b(static_cast<size_t>(O));
      for (float& f : w) f = rnd(1.5f / std::sqrt(static_cast<float>(C * k * k)));
      for (float& f : b) f = rnd(0.3f);
      const std::string name = "c" + std::to_string(i);
      layers.push_back({{"name", name}, {"op", "conv2d"}, {"inputs", {prev}}, {"stride", shapes[i][3]}, {"padding", shapes[i][4]},
                        {"weight", {{"shape", {O, C, k, k}}, {"data", w}}}, {"bias", {{"shape", {O}}, {"data", b}}}});
      layers.push_back({{"name", name + "_relu"}, {"op", "relu"}, {"inputs", {name}}});
      prev = name + "_relu";
      q[name] = {{"a_bits", variants[v][i]}, {"w_bits", 8}};
    }
    qgt::DiffModel m;
    m.net_json = json{{"format", "qgen-net"}, {"version", 1}, {"name", "wide" + std::to_string(v)},
                      {"input", {{"name", "x"}, {"shape", {6, 37, 8}}, {"layout", "HWC"}}}, {"layers", layers}}
                     .dump();
    m.quant_json = json{{"default", {{"scheme", "int8"}, {"w_bits", 8}}}, {"layers", q}}.dump();
    m.prefix = prefix + std::to_string(v);
    m.label = "sub-byte wide net " + std::to_string(v);
    for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(940000 + static_cast<uint64_t>(v * 31 + c), 6 * 37 * 8, c % 2 ? 0 : 3));
    for (int kind = 0; kind < inputs; ++kind) m.inputs.push_back(qgt::random_input(941000 + static_cast<uint64_t>(v * 7 + kind), 6 * 37 * 8, kind));
    ms.push_back(std::move(m));
  }
  return ms;
}

// Depthwise layers with packed activations on the Cortex-M7 (the block path
// of templates/dwconv2d_i8_smlad.c): per variant, c0 (1x1 conv C -> C, relu)
// writes the depthwise layer's input at `ib` bits, dw (KxK depthwise, stride,
// padding, relu6) writes `ob` bits with `wb`-bit weights, c2 (1x1 conv
// C -> 3) reads it. Variants 0..7 are the eight (in, out) width pairs other
// than 8/8; odd and prime channel counts (rows that start inside a byte:
// W * C odd), packed tails, stride 1 and 2, padding 0 / 1 / 2, a 5x5 window
// (the C pair step), a 3-pixel-wide input and a 40-pixel row (three blocks
// of the block path). Weights from a fixed LCG.
std::vector<qgt::DiffModel> dw_models(const std::string& prefix, int inputs) {
  struct V {
    int ib, ob, wb;
    int64_t H, W, C, k, stride, pad;
  };
  const V vs[] = {{4, 8, 8, 7, 9, 7, 3, 1, 1},   {2, 8, 4, 6, 11, 13, 3, 2, 1}, {8, 4, 2, 9, 7, 5, 3, 1, 0},
                  {8, 2, 8, 5, 13, 3, 3, 2, 1},  {4, 4, 4, 8, 10, 11, 3, 1, 1}, {4, 2, 2, 7, 6, 8, 3, 2, 0},
                  {2, 4, 8, 6, 9, 12, 3, 1, 1},  {2, 2, 2, 5, 8, 17, 3, 1, 1},  {4, 8, 2, 6, 7, 6, 5, 1, 2},
                  {2, 4, 4, 9, 3, 16, 3, 2, 1},  {4, 4, 8, 4, 40, 24, 3, 1, 1}};
  std::vector<qgt::DiffModel> ms;
  uint32_t st = 24680;
  auto rnd = [&st](float scale) {
    st = st * 1664525u + 1013904223u;
    return scale * (static_cast<float>(st >> 8) / 8388608.0f - 1.0f);
  };
  int v = 0;
  for (const V& d : vs) {
    json layers = json::array();
    json q = json::object();
    auto conv = [&](const std::string& name, const std::string& in, int64_t O, int64_t Cg, int64_t k, int64_t groups, int64_t stride, int64_t pad) {
      std::vector<float> w(static_cast<size_t>(O * Cg * k * k)), b(static_cast<size_t>(O));
      for (float& f : w) f = rnd(1.5f / std::sqrt(static_cast<float>(Cg * k * k)));
      for (float& f : b) f = rnd(0.3f);
      json L = {{"name", name}, {"op", "conv2d"}, {"inputs", {in}}, {"stride", stride}, {"padding", pad},
                {"weight", {{"shape", {O, Cg, k, k}}, {"data", w}}}, {"bias", {{"shape", {O}}, {"data", b}}}};
      if (groups != 1) L["groups"] = groups;
      layers.push_back(L);
    };
    conv("c0", "x", d.C, d.C, 1, 1, 1, 0);
    layers.push_back({{"name", "c0_relu"}, {"op", "relu"}, {"inputs", {"c0"}}});
    conv("dw", "c0_relu", d.C, 1, d.k, d.C, d.stride, d.pad);
    layers.push_back({{"name", "dw_relu"}, {"op", "relu6"}, {"inputs", {"dw"}}});
    conv("c2", "dw_relu", 3, d.C, 1, 1, 1, 0);
    q["c0"] = {{"a_bits", d.ib}, {"w_bits", 8}};
    q["dw"] = {{"a_bits", d.ob}, {"w_bits", d.wb}};
    q["c2"] = {{"a_bits", 8}, {"w_bits", 8}};
    qgt::DiffModel m;
    m.net_json = json{{"format", "qgen-net"}, {"version", 1}, {"name", "dw" + std::to_string(v)},
                      {"input", {{"name", "x"}, {"shape", {d.H, d.W, d.C}}, {"layout", "HWC"}}}, {"layers", layers}}
                     .dump();
    m.quant_json = json{{"default", {{"scheme", "int8"}, {"w_bits", 8}}}, {"layers", q}}.dump();
    m.prefix = prefix + std::to_string(v);
    m.label = "sub-byte depthwise net " + std::to_string(v);
    const int64_t n = d.H * d.W * d.C;
    for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(950000 + static_cast<uint64_t>(v * 31 + c), n, c % 2 ? 0 : 3));
    for (int kind = 0; kind < inputs; ++kind) m.inputs.push_back(qgt::random_input(951000 + static_cast<uint64_t>(v * 7 + kind), n, kind));
    ms.push_back(std::move(m));
    ++v;
  }
  return ms;
}

constexpr uint64_t kFirst = 930000;
constexpr int kPerGroup = 20;
constexpr int kM7Nets = 32;  // the Cortex-M7 set: enough to reach every width pair on the DSP kernel (checked below)
constexpr uint64_t kPatchFirst = 932000;
constexpr int kM7PatchNets = 12;  // channel counts a multiple of 4: the patch path with packed inputs (checked below)
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

// The Halide targets (x86-64, cortex-a): a conv / dense layer with a packed
// input or output that the Halide int8 pipeline takes (output channels a
// multiple of 4) runs it through templates/halide_linear_i8.c's sub-byte
// glue (row halide_linear_sub: codes unpacked into the padded buffer, the
// output packed from scratch; docs/halide.md); the other packed layers run
// the portable kernel (row int8_sub) in the same package. Nets with channel
// counts a multiple of 4 (8-bit weights), nets with any channel counts
// (8/4/2-bit weights, odd input channels, packed tails) and the wide nets.
constexpr uint64_t kHalideFirst = 933000;
constexpr int kHalideNets = 6;

// Edge cases of the Halide sub-byte glue, three variants: input 5x7x3 HWC;
// c0 3x3 padded 3 -> 5 (O % 4 != 0: portable int8_sub), c1 3x3 padded 5 -> 8
// (reads odd packed channels: 7·5 codes per row, so at 4 and 2 bits rows
// start inside a byte and 175 codes leave a partial last byte), c2 3x3
// depthwise 8 -> 8 stride 2, c3 1x1 8 -> 4, flatten, d0 dense 24 -> 12,
// d1 dense 12 -> 10 (8-bit output, portable). a_bits of c0..d0 are five
// consecutive widths of the cyclic sequence 8 8 4 4 2 2 8 2 4 from 0, 4, 8:
// the four Halide layers c1, c2, c3, d0 take every (input, output) pair over
// the variants; w_bits 8/4/2 rotate over layers and variants.
std::vector<qgt::DiffModel> halide_edge_models(const std::string& prefix, int inputs) {
  const int seq[9] = {8, 8, 4, 4, 2, 2, 8, 2, 4};
  const int wb[3] = {8, 4, 2};
  std::vector<qgt::DiffModel> ms;
  uint32_t st = 777u;
  auto rnd = [&st](float scale) {
    st = st * 1664525u + 1013904223u;
    return scale * (static_cast<float>(st >> 8) / 8388608.0f - 1.0f);
  };
  for (int v = 0; v < 3; ++v) {
    json layers = json::array(), q = json::object();
    std::string prev = "x";
    int li = 0;
    auto linear = [&](const std::string& name, const std::string& op, int64_t O, int64_t C, int64_t k, int64_t stride, int64_t groups, bool relu) {
      const int64_t cg = C / groups, K = cg * k * k;
      std::vector<float> w(static_cast<size_t>(O * K)), b(static_cast<size_t>(O));
      for (float& f : w) f = rnd(1.5f / std::sqrt(static_cast<float>(K)));
      for (float& f : b) f = rnd(0.3f);
      json L = {{"name", name}, {"op", op}, {"inputs", {prev}}, {"bias", {{"shape", {O}}, {"data", b}}}};
      if (op == "conv2d") {
        L["stride"] = stride;
        L["padding"] = k / 2;
        L["weight"] = {{"shape", {O, cg, k, k}}, {"data", w}};
        if (groups > 1) L["groups"] = groups;
      } else {
        L["weight"] = {{"shape", {O, C}}, {"data", w}};
      }
      layers.push_back(L);
      prev = name;
      if (relu) {
        layers.push_back({{"name", name + "_relu"}, {"op", "relu"}, {"inputs", {prev}}});
        prev = name + "_relu";
      }
      q[name] = {{"a_bits", li < 5 ? seq[(4 * v + li) % 9] : 8}, {"w_bits", wb[(v + li) % 3]}};
      ++li;
    };
    linear("c0", "conv2d", 5, 3, 3, 1, 1, false);
    linear("c1", "conv2d", 8, 5, 3, 1, 1, true);
    linear("c2", "conv2d", 8, 8, 3, 2, 8, false);
    linear("c3", "conv2d", 4, 8, 1, 1, 1, true);
    layers.push_back({{"name", "flat"}, {"op", "flatten"}, {"inputs", {prev}}});
    prev = "flat";
    linear("d0", "dense", 12, 3 * 4 * 4, 1, 1, 1, false);  // c2: 5x7 -> 3x4 (stride 2, padding 1)
    linear("d1", "dense", 10, 12, 1, 1, 1, false);
    qgt::DiffModel m;
    m.net_json = json{{"format", "qgen-net"}, {"version", 1}, {"name", "edge" + std::to_string(v)},
                      {"input", {{"name", "x"}, {"shape", {5, 7, 3}}, {"layout", "HWC"}}}, {"layers", layers}}
                     .dump();
    m.quant_json = json{{"default", {{"scheme", "int8"}, {"w_bits", 8}}}, {"layers", q}}.dump();
    m.prefix = prefix + std::to_string(v);
    m.label = "sub-byte Halide edge net " + std::to_string(v);
    for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(950000 + static_cast<uint64_t>(v * 31 + c), 5 * 7 * 3, c % 2 ? 0 : 3));
    for (int kind = 0; kind < inputs; ++kind) m.inputs.push_back(qgt::random_input(951000 + static_cast<uint64_t>(v * 7 + kind), 5 * 7 * 3, kind));
    ms.push_back(std::move(m));
  }
  return ms;
}

std::vector<qgt::DiffModel> halide_sub_models(const std::string& prefix, int inputs) {
  std::vector<qgt::DiffModel> ms = subbyte_models(kHalideFirst, kHalideNets, prefix, inputs, false, 4);
  for (qgt::DiffModel& m : wide_models(prefix + "w", inputs)) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : halide_edge_models(prefix + "e", inputs)) ms.push_back(std::move(m));
  return ms;
}

TEST_CASE("x86-64 and cortex-a (Halide): sub-byte layers on the Halide int8 pipeline equal the interpreter", "[differential][halide][subbyte]") {
  int objects = 0;
  const std::vector<qgt::Toolchain> tcs = {{"gcc", "-O2", "x86-64", "", ""},
                                           {"aarch64-linux-gnu-gcc", "-O2", "cortex-a", "", "qemu-aarch64 -L /usr/aarch64-linux-gnu"}};
  const std::string err = qgt::run_differential(halide_sub_models("sbhl", 2), tcs, "subhl", nullptr, &objects);
  if (!err.empty()) FAIL(err);
  CHECK(objects > 0);  // Halide layers really ran
}

// The nets above reach the sub-byte Halide path for every (input, output)
// width pair but 8/8, every weight width, odd input channels, inputs with a
// partial last byte, a conv input row that starts inside a byte, dense and
// depthwise layers; the kernel report.json names for such a layer is the
// Halide one; layers the pipeline cannot take (output channels not a
// multiple of 4) stay on int8_sub.
TEST_CASE("x86-64 and cortex-a (Halide): the sub-byte nets reach the Halide sub-byte path", "[differential][halide][subbyte]") {
  const std::vector<qgt::DiffModel> ms = halide_sub_models("sbhlc", 0);
  const std::string dir = qgt::make_temp_dir("subhlcover");
  for (const char* target : {"x86-64", "cortex-a"}) {
    std::map<std::pair<int, int>, int> pairs;
    std::map<int, int> w;
    int odd_in = 0, in_tail = 0, row_inside = 0, dense = 0, depthwise = 0, portable = 0, portable_o4 = 0, reported = 0, hl = 0;
    const std::string suffix = std::string("_i8_halide__") + (std::string(target) == "x86-64" ? "x86_64" : "cortex_a");
    for (const qgt::DiffModel& m : ms) {
      const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, target);
      const json report = json::parse(qgt::read_file(dir + "/out/report.json"));
      const qg::ir::Graph& g = s.graph;
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        const qg::ir::Node& n = g.nodes[i];
        const qg::select::KernelChoice& k = s.kernels->at(i);
        if (!n.il) continue;
        const qg::ir::Tensor &in = g.in(n), &out = g.out(n);
        if (k.row == "int8_sub") {
          ++portable;
          portable_o4 += n.weight.shape[0] % 4 == 0 ? 1 : 0;
        }
        if (k.row != "halide_linear_sub") continue;
        ++hl;
        ++pairs[{in.q.bits, out.q.bits}];
        ++w[n.il->w_bits];
        const std::string want = "_a" + std::to_string(in.q.bits) + "o" + std::to_string(out.q.bits) + suffix;
        for (const json& L : report.at("layers"))
          if (L.at("name") == n.name) {
            const std::string kn = L.at("kernel");
            reported += k.halide && kn.size() > want.size() && kn.compare(kn.size() - want.size(), want.size(), want) == 0 ? 1 : 0;
          }
        dense += n.op == qg::ir::Op::Dense ? 1 : 0;
        depthwise += qg::ir::is_depthwise(g, n) ? 1 : 0;
        if (!in.sub_byte()) continue;
        odd_in += in.shape.back() % 2 ? 1 : 0;
        in_tail += (in.numel() * in.q.bits) % 8 != 0 ? 1 : 0;
        row_inside += n.op == qg::ir::Op::Conv2d && in.shape.size() == 3 && (in.shape[1] * in.shape[2] * in.q.bits) % 8 != 0 ? 1 : 0;
      }
    }
    INFO(target);
    for (int ib : {8, 4, 2})
      for (int ob : {8, 4, 2}) {
        if (ib == 8 && ob == 8) continue;
        INFO("Halide sub-byte layers with " << ib << "-bit input, " << ob << "-bit output: " << pairs[std::make_pair(ib, ob)]);
        CHECK(pairs[std::make_pair(ib, ob)] >= 1);
      }
    for (int wb : {8, 4, 2}) {
      INFO("Halide sub-byte layers with " << wb << "-bit weights: " << w[wb]);
      CHECK(w[wb] >= 1);
    }
    INFO("odd packed input channels " << odd_in << ", packed inputs with a partial last byte " << in_tail << ", input rows starting inside a byte "
                                      << row_inside << ", dense " << dense << ", depthwise " << depthwise << "; report.json names the Halide kernel for "
                                      << reported << " of " << hl << "; int8_sub layers " << portable << " (" << portable_o4
                                      << " with O a multiple of 4)");
    CHECK(odd_in >= 1);
    CHECK(in_tail >= 1);
    CHECK(row_inside >= 1);
    CHECK(dense >= 1);
    CHECK(depthwise >= 1);
    CHECK(reported == hl);
    CHECK(portable >= 1);  // the portable fallback is still exercised beside Halide layers
  }
  qgt::remove_dir(dir);
}

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

TEST_CASE("cortex-m7: sub-byte nets with channel counts a multiple of 4 and wide rows (patch path) equal the interpreter on the board", "[m7][subbyte]") {
  std::vector<qgt::DiffModel> ms = subbyte_models(kPatchFirst, kM7PatchNets, "m7sbq", 2, false, 4);
  for (qgt::DiffModel& m : wide_models("m7sbw", 2)) ms.push_back(std::move(m));
  const std::string err = qgt::run_differential(ms, qgt::m7_toolchains(), "m7subq");
  if (!err.empty()) FAIL(err);
}

TEST_CASE("cortex-m7: depthwise layers with sub-byte activations (block path) equal the interpreter on the board", "[m7][subbyte]") {
  const std::string err = qgt::run_differential(dw_models("m7sbd", 2), qgt::m7_toolchains(), "m7subdw");
  if (!err.empty()) FAIL(err);
}

// The depthwise nets reach the DSP block path (row dsp_depthwise_sub) for
// every (in, out) width pair but 8/8 and every weight width, with odd
// channels, rows starting inside a byte, packed tails, stride 2, padding,
// the 3x3 asm block's condition (offsets within LDR's 4095) and a window
// that is not 3x3.
TEST_CASE("cortex-m7: the depthwise nets reach the DSP block path for packed activations", "[m7][subbyte]") {
  std::map<std::pair<int, int>, int> pairs;
  std::map<int, int> w;
  int odd_c = 0, unaligned_rows = 0, tails = 0, stride2 = 0, padded = 0, asm3x3 = 0, not3x3 = 0, lone = 0, blocks = 0;
  const std::string dir = qgt::make_temp_dir("m7subdwcover");
  for (const qgt::DiffModel& m : dw_models("m7sbdc", 0)) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      if (s.kernels->at(i).row != "dsp_depthwise_sub") continue;
      const qg::ir::Node& n = s.graph.nodes[i];
      const qg::ir::Tensor &in = s.graph.in(n), &out = s.graph.out(n);
      const qg::ir::Window& win = n.attrs.win;
      const int64_t W = in.shape[1], C = in.shape[2];
      ++pairs[{in.q.bits, out.q.bits}];
      ++w[n.il->w_bits];
      odd_c += C % 2 ? 1 : 0;
      unaligned_rows += in.sub_byte() && (W * C * in.q.bits) % 8 ? 1 : 0;
      tails += (in.sub_byte() && (in.numel() * in.q.bits) % 8) || (out.sub_byte() && (out.numel() * out.q.bits) % 8) ? 1 : 0;
      stride2 += win.sw == 2 && win.sh == 2 ? 1 : 0;
      padded += win.padded() ? 1 : 0;
      const int64_t bx = s.kernels->at(i).dsp.sub_bx, pw = (bx - 1) * win.sw + win.kw, OW = out.shape[1];
      asm3x3 += win.kh == 3 && win.kw == 3 && 8 * C + 3 <= 4095 && (2 * pw + 2 + win.sw) * C + 3 <= 4095 ? 1 : 0;
      lone += OW % bx % 2 ? 1 : 0;
      blocks += OW > bx ? 1 : 0;
      not3x3 += win.kh != 3 || win.kw != 3 ? 1 : 0;
    }
  }
  qgt::remove_dir(dir);
  for (int ib : {8, 4, 2})
    for (int ob : {8, 4, 2}) {
      if (ib == 8 && ob == 8) continue;
      INFO("depthwise DSP layers with " << ib << "-bit input, " << ob << "-bit output: " << pairs[std::make_pair(ib, ob)]);
      CHECK(pairs[std::make_pair(ib, ob)] >= 1);
    }
  for (int wb : {8, 4, 2}) {
    INFO("depthwise DSP layers with " << wb << "-bit weights: " << w[wb]);
    CHECK(w[wb] >= 1);
  }
  INFO("odd C " << odd_c << ", rows starting inside a byte " << unaligned_rows << ", packed tails " << tails << ", stride 2 " << stride2
                << ", padded " << padded << ", 3x3 asm offsets " << asm3x3 << ", not 3x3 " << not3x3 << ", a lone last pixel " << lone
                << ", several blocks per row " << blocks);
  CHECK(odd_c >= 1);
  CHECK(unaligned_rows >= 1);
  CHECK(tails >= 1);
  CHECK(stride2 >= 1);
  CHECK(padded >= 1);
  CHECK(asm3x3 >= 1);
  CHECK(not3x3 >= 1);
  CHECK(lone >= 1);
  CHECK(blocks >= 1);
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

// On the Cortex-M7 the m7 cases above run the DSP kernel of packed layers
// (templates/conv2d_sub_smlad.c) for every pair of input and output widths
// and every weight width, with odd channel counts, and its patch path
// (QG_SUB_BX) for every input width, with odd output channels, a lone
// last pixel, padding, stride 2 and several blocks per row.
TEST_CASE("cortex-m7: the sub-byte nets reach the DSP kernel for packed activations", "[m7][subbyte]") {
  std::vector<qgt::DiffModel> ms = subbyte_models(kFirst, kM7Nets, "m7sbc", 0);
  for (qgt::DiffModel& m : subbyte_models(kPatchFirst, kM7PatchNets, "m7sbqc", 0, false, 4)) ms.push_back(std::move(m));
  for (qgt::DiffModel& m : wide_models("m7sbwc", 0)) ms.push_back(std::move(m));
  std::map<std::pair<int, int>, int> pairs;  // (input bits, output bits) of dsp_gemm_sub layers
  std::map<int, int> w;
  int odd_in = 0;
  // the patch path (QG_SUB_BX): by input width, odd output channels (plain
  // last row), odd output rows (a lone pixel), padded windows, stride 2
  std::map<int, int> patch_in;
  int patch_odd_o = 0, patch_lone = 0, patch_pad = 0, patch_stride = 0, patch_blocks = 0;
  const std::string dir = qgt::make_temp_dir("m7subcover");
  for (const qgt::DiffModel& m : ms) {
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "cortex-m7");
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      if (s.kernels->at(i).row != "dsp_gemm_sub") continue;
      const qg::ir::Node& n = s.graph.nodes[i];
      ++pairs[{s.graph.in(n).q.bits, s.graph.out(n).q.bits}];
      ++w[s.kernels->at(i).dsp.w_bits];
      odd_in += s.graph.in(n).sub_byte() && s.graph.in(n).shape.back() % 2 ? 1 : 0;  // runs start inside a byte
      const int64_t bx = s.kernels->at(i).dsp.sub_bx;
      if (bx > 0) {
        const int64_t O = n.weight.shape[0], OW = s.graph.out(n).shape[1];
        ++patch_in[s.graph.in(n).q.bits];
        patch_odd_o += O % 2 ? 1 : 0;
        patch_lone += OW % bx % 2 ? 1 : 0;
        patch_pad += n.attrs.win.padded() ? 1 : 0;
        patch_stride += n.attrs.win.sw > 1 ? 1 : 0;
        patch_blocks += OW > bx ? 1 : 0;
      }
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
  INFO("patch path layers with 8/4/2-bit input: " << patch_in[8] << "/" << patch_in[4] << "/" << patch_in[2] << "; odd O "
                                                  << patch_odd_o << ", a lone pixel " << patch_lone << ", padded " << patch_pad
                                                  << ", stride 2 " << patch_stride << ", several blocks per row " << patch_blocks);
  for (int ib : {8, 4, 2}) CHECK(patch_in[ib] >= 1);
  CHECK(patch_odd_o >= 1);
  CHECK(patch_lone >= 1);
  CHECK(patch_pad >= 1);
  CHECK(patch_stride >= 1);
  CHECK(patch_blocks >= 1);
}
