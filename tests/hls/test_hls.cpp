// --target hls (docs/hls.md): the emitted C++ is built with g++ against the
// ap_types headers of the hls4ml wheel (fetch_ap_types.sh, a CTest fixture),
// its C-simulation testbench is run, and every output must equal the reference
// interpreter's bit for bit. Also: the synthesizable-subset check, the
// accumulator width against the proven bound, the estimate formulas, and the
// user errors of the target's options.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "codegen/hls_emitter.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "support/cbuild.h"
#include "support/random_net.h"
#include "hls_test_support.h"
#include "support/skip.h"

namespace {

using qgt_hls::kAp;
using qgt_hls::kO0;
using qgt_hls::kO2;
const std::string kSrc = QGEN_SOURCE_DIR;

std::vector<float> read_outputs(const std::string& path, bool i8) {
  if (!i8) return qgt::read_floats(path);
  return qgt::read_i8_as_float(path);
}

// Builds dir/out (emitted by qgen for `s`) with its testbench, runs it on
// `inputs` and compares with the interpreter. "" or a description of the
// failure. `include` picks the ap_types directory (or a copy without
// hls_stream.h, for the stand-in).
std::string csim_check(const qg::driver::PipelineState& s, const std::string& dir, const std::string& prefix,
                       const std::vector<std::vector<float>>& inputs, const std::string& flags, const std::string& include = kAp) {
  const qg::ir::Graph& g = s.graph;
  const bool in_i8 = g.tensor(g.input).dtype == qg::ir::DType::I8, out_i8 = g.tensor(g.output).dtype == qg::ir::DType::I8;
  const std::string out = dir + "/out", exe = dir + "/tb";
  const qgt::CmdResult b = qgt::run_cmd("g++ " + flags + " -isystem " + include + " -I" + out + " " + out + "/" + prefix + ".cpp " + out +
                                        "/" + prefix + "_tb.cpp -o " + exe + " 2>&1");
  if (b.status != 0) return "build failed:\n" + b.output.substr(0, 3000);
  qgt::write_file(dir + "/in.bin", qgt_hls::bytes_of(inputs, in_i8));
  const qgt::CmdResult r = qgt::run_cmd(exe + " " + dir + "/in.bin " + dir + "/got.bin 2>&1");
  if (r.status != 0) return "testbench failed: " + r.output.substr(0, 2000);
  const std::vector<float> got = read_outputs(dir + "/got.bin", out_i8);
  const auto want = qg::interp::run_batch(g, inputs, qg::interp::Mode::AsCompiled, 1);
  const size_t n = static_cast<size_t>(g.tensor(g.output).numel());
  if (got.size() != n * want.size()) return "output size " + std::to_string(got.size()) + ", expected " + std::to_string(n * want.size());
  for (size_t k = 0; k < want.size(); ++k) {
    const std::vector<float> gk(got.begin() + static_cast<long>(k * n), got.begin() + static_cast<long>((k + 1) * n));
    const long d = qgt::first_difference(gk, want[k]);
    if (d >= 0)
      return "input " + std::to_string(k) + " output[" + std::to_string(d) + "]: C simulation " + std::to_string(gk[static_cast<size_t>(d)]) +
             ", interpreter " + std::to_string(want[k][static_cast<size_t>(d)]);
  }
  return "";
}

// The bound of docs/hls.md, computed here from the layer's weights.
int64_t expected_bound(const qg::ir::Graph& g, const qg::ir::Node& n) {
  const int64_t zp = g.in(n).q.zero_point;
  const bool sub = g.in(n).sub_byte();  // unsigned codes 0 .. 2^b - 1
  const int64_t qmin = sub ? 0 : -128, qmax = sub ? (int64_t{1} << g.in(n).q.bits) - 1 : 127;
  const int64_t xmax = std::max(std::llabs(qmin - zp), std::llabs(qmax - zp));
  const int64_t O = g.out(n).shape.back();
  const int64_t K = static_cast<int64_t>(n.il->weight.size()) / O;
  int64_t best = 0;
  for (int64_t o = 0; o < O; ++o) {
    int64_t s = 0;
    for (int64_t k = 0; k < K; ++k) s += std::abs(n.il->weight[static_cast<size_t>(o * K + k)]);
    best = std::max(best, s);
  }
  return best * xmax;
}

int bits_for(int64_t bound) {  // smallest signed width holding [-bound, bound]
  int b = 1;
  while (((int64_t{1} << (b - 1)) - 1) < bound) ++b;
  return b;
}

// Every int8 conv2d / dense layer: report.json's accumulator_bits and the
// emitted acc_t equal the bound's width, and the requantization multiplier's
// operand widths (RQ_XB, RQ_MB) the bounds of docs/hls.md. "" or the first mismatch.
std::string check_accumulators(const qg::driver::PipelineState& s, const std::string& dir, const std::string& prefix, int* checked) {
  const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/out/report.json"));
  const std::string cpp = qgt::read_file(dir + "/out/" + prefix + ".cpp");
  const qg::ir::Graph& g = s.graph;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const qg::ir::Node& n = g.nodes[i];
    if (n.lq) {  // LQ / DQ: Σp·q of one segment <= acc_bound (docs/quantization.md §5), unsigned
      int bits = 1;
      while ((int64_t{1} << bits) - 1 < n.lq->acc_bound) ++bits;
      const nlohmann::json& h = rep["layers"][i]["hls"];
      if (h["accumulator_bound"].get<int64_t>() != n.lq->acc_bound || h["accumulator_bits"].get<int>() != bits)
        return n.name + ": report.json " + h.dump() + ", expected bound " + std::to_string(n.lq->acc_bound) + " bits " + std::to_string(bits);
      const std::regex re("struct L" + std::to_string(i) + "_cfg \\{[^}]*typedef ap_uint<([0-9]+)> acc_t;");
      std::smatch m;
      if (!std::regex_search(cpp, m, re) || std::stoi(m[1]) != bits)
        return n.name + ": emitted acc_t is not ap_uint<" + std::to_string(bits) + ">";
      ++*checked;
      continue;
    }
    if (!n.il) continue;
    const int64_t bound = expected_bound(g, n);
    const int bits = bits_for(bound);
    const nlohmann::json& h = rep["layers"][i]["hls"];
    if (h["accumulator_bound"].get<int64_t>() != bound || h["accumulator_bits"].get<int>() != bits)
      return n.name + ": report.json " + h.dump() + ", expected bound " + std::to_string(bound) + " bits " + std::to_string(bits);
    const std::regex re("struct L" + std::to_string(i) + "_cfg \\{[^}]*typedef ap_int<([0-9]+)> acc_t;");
    std::smatch m;
    if (!std::regex_search(cpp, m, re) || std::stoi(m[1]) != bits)
      return n.name + ": emitted acc_t is not ap_int<" + std::to_string(bits) + ">";
    // The requantization multiplier's operands (docs/hls.md "The requantization in fabric"): x = (sum + bias) << left,
    // |sum + bias| <= bound + max|bias| (32 bits when that does not fit: the int32 value), m = the widest multiplier.
    int64_t bmax = 0, mmax = 0, left = 0;
    for (int32_t b : n.il->bias) bmax = std::max<int64_t>(bmax, std::llabs(b));
    for (int32_t mu : n.il->mult) mmax = std::max<int64_t>(mmax, std::llabs(mu));
    if (!n.il->single_rounding)
      for (int32_t sh : n.il->shift) left = std::max<int64_t>(left, sh);
    const int rq_x = static_cast<int>(std::min<int64_t>(32, std::min(32, bits_for(bound + bmax)) + left)), rq_m = bits_for(mmax);
    if (h["requant_x_bits"].get<int>() != rq_x || h["requant_m_bits"].get<int>() != rq_m || h["requant_dsp"].get<int>() != 0 ||
        h["requant_lut"].get<int64_t>() != int64_t{rq_x} * rq_m)
      return n.name + ": report.json " + h.dump() + ", expected requant_x_bits " + std::to_string(rq_x) + " requant_m_bits " + std::to_string(rq_m);
    const std::regex rq("struct L" + std::to_string(i) + "_cfg \\{[^}]*static constexpr int RQ_XB = ([0-9]+);\\s*static constexpr int RQ_MB = ([0-9]+);");
    if (!std::regex_search(cpp, m, rq) || std::stoi(m[1]) != rq_x || std::stoi(m[2]) != rq_m)
      return n.name + ": emitted RQ_XB / RQ_MB are not " + std::to_string(rq_x) + " / " + std::to_string(rq_m);
    ++*checked;
  }
  return "";
}

struct Net {
  std::string net_json, quant_json, prefix;
  std::vector<std::vector<float>> calibration, inputs;
};

// A random float net made integer-only (as tests/differential's "int8"
// scheme: 8/4/2-bit weights by seed % 3), with a parallelism of 1..5.
// `sub`: sub-byte activations (docs/integer-only.md): a_bits 4 or 2 on every
// conv / dense output, alternating by seed.
Net random_int8_net(uint64_t seed, bool sub = false) {
  qgt::RandomNetOptions opt;
  opt.quantized = false;
  opt.zoo_ops = false;  // the float ops this first HLS version has no kernels for
  const qgt::RandomNet rn = qgt::random_net(seed, opt);
  Net m;
  m.net_json = rn.net_json;
  m.prefix = "h" + std::to_string(seed);
  const int wb[3] = {8, 4, 2};
  m.quant_json = "{\"default\": {\"scheme\": \"int8\", " + (sub ? "\"a_bits\": " + std::to_string(seed % 2 ? 4 : 2) + ", " : std::string()) +
                 "\"w_bits\": " + std::to_string(wb[seed % 3]) +
                 ", \"hls\": {\"parallelism\": " + std::to_string(1 + seed % 5) + "}}}";
  for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(seed * 31 + static_cast<uint64_t>(c), rn.input_size, c % 2 ? 0 : 3));
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
  return m;
}

// A random net with the generator's random LQ / DQ precision choices (some
// conv / dense layers left in float: linear_f32, docs/hls.md "Float layers"),
// a parallelism of 1..5 in the default.
Net random_lq_net(uint64_t seed) {
  qgt::RandomNetOptions opt;
  opt.zoo_ops = false;
  const qgt::RandomNet rn = qgt::random_net(seed, opt);
  Net m;
  m.net_json = rn.net_json;
  nlohmann::json q = nlohmann::json::parse(rn.quant_json);
  q["default"]["hls"] = {{"parallelism", 1 + seed % 5}};  // P channels of a group at a time; clamped to O / G (docs/hls.md)
  m.quant_json = q.dump();
  m.prefix = "q" + std::to_string(seed);
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
  return m;
}

// A random net left entirely in float (scheme "float", a parallelism of
// 1..4): every conv / dense layer is linear_f32.
Net random_float_net(uint64_t seed) {
  qgt::RandomNetOptions opt;
  opt.zoo_ops = false;
  const qgt::RandomNet rn = qgt::random_net(seed, opt);
  Net m;
  m.net_json = rn.net_json;
  m.quant_json = "{\"default\": {\"scheme\": \"float\", \"hls\": {\"parallelism\": " + std::to_string(1 + seed % 4) + "}}}";
  m.prefix = "f" + std::to_string(seed);
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
  return m;
}

// A random net whose LQ layers all take the LUT kernel (docs/hls.md "LUT
// kernel"): 1/2/4-bit activations, 8/4/2-bit weights, LQ or DQ regions, the
// default or a random group size, a parallelism of 1..4.
Net random_lut_net(uint64_t seed) {
  qgt::RandomNetOptions opt;
  opt.zoo_ops = false;
  const qgt::RandomNet rn = qgt::random_net(seed, opt);
  qgt::Rng r(seed * 13 + 5);
  const int ab = r.pick(std::vector<int>{1, 2, 4}), wb = r.pick(std::vector<int>{8, 4, 2});
  nlohmann::json d = {{"scheme", "lq"}, {"kernel", "lut"}, {"a_bits", ab}, {"w_bits", wb}, {"hls", {{"parallelism", 1 + seed % 4}}}};
  d["a_region"] = r.chance(0.25) ? nlohmann::json("layer") : nlohmann::json(r.uniform(1, 9));
  if (r.chance(0.5)) d["lut_group"] = r.uniform(1, 8 / ab);
  Net m;
  m.net_json = rn.net_json;
  m.quant_json = nlohmann::json{{"default", d}}.dump();
  m.prefix = "u" + std::to_string(seed);
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
  return m;
}

// Random nets [first, first + count): each compiles for --target hls and its
// C simulation is bit-exact. The one refusal allowed is the documented user
// error of a LUT-kernel layer whose ROM exceeds the BRAM budget (docs/hls.md);
// any other refusal fails the test. At least `min_ok` must compile.
enum class Kind { Int8, Lq, Lut, Float, Int8Sub };
const char* kind_name(Kind k) { return k == Kind::Lut ? "LUT" : k == Kind::Lq ? "LQ/DQ" : k == Kind::Float ? "float" : k == Kind::Int8Sub ? "int8 sub-byte" : "int8"; }
int random_suite(uint64_t first, int count, int min_ok, Kind kind = Kind::Int8) {
  const bool lq = kind != Kind::Int8 && kind != Kind::Int8Sub;
  int ok = 0, refused = 0, acc_layers = 0, lut_layers = 0, packed = 0, fabric = 0, float_layers = 0, sub_layers = 0;
  int lq_parallel = 0, lq_ragged = 0, lq_clamped = 0;  // LQ / LUT layers at P > 1, with P not dividing O / G, clamped to O / G
  for (int k = 0; k < count; ++k) {
    const uint64_t seed = first + static_cast<uint64_t>(k);
    const Net m = kind == Kind::Lut ? random_lut_net(seed) : kind == Kind::Float ? random_float_net(seed) : kind == Kind::Int8Sub ? random_int8_net(seed, true) : lq ? random_lq_net(seed) : random_int8_net(seed);
    const std::string dir = qgt::make_temp_dir("hls_rand");
    qg::driver::PipelineState s;
    try {
      s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "hls");
    } catch (const qg::UserError& e) {
      const std::string msg = e.what();
      INFO(m.prefix << ": " << msg);
      CHECK(msg.find("the LUT kernel's ROM needs") != std::string::npos);
      ++refused;
      qgt::remove_dir(dir);
      continue;
    }
    const std::string err = csim_check(s, dir, m.prefix, m.inputs, kO0);
    INFO("random " << kind_name(kind) << " net seed " << first + static_cast<uint64_t>(k) << " (kept in " << dir << ")");
    REQUIRE(err == "");
    REQUIRE(check_accumulators(s, dir, m.prefix, &acc_layers) == "");
    int net_sub = 0;
    for (const qg::ir::Node& n : s.graph.nodes) {
      lut_layers += n.lq && n.lq->lut_g ? 1 : 0;
      net_sub += s.graph.out(n).sub_byte() ? 1 : 0;
    }
    sub_layers += net_sub;
    if (net_sub > 0) {  // sub-byte tensors travel as ap_uint<4> / ap_uint<2> codes
      const std::string cpp = qgt::read_file(dir + "/out/" + m.prefix + ".cpp");
      CHECK((cpp.find("hls::stream<ap_uint<4> >") != std::string::npos || cpp.find("hls::stream<ap_uint<2> >") != std::string::npos ||
             cpp.find("hls::stream<ap_uint<4>>") != std::string::npos || cpp.find("hls::stream<ap_uint<2>>") != std::string::npos));
    }
    {  // int8 layers whose products are DSP-packed (DSP_PACK) or bound to fabric (MUL_FABRIC): bit-exact above
      const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/out/report.json"));
      for (const auto& l : rep["layers"]) {
        packed += l["hls"].value("dsp_pack", 0);
        fabric += l["hls"].value("mul_fabric", 0);
        float_layers += l["hls"].value("float", 0);
      }
      // LQ / DQ layers: P = min(requested, O / G) (docs/hls.md "Parallelism of the LQ kernels"), in report.json and cfg.
      const std::string cpp = qgt::read_file(dir + "/out/" + m.prefix + ".cpp");
      for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
        const qg::ir::Node& n = s.graph.nodes[i];
        if (!n.lq) continue;
        const qg::ir::ConvGeom cg = qg::ir::conv_geom(s.graph, n);
        const int64_t Og = cg.O / cg.G, req = n.quant.hls_parallelism > 0 ? n.quant.hls_parallelism : 1;
        const int64_t P = std::min(req, Og);
        const nlohmann::json& h = rep["layers"][i]["hls"];
        INFO(m.prefix << " layer " << n.name << ": " << h.dump());
        CHECK(h["parallelism"].get<int64_t>() == P);
        CHECK(h["parallelism_requested"].get<int64_t>() == req);
        CHECK(std::regex_search(cpp, std::regex("struct L" + std::to_string(i) + "_cfg \\{[^}]*static constexpr int P = " + std::to_string(P) + ";")));
        lq_parallel += P > 1 ? 1 : 0;
        lq_ragged += P > 1 && Og % P != 0 ? 1 : 0;
        lq_clamped += req > Og ? 1 : 0;
      }
    }
    ++ok;
    qgt::remove_dir(dir);
  }
  WARN("random " << kind_name(kind) << " nets " << first << ".." << first + static_cast<uint64_t>(count) - 1 << ": " << ok << " bit-exact in C simulation, "
                           << refused << " refused (a LUT ROM over the budget), " << acc_layers << " accumulators checked, " << float_layers
                           << " float conv / dense layers, " << sub_layers << " layers with sub-byte outputs, "
                           << lut_layers << " LUT-kernel layers, " << packed << " DSP-packed layers, " << fabric
                           << " layers with fabric multipliers, " << lq_parallel << " LQ / LUT layers at parallelism > 1 (" << lq_ragged
                           << " with P not dividing O / G, " << lq_clamped << " clamped to O / G)");
  CHECK(ok >= min_ok);
  if (kind == Kind::Lq || kind == Kind::Float) CHECK(float_layers > 0);
  if (kind == Kind::Lq || kind == Kind::Lut) {  // the LQ kernels' parallelism: P > 1, P not dividing the channels
    CHECK(lq_parallel > 0);
    CHECK(lq_ragged > 0);
  }
  if (kind == Kind::Int8Sub) CHECK(sub_layers > 0);  // the generator leaves some layers in float: they must run
  if (kind == Kind::Int8) {  // every 40 seeds have 8-bit weights at even parallelism and 4 / 2-bit weights
    CHECK(packed > 0);
    CHECK(fabric > 0);
  }
  return lut_layers;
}

// A chain of windowed layers that exercises the line buffers
// (targets/hls/qg_hls.h lb_walk) on every border case: an odd 13x11 input,
// stride 2, padding on all four borders, on the top / bottom / left / right
// only, padding wider than half the window, windows entirely inside the
// padding (pad >= kernel), dilation, a strided dilated depthwise conv, max /
// average pools with padding and stride. Layer shapes are written out by hand.
Net line_buffer_net() {
  qgt::Rng r(14);
  using nlohmann::json;
  auto param = [&](std::vector<int64_t> shape, float scale) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    json data = json::array();
    for (int64_t i = 0; i < n; ++i) data.push_back(r.sym(scale));
    return json{{"shape", shape}, {"data", data}};
  };
  json layers = json::array();
  std::string cur = "input";
  int64_t C = 3;
  auto conv = [&](const std::string& name, int64_t O, json k, json stride, json pad, json dil, int64_t groups) {
    json L = {{"name", name}, {"op", "conv2d"}, {"inputs", {cur}}, {"stride", stride}, {"padding", pad},
              {"weight", param({O, C / groups, k[0].get<int64_t>(), k[1].get<int64_t>()}, 1.0f)}, {"bias", param({O}, 0.3f)}};
    if (!dil.is_null()) L["dilation"] = dil;
    if (groups != 1) L["groups"] = groups;
    layers.push_back(L);
    cur = name;
    C = O;
  };
  auto pool = [&](const std::string& name, const char* op, json k, json stride, json pad, int include_pad) {
    json L = {{"name", name}, {"op", op}, {"inputs", {cur}}, {"kernel", k}, {"stride", stride}, {"padding", pad}};
    if (include_pad >= 0) L["count_include_pad"] = include_pad == 1;
    layers.push_back(L);
    cur = name;
  };
  conv("c_all", 5, {3, 3}, 2, {1, 1, 1, 1}, nullptr, 1);               // 13x11x3 -> 7x6x5
  conv("c_top", 4, {2, 3}, 1, {2, 0, 0, 0}, nullptr, 1);               // -> 8x4x4
  conv("c_bottom", 4, {3, 1}, 1, {0, 0, 2, 0}, {2, 1}, 1);             // -> 6x4x4
  conv("c_left", 6, {1, 3}, {2, 1}, {0, 2, 0, 0}, nullptr, 1);         // -> 3x4x6
  conv("c_right", 6, {2, 3}, 1, {0, 0, 0, 2}, nullptr, 1);             // -> 2x4x6
  conv("c_dw", 6, {3, 3}, 2, {0, 1, 2, 1}, {1, 2}, 6);                 // depthwise -> 1x1x6
  pool("p_max", "maxpool2d", {3, 2}, {2, 1}, {1, 1}, -1);              // -> 1x2x6
  pool("p_avg", "avgpool2d", {2, 3}, {1, 2}, {1, 1}, 0);               // -> 2x1x6
  conv("c_bigpad", 3, {5, 5}, 2, {3, 3, 3, 3}, nullptr, 1);            // -> 2x2x3
  conv("c_pad_ge_k", 3, {2, 2}, 1, {2, 3, 3, 2}, nullptr, 1);          // -> 6x6x3 (rows, columns entirely in the padding)
  pool("p_avg_pad", "avgpool2d", {3, 3}, {2, 2}, {1, 1}, 1);           // -> 3x3x3
  const json net = {{"format", "qgen-net"}, {"version", 1}, {"name", "lbnet"},
                    {"input", {{"name", "input"}, {"shape", {13, 11, 3}}, {"layout", "HWC"}}}, {"layers", layers}};
  Net m;
  m.net_json = net.dump(1);
  m.prefix = "lb";
  for (int c = 0; c < 6; ++c) m.calibration.push_back(qgt::random_input(200 + static_cast<uint64_t>(c), 13 * 11 * 3, c % 2 ? 0 : 3));
  for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(300 + static_cast<uint64_t>(kind), 13 * 11 * 3, kind));
  return m;
}

}  // namespace

TEST_CASE("random int8 nets, C simulation equals the interpreter (seeds 1-40)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(1, 40, 40);
}

TEST_CASE("random int8 nets, C simulation equals the interpreter (seeds 41-80)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(41, 40, 40);
}

TEST_CASE("random int8 nets, C simulation equals the interpreter (seeds 81-120)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(81, 40, 40);
}

TEST_CASE("random int8 nets, C simulation equals the interpreter (seeds 121-160)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(121, 40, 40);
}

TEST_CASE("random LQ/DQ nets (MAC kernel), C simulation equals the interpreter (seeds 1-30)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(1, 30, 30, Kind::Lq);  // every net compiles, float conv / dense layers included
}

TEST_CASE("random LQ/DQ nets (MAC kernel), C simulation equals the interpreter (seeds 31-60)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(31, 30, 30, Kind::Lq);
}

TEST_CASE("random float nets (scheme float), C simulation equals the interpreter (seeds 1-12)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(1, 12, 12, Kind::Float);
}

TEST_CASE("random int8 nets with 4 / 2-bit activations (ap_uint streams), C simulation equals the interpreter (seeds 1-16)", "[hls]") {
  REQUIRE_AP_TYPES();
  random_suite(1, 16, 16, Kind::Int8Sub);
}

TEST_CASE("line buffers: odd sizes, stride 2, every padding border, dilation, depthwise, pools (int8, LQ, DQ)", "[hls]") {
  REQUIRE_AP_TYPES();
  const Net base = line_buffer_net();
  const std::vector<std::string> configs = {
      "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"parallelism\": 2}}}",
      "{\"default\": {\"scheme\": \"int8\", \"w_bits\": 2, \"hls\": {\"parallelism\": 5}}}",
      "{\"default\": {\"scheme\": \"lq\", \"w_bits\": 4, \"a_bits\": 4, \"a_region\": 3, \"hls\": {\"parallelism\": 4}}}",
      "{\"default\": {\"scheme\": \"lq\", \"w_bits\": 8, \"a_bits\": 2, \"a_region\": \"layer\", \"hls\": {\"parallelism\": 2}}}",
  };
  for (size_t k = 0; k < configs.size(); ++k) {
    Net m = base;
    m.quant_json = configs[k];
    m.prefix = "lb" + std::to_string(k);
    const std::string dir = qgt::make_temp_dir("hls_lb");
    const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "hls");
    INFO(configs[k] << " (kept in " << dir << ")");
    REQUIRE(csim_check(s, dir, m.prefix, m.inputs, kO0) == "");
    int acc_layers = 0;
    REQUIRE(check_accumulators(s, dir, m.prefix, &acc_layers) == "");
    CHECK(acc_layers == 8);
    // The line buffer keeps the dilated window's rows (the whole input for DQ), never more than the input.
    const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/out/report.json"));
    const bool dq = configs[k].find("\"layer\"") != std::string::npos;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      const qg::ir::Node& n = s.graph.nodes[i];
      if (!qg::ir::is_linear(n) && n.op != qg::ir::Op::MaxPool2d && n.op != qg::ir::Op::AvgPool2d) continue;
      const qg::ir::Window w = qg::ir::is_linear(n) ? qg::ir::conv_geom(s.graph, n).win : n.attrs.win;
      const int64_t H = s.graph.in(n).shape[0];
      const int64_t dh = qg::ir::is_linear(n) ? w.dh : 1;
      const int64_t want = dq && n.lq ? H : std::min(H, (w.kh - 1) * dh + 1);
      INFO(n.name);
      CHECK(rep["layers"][i]["hls"]["line_buffer_rows"].get<int64_t>() == want);
    }
    qgt::remove_dir(dir);
  }
}

TEST_CASE("random LUT-kernel nets (ROM tables), C simulation equals the interpreter (seeds 1-40)", "[hls]") {
  REQUIRE_AP_TYPES();
  const int lut_layers = random_suite(1, 40, 36, Kind::Lut);
  CHECK(lut_layers >= 40);
}
