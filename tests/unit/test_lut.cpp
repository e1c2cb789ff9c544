// LUT kernels (quant/lut.h): tables, op counts on hand-computable layers,
// config errors, the cost model, interpreter LUT == MAC.
#include <catch2/catch.hpp>

#include "interp/interp.h"
#include "quant/lut.h"
#include "select/select.h"
#include "support/cbuild.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

ir::Graph resolved(const json& net, const std::string& cfg) {
  ir::Graph g = ir::fuse_activations(ir::fold_batchnorm(qgu::parse(net)));
  return select::resolve_auto(quant::resolve_choices(std::move(g), quant::parse_quant_config(cfg, "q.json")), target::get("c"));
}

const ir::Node& node(const ir::Graph& g, const std::string& name) {
  for (const ir::Node& n : g.nodes)
    if (n.name == name) return n;
  FAIL("no node " << name);
  return g.nodes[0];
}

json dense_net(int64_t I, int64_t O, uint64_t seed = 1) {
  qgu::Prng r(seed);
  return qgu::net_doc(qgu::vector_input(I), json::array({{{"name", "fc"}, {"op", "dense"}, {"weight", qgu::random_param(r, {O, I}, 0.5f)},
                                                           {"bias", qgu::random_param(r, {O}, 0.1f)}}}));
}

// conv: C channels in, O out, 3x3, pad 1, on H x W, `groups`.
json conv_net(int64_t C, int64_t O, int64_t H, int64_t W, int64_t k, int64_t groups, uint64_t seed = 2) {
  qgu::Prng r(seed);
  return qgu::net_doc(qgu::image_input(C, H, W),
                      json::array({{{"name", "conv"}, {"op", "conv2d"}, {"padding", k / 2}, {"groups", groups},
                                    {"weight", qgu::random_param(r, {O, C / groups, k, k}, 0.5f)}}}));
}

}  // namespace

TEST_CASE("op counts: dense 6 -> 2, 2-bit activations, groups of 3 (by hand)", "[lut]") {
  const ir::Graph g = resolved(dense_net(6, 2), R"({"default": {"a_bits": 2, "kernel": "lut", "lut_group": 3}})");
  const quant::LayerOps o = quant::count_layer_ops(g, node(g, "fc"));
  CHECK(o.K == 6);
  CHECK(o.outputs == 2);
  CHECK(o.patches == 1);
  CHECK(o.segments == 1);
  CHECK(o.groups == 2);
  CHECK(o.g == 3);
  // MAC: 2 outputs x 6 weights.
  CHECK(o.mac_dot.mul == 12);
  CHECK(o.mac_dot.add == 12);
  // LUT: 2 outputs x 2 groups; indices: 6 codes - 2 groups shift-ors.
  CHECK(o.lut_dot.mul == 0);
  CHECK(o.lut_dot.lookup == 4);
  CHECK(o.lut_dot.add == 4);
  CHECK(o.lut_dot.index_ops == 4);
  // Both: 4 multiplies per output and segment; 3 adds per output and segment + bias; Σq: 6 adds.
  CHECK(o.common.mul == 8);
  CHECK(o.common.add == 2 * 4 + 6);
  CHECK(o.mac_total().mul == 20);
  CHECK(o.mac_total().add == 26);
  CHECK(o.lut_total().mul == 8);
  CHECK(o.lut_total().add == 18);
  // 6-bit index: 64 entries per group, 2 groups, 2 bytes each, 2 channels.
  CHECK(o.lut_table_bytes == 2 * 2 * 64 * 2);
  CHECK(o.mac_table_bytes == 12);
}

TEST_CASE("op counts: conv 2 -> 3, 3x3 pad 1 on 5x5, 1-bit activations, regions of 4, groups of 4 (by hand)", "[lut]") {
  const ir::Graph g = resolved(conv_net(2, 3, 5, 5, 3, 1), R"({"default": {"a_bits": 1, "a_region": 4, "kernel": "lut", "lut_group": 4}})");
  const quant::LayerOps o = quant::count_layer_ops(g, node(g, "conv"));
  // K = 18; segments [0,4) [4,8) [8,12) [12,16) [16,18); one group each.
  CHECK(o.K == 18);
  CHECK(o.segments == 5);
  CHECK(o.groups == 5);
  CHECK(o.outputs == 75);
  CHECK(o.patches == 25);
  CHECK(o.mac_dot.mul == 75 * 18);
  CHECK(o.lut_dot.lookup == 75 * 5);
  CHECK(o.lut_dot.add == 75 * 5);
  CHECK(o.lut_dot.index_ops == 25 * (18 - 5));
  CHECK(o.common.mul == 75 * 4 * 5);
  CHECK(o.common.add == 75 * (3 * 5 + 1) + 25 * 18);
  // 4-bit index: the pshufb layout, 16 entries per group (the short last group padded).
  CHECK(o.lut_table_bytes == 3 * 2 * 5 * 16);
}

TEST_CASE("op counts: grouped 1x1 conv, 4-bit activations, default group 2", "[lut]") {
  const ir::Graph g = resolved(conv_net(4, 4, 3, 3, 1, 2), R"({"default": {"a_bits": 4, "kernel": "lut"}})");
  const quant::LayerOps o = quant::count_layer_ops(g, node(g, "conv"));
  CHECK(o.K == 2);
  CHECK(o.g == 2);
  CHECK(o.outputs == 36);
  CHECK(o.patches == 18);  // 9 positions x 2 groups
  CHECK(o.lut_dot.lookup == 36);
  CHECK(o.mac_dot.mul == 72);
  CHECK(o.lut_table_bytes == 4 * 2 * 256);
}

TEST_CASE("op counts: AlexNet conv1 shape gives the paper's ratios on the dot product", "[lut]") {
  // 96 x 11x11x3, stride 4 on 227x227: 55x55 outputs; K = 363 = 3 * 121.
  ir::Graph g;
  ir::Tensor x, y;
  x.name = "x";
  x.shape = {227, 227, 3};
  y.name = "y";
  y.shape = {55, 55, 96};
  g.tensors = {x, y};
  ir::Node n;
  n.name = "conv1";
  n.op = ir::Op::Conv2d;
  n.inputs = {0};
  n.output = 1;
  n.attrs.win.kh = n.attrs.win.kw = 11;
  n.attrs.win.sh = n.attrs.win.sw = 4;
  n.weight.shape = {96, 11, 11, 3};
  n.quant.scheme = ir::Scheme::LQ;
  n.quant.a_bits = 2;
  g.nodes.push_back(n);
  g.input = 0;
  g.output = 1;
  const quant::LayerOps o = quant::count_layer_ops(g, g.nodes[0]);
  CHECK(o.mac_dot.mul == 105415200);  // 55*55*96*363
  CHECK(o.lut_dot.add * 3 == o.mac_dot.add);
  CHECK(o.lut_dot.mul == 0);
}

TEST_CASE("build_lut: every entry is the group's sum p*q; interpreter LUT == MAC bit for bit", "[lut]") {
  for (int ab : {1, 2, 4}) {
    for (int gsz = 1; gsz <= quant::max_lut_group(ab); ++gsz) {
      INFO("a_bits " << ab << " g " << gsz);
      const std::string cfg = R"({"default": {"w_bits": 8, "a_bits": )" + std::to_string(ab) + R"(, "a_region": 7, "kernel": "lut", "lut_group": )" +
                              std::to_string(gsz) + "}}";
      ir::Graph g = quant::quantize(resolved(conv_net(3, 5, 6, 5, 3, 1, static_cast<uint64_t>(ab * 10 + gsz)), cfg));
      const ir::LinearQuant& lq = *node(g, "conv").lq;
      REQUIRE(lq.lut_g == gsz);
      CHECK(lq.lut_shuf == (ab * gsz <= 4));
      const int La = (1 << ab) - 1;
      for (int64_t o = 0; o < lq.O; ++o)
        for (int64_t k = 0; k < lq.lut_groups(); ++k) {
          const int64_t b = lq.grp_begin[static_cast<size_t>(k)], len = lq.grp_begin[static_cast<size_t>(k + 1)] - b;
          for (int64_t v = 0; v < (int64_t{1} << (ab * len)); ++v) {
            int64_t want = 0;
            for (int64_t t = 0; t < len; ++t) want += int64_t{lq.codes[static_cast<size_t>(o * lq.K + b + t)]} * ((v >> (ab * t)) & La);
            REQUIRE(quant::lut_entry(lq, o, k, v) == want);
          }
        }
      ir::Graph m = quant::quantize(resolved(conv_net(3, 5, 6, 5, 3, 1, static_cast<uint64_t>(ab * 10 + gsz)),
                                             R"({"default": {"w_bits": 8, "a_bits": )" + std::to_string(ab) + R"(, "a_region": 7}})"));
      qgu::Prng r(7);
      for (int rep = 0; rep < 3; ++rep) {
        const std::vector<float> x = r.vec(90, 2.0f);
        CHECK(qgu::same_bits(interp::run(g, x), interp::run(m, x)));
      }
    }
  }
}

TEST_CASE("kernel / lut_group config errors name the file, the JSON path and the problem", "[lut]") {
  struct Case {
    const char* cfg;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {R"({"default": {"a_bits": 8, "kernel": "lut"}})", "default.kernel", "needs 1-, 2- or 4-bit activations"},
      {R"({"layers": {"fc": {"a_bits": 6, "kernel": "lut"}}})", "layers.fc.kernel", "has a_bits 6"},
      {R"({"default": {"a_bits": 4, "kernel": "lut", "lut_group": 3}})", "default.lut_group", "12-bit table index"},
      {R"({"default": {"a_bits": 2, "lut_group": 2}})", "default.lut_group", "needs \"kernel\": \"lut\" or \"auto\""},
      {R"({"default": {"scheme": "int8", "kernel": "lut"}})", "default.kernel", "needs scheme lq"},
      {R"({"layers": {"fc": {"scheme": "float", "kernel": "lut"}}})", "layers.fc.kernel", "needs scheme lq"},
  };
  for (const Case& c : cases) {
    INFO(c.cfg);
    auto e = qgu::user_error_of([&] { resolved(dense_net(6, 2), c.cfg); });
    REQUIRE(e);
    CHECK(e->file() == "q.json");
    CHECK(e->path() == c.path);
    CHECK_THAT(e->message(), Catch::Contains(c.message));
  }
  for (const char* bad : {R"({"default": {"lut_group": 0}})", R"({"default": {"lut_group": 9}})", R"({"default": {"lut_group": "2"}})"}) {
    INFO(bad);
    auto e = qgu::user_error_of([&] { quant::parse_quant_config(bad, "q.json"); });
    REQUIRE(e);
    CHECK(e->path() == "default.lut_group");
    CHECK_THAT(e->message(), Catch::Contains("from 1 to 8"));
  }
}

TEST_CASE("kernel auto: LUT where it is cheaper and fits the flash budget, MAC for 8-bit activations", "[lut]") {
  qgu::Prng r(3);
  const json net = qgu::net_doc(qgu::vector_input(40), json::array({{{"name", "a"}, {"op", "dense"}, {"weight", qgu::random_param(r, {8, 40}, 0.5f)}},
                                                                     {{"name", "b"}, {"op", "dense"}, {"weight", qgu::random_param(r, {4, 8}, 0.5f)}}}));
  const ir::Graph g = resolved(net, R"({"default": {"a_bits": 2, "kernel": "auto"}, "layers": {"b": {"a_bits": 8}}})");
  CHECK(node(g, "a").quant.kernel == ir::KernelKind::Lut);
  CHECK(node(g, "b").quant.kernel == ir::KernelKind::Mac);
  const quant::LayerOps o = quant::count_layer_ops(g, node(g, "a"));
  const target::LutCosts& c = target::get("c").lut_costs;
  CHECK(select::lut_cost(o, c) < select::mac_cost(o, c));
  // A layer whose table alone exceeds the budget stays MAC.
  const json big = qgu::net_doc(qgu::vector_input(600), json::array({{{"name", "a"}, {"op", "dense"}, {"weight", qgu::random_param(r, {64, 600}, 0.5f)}}}));
  const ir::Graph gb = resolved(big, R"({"default": {"a_bits": 4, "kernel": "auto"}})");
  CHECK(quant::count_layer_ops(gb, node(gb, "a")).lut_table_bytes > c.lut_flash_budget);
  CHECK(node(gb, "a").quant.kernel == ir::KernelKind::Mac);
}

namespace {
json qgen_json(const std::string& args) {
  const qgt::CmdResult r = qgt::run_cmd(std::string(QGEN_BINARY) + " " + args);
  INFO(args << "\n" << r.output);
  REQUIRE(r.status == 0);
  return json::parse(r.output);
}
}  // namespace

TEST_CASE("qgen report: exact op counts of the AlexNet and VGG-16 convolutions (Table 3 shapes)", "[lut][driver]") {
  const std::string ex = std::string(QGEN_SOURCE_DIR) + "/examples/";
  const json a = qgen_json("report " + ex + "alexnet-shapes/alexnet_shapes.json --config " + ex + "alexnet-shapes/lut2.json --json");
  const json& at = a["ops_total"];
  CHECK(at["mac"]["dot_multiplies"].get<int64_t>() == 665784864);  // the paper's "666 M"
  CHECK(at["mac"]["dot_adds"].get<int64_t>() == 665784864);
  CHECK(at["lut"]["dot_multiplies"].get<int64_t>() == 0);
  CHECK(at["lut"]["dot_adds"].get<int64_t>() == 221928288);  // the paper's "222 M"
  CHECK(at["lut"]["lookups"].get<int64_t>() == 221928288);
  CHECK(a["layers"].size() == 5);
  for (const json& l : a["layers"]) CHECK(l["kernel"] == "lut");
  const json v = qgen_json("report " + ex + "vgg16-shapes/vgg16_shapes.json --config " + ex + "vgg16-shapes/lut2.json --json");
  const json& vt = v["ops_total"];
  CHECK(vt["mac"]["dot_multiplies"].get<int64_t>() == 15346630656);  // "15,347 M"
  CHECK(vt["lut"]["dot_adds"].get<int64_t>() == 5115543552);         // "5,116 M"
  CHECK(v["layers"].size() == 13);
  // The MAC config counts the same, and every layer keeps the MAC kernel.
  const json m = qgen_json("report " + ex + "alexnet-shapes/alexnet_shapes.json --config " + ex + "alexnet-shapes/mac2.json --json");
  CHECK(m["ops_total"]["mac"] == at["mac"]);
  CHECK(m["ops_total"]["chosen"] == at["mac"]);
}

TEST_CASE("report.json of a compiled LUT model: kernel names, per-layer ops, totals", "[lut][driver]") {
  const std::string dir = qgt::make_temp_dir("lutreport");
  const std::string ex = std::string(QGEN_SOURCE_DIR) + "/examples/fmnist-small/";
  qgt::write_file(dir + "/q.json", R"({"default": {"a_bits": 2, "a_region": 9, "kernel": "lut"}, "layers": {"fc2": {"a_bits": 8, "kernel": "mac"}}})");
  const qgt::CmdResult r = qgt::run_cmd(std::string(QGEN_BINARY) + " compile " + ex + "fmnist_small.json --config " + dir + "/q.json -o " + dir + "/out -q");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const json rep = json::parse(qgt::read_file(dir + "/out/report.json"));
  int lut = 0;
  for (const json& l : rep["layers"]) {
    if (!l.contains("ops")) continue;
    const bool is_lut = l["ops"]["kernel"] == "lut";
    lut += is_lut;
    CHECK((l["kernel"].get<std::string>().find("_lut3__c") != std::string::npos) == is_lut);
    if (l["name"] == "fc2") {
      CHECK(!is_lut);
      CHECK(l["ops"]["lut"].is_null());
    }
  }
  CHECK(lut == 3);
  CHECK(rep["ops_total"]["chosen"]["lookups"].get<int64_t>() > 0);
  CHECK(rep["ops_total"]["mac"]["dot_multiplies"].get<int64_t>() == rep["total_macs"].get<int64_t>());
  qgt::remove_dir(dir);
}
