// Reference interpreter: hand-computed kernels, quantization error behaviour,
// batches, softmax and qg_expf.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <limits>

#include "interp/interp.h"
#include "quant/format.h"
#include "runtime/qg_runtime.h"
#include "support/random_net.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

struct Stats {
  double n = 0, sum = 0, sum2 = 0, max_abs = 0;
  void add(double e) {
    n += 1;
    sum += e;
    sum2 += e * e;
    max_abs = std::max(max_abs, std::fabs(e));
  }
  double mean() const { return sum / n; }
  double rms() const { return std::sqrt(sum2 / n); }
  double se() const { return std::sqrt(std::max(0.0, sum2 / n - mean() * mean()) / n); }
};

// Input of a conv test: N(0, 1) with a few large outliers.
std::vector<float> outlier_input(uint64_t seed, size_t n) {
  qgu::Prng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(r.normal() * (r.real() < 0.03 ? 8.0 : 1.0));
  return v;
}

int64_t ulp_distance(float a, float b) {
  const int64_t x = qgu::float_bits(a), y = qgu::float_bits(b);
  return x > y ? x - y : y - x;  // both non-negative floats here
}

}  // namespace

TEST_CASE("interp float conv on a hand-computed 3x3 input", "[interp]") {
  // x = 1..9 (one channel); kernels [[1,2],[3,4]] (bias 0.5) and [[0,0],[0,-1]].
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  json conv = {{"name", "c"}, {"op", "conv2d"}, {"weight", qgu::param({2, 1, 2, 2}, {1, 2, 3, 4, 0, 0, 0, -1})}, {"bias", qgu::param({2}, {0.5f, 0.0f})}};
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(1, 3, 3), json::array({conv})));
  // Output in CHW: channel 0 then channel 1.
  CHECK(interp::run(g, x, interp::Mode::Float) == std::vector<float>{37.5f, 47.5f, 67.5f, 77.5f, -5, -6, -8, -9});
  // Float conv ignores the quantization choice in Mode::Float, and without lq runs float in AsCompiled.
  CHECK(interp::run(g, x) == interp::run(g, x, interp::Mode::Float));

  // Stride 2, padding 1: padded taps are skipped.
  conv["stride"] = 2;
  conv["padding"] = 1;
  conv["weight"] = qgu::param({1, 1, 2, 2}, {1, 2, 3, 4});
  conv["bias"] = qgu::param({1}, {0.0f});
  ir::Graph p = qgu::parse(qgu::net_doc(qgu::image_input(1, 3, 3), json::array({conv})));
  CHECK(interp::run(p, x, interp::Mode::Float) == std::vector<float>{4, 18, 36, 77});

  // Dilation 2 with a 2x2 kernel on 3x3: one output, taps x[0] x[2] x[6] x[8].
  conv.erase("stride");
  conv.erase("padding");
  conv["dilation"] = 2;
  ir::Graph d = qgu::parse(qgu::net_doc(qgu::image_input(1, 3, 3), json::array({conv, {{"name", "r"}, {"op", "relu6"}}})));
  CHECK(interp::run(d, x, interp::Mode::Float) == std::vector<float>{6.0f});  // 1 + 6 + 21 + 36 = 64 -> relu6
  ir::Graph d2 = qgu::parse(qgu::net_doc(qgu::image_input(1, 3, 3), json::array({conv})));
  CHECK(interp::run(d2, x, interp::Mode::Float) == std::vector<float>{64.0f});
}

TEST_CASE("interp pools and add and concat on hand-computed values", "[interp]") {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto run1 = [&](json layers) { return interp::run(qgu::parse(qgu::net_doc(qgu::image_input(1, 3, 3), layers)), x, interp::Mode::Float); };
  CHECK(run1(json::array({{{"name", "p"}, {"op", "maxpool2d"}, {"kernel", 2}, {"stride", 1}}})) == std::vector<float>{5, 6, 8, 9});
  CHECK(run1(json::array({{{"name", "p"}, {"op", "avgpool2d"}, {"kernel", 2}, {"stride", 1}}})) == std::vector<float>{3, 4, 6, 7});
  // Padding 1, stride 2: corner windows hold 1, 2 or 4 valid taps.
  CHECK(run1(json::array({{{"name", "p"}, {"op", "avgpool2d"}, {"kernel", 2}, {"stride", 2}, {"padding", 1}}})) ==
        std::vector<float>{1, 2.5f, 5.5f, 7});
  CHECK(run1(json::array({{{"name", "p"}, {"op", "avgpool2d"}, {"kernel", 2}, {"stride", 2}, {"padding", 1}, {"count_include_pad", true}}})) ==
        std::vector<float>{0.25f, 1.25f, 2.75f, 7});
  CHECK(run1(json::array({{{"name", "p"}, {"op", "maxpool2d"}, {"kernel", 2}, {"stride", 2}, {"padding", 1}}})) == std::vector<float>{1, 3, 7, 9});
  CHECK(run1(json::array({{{"name", "p"}, {"op", "global_avgpool"}}})) == std::vector<float>{5});
  CHECK(run1(json::array({{{"name", "a"}, {"op", "add"}, {"inputs", {"x", "x"}}}})) == std::vector<float>{2, 4, 6, 8, 10, 12, 14, 16, 18});
  // concat along H in CHW: rows of x then rows of x.
  const std::vector<float> cat = run1(json::array({{{"name", "c"}, {"op", "concat"}, {"inputs", {"x", "x"}}, {"axis", 1}}}));
  CHECK(cat == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // concat along W: each row twice.
  CHECK(run1(json::array({{{"name", "c"}, {"op", "concat"}, {"inputs", {"x", "x"}}, {"axis", 2}}})) ==
        std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 7, 8, 9, 7, 8, 9});
}

TEST_CASE("interp gives the same results in CHW and HWC layouts", "[interp]") {
  qgu::Prng r(21);
  const int64_t C = 3, H = 5, W = 4;
  json L = json::array({{{"name", "c"}, {"op", "conv2d"}, {"padding", 1}, {"groups", 3}, {"weight", qgu::random_param(r, {6, 1, 3, 3}, 1.0f)}},
                        {{"name", "p"}, {"op", "avgpool2d"}, {"kernel", 2}, {"stride", 1}},
                        {{"name", "c2"}, {"op", "conv2d"}, {"weight", qgu::random_param(r, {2, 6, 1, 2}, 1.0f)}}});
  ir::Graph chw = qgu::parse(qgu::net_doc(qgu::image_input(C, H, W, true), L));
  ir::Graph hwc = qgu::parse(qgu::net_doc(qgu::image_input(C, H, W, false), L));
  const std::string cfg = R"({"default": {"w_bits": 6, "a_bits": 4, "a_region": 3}})";
  ir::Graph chw_q = qgu::prepare(chw, cfg), hwc_q = qgu::prepare(hwc, cfg);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const std::vector<float> x_chw = qgu::Prng(seed).vec(static_cast<size_t>(C * H * W), 2.0f);
    std::vector<float> x_hwc(x_chw.size());
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i) x_hwc[static_cast<size_t>(i * C + c)] = x_chw[static_cast<size_t>(c * H * W + i)];
    for (bool quantized : {false, true}) {
      const std::vector<float> a = quantized ? interp::run(chw_q, x_chw) : interp::run(chw, x_chw, interp::Mode::Float);
      const std::vector<float> b = quantized ? interp::run(hwc_q, x_hwc) : interp::run(hwc, x_hwc, interp::Mode::Float);
      // output [2, 4, 2] CHW vs [4, 2, 2] HWC
      REQUIRE(a.size() == 16);
      REQUIRE(b.size() == 16);
      for (int64_t c = 0; c < 2; ++c)
        for (int64_t i = 0; i < 8; ++i) CHECK(qgu::float_bits(a[static_cast<size_t>(c * 8 + i)]) == qgu::float_bits(b[static_cast<size_t>(i * 2 + c)]));
    }
  }
}

TEST_CASE("interp dense LQ equals the dequantized dot product and stays within the step bound", "[interp][lq]") {
  qgu::Prng r(31);
  const int64_t I = 64, O = 8;
  std::vector<float> w(static_cast<size_t>(O * I)), b = r.vec(static_cast<size_t>(O), 0.1f);
  for (auto& v : w) v = static_cast<float>(0.1 * r.normal());
  json L = json::array({{{"name", "fc"}, {"op", "dense"}, {"weight", qgu::param({O, I}, w)}, {"bias", qgu::param({O}, b)}}});
  ir::Graph g = qgu::prepare(qgu::parse(qgu::net_doc(qgu::vector_input(I), L)), R"({"default": {"w_bits": 8, "a_bits": 8}})");
  const ir::LinearQuant& lq = *g.nodes.at(0).lq;
  REQUIRE(lq.segments() == 1);
  const int La = 255;
  double worst_ratio = 0;
  for (uint64_t t = 0; t < 200; ++t) {
    std::vector<float> a(static_cast<size_t>(I));
    for (auto& v : a) v = std::max(0.0f, static_cast<float>(0.5 + r.normal()));
    const std::vector<float> y = interp::run(g, a);
    float lo_a, s_a;
    qg_region_params(a.data(), static_cast<long>(I), 0, La, &lo_a, &s_a);
    for (int64_t o = 0; o < O; ++o) {
      const float lo_w = lq.w_lo[static_cast<size_t>(o)], s_w = lq.w_s[static_cast<size_t>(o)];
      double deq = 0, exact = 0, mag = 0, bound = 0;
      for (int64_t j = 0; j < I; ++j) {
        const double wj = w[static_cast<size_t>(o * I + j)], aj = a[static_cast<size_t>(j)];
        const double wq = static_cast<double>(lo_w) + static_cast<double>(s_w) * lq.codes[static_cast<size_t>(o * I + j)];
        const double aq = static_cast<double>(lo_a) + static_cast<double>(s_a) * qg_quantize(a[static_cast<size_t>(j)], lo_a, s_a, La);
        deq += wq * aq;
        exact += wj * aj;
        mag += std::fabs(wq * aq);
        bound += std::fabs(wj) * s_a / 2 + std::fabs(aj) * s_w / 2 + s_w * s_a / 4.0;
      }
      const double yo = static_cast<double>(y[static_cast<size_t>(o)]) - b[static_cast<size_t>(o)];
      // (a) LQ computes Σ w'·a' up to the rounding of the final combination.
      CHECK(std::fabs(yo - deq) <= 2e-6 * (mag + std::fabs(lo_a * lq.E[static_cast<size_t>(o)]) + 1.0));
      // (b) and so stays within the half-step bound of section 3.
      const double err = std::fabs(yo - exact);
      CHECK(err <= bound * (1 + 1e-4) + 1e-5 * (1 + mag));
      worst_ratio = std::max(worst_ratio, err / bound);
    }
  }
  // The bound is not vacuous: quantization error is a sizable fraction of it.
  CHECK(worst_ratio > 0.05);
}

TEST_CASE("interp 8-bit LQ error against float has a small mean", "[interp][lq]") {
  // 256 output channels with weights 0.1*N(0,1), inputs relu(N(0.5,1)):
  // round-to-nearest makes the error's mean (bias) small relative to its rms,
  // while a truncating quantizer would be off by several rms.
  qgu::Prng r(41);
  const int64_t I = 64, O = 256;
  std::vector<float> w(static_cast<size_t>(O * I));
  for (auto& v : w) v = static_cast<float>(0.1 * r.normal());
  json L = json::array({{{"name", "fc"}, {"op", "dense"}, {"weight", qgu::param({O, I}, w)}}});
  ir::Graph g = qgu::prepare(qgu::parse(qgu::net_doc(qgu::vector_input(I), L)), R"({"default": {"w_bits": 8, "a_bits": 8}})");
  REQUIRE(g.nodes.at(0).lq);
  Stats err, ref;
  for (uint64_t t = 0; t < 200; ++t) {
    std::vector<float> a(static_cast<size_t>(I));
    for (auto& v : a) v = std::max(0.0f, static_cast<float>(0.5 + r.normal()));
    const std::vector<float> yq = interp::run(g, a), yf = interp::run(g, a, interp::Mode::Float);
    for (size_t o = 0; o < yq.size(); ++o) {
      err.add(static_cast<double>(yq[o]) - yf[o]);
      ref.add(yf[o]);
    }
  }
  INFO("mean " << err.mean() << " se " << err.se() << " rms " << err.rms() << " max " << err.max_abs << " output rms " << ref.rms());
  CHECK(err.rms() > 0);                       // it is quantized at all
  CHECK(err.rms() < 0.02 * ref.rms());        // 8 bits: about 1% error
  CHECK(std::fabs(err.mean()) <= 0.1 * err.rms());
  CHECK(std::fabs(err.mean()) <= 5 * err.se());
}

TEST_CASE("interp DQ error is at least LQ error at 2 bits with outliers", "[interp][lq]") {
  qgu::Prng r(51);
  const int64_t C = 4, H = 8, W = 8, O = 6;
  json L = json::array({{{"name", "conv"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {O, C, 3, 3}, 0.5f)},
                         {"bias", qgu::random_param(r, {O}, 0.1f)}}});
  const ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(C, H, W), L));
  auto rms_of = [&](const std::string& regions) {
    const ir::Graph q = qgu::prepare(g, R"({"default": {"w_bits": 2, "a_bits": 2, )" + regions + "}}");
    Stats s;
    for (uint64_t t = 0; t < 20; ++t) {
      const std::vector<float> x = outlier_input(1000 + t, static_cast<size_t>(C * H * W));
      const std::vector<float> yq = interp::run(q, x), yf = interp::run(q, x, interp::Mode::Float);
      for (size_t i = 0; i < yq.size(); ++i) s.add(static_cast<double>(yq[i]) - yf[i]);
    }
    return s.rms();
  };
  const double dq = rms_of(R"("w_region": "layer", "a_region": "layer")");
  const double lq = rms_of(R"("w_region": "kernel", "a_region": "kernel")");
  const double lq4 = rms_of(R"("w_region": 4, "a_region": 4)");
  const double lq1 = rms_of(R"("w_region": 1, "a_region": 1)");
  INFO("rms error: DQ " << dq << ", LQ kernel " << lq << ", LQ R=4 " << lq4 << ", R=1 " << lq1);
  CHECK(dq >= lq);
  CHECK(lq > lq4);
  CHECK(lq4 > 0);
  // R = 1 quantizes without loss: only float rounding remains.
  CHECK(lq1 < 1e-5);
}

// With regions of one element every value is its own region's minimum: code 0,
// lo = the value, so w' = w, a' = a, and acc = a*E + s_a*(B*0 + D*0) = a*w + 0.
// The segment loop is then the float loop y = y + w*x in the same order (padded
// taps add 0): LQ must equal float exactly (up to the sign of zero).
TEST_CASE("interp LQ with regions of one element equals float exactly", "[interp][lq]") {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    qgt::RandomNetOptions opt;
    opt.quantized = false;
    const qgt::RandomNet rn = qgt::random_net(7000 + seed, opt);
    const ir::Graph g0 = frontend::parse_netjson(rn.net_json, "rnd.json", "");
    const ir::Graph q = qgu::prepare(g0, R"({"default": {"w_bits": 1, "a_bits": 1, "w_region": 1, "a_region": 1}})");
    const std::vector<float> x = qgt::random_input(seed, rn.input_size, 0);
    const std::vector<float> yq = interp::run(q, x), yf = interp::run(q, x, interp::Mode::Float);
    REQUIRE(yq.size() == yf.size());
    for (size_t i = 0; i < yq.size(); ++i) {
      INFO("seed " << 7000 + seed << " output " << i);
      CHECK(yq[i] == yf[i]);
    }
  }
}

TEST_CASE("interp run_batch with 2 threads equals sequential runs bit for bit", "[interp]") {
  for (uint64_t seed = 0; seed < 12; ++seed) {
    const qgt::RandomNet rn = qgt::random_net(9000 + seed);
    const ir::Graph g = qgu::prepare(frontend::parse_netjson(rn.net_json, "rnd.json", ""), rn.quant_json);
    std::vector<std::vector<float>> inputs;
    for (int k = 0; k < 7; ++k) inputs.push_back(qgt::random_input(seed * 10 + static_cast<uint64_t>(k), rn.input_size, k % 4));
    for (interp::Mode mode : {interp::Mode::AsCompiled, interp::Mode::Float}) {
      const auto batch2 = interp::run_batch(g, inputs, mode, 2);
      const auto batch0 = interp::run_batch(g, inputs, mode, 0);
      const auto batch9 = interp::run_batch(g, inputs, mode, 9);  // more threads than inputs
      REQUIRE(batch2.size() == inputs.size());
      REQUIRE(batch9.size() == inputs.size());
      for (size_t i = 0; i < inputs.size(); ++i) {
        const std::vector<float> one = interp::run(g, inputs[i], mode);
        INFO("seed " << 9000 + seed << " input " << i);
        CHECK(qgu::same_bits(batch2[i], one));
        CHECK(qgu::same_bits(batch0[i], one));
        CHECK(qgu::same_bits(batch9[i], one));
      }
    }
  }
  // Errors in a worker reach the caller.
  const qgt::RandomNet rn = qgt::random_net(9000);
  const ir::Graph g = frontend::parse_netjson(rn.net_json, "rnd.json", "");
  std::vector<std::vector<float>> bad = {std::vector<float>(static_cast<size_t>(rn.input_size)), std::vector<float>(1000000)};
  CHECK_THROWS_AS(interp::run_batch(g, bad, interp::Mode::Float, 2), UserError);
  CHECK(interp::run_batch(g, {}, interp::Mode::Float, 2).empty());
}

TEST_CASE("interp softmax sums to 1 within 1e-6", "[interp]") {
  ir::Graph v = qgu::parse(qgu::net_doc(qgu::vector_input(10), json::array({{{"name", "s"}, {"op", "softmax"}}})));
  ir::Graph img = qgu::parse(qgu::net_doc(qgu::image_input(7, 3, 2), json::array({{{"name", "s"}, {"op", "softmax"}}})));
  qgu::Prng r(61);
  for (int t = 0; t < 300; ++t) {
    const float scale = t < 100 ? 1.0f : t < 200 ? 10.0f : 60.0f;
    const std::vector<float> x = r.vec(10, scale);
    const std::vector<float> y = interp::run(v, x);
    double s = 0;
    for (float e : y) {
      CHECK(e >= 0.0f);
      CHECK(e <= 1.0f);
      s += e;
    }
    CHECK(std::fabs(s - 1.0) <= 1e-6);
    // The largest input gets the largest probability.
    CHECK(std::max_element(x.begin(), x.end()) - x.begin() == std::max_element(y.begin(), y.end()) - y.begin());
    // Image: softmax over the 7 channels of each of the 6 pixels (CHW).
    const std::vector<float> xi = r.vec(42, scale);
    const std::vector<float> yi = interp::run(img, xi);
    for (int p = 0; p < 6; ++p) {
      double sp = 0;
      for (int c = 0; c < 7; ++c) sp += yi[static_cast<size_t>(c * 6 + p)];
      CHECK(std::fabs(sp - 1.0) <= 1e-6);
    }
  }
  // Equal inputs: exactly uniform.
  for (float e : interp::run(v, std::vector<float>(10, 3.0f))) CHECK(e == 0.1f);
}

TEST_CASE("qg_expf is within 4 ulp of exp over -87 to 0", "[interp]") {
  int64_t worst = 0;
  float worst_x = 0;
  auto check = [&](float x) {
    const float ref = static_cast<float>(std::exp(static_cast<double>(x)));
    const int64_t d = ulp_distance(qg_expf(x), ref);
    if (d > worst) {
      worst = d;
      worst_x = x;
    }
  };
  const int N = 400000;
  for (int i = 0; i <= N; ++i) check(static_cast<float>(-87.0 * i / N));
  // Every 4099th float between -0 and -87 by bit pattern (covers all exponents).
  for (uint32_t u = 0x80000000u; u <= qgu::float_bits(-87.0f); u += 4099) {
    float x;
    std::memcpy(&x, &u, 4);
    check(x);
  }
  {
    INFO("worst " << worst << " ulp at x = " << worst_x);
    CHECK(worst <= 4);
  }
  CHECK(qg_expf(0.0f) == 1.0f);
  CHECK(qg_expf(-0.0f) == 1.0f);
  CHECK(qg_expf(2.0f) == 1.0f);  // x > 0 is clamped to 0
  CHECK(qg_expf(-87.5f) == 0.0f);
  CHECK(qg_expf(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(qg_expf(std::numeric_limits<float>::quiet_NaN()) == 0.0f);
  CHECK(qg_expf(-87.0f) > 0.0f);
  // Monotone on a fine grid.
  int non_monotone = 0;
  for (float x = -87.0f; x < 0.0f; x += 1e-3f) non_monotone += qg_expf(x) > qg_expf(x + 1e-3f);
  CHECK(non_monotone == 0);
}

TEST_CASE("interp rejects an input of the wrong size", "[interp]") {
  ir::Graph v = qgu::parse(qgu::net_doc(qgu::vector_input(10), json::array({{{"name", "s"}, {"op", "relu"}}})));
  auto e = qgu::user_error_of([&] { interp::run(v, std::vector<float>(9)); });
  REQUIRE(e);
  CHECK_THAT(e->message(), Catch::Contains("input has 9 values, the model expects 10"));
}
