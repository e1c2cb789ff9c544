// IR: op table, window arithmetic, layouts, and the two graph passes.
#include <catch2/catch.hpp>
#include <set>

#include "interp/interp.h"
#include "ir/op_table.h"
#include "ir/printer.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

int count_op(const ir::Graph& g, ir::Op op) {
  int n = 0;
  for (const ir::Node& node : g.nodes) n += node.op == op;
  return n;
}

const ir::Node* node_named(const ir::Graph& g, const std::string& name) {
  for (const ir::Node& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

json bn_layer(const std::string& name, qgu::Prng& r, int64_t C) {
  std::vector<float> sc, bi, mu, va;
  for (int64_t c = 0; c < C; ++c) {
    sc.push_back(0.5f + static_cast<float>(r.real()));
    bi.push_back(r.sym(0.5f));
    mu.push_back(r.sym(0.5f));
    va.push_back(0.2f + 2.0f * static_cast<float>(r.real()));
  }
  return {{"name", name}, {"op", "batchnorm"}, {"scale", qgu::param({C}, sc)}, {"bias", qgu::param({C}, bi)},
          {"mean", qgu::param({C}, mu)}, {"var", qgu::param({C}, va)}};
}

}  // namespace

TEST_CASE("op table rows are consistent with their enum", "[ir]") {
  // The 25 ops of net.json v1 (docs/net-format.md). The table may hold more
  // rows for ops that only passes create; those are not found by name.
  const std::vector<std::string> documented = {"conv2d", "dense", "relu", "relu6", "maxpool2d", "avgpool2d", "global_avgpool",
                                               "add", "concat", "batchnorm", "flatten", "reshape", "softmax", "sigmoid",
                                               "hardsigmoid", "hardswish", "leaky_relu", "mul", "sub", "div", "minimum", "maximum", "slice",
                                               "channel_shuffle", "tanh"};
  const size_t n = static_cast<size_t>(ir::Op::kCount);
  REQUIRE(n >= documented.size());
  std::set<std::string> names, findable;
  const std::string known = ir::known_op_names();
  for (size_t i = 0; i < n; ++i) {
    const ir::Op op = static_cast<ir::Op>(i);
    const ir::OpInfo& info = ir::op_info(op);
    INFO("op " << i << " " << info.name);
    CHECK(info.op == op);
    CHECK(names.insert(info.name).second);  // unique names
    CHECK(info.infer != nullptr);
    CHECK(info.min_inputs >= 1);
    CHECK((info.max_inputs == -1 || info.max_inputs >= info.min_inputs));
    // Exactly the ops with a reduction are quantizable, and only they count MACs.
    const bool linear = op == ir::Op::Conv2d || op == ir::Op::Dense;
    CHECK(info.quantizable == linear);
    CHECK((info.macs != nullptr) == linear);
    const ir::OpInfo* found = ir::find_op(info.name);
    CHECK((found == nullptr || found == &info));  // round trip, when found at all
    if (found) findable.insert(info.name);
  }
  // find_op and known_op_names cover exactly the documented ops.
  CHECK(findable == std::set<std::string>(documented.begin(), documented.end()));
  std::string joined;
  for (const std::string& d : documented) joined += (joined.empty() ? "" : ", ") + d;
  CHECK(known == joined);
  const std::vector<ir::Op> ops = {ir::Op::Conv2d, ir::Op::Dense, ir::Op::Relu, ir::Op::Relu6, ir::Op::MaxPool2d,
                                   ir::Op::AvgPool2d, ir::Op::GlobalAvgPool, ir::Op::Add, ir::Op::Concat, ir::Op::BatchNorm,
                                   ir::Op::Flatten, ir::Op::Reshape, ir::Op::Softmax, ir::Op::Sigmoid, ir::Op::HardSigmoid,
                                   ir::Op::HardSwish, ir::Op::LeakyRelu, ir::Op::Mul, ir::Op::Sub, ir::Op::Div, ir::Op::Minimum, ir::Op::Maximum,
                                   ir::Op::Slice, ir::Op::ChannelShuffle, ir::Op::Tanh};
  for (size_t i = 0; i < documented.size(); ++i) {
    const ir::OpInfo* f = ir::find_op(documented[i]);
    REQUIRE(f != nullptr);
    CHECK(f->op == ops[i]);
  }
  CHECK(ir::find_op("conv") == nullptr);
  CHECK(ir::find_op("Conv2d") == nullptr);
  CHECK(ir::find_op("") == nullptr);
  CHECK(std::string(ir::op_info(ir::Op::GlobalAvgPool).name) == "global_avgpool");
  CHECK(ir::op_info(ir::Op::Concat).max_inputs == -1);
  CHECK(ir::op_info(ir::Op::Add).min_inputs == 2);
  CHECK(ir::op_info(ir::Op::Add).max_inputs == 2);
}

TEST_CASE("window_out on hand-computed cases", "[ir]") {
  // (in, k, stride, dilation, pad_lo, pad_hi) -> out
  CHECK(ir::window_out(5, 3, 1, 1, 0, 0) == 3);
  CHECK(ir::window_out(5, 3, 1, 1, 1, 1) == 5);    // "same" padding
  CHECK(ir::window_out(7, 3, 2, 1, 0, 0) == 3);    // positions 0 2 4
  CHECK(ir::window_out(8, 3, 2, 1, 1, 1) == 4);    // (10 - 3) / 2 + 1
  CHECK(ir::window_out(8, 3, 2, 1, 0, 0) == 3);    // (8 - 3) / 2 + 1, floor
  CHECK(ir::window_out(7, 3, 1, 2, 0, 0) == 3);    // span 5
  CHECK(ir::window_out(7, 3, 1, 3, 0, 0) == 1);    // span 7 == in
  CHECK(ir::window_out(6, 3, 1, 3, 0, 0) == 0);    // span 7 > 6: does not fit
  CHECK(ir::window_out(6, 3, 1, 3, 1, 0) == 1);    // padding makes it fit
  CHECK(ir::window_out(4, 2, 3, 1, 0, 2) == 2);    // asymmetric padding: (6 - 2) / 3 + 1
  CHECK(ir::window_out(2, 3, 1, 1, 0, 0) == 0);    // kernel larger than input
  CHECK(ir::window_out(1, 1, 1, 1, 0, 0) == 1);
  CHECK(ir::window_out(10, 1, 4, 1, 0, 0) == 3);   // 1x1, stride 4: 0 4 8
  CHECK(ir::window_out(5, 3, 0, 1, 0, 0) == 0);    // stride 0 is no window
  CHECK(ir::window_out(28, 3, 1, 1, 1, 1) == 28);
  CHECK(ir::window_out(28, 2, 2, 1, 0, 0) == 14);
}

TEST_CASE("logical and internal shapes for CHW and HWC", "[ir]") {
  const std::vector<int64_t> internal = {4, 5, 3};  // H W C
  CHECK(ir::logical_shape(internal, ir::Layout::CHW) == std::vector<int64_t>{3, 4, 5});
  CHECK(ir::logical_shape(internal, ir::Layout::HWC) == internal);
  CHECK(ir::internal_shape({3, 4, 5}, ir::Layout::CHW) == internal);
  CHECK(ir::internal_shape({4, 5, 3}, ir::Layout::HWC) == internal);
  // Vectors are never permuted, in any layout.
  for (ir::Layout l : {ir::Layout::CHW, ir::Layout::HWC, ir::Layout::Vector}) {
    CHECK(ir::logical_shape({7}, l) == std::vector<int64_t>{7});
    CHECK(ir::internal_shape({7}, l) == std::vector<int64_t>{7});
    CHECK(ir::internal_shape(ir::logical_shape(internal, l), l) == internal);
  }
  CHECK(ir::shape_str({3, 4, 5}) == "[3,4,5]");
  CHECK(std::string(ir::layout_name(ir::Layout::CHW)) == "CHW");
}

TEST_CASE("logical_index maps HWC storage to CHW order", "[ir]") {
  const int64_t H = 2, W = 3, C = 4;
  const std::vector<int64_t> s = {H, W, C};
  std::set<int64_t> seen;
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w)
      for (int64_t c = 0; c < C; ++c) {
        const int64_t internal = (h * W + w) * C + c;
        const int64_t li = ir::logical_index(s, ir::Layout::CHW, internal);
        CHECK(li == (c * H + h) * W + w);
        seen.insert(li);
        // HWC: the declared layout is the internal one.
        CHECK(ir::logical_index(s, ir::Layout::HWC, internal) == internal);
      }
  CHECK(seen.size() == static_cast<size_t>(H * W * C));  // a permutation
  // Vectors: identity even in a CHW network.
  for (int64_t i = 0; i < 9; ++i) CHECK(ir::logical_index({9}, ir::Layout::CHW, i) == i);
}

TEST_CASE("reduction_length and node_macs of conv2d and dense", "[ir]") {
  qgu::Prng r(1);
  json layers = json::array(
      {{{"name", "c"}, {"op", "conv2d"}, {"groups", 2}, {"padding", 1}, {"weight", qgu::random_param(r, {6, 2, 3, 3}, 0.5f)}},
       {{"name", "f"}, {"op", "flatten"}},
       {{"name", "d"}, {"op", "dense"}, {"weight", qgu::random_param(r, {5, 6 * 5 * 7}, 0.5f)}}});
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(4, 5, 7), layers));
  REQUIRE(g.nodes.size() == 3);
  CHECK(ir::reduction_length(g, g.nodes[0]) == 3 * 3 * 2);
  CHECK(ir::node_macs(g, g.nodes[0]) == 5 * 7 * 6 * 18);
  CHECK(ir::reduction_length(g, g.nodes[1]) == 0);
  CHECK(ir::node_macs(g, g.nodes[1]) == 0);
  CHECK(ir::reduction_length(g, g.nodes[2]) == 210);
  CHECK(ir::node_macs(g, g.nodes[2]) == 5 * 210);
  // consumers: the conv output is read by the flatten only.
  CHECK(g.consumers(g.nodes[0].output) == std::vector<int>{1});
  CHECK(g.consumers(g.nodes[2].output).empty());
}

TEST_CASE("fold_batchnorm keeps outputs within 1e-5 of the unfolded graph", "[ir][passes]") {
  qgu::Prng r(7);
  json layers = json::array();
  layers.push_back({{"name", "conv"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {4, 3, 3, 3}, 0.4f)},
                    {"bias", qgu::random_param(r, {4}, 0.3f)}});
  layers.push_back(bn_layer("bn1", r, 4));
  layers.push_back({{"name", "relu"}, {"op", "relu"}});
  // grouped conv without bias: the fold must create one
  layers.push_back({{"name", "dw"}, {"op", "conv2d"}, {"groups", 4}, {"weight", qgu::random_param(r, {4, 1, 2, 2}, 0.6f)}});
  layers.push_back(bn_layer("bn2", r, 4));
  layers.push_back({{"name", "flat"}, {"op", "flatten"}});
  layers.push_back({{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {5, 4 * 5 * 4}, 0.2f)},
                    {"bias", qgu::random_param(r, {5}, 0.2f)}});
  layers.push_back(bn_layer("bn3", r, 5));
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(3, 6, 5), layers));
  REQUIRE(count_op(g, ir::Op::BatchNorm) == 3);
  ir::Graph f = ir::fold_batchnorm(g);
  CHECK(count_op(f, ir::Op::BatchNorm) == 0);
  CHECK(f.nodes.size() == g.nodes.size() - 3);
  CHECK(f.output == g.output);  // the dense now produces bn3's tensor
  const ir::Node* dw = node_named(f, "dw");
  REQUIRE(dw != nullptr);
  CHECK(dw->bias.data.size() == 4);
  // The weights really changed (scale != 1).
  CHECK(node_named(f, "conv")->weight.data != node_named(g, "conv")->weight.data);

  for (uint64_t seed = 0; seed < 20; ++seed) {
    qgu::Prng ri(100 + seed);
    const std::vector<float> x = ri.vec(3 * 6 * 5, 2.0f);
    const std::vector<float> a = interp::run(g, x, interp::Mode::Float);
    const std::vector<float> b = interp::run(f, x, interp::Mode::Float);
    REQUIRE(a.size() == 5);
    REQUIRE(b.size() == 5);
    for (size_t i = 0; i < a.size(); ++i) CHECK(std::fabs(a[i] - b[i]) <= 1e-5 * (1.0 + std::fabs(a[i])));
  }
}

TEST_CASE("fold_batchnorm folds only when the producer output has one user", "[ir][passes]") {
  qgu::Prng r(3);
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"weight", qgu::random_param(r, {2, 2, 1, 1}, 1.0f)}});
  layers.push_back(bn_layer("bn_shared", r, 2));          // c1 also feeds the add: keep
  layers.push_back({{"name", "sum"}, {"op", "add"}, {"inputs", {"bn_shared", "c1"}}});
  layers.push_back({{"name", "r"}, {"op", "relu"}});
  layers.push_back(bn_layer("bn_after_relu", r, 2));      // producer is not conv/dense: keep
  layers.push_back({{"name", "pool"}, {"op", "maxpool2d"}, {"kernel", 2}});
  layers.push_back(bn_layer("bn_after_pool", r, 2));      // keep
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"weight", qgu::random_param(r, {2, 2, 1, 1}, 1.0f)}});
  layers.push_back(bn_layer("bn_fold", r, 2));            // fold
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(2, 4, 4), layers));
  ir::Graph f = ir::fold_batchnorm(g);
  CHECK(node_named(f, "bn_shared") != nullptr);
  CHECK(node_named(f, "bn_after_relu") != nullptr);
  CHECK(node_named(f, "bn_after_pool") != nullptr);
  CHECK(node_named(f, "bn_fold") == nullptr);
  CHECK(count_op(f, ir::Op::BatchNorm) == 3);
  // c1 is untouched (its output is shared).
  CHECK(node_named(f, "c1")->weight.data == node_named(g, "c1")->weight.data);
  CHECK(node_named(f, "c1")->bias.empty());
  const std::vector<float> x = qgu::Prng(5).vec(32, 1.0f);
  const std::vector<float> a = interp::run(g, x, interp::Mode::Float), b = interp::run(f, x, interp::Mode::Float);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(std::fabs(a[i] - b[i]) <= 1e-5 * (1.0 + std::fabs(a[i])));
}

TEST_CASE("fold_batchnorm leaves a batchnorm whose input is the network output", "[ir][passes]") {
  qgu::Prng r(4);
  json doc = qgu::net_doc(qgu::vector_input(3), json::array({{{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {2, 3}, 1.0f)}},
                                                             bn_layer("bn", r, 2)}));
  doc["outputs"] = {"fc"};
  ir::Graph f = ir::fold_batchnorm(qgu::parse(doc));
  CHECK(count_op(f, ir::Op::BatchNorm) == 1);
  CHECK(f.tensor(f.output).name == "fc");
}

TEST_CASE("fuse_activations removes relu nodes without changing outputs", "[ir][passes]") {
  qgu::Prng r(11);
  json layers = json::array();
  layers.push_back({{"name", "c1"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {3, 2, 3, 3}, 0.5f)},
                    {"bias", qgu::random_param(r, {3}, 0.5f)}});
  layers.push_back({{"name", "r1"}, {"op", "relu"}});
  layers.push_back({{"name", "c2"}, {"op", "conv2d"}, {"weight", qgu::random_param(r, {3, 3, 1, 1}, 2.0f)}});
  layers.push_back({{"name", "r2"}, {"op", "relu6"}});
  layers.push_back({{"name", "c3"}, {"op", "conv2d"}, {"weight", qgu::random_param(r, {3, 3, 1, 1}, 1.0f)}});
  layers.push_back({{"name", "r3"}, {"op", "relu"}});                                  // c3 also feeds the add: keep
  layers.push_back({{"name", "sum"}, {"op", "add"}, {"inputs", {"r3", "c3"}}});
  layers.push_back({{"name", "r4"}, {"op", "relu"}});                                  // after an add: keep
  layers.push_back({{"name", "flat"}, {"op", "flatten"}});
  layers.push_back({{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {4, 3 * 5 * 4}, 0.3f)}});
  layers.push_back({{"name", "r5"}, {"op", "relu6"}});                                 // the last layer: fuses
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(2, 5, 4), layers));
  ir::Graph f = ir::fuse_activations(g);
  CHECK(node_named(f, "r1") == nullptr);
  CHECK(node_named(f, "r2") == nullptr);
  CHECK(node_named(f, "r5") == nullptr);
  CHECK(node_named(f, "r3") != nullptr);
  CHECK(node_named(f, "r4") != nullptr);
  CHECK(node_named(f, "c1")->act == ir::Activation::Relu);
  CHECK(node_named(f, "c2")->act == ir::Activation::Relu6);
  CHECK(node_named(f, "c3")->act == ir::Activation::None);
  CHECK(node_named(f, "fc")->act == ir::Activation::Relu6);
  CHECK(f.nodes.size() == g.nodes.size() - 3);
  CHECK(f.output == g.output);

  // Bit for bit, in float and quantized alike.
  const std::string cfg = R"({"default": {"w_bits": 4, "a_bits": 4, "a_region": 2}})";
  ir::Graph gq = quant::quantize(quant::resolve_choices(g, quant::parse_quant_config(cfg, "q.json")));
  ir::Graph fq = quant::quantize(quant::resolve_choices(f, quant::parse_quant_config(cfg, "q.json")));
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const std::vector<float> x = qgu::Prng(seed).vec(40, 3.0f);
    CHECK(qgu::same_bits(interp::run(g, x, interp::Mode::Float), interp::run(f, x, interp::Mode::Float)));
    CHECK(qgu::same_bits(interp::run(gq, x), interp::run(fq, x)));
  }
  // ... and the activations really clamp: some fc output is exactly 0 or 6 over the seeds.
  bool clamped = false;
  for (uint64_t seed = 0; seed < 30 && !clamped; ++seed)
    for (float v : interp::run(f, qgu::Prng(seed).vec(40, 3.0f), interp::Mode::Float)) clamped |= v == 0.0f || v == 6.0f;
  CHECK(clamped);
}

TEST_CASE("print_graph mentions ops and shapes and choices", "[ir]") {
  qgu::Prng r(2);
  json layers = json::array({{{"name", "conv"}, {"op", "conv2d"}, {"stride", 2}, {"padding", json::array({1, 0, 1, 0})},
                              {"weight", qgu::random_param(r, {4, 3, 3, 3}, 0.5f)}},
                             {{"name", "act"}, {"op", "relu"}},
                             {{"name", "flat"}, {"op", "flatten"}},
                             {{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {2, 4 * 2 * 4}, 0.5f)}}});
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(3, 8, 5), layers));
  const std::string s0 = ir::print_graph(g);
  CHECK_THAT(s0, Catch::Contains("layout=CHW"));
  CHECK_THAT(s0, Catch::Contains("input %x [8,5,3]"));
  CHECK_THAT(s0, Catch::Contains("%conv = conv2d(%x) : [4,2,4] k=3x3 s=2x2 p=1,0,1,0"));
  CHECK_THAT(s0, Catch::Contains("%act = relu(%conv) : [4,2,4]"));
  CHECK_THAT(s0, Catch::Contains("%flat = flatten(%act) : [32]"));
  CHECK_THAT(s0, Catch::Contains("%fc = dense(%flat) : [2]"));
  CHECK_THAT(s0, Catch::Contains("q=float"));
  CHECK_THAT(s0, Catch::Contains("output %fc"));
  const std::string s1 = ir::print_graph(qgu::prepare(g, R"({"default": {"w_bits": 4, "a_bits": 2, "w_region": "layer"}})"));
  CHECK_THAT(s1, Catch::Contains("act=relu"));
  CHECK_THAT(s1, Catch::Contains("q=lq w4/layer a2/kernel"));
  CHECK_THAT(s1, Catch::Contains("segments=1 acc=i32"));
  CHECK_THAT(s1, Catch::Contains("macs=" + std::to_string(4 * 2 * 4 * 27)));
  CHECK_THAT(s1, !Catch::Contains("relu(%conv)"));
}
