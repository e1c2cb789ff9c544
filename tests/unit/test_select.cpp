// The select_kernels stage (select/select.h): one table decides every node's
// kernel; the planner, the emitter and the reports read its choice.
#include <catch2/catch.hpp>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <set>

#include "codegen/templates.h"
#include "driver/pipeline.h"
#include "ir/op_table.h"
#include "select/select.h"
#include "support/cbuild.h"

using namespace qg;

namespace {
const std::string kNet = std::string(QGEN_SOURCE_DIR) + "/examples/fmnist-small/fmnist_small.json";

driver::PipelineState compile(const std::string& dir, const std::string& quant_json, const std::string& target) {
  qgt::write_file(dir + "/q.json", quant_json);
  driver::PipelineOptions o;
  o.net_path = kNet;
  o.config_path = dir + "/q.json";
  o.target = target;
  return driver::run_pipeline(o);
}
}  // namespace

TEST_CASE("every op has an unconditional kernel row (a new op without one fails here)", "[select]") {
  for (size_t i = 0; i < static_cast<size_t>(ir::Op::kCount); ++i) {
    const ir::Op op = static_cast<ir::Op>(i);
    INFO("op " << ir::op_info(op).name);
    bool fallback = false;
    for (const select::Row& r : select::rows()) {
      const bool has = std::find(r.ops.begin(), r.ops.end(), op) != r.ops.end();
      fallback = fallback || (has && !r.when && (r.data == select::Data::Float || r.data == select::Data::Any));
    }
    CHECK(fallback);
  }
}

TEST_CASE("every row names an embedded template; row names are unique", "[select]") {
  std::set<std::string> names;
  for (const select::Row& r : select::rows()) {
    INFO("row " << r.name);
    CHECK(names.insert(r.name).second);
    CHECK_NOTHROW(codegen::embedded_text(std::string("templates/") + r.tmpl));
    CHECK_FALSE(r.ops.empty());
    CHECK((r.fill != nullptr) != (r.variant != nullptr));  // a kernel name either way
  }
}

TEST_CASE("every target has a labelled LUT cost row", "[select]") {
  for (const std::string& name : target::names()) {
    INFO("target " << name);
    const target::LutCosts& c = target::get(name).lut_costs;
    CHECK_FALSE(c.source.empty());
    CHECK(c.lut_flash_budget > 0);
    CHECK(c.mul > 0);
    CHECK(c.lookup > 0);
  }
}

TEST_CASE("the plan and the emitted code use the select stage's choice", "[select]") {
  const std::string dir = qgt::make_temp_dir("select");
  // 4-bit weights: packed codes on cortex-m7 (row lq_packed), byte codes elsewhere.
  for (const std::string t : {"c", "cortex-m7"}) {
    INFO("target " << t);
    const driver::PipelineState s = compile(dir, R"({"default": {"w_bits": 4, "a_bits": 8, "a_region": 9}})", t);
    REQUIRE(s.kernels);
    REQUIRE(s.kernels->size() == s.graph.nodes.size());
    int linear = 0;
    for (size_t i = 0; i < s.graph.nodes.size(); ++i) {
      const select::KernelChoice& c = (*s.kernels)[i];
      CHECK(s.plan->scratch[i].bytes == (c.scratch_bytes() + 15) / 16 * 16);  // the planner's 16-byte granule
      CHECK(s.emitted->layers[i].kernel == c.kernel);
      if (!s.graph.nodes[i].lq) continue;
      ++linear;
      CHECK(c.row == (t == "c" ? "lq_mac" : "lq_packed"));
      CHECK(c.w_pack == (t == "c" ? 8 : 4));
      // The layout's offsets reach the template as #defines.
      const std::string& code = s.emitted->files[1].content;
      for (const select::ScratchPart& p : c.scratch) CHECK(code.find("#define QG_SCR_" + p.name + " " + std::to_string(p.offset) + "\n") != std::string::npos);
    }
    CHECK(linear == 4);
  }
  // "auto" with 2-bit activations: the cost row of the target picks LUT, and
  // the select stage builds the tables the emitter needs.
  const driver::PipelineState a = compile(dir, R"({"default": {"a_bits": 2, "a_region": "kernel", "kernel": "auto"}})", "c");
  int lut = 0;
  for (size_t i = 0; i < a.graph.nodes.size(); ++i)
    if ((*a.kernels)[i].row == "lq_lut") {
      ++lut;
      CHECK(a.graph.nodes[i].lq->lut_g > 0);
      CHECK(a.graph.nodes[i].quant.kernel == ir::KernelKind::Lut);
    }
  CHECK(lut == 4);
  qgt::remove_dir(dir);
}

TEST_CASE("resolve_auto never picks a LUT whose tables exceed the target's budget", "[select]") {
  const std::string dir = qgt::make_temp_dir("select-budget");
  qgt::write_file(dir + "/q.json", R"({"default": {"a_bits": 2, "a_region": "kernel", "kernel": "auto"}})");
  driver::PipelineOptions o;
  o.net_path = kNet;
  o.config_path = dir + "/q.json";
  driver::PipelineState s = driver::run_pipeline(o, "quantize");
  target::Target t = target::get("c");
  const ir::Graph all = select::resolve_auto(s.graph, t);
  int64_t total = 0;
  for (const ir::Node& n : all.nodes)
    if (n.quant.kernel == ir::KernelKind::Lut) total += static_cast<int64_t>(n.lq->lut.size());
  REQUIRE(total > 0);
  t.lut_costs.lut_flash_budget = total - 1;  // one byte short of all tables
  const ir::Graph some = select::resolve_auto(s.graph, t);
  int64_t used = 0;
  for (const ir::Node& n : some.nodes)
    if (n.quant.kernel == ir::KernelKind::Lut) used += static_cast<int64_t>(n.lq->lut.size());
  CHECK(used <= t.lut_costs.lut_flash_budget);
  CHECK(used < total);
  qgt::remove_dir(dir);
}

TEST_CASE("qgen --dump-after=select prints one line per node", "[select][driver]") {
  const std::string dir = qgt::make_temp_dir("select-dump");
  qgt::write_file(dir + "/q.json", R"({"default": {"w_bits": 4, "a_bits": 8, "a_region": 9}})");
  const qgt::CmdResult r = qgt::run_cmd(std::string(QGEN_BINARY) + " compile " + kNet + " --config " + dir + "/q.json -o " + dir +
                                        "/out -q --target cortex-m7 --dump-after=select");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::StartsWith("selection fmnist_small\n"));
  CHECK_THAT(r.output, Catch::Contains("  %conv1 conv2d: lq_packed qg_conv2d_a8w4r9_packed__cortex_m7 templates/conv2d_lq.c scratch="));
  CHECK_THAT(r.output, Catch::Contains("{PATCH@0, RLO@"));
  CHECK_THAT(r.output, Catch::Contains("QG_WPACK=4 QG_DOT_U8=0"));
  CHECK_THAT(r.output, Catch::Contains(": pool_f32 qg_maxpool2d_f32__c templates/pool2d_f32.c\n"));
  const nlohmann::json rep = nlohmann::json::parse(qgt::read_file(dir + "/out/report.json"));
  size_t lines = 0;
  for (char ch : r.output) lines += ch == '\n';
  CHECK(lines == rep["layers"].size() + 1);
  for (const auto& l : rep["layers"]) CHECK(r.output.find(" " + l["kernel"].get<std::string>() + " templates/") != std::string::npos);
  qgt::remove_dir(dir);
}

TEST_CASE("a template refuses a scratch layout that does not hold what it uses", "[select][templates]") {
  // Each template with scratch, compiled with its example parameters (as
  // tests/templates does) and then with the total one byte short.
  const std::string dir = qgt::make_temp_dir("select-layout");
  qgt::run_cmd("mkdir -p " + dir + "/templates && cp -r " + std::string(QGEN_SOURCE_DIR) + "/runtime " + dir + "/");
  // The LUT template's layout depends on the compiler's SIMD level (its example: 138 bytes scalar, 490 pshufb, 890 vpshufb).
  const std::string macros = qgt::run_cmd("cc -std=c99 -dM -E - < /dev/null").output;
  const int lut = macros.find("__AVX2__") != std::string::npos ? 890 : macros.find("__SSSE3__") != std::string::npos ? 490 : 138;
  const std::vector<std::pair<std::string, int>> cases = {
      {"conv2d_lq.c", 102}, {"conv2d_lq_lut.c", lut}, {"conv2d_i8_smlad.c", 64}, {"dwconv2d_i8_smlad.c", 152}, {"halide_linear_i8.c", 168}};
  for (const auto& [name, need] : cases) {
    INFO(name);
    std::string text = codegen::embedded_text("templates/" + name);
    const size_t at = text.find("#define QG_SCRATCH_BYTES ");
    REQUIRE(at != std::string::npos);
    const size_t end = text.find('\n', at);
    for (int bytes : {need, need - 1}) {
      const std::string mutated = text.substr(0, at) + "#define QG_SCRATCH_BYTES " + std::to_string(bytes) + text.substr(end);
      const std::string file = dir + "/templates/" + name;
      qgt::write_file(file, mutated);
      const qgt::CmdResult r = qgt::run_cmd("cc -std=c99 -Wall -Wextra -Werror -Wno-unused-function -c " + file + " -o " + dir + "/t.o");
      INFO("QG_SCRATCH_BYTES " << bytes << "\n" << r.output);
      if (bytes == need) {
        CHECK(r.status == 0);
      } else {
        CHECK(r.status != 0);
        CHECK_THAT(r.output, Catch::Contains("negative"));
      }
    }
  }
  qgt::remove_dir(dir);
}

// Halide's int32 arithmetic has no defined overflow: a layer whose
// accumulator could leave int32 (a bias near 2^31, or huge weight sums) runs
// the portable C kernel, which wraps through uint32 (docs/halide.md).
TEST_CASE("Halide takes an int8 layer only when its int32 accumulator cannot overflow", "[select][halide]") {
  // The bound, by hand: |bias - (zp + off)·Σw| + max|in|·Σ|w| <= 2^31 - 1 for off = 0 and 128.
  ir::IntLinear il;
  il.weight = {127, -127, 127, 127, 0, 0, 0, 0};  // O = 2, 4 weights each: Σw = 254, 0; Σ|w| = 508, 0
  il.bias = {0, 0};
  CHECK(select::halide_accumulator_fits(il, -128));
  // Channel 0, zp = -128: off = 0 gives |bias + 128·254| + 128·508 = bias + 97536,
  // off = 128 gives |bias| + 255·508 = bias + 129540: the larger one decides.
  il.bias[0] = INT32_MAX - 129540;
  CHECK(select::halide_accumulator_fits(il, -128));
  il.bias[0] += 1;
  CHECK_FALSE(select::halide_accumulator_fits(il, -128));
  il.bias = {0, INT32_MAX};  // channel 1 has no weights: the bias alone fits
  CHECK(select::halide_accumulator_fits(il, -128));
  il.bias = {0, INT32_MIN};  // |INT32_MIN| does not
  CHECK_FALSE(select::halide_accumulator_fits(il, -128));

  // On a real model for x86-64: every Halide conv / dense fits; a bias near
  // 2^31 moves that layer to the portable C kernel.
  const std::string dir = qgt::make_temp_dir("select_halide");
  qgt::write_file(dir + "/q.json", R"({"default": {"scheme": "int8"}})");
  driver::PipelineOptions o;
  o.net_path = kNet;
  o.config_path = dir + "/q.json";
  o.target = "x86-64";
  for (int k = 0; k < 4; ++k) {
    std::vector<float> x(28 * 28);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7 + static_cast<size_t>(k) * 13) % 17) / 17.0f;
    o.calibration.push_back(x);
  }
  driver::PipelineState s = driver::run_pipeline(o);
  const target::Target& t = target::get("x86-64");
  int halide = 0;
  for (ir::Node& n : s.graph.nodes) {
    if (!n.il || !select::halide_handles(t, s.graph, n)) continue;
    ++halide;
    const int32_t keep = n.il->bias[0];
    n.il->bias[0] = INT32_MAX - 50;
    CHECK_FALSE(select::halide_handles(t, s.graph, n));
    n.il->bias[0] = keep;
  }
  CHECK(halide >= 2);
  qgt::remove_dir(dir);
}
