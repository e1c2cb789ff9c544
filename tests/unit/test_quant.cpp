// Quantization: one value, one region, formats, quantize_linear by hand,
// the accumulator proof, quant.json parsing and choice resolution.
#include <catch2/catch.hpp>
#include <climits>
#include <limits>

#include "quant/format.h"
#include "runtime/qg_runtime.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

ir::QuantChoice lq_choice(int wb, int ab, ir::Region wr, ir::Region ar) {
  ir::QuantChoice q;
  q.scheme = ir::Scheme::LQ;
  q.w_bits = wb;
  q.a_bits = ab;
  q.w_region = wr;
  q.a_region = ar;
  return q;
}

ir::Region block(int64_t r) { return {ir::RegionKind::Block, r}; }
const ir::Region kKernel{ir::RegionKind::Kernel, 0};
const ir::Region kLayer{ir::RegionKind::Layer, 0};

UserError config_error(const std::string& text) {
  auto e = qgu::user_error_of([&] { quant::parse_quant_config(text, "q.json"); });
  if (!e) FAIL("no error for " << text);
  return *e;
}

}  // namespace

TEST_CASE("qg_region_params edge cases", "[quant]") {
  float lo = -1, s = -1;
  const float constant[3] = {2.5f, 2.5f, 2.5f};
  qg_region_params(constant, 3, 0, 255, &lo, &s);
  CHECK(lo == 2.5f);
  CHECK(s == 1.0f);  // hi == lo
  qg_region_params(constant, 1, 0, 3, &lo, &s);
  CHECK(lo == 2.5f);
  CHECK(s == 1.0f);

  const float v[4] = {0.5f, -1.0f, 2.0f, 1.0f};
  qg_region_params(v, 4, 0, 3, &lo, &s);
  CHECK(lo == -1.0f);
  CHECK(s == 1.0f);  // (2 - -1) / 3
  qg_region_params(v, 4, 0, 255, &lo, &s);
  CHECK(s == 3.0f / 255.0f);

  // include_zero widens the range to contain 0, on either side.
  const float pos[2] = {1.0f, 4.0f}, neg[2] = {-4.0f, -1.0f};
  qg_region_params(pos, 2, 1, 15, &lo, &s);
  CHECK(lo == 0.0f);
  CHECK(s == 4.0f / 15.0f);
  qg_region_params(pos, 2, 0, 15, &lo, &s);
  CHECK(lo == 1.0f);
  CHECK(s == 3.0f / 15.0f);
  qg_region_params(neg, 2, 1, 15, &lo, &s);
  CHECK(lo == -4.0f);
  CHECK(s == 4.0f / 15.0f);
  const float zeros[2] = {0.0f, 0.0f};
  qg_region_params(zeros, 2, 1, 1, &lo, &s);
  CHECK(lo == 0.0f);
  CHECK(s == 1.0f);
}

TEST_CASE("qg_quantize rounds half away and clamps and maps NaN to 0", "[quant]") {
  // lo = 0, s = 1: the code is round(v)
  CHECK(qg_quantize(0.0f, 0.0f, 1.0f, 255) == 0);
  CHECK(qg_quantize(0.49999997f, 0.0f, 1.0f, 255) == 0);
  CHECK(qg_quantize(0.5f, 0.0f, 1.0f, 255) == 1);  // tie goes up
  CHECK(qg_quantize(1.5f, 0.0f, 1.0f, 255) == 2);
  CHECK(qg_quantize(2.5f, 0.0f, 1.0f, 255) == 3);  // not banker's rounding
  CHECK(qg_quantize(2.4999998f, 0.0f, 1.0f, 255) == 2);
  CHECK(qg_quantize(254.5f, 0.0f, 1.0f, 255) == 255);
  // lo = -1, s = 0.5: t = (v + 1) / 0.5
  CHECK(qg_quantize(0.25f, -1.0f, 0.5f, 15) == 3);   // t = 2.5
  CHECK(qg_quantize(-0.75f, -1.0f, 0.5f, 15) == 1);  // t = 0.5
  CHECK(qg_quantize(-1.0f, -1.0f, 0.5f, 15) == 0);
  // clamp at 0 and L
  CHECK(qg_quantize(-3.0f, 0.0f, 1.0f, 3) == 0);
  CHECK(qg_quantize(3.0f, 0.0f, 1.0f, 3) == 3);
  CHECK(qg_quantize(3.4f, 0.0f, 1.0f, 3) == 3);
  CHECK(qg_quantize(1000.0f, 0.0f, 1.0f, 3) == 3);
  CHECK(qg_quantize(0.7f, 0.0f, 1.0f, 1) == 1);
  CHECK(qg_quantize(std::numeric_limits<float>::infinity(), 0.0f, 1.0f, 255) == 255);
  CHECK(qg_quantize(-std::numeric_limits<float>::infinity(), 0.0f, 1.0f, 255) == 0);
  CHECK(qg_quantize(std::numeric_limits<float>::quiet_NaN(), 0.0f, 1.0f, 255) == 0);
  CHECK(qg_quantize(1.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f, 255) == 0);
  // A region's own min and max get codes 0 and L.
  const float v[5] = {0.3f, -0.7f, 1.9f, 0.0f, 1.1f};
  for (int bits : {8, 6, 4, 2, 1}) {
    const int L = (1 << bits) - 1;
    float lo, s;
    qg_region_params(v, 5, 0, L, &lo, &s);
    CHECK(qg_quantize(-0.7f, lo, s, L) == 0);
    CHECK(qg_quantize(1.9f, lo, s, L) == L);
    // Every value is reconstructed within half a step (plus float rounding).
    for (float x : v) {
      const int q = qg_quantize(x, lo, s, L);
      CHECK(std::fabs((lo + s * static_cast<float>(q)) - x) <= s * 0.5f * (1.0f + 1e-5f));
    }
  }
}

TEST_CASE("format table rows have levels 2^bits - 1", "[quant]") {
  int rows = 0;
  for (int bits = -1; bits <= 33; ++bits) {
    if (!quant::is_supported_bits(bits)) continue;
    ++rows;
    const quant::Format& f = quant::format_for_bits(bits);
    INFO("bits " << bits);
    CHECK(f.bits == bits);
    CHECK(f.levels == (1 << bits) - 1);
    CHECK(f.max_rel_error == Approx(0.5 / f.levels));
    CHECK(std::string(f.name) == "u" + std::to_string(bits));
    CHECK(f.storage_bits == 8);
    CHECK(std::string(quant::supported_bits_text()).find(std::to_string(bits)) != std::string::npos);
  }
  CHECK(rows == 5);
  for (int bits : {8, 6, 4, 2, 1}) CHECK(quant::is_supported_bits(bits));
  for (int bits : {0, 3, 5, 7, 16, 32}) CHECK_FALSE(quant::is_supported_bits(bits));
  CHECK_THROWS_AS(quant::format_for_bits(3), InternalError);
}

TEST_CASE("quantize_linear segments and constants by hand", "[quant]") {
  // K = 7, weight regions of 3: [0,3) [3,6) [6,7); activation regions of 2:
  // [0,2) [2,4) [4,6) [6,7); segments: boundaries 0 2 3 4 6 7.
  const std::vector<float> w = {0.0f, 1.0f, 3.0f, -2.0f, 0.0f, 4.0f, 5.0f,   // channel 0
                                1.0f, 1.0f, 1.0f, 0.5f, -1.0f, 2.0f, 7.0f};  // channel 1
  const ir::LinearQuant q = quant::quantize_linear(w, 2, 7, lq_choice(2, 8, block(3), block(2)), false);
  CHECK(q.K == 7);
  CHECK(q.O == 2);
  CHECK_FALSE(q.a_whole_tensor);
  CHECK(q.areg_begin == std::vector<int64_t>{0, 2, 4, 6, 7});
  CHECK(q.aregions() == 4);
  CHECK(q.seg_begin == std::vector<int64_t>{0, 2, 3, 4, 6, 7});
  CHECK(q.segments() == 5);
  CHECK(q.seg_wreg == std::vector<int32_t>{0, 0, 1, 1, 2});
  CHECK(q.seg_areg == std::vector<int32_t>{0, 1, 1, 2, 3});
  CHECK(q.n_wreg == 3);
  // Weight regions, Lw = 3:
  //   ch0: [0 1 3] lo 0 s 1; [-2 0 4] lo -2 s 2; [5] constant: lo 5 s 1
  //   ch1: [1 1 1] constant: lo 1 s 1; [0.5 -1 2] lo -1 s 1 (0.5 -> t = 1.5, a tie: 2); [7] lo 7 s 1
  CHECK(q.w_lo == std::vector<float>{0, -2, 5, 1, -1, 7});
  CHECK(q.w_s == std::vector<float>{1, 2, 1, 1, 1, 1});
  CHECK(q.codes == std::vector<uint8_t>{0, 1, 3, 0, 1, 3, 0,  //
                                        0, 0, 0, 2, 0, 3, 0});
  // Per segment [0,2) [2,3) [3,4) [4,6) [6,7)
  CHECK(q.P == std::vector<int64_t>{1, 3, 0, 4, 0,  //
                                    0, 0, 2, 3, 0});
  CHECK(q.B == std::vector<float>{0, 0, -2, -2, 5, 1, 1, -1, -1, 7});
  CHECK(q.D == std::vector<float>{1, 1, 2, 2, 1, 1, 1, 1, 1, 1});
  // E = lo_w * n + s_w * P
  CHECK(q.E == std::vector<float>{1, 3, -2, 4, 5,  //
                                  2, 1, 1, 1, 7});
  // Longest segment 2: bound 2 * 3 * 255.
  CHECK(q.acc_bound == 2 * 3 * 255);
  CHECK_FALSE(q.acc64);
}

TEST_CASE("quantize_linear constants reproduce the dequantized dot product", "[quant]") {
  qgu::Prng r(9);
  const int64_t O = 5, K = 23;
  const std::vector<float> w = r.vec(static_cast<size_t>(O * K), 1.0f);
  for (const auto& [wr, ar] : std::vector<std::pair<ir::Region, ir::Region>>{{kKernel, kKernel}, {block(5), block(7)}, {kLayer, block(4)}, {block(1), block(23)}}) {
    const ir::LinearQuant q = quant::quantize_linear(w, O, K, lq_choice(4, 2, wr, ar), false);
    const int Lw = 15;
    INFO("regions " << ir::region_name(wr) << "/" << ir::region_name(ar));
    CHECK(q.w_lo.size() == (wr.kind == ir::RegionKind::Layer ? 1u : static_cast<size_t>(O * q.n_wreg)));
    for (int64_t o = 0; o < O; ++o)
      for (int64_t s = 0; s < q.segments(); ++s) {
        const size_t i = static_cast<size_t>(o * q.segments() + s);
        const int64_t b = q.seg_begin[static_cast<size_t>(s)], e = q.seg_begin[static_cast<size_t>(s + 1)];
        int64_t P = 0;
        double deq = 0, e_expected;
        for (int64_t k = b; k < e; ++k) {
          const int code = q.codes[static_cast<size_t>(o * K + k)];
          CHECK(code <= Lw);
          P += code;
          deq += static_cast<double>(q.B[i]) + static_cast<double>(q.D[i]) * code;
          // Each weight is within half a step of its dequantized value.
          CHECK(std::fabs(static_cast<double>(q.B[i]) + static_cast<double>(q.D[i]) * code - w[static_cast<size_t>(o * K + k)]) <=
                0.5 * q.D[i] * (1 + 1e-5) + 1e-7);
        }
        CHECK(q.P[i] == P);
        e_expected = deq;  // E is the sum of the dequantized weights of the segment
        CHECK(std::fabs(q.E[i] - e_expected) <= 1e-5 * (1 + std::fabs(e_expected)));
      }
  }
}

TEST_CASE("quantize_linear layer regions share one parameter pair", "[quant]") {
  const std::vector<float> w = {-1.0f, 0.0f, 2.0f, 0.5f, 1.0f, 1.5f};
  const ir::LinearQuant q = quant::quantize_linear(w, 2, 3, lq_choice(2, 4, kLayer, kLayer), true);
  CHECK(q.a_whole_tensor);
  CHECK(q.n_wreg == 1);
  CHECK(q.segments() == 1);
  CHECK(q.w_lo == std::vector<float>{-1.0f});
  CHECK(q.w_s == std::vector<float>{1.0f});  // (2 - -1) / 3
  CHECK(q.codes == std::vector<uint8_t>{0, 1, 3, 2, 2, 3});  // 0.5 -> 1.5 -> 2; 1.5 -> 2.5 -> 3
  CHECK(q.acc_bound == 3 * 3 * 15);
  // Kernel regions: each channel its own range.
  const ir::LinearQuant k = quant::quantize_linear(w, 2, 3, lq_choice(2, 4, kKernel, kKernel), false);
  CHECK(k.w_lo == std::vector<float>{-1.0f, 0.5f});
  CHECK(k.w_s == std::vector<float>{1.0f, 1.0f / 3.0f});
  CHECK(k.codes[3] == 0);
  CHECK(k.codes[5] == 3);
}

TEST_CASE("accumulator proof picks int32 up to K 33025 at 8/8", "[quant]") {
  const std::vector<float> w33025(33025, 0.5f), w33026(33026, 0.5f);
  ir::LinearQuant a = quant::quantize_linear(w33025, 1, 33025, lq_choice(8, 8, kKernel, kKernel), false);
  CHECK(a.acc_bound == int64_t{33025} * 255 * 255);
  CHECK(a.acc_bound <= INT32_MAX);
  CHECK_FALSE(a.acc64);
  ir::LinearQuant b = quant::quantize_linear(w33026, 1, 33026, lq_choice(8, 8, kKernel, kKernel), false);
  CHECK(b.acc_bound == int64_t{33026} * 255 * 255);
  CHECK(b.acc64);
  // Regions bound the segment: blocks of 33025 keep 32 bits even for K = 33026.
  ir::LinearQuant c = quant::quantize_linear(w33026, 1, 33026, lq_choice(8, 8, block(33025), kKernel), false);
  CHECK(c.segments() == 2);
  CHECK_FALSE(c.acc64);
  // Fewer bits: 8/4 allows far longer segments.
  ir::LinearQuant d = quant::quantize_linear(w33026, 1, 33026, lq_choice(8, 4, kKernel, kKernel), false);
  CHECK(d.acc_bound == int64_t{33026} * 255 * 15);
  CHECK_FALSE(d.acc64);
}

TEST_CASE("parse_quant_config accepts choices and rejects bad ones with paths", "[quant]") {
  quant::QuantConfig c = quant::parse_quant_config(
      R"({"default": {"w_bits": 4, "a_bits": 2, "w_region": "layer", "a_region": 16, "kernel": "mac"},
          "layers": {"fc 1": {"scheme": "float"}, "conv": {"a_region": "kernel", "scheme": "lq"}}})",
      "q.json");
  CHECK(c.file == "q.json");
  CHECK(c.has_default);
  CHECK(*c.default_choice.w_bits == 4);
  CHECK(*c.default_choice.a_bits == 2);
  CHECK(c.default_choice.w_region->kind == ir::RegionKind::Layer);
  CHECK(c.default_choice.a_region->kind == ir::RegionKind::Block);
  CHECK(c.default_choice.a_region->block == 16);
  CHECK_FALSE(c.default_choice.scheme.has_value());
  REQUIRE(c.layers.count("fc 1") == 1);
  CHECK(*c.layers["fc 1"].scheme == ir::Scheme::Float);
  CHECK(c.layer_path["fc 1"] == "layers.fc 1");  // the name as the model spells it (printable ASCII kept)
  CHECK(c.layers["conv"].a_region->kind == ir::RegionKind::Kernel);
  CHECK_FALSE(c.layers["conv"].w_bits.has_value());

  struct Case {
    const char* text;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {R"({"default": {"w_bits": 3}})", "default.w_bits", "must be one of 8, 6, 4, 2, 1, got 3"},
      {R"({"default": {"a_bits": "8"}})", "default.a_bits", "without quotes"},
      {R"({"default": {"w_bitz": 8}})", "default.w_bitz", "unknown key"},
      {R"({"layers": {"conv1": {"a_region": "patch"}}})", "layers.conv1.a_region", "must be \"layer\", \"kernel\" or a positive integer"},
      {R"({"layers": {"conv1": {"w_region": 0}}})", "layers.conv1.w_region", "must be >= 1"},
      {R"({"layers": {"conv1": {"w_region": 2.5}}})", "layers.conv1.w_region", "positive integer"},
      {R"({"default": {"scheme": "dq"}})", "default.scheme", "must be \"lq\""},
      {R"({"default": {"kernel": "fft"}})", "default.kernel", "must be"},
      {R"({"defaults": {}})", "defaults", "unknown key"},
      {R"({"layers": []})", "layers", "must be an object"},
      {R"([1, 2])", "(top level)", "must be an object"},
  };
  for (const Case& k : cases) {
    INFO(k.text);
    const UserError e = config_error(k.text);
    CHECK(e.file() == "q.json");
    CHECK(e.path() == k.path);
    CHECK_THAT(e.message(), Catch::Contains(k.message));
  }
  const UserError syntax = config_error("{\"default\": ");
  CHECK(syntax.path().empty());
  CHECK_THAT(syntax.message(), Catch::StartsWith("invalid JSON"));
}

namespace {
// conv (K = 2*3*3 = 18) -> relu -> flatten -> fc (K = 4*4*4 = 64) -> fc2 (K = 5)
ir::Graph small_net() {
  qgu::Prng r(5);
  json L = json::array({{{"name", "conv"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {4, 2, 3, 3}, 0.5f)}},
                        {{"name", "relu"}, {"op", "relu"}},
                        {{"name", "flat"}, {"op", "flatten"}},
                        {{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {5, 64}, 0.2f)}},
                        {{"name", "fc2"}, {"op", "dense"}, {"weight", qgu::random_param(r, {3, 5}, 0.2f)}}});
  return qgu::parse(qgu::net_doc(qgu::image_input(2, 4, 4), L));
}

const ir::Node& node(const ir::Graph& g, const std::string& name) {
  for (const ir::Node& n : g.nodes)
    if (n.name == name) return n;
  throw std::runtime_error("no node " + name);
}
}  // namespace

TEST_CASE("resolve_choices applies default then per-layer overrides", "[quant]") {
  const ir::Graph g = small_net();
  // No config: everything float.
  ir::Graph none = quant::resolve_choices(g, quant::QuantConfig{});
  for (const char* n : {"conv", "fc", "fc2"}) CHECK(node(none, n).quant.scheme == ir::Scheme::Float);

  const quant::QuantConfig cfg = quant::parse_quant_config(
      R"({"default": {"w_bits": 4, "a_bits": 2, "a_region": 5},
          "layers": {"fc": {"a_region": "layer", "w_bits": 6}, "fc2": {"scheme": "float"}}})",
      "q.json");
  ir::Graph r = quant::resolve_choices(g, cfg);
  const ir::QuantChoice& c = node(r, "conv").quant;
  CHECK(c.scheme == ir::Scheme::LQ);
  CHECK(c.w_bits == 4);
  CHECK(c.a_bits == 2);
  CHECK(c.w_region.kind == ir::RegionKind::Kernel);  // built-in default
  CHECK(c.a_region.kind == ir::RegionKind::Block);
  CHECK(c.a_region.block == 5);
  CHECK(c.origin == "default");
  const ir::QuantChoice& f = node(r, "fc").quant;
  CHECK(f.scheme == ir::Scheme::LQ);
  CHECK(f.w_bits == 6);                                 // layer wins
  CHECK(f.a_bits == 2);                                 // from default
  CHECK(f.a_region.kind == ir::RegionKind::Layer);      // layer wins
  CHECK(f.origin == "layers.fc");
  CHECK(node(r, "fc2").quant.scheme == ir::Scheme::Float);
  CHECK(node(r, "relu").quant.scheme == ir::Scheme::Float);  // not quantizable: untouched

  // Without a default, only the listed layers are quantized, with 8/8 kernel regions.
  ir::Graph only = quant::resolve_choices(g, quant::parse_quant_config(R"({"layers": {"fc": {}}})", "q.json"));
  CHECK(node(only, "conv").quant.scheme == ir::Scheme::Float);
  CHECK(node(only, "fc").quant.scheme == ir::Scheme::LQ);
  CHECK(node(only, "fc").quant.w_bits == 8);
  CHECK(node(only, "fc").quant.a_bits == 8);
  CHECK(node(only, "fc").quant.a_region.kind == ir::RegionKind::Kernel);

  // scheme float in the default: nothing is quantized unless a layer says lq.
  ir::Graph fl = quant::resolve_choices(g, quant::parse_quant_config(R"({"default": {"scheme": "float"}, "layers": {"fc2": {"scheme": "lq"}}})", "q.json"));
  CHECK(node(fl, "conv").quant.scheme == ir::Scheme::Float);
  CHECK(node(fl, "fc").quant.scheme == ir::Scheme::Float);
  CHECK(node(fl, "fc2").quant.scheme == ir::Scheme::LQ);

  // quantize() fills lq exactly for the LQ layers.
  ir::Graph q = quant::quantize(r);
  CHECK(node(q, "conv").lq != nullptr);
  CHECK(node(q, "conv").lq->K == 18);
  CHECK(node(q, "conv").lq->aregions() == 4);  // 5 5 5 3
  CHECK_FALSE(node(q, "conv").lq->a_whole_tensor);
  CHECK(node(q, "fc").lq != nullptr);
  CHECK(node(q, "fc").lq->a_whole_tensor);
  CHECK(node(q, "fc2").lq == nullptr);
}

TEST_CASE("resolve_choices and check_layer_names report config paths", "[quant]") {
  const ir::Graph g = small_net();
  // A default region larger than a layer's K (fc2 has K = 5) is clamped to K
  // for that layer only, the size asked for kept for report.json.
  const quant::QuantConfig big = quant::parse_quant_config(R"({"default": {"w_region": 6, "a_region": 16}})", "q.json");
  ir::Graph cl = quant::resolve_choices(g, big);
  CHECK(node(cl, "conv").quant.w_region.block == 6);  // K = 18
  CHECK(node(cl, "conv").quant.w_region_requested == 0);
  CHECK(node(cl, "conv").quant.a_region.block == 16);
  CHECK(node(cl, "conv").quant.a_region_requested == 0);
  CHECK(node(cl, "fc").quant.w_region.block == 6);  // K = 32
  CHECK(node(cl, "fc2").quant.w_region.kind == ir::RegionKind::Block);
  CHECK(node(cl, "fc2").quant.w_region.block == 5);
  CHECK(node(cl, "fc2").quant.w_region_requested == 6);
  CHECK(node(cl, "fc2").quant.a_region.block == 5);
  CHECK(node(cl, "fc2").quant.a_region_requested == 16);
  // The clamped layer quantizes as with its own size K: one region, one segment.
  const ir::Graph clq = quant::quantize(cl);
  CHECK(node(clq, "fc2").lq->aregions() == 1);
  CHECK(node(clq, "fc2").lq->segments() == 1);
  const std::string note = quant::region_clamp_note(cl, big);
  CHECK(note == "q.json: default.w_region 6 exceeds the reduction length of 1 layer, clamped to it: 'fc2' 5; "
                "default.a_region 16 exceeds the reduction length of 1 layer, clamped to it: 'fc2' 5 (report.json: *_region_requested)");
  CHECK(quant::region_clamp_note(quant::resolve_choices(g, quant::parse_quant_config(R"({"default": {"a_region": 5}})", "q.json")),
                                 big) == "");
  // A float layer is not clamped (nor an error).
  ir::Graph fl2 = quant::resolve_choices(g, quant::parse_quant_config(R"({"default": {"w_region": 6}, "layers": {"fc2": {"scheme": "float"}}})", "q.json"));
  CHECK(node(fl2, "fc2").quant.w_region_requested == 0);
  // The same size given for that layer is an error at its own path.
  auto e = qgu::user_error_of(
      [&] { quant::resolve_choices(g, quant::parse_quant_config(R"({"default": {"w_region": 6}, "layers": {"fc2": {"w_region": 6}}})", "q.json")); });
  REQUIRE(e);
  CHECK(e->path() == "layers.fc2.w_region");
  CHECK_THAT(e->message(), Catch::Contains("region size 6 exceeds the reduction length 5 of layer 'fc2'"));
  CHECK_NOTHROW(quant::resolve_choices(g, quant::parse_quant_config(R"({"default": {"w_region": 6}, "layers": {"fc2": {"w_region": 5}}})", "q.json")));
  e = qgu::user_error_of([&] { quant::resolve_choices(g, quant::parse_quant_config(R"({"layers": {"conv": {"a_region": 19}}})", "q.json")); });
  REQUIRE(e);
  CHECK(e->path() == "layers.conv.a_region");

  e = qgu::user_error_of([&] { quant::check_layer_names(quant::parse_quant_config(R"({"layers": {"nope": {}}})", "q.json"), g); });
  REQUIRE(e);
  CHECK(e->path() == "layers.nope");
  CHECK_THAT(e->message(), Catch::Contains("no layer named 'nope'"));
  e = qgu::user_error_of([&] { quant::check_layer_names(quant::parse_quant_config(R"({"layers": {"relu": {}}})", "q.json"), g); });
  REQUIRE(e);
  CHECK(e->path() == "layers.relu");
  CHECK_THAT(e->message(), Catch::Contains("only conv2d and dense"));
  CHECK_NOTHROW(quant::check_layer_names(quant::parse_quant_config(R"({"layers": {"fc": {}, "conv": {}}})", "q.json"), g));
}
