// The storage-form pass (quant::choose_storage, docs/quantization.md §11):
// which tensors are stored LQ-packed, their exact size, and the planner's.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "driver/pipeline.h"
#include "quant/storage.h"
#include "support/cbuild.h"

using namespace qg;
using json = nlohmann::json;

namespace {

json param(std::vector<int64_t> shape, float v) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  json d = json::array();
  for (int64_t i = 0; i < n; ++i) d.push_back(v * static_cast<float>((i * 7) % 11 - 5));
  return {{"shape", shape}, {"data", d}};
}

json conv(const std::string& name, const std::string& in, int64_t C, int64_t O) {
  return {{"name", name}, {"op", "conv2d"}, {"inputs", {in}}, {"padding", {1, 1, 1, 1}}, {"weight", param({O, C, 3, 3}, 0.05f)}};
}

// x [C0=3, 6, 6] -> c1 (8) -> MID... -> consumers; `layers` appended after c1.
driver::PipelineState compile(const std::string& tag, const std::vector<json>& layers, const json& quant, const std::string& target = "c") {
  json net = {{"format", "qgen-net"}, {"version", 1}, {"name", "st"}, {"input", {{"name", "x"}, {"shape", {3, 6, 6}}, {"layout", "CHW"}}}};
  json ls = json::array({conv("c1", "x", 3, 8)});
  for (const json& l : layers) ls.push_back(l);
  net["layers"] = ls;
  const std::string dir = qgt::make_temp_dir("storage_" + tag);
  qgt::write_file(dir + "/net.json", net.dump());
  qgt::write_file(dir + "/q.json", quant.dump());
  driver::PipelineOptions o;
  o.net_path = dir + "/net.json";
  o.config_path = dir + "/q.json";
  o.target = target;
  driver::PipelineState s = driver::run_pipeline(o, "plan");
  qgt::remove_dir(dir);
  return s;
}

const ir::Tensor& tensor(const ir::Graph& g, const std::string& name) {
  for (const ir::Tensor& t : g.tensors)
    if (t.name == name) return t;
  FAIL("no tensor " << name);
  return g.tensors.front();
}

json lq(int a_bits, json region) { return {{"default", {{"w_bits", 8}, {"a_bits", a_bits}, {"w_region", "kernel"}, {"a_region", region}}}, {"layers", {{"c1", {{"a_region", "kernel"}}}}}}; }

}  // namespace

TEST_CASE("storage: conv -> conv with R dividing the channels is packed, sized exactly", "[storage]") {
  for (int bits : {8, 6, 4, 2, 1}) {
    INFO("a_bits " << bits);
    const driver::PipelineState s = compile("div", {conv("c2", "c1", 8, 5)}, lq(bits, 4));
    const ir::Tensor& t = tensor(s.graph, "c1");
    REQUIRE(t.pack.on());
    CHECK(t.pack.a_bits == bits);
    CHECK(t.pack.region == 4);
    const int64_t n = 6 * 6 * 8, cb = bits == 6 ? 8 : bits;
    CHECK(t.packed_code_bytes() == (n * cb + 31) / 32 * 4);
    CHECK(t.bytes() == (n * cb + 31) / 32 * 4 + 8 * (n / 4));
    // the planner reserves exactly that (16-aligned)
    const plan::Buffer& b = s.plan->tensors.at(static_cast<size_t>(&t - s.graph.tensors.data()));
    CHECK(b.bytes == (t.bytes() + 15) / 16 * 16);
    // the graph's output and input stay float
    CHECK_FALSE(s.graph.tensor(s.graph.output).pack.on());
    CHECK_FALSE(s.graph.tensor(s.graph.input).pack.on());
    CHECK(s.kernels->at(0).row == "lqp_mac");
    CHECK(s.kernels->at(0).kernel.find("_po__c") != std::string::npos);
    CHECK(s.kernels->at(1).kernel.find("r4p_mac__c") != std::string::npos);
  }
}

TEST_CASE("storage: R not dividing the channels, kernel / layer regions keep float", "[storage]") {
  CHECK_FALSE(tensor(compile("nodiv", {conv("c2", "c1", 8, 5)}, lq(8, 3)).graph, "c1").pack.on());
  CHECK_FALSE(tensor(compile("kern", {conv("c2", "c1", 8, 5)}, lq(8, "kernel")).graph, "c1").pack.on());
  CHECK_FALSE(tensor(compile("layer", {conv("c2", "c1", 8, 5)}, lq(8, "layer")).graph, "c1").pack.on());
  // grouped consumer: R must divide C / groups (8 / 4 = 2)
  json g4 = {{"name", "c2"}, {"op", "conv2d"}, {"inputs", {"c1"}}, {"groups", 4}, {"weight", param({8, 2, 3, 3}, 0.05f)}};
  CHECK_FALSE(tensor(compile("grp4", {g4}, lq(8, 4)).graph, "c1").pack.on());
  CHECK(tensor(compile("grp2", {g4}, lq(8, 2)).graph, "c1").pack.on());
}

TEST_CASE("storage: every consumer must read it packed with the same (a_bits, R)", "[storage]") {
  const std::vector<json> two = {conv("c2", "c1", 8, 4), conv("c3", "c1", 8, 4), {{"name", "a"}, {"op", "add"}, {"inputs", {"c2", "c3"}}}};
  CHECK(tensor(compile("agree", two, lq(4, 2)).graph, "c1").pack.on());
  json q = lq(4, 2);
  q["layers"]["c3"] = {{"a_region", 4}};
  CHECK_FALSE(tensor(compile("regions", two, q).graph, "c1").pack.on());
  q = lq(4, 2);
  q["layers"]["c3"] = {{"a_bits", 2}};
  CHECK_FALSE(tensor(compile("bits", two, q).graph, "c1").pack.on());
  q = lq(4, 2);
  q["layers"]["c3"] = {{"kernel", "lut"}};
  CHECK_FALSE(tensor(compile("lut", two, q).graph, "c1").pack.on());
  q = lq(4, 2);
  q["layers"]["c3"] = {{"scheme", "float"}};
  CHECK_FALSE(tensor(compile("float", two, q).graph, "c1").pack.on());
  // a float op reading it
  const std::vector<json> relu_too = {conv("c2", "c1", 8, 4), {{"name", "p"}, {"op", "maxpool2d"}, {"inputs", {"c1"}}, {"kernel", {2, 2}}, {"stride", {2, 2}}}};
  CHECK_FALSE(tensor(compile("floatop", relu_too, lq(4, 2)).graph, "c1").pack.on());
}

TEST_CASE("storage: producers that pack (LQ layer, pool, relu, add) and those that do not", "[storage]") {
  const std::vector<json> pool = {{{"name", "p"}, {"op", "maxpool2d"}, {"inputs", {"c1"}}, {"kernel", {2, 2}}, {"stride", {2, 2}}}, conv("c2", "p", 8, 4)};
  driver::PipelineState s = compile("pool", pool, lq(2, 8), "cortex-m7");
  CHECK(tensor(s.graph, "p").pack.on());
  CHECK_FALSE(tensor(s.graph, "c1").pack.on());  // read by the pool
  // the pool after an LQ conv is fused into the conv's kernel (select::fuse_lq_pools): c1 is never stored
  CHECK(s.kernels->at(1).row == "fused");
  CHECK(s.kernels->at(1).fused_into == 0);
  CHECK(s.kernels->at(0).pool_node == 1);
  CHECK(s.kernels->at(2).row == "lqp_dsp");
  CHECK(s.kernels->at(2).kernel == "qg_conv2d_a2w8r8p_mac__cortex_m7");
  // a float-scheme producer keeps float; its LQ consumer quantizes per patch
  json q = lq(8, 2);
  q["layers"]["c1"] = {{"scheme", "float"}};
  s = compile("floatprod", {conv("c2", "c1", 8, 4)}, q);
  CHECK_FALSE(tensor(s.graph, "c1").pack.on());
  CHECK(s.kernels->at(1).row == "lq_mac");
}
