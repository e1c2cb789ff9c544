// The qgen command line, run as a process (QGEN_BINARY), on the fmnist-small example.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "interp/interp.h"
#include "support/cbuild.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

using Proc = qgt::SplitResult;

using qgt::quote;

// Runs qgen with `args` in `dir`, stdout and stderr captured separately.
Proc qgen(const std::string& dir, const std::string& args) {
  return qgt::run_cmd_split("cd " + quote(dir) + " && " + QGEN_BINARY + " " + args, dir);
}

size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

bool exists(const std::string& path) { return qgt::run_cmd("test -e " + quote(path)).status == 0; }

const std::string kNet = std::string(QGEN_SOURCE_DIR) + "/examples/fmnist-small/fmnist_small.json";

// A deterministic 28x28 "image" in [0, 1].
std::vector<float> pattern_image(int variant) {
  std::vector<float> v(784);
  for (int i = 0; i < 784; ++i) v[static_cast<size_t>(i)] = static_cast<float>((i * 37 + (i / 28) * 11 + variant * 101) % 256) / 255.0f;
  return v;
}

// The numbers after "argmax N:" on each "sample" line of `qgen run`.
std::vector<std::vector<float>> parse_run_output(const std::string& out) {
  std::vector<std::vector<float>> r;
  std::istringstream is(out);
  std::string line;
  while (std::getline(is, line)) {
    if (line.rfind("sample ", 0) != 0) continue;
    std::istringstream ls(line.substr(line.find(':', line.find("argmax")) + 1));
    std::vector<float> v;
    std::string tok;
    while (ls >> tok) v.push_back(std::strtof(tok.c_str(), nullptr));
    r.push_back(v);
  }
  return r;
}

// #define NAME value from a header.
int64_t header_macro(const std::string& h, const std::string& name) {
  const std::string key = "#define " + name + " ";
  const size_t p = h.find(key);
  if (p == std::string::npos) return -1;
  return std::stoll(h.substr(p + key.size()));
}

}  // namespace

TEST_CASE("qgen --help lists commands and examples", "[driver]") {
  const std::string dir = qgt::make_temp_dir("driver-help");
  const Proc h = qgen(dir, "--help");
  CHECK(h.status == 0);
  CHECK_THAT(h.out, Catch::Contains("compile"));
  CHECK_THAT(h.out, Catch::Contains("run"));
  CHECK_THAT(h.out, Catch::Contains("Examples:"));
  CHECK_THAT(h.out, Catch::Contains("qgen compile net.json"));
  CHECK_THAT(h.out, Catch::Contains("quant.json"));
  CHECK(h.err.empty());
  const Proc c = qgen(dir, "compile --help");
  CHECK(c.status == 0);
  CHECK_THAT(c.out, Catch::Contains("--dump-after"));
  CHECK_THAT(c.out, Catch::Contains("--weights-format"));
  // Every target with its target.json description; the x86-64 default is a fixed feature set.
  for (const std::string& t : qg::codegen::target_names()) CHECK_THAT(c.out, Catch::Contains(t + ": " + qg::codegen::target(t).description));
  CHECK_THAT(c.out, Catch::Contains("avx2 (default)"));
  const Proc v = qgen(dir, "--version");
  CHECK(v.status == 0);
  CHECK_THAT(v.out, Catch::Contains("qgen 0.1.0"));
  // No subcommand: a usage error, one line.
  const Proc none = qgen(dir, "");
  CHECK(none.status == 1);
  CHECK(lines(none.err) == 1);
  CHECK_THAT(none.err, Catch::StartsWith("qgen: error:"));
  qgt::remove_dir(dir);
}

TEST_CASE("qgen compile and run on fmnist-small with 8-bit LQ", "[driver]") {
  const std::string dir = qgt::make_temp_dir("driver-fmnist");
  qgt::write_file(dir + "/q.json", R"({"default": {"w_bits": 8, "a_bits": 8}})");
  const Proc c = qgen(dir, "compile -q " + quote(kNet) + " --config q.json -o out");
  INFO(c.err);
  REQUIRE(c.status == 0);
  CHECK(c.out.empty());  // --quiet
  CHECK(c.err.empty());
  for (const char* f : {"fmnist_small.h", "fmnist_small.c", "fmnist_small_weights.c", "report.json", "report.md"}) CHECK(exists(dir + "/out/" + f));

  const json rep = json::parse(qgt::read_file(dir + "/out/report.json"));
  REQUIRE(rep.contains("arena_bytes"));
  REQUIRE(rep.contains("flash_bytes"));
  REQUIRE(rep.contains("layers"));
  CHECK(rep["model"] == "fmnist_small");
  CHECK(rep["prefix"] == "fmnist_small");
  CHECK(rep["target"] == "c");
  const std::string h = qgt::read_file(dir + "/out/fmnist_small.h");
  CHECK(header_macro(h, "FMNIST_SMALL_ARENA_BYTES") == rep["arena_bytes"].get<int64_t>());
  CHECK(header_macro(h, "FMNIST_SMALL_WEIGHT_BYTES") == rep["weight_bytes"].get<int64_t>());
  CHECK(rep["flash_bytes"].get<int64_t>() == rep["weight_bytes"].get<int64_t>() + rep["code_bytes_estimate"].get<int64_t>());
  CHECK(header_macro(h, "FMNIST_SMALL_INPUT_SIZE") == 784);
  CHECK(header_macro(h, "FMNIST_SMALL_OUTPUT_SIZE") == 10);
  CHECK(rep["arena_bytes"].get<int64_t>() >= rep["arena_lower_bound"].get<int64_t>());
  // conv1 pool1 conv2 pool2 flatten fc1 fc2: batchnorms folded, relus fused
  const json& L = rep["layers"];
  REQUIRE(L.is_array());
  REQUIRE(L.size() == 7);
  std::vector<std::string> names;
  int64_t weight_bytes = 0, macs = 0;
  for (const json& l : L) {
    names.push_back(l["name"]);
    weight_bytes += l["weight_bytes"].get<int64_t>();
    macs += l["macs"].get<int64_t>();
    if (l["op"] == "conv2d" || l["op"] == "dense") {
      CHECK(l["scheme"] == "lq");
      CHECK(l["w_bits"] == 8);
      CHECK(l["a_bits"] == 8);
      CHECK(l["accumulator"] == "int32");
      CHECK(l["scratch_bytes"].get<int64_t>() > 0);
    }
  }
  CHECK(names == std::vector<std::string>{"conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2"});
  CHECK(L[0]["activation"] == "relu");
  CHECK(L[6].contains("activation") == false);
  CHECK(weight_bytes == rep["weight_bytes"].get<int64_t>());
  CHECK(macs == rep["total_macs"].get<int64_t>());
  CHECK(L[0]["macs"] == 28 * 28 * 8 * 9);
  CHECK(L[0]["output_shape"] == json({8, 28, 28}));  // declared (CHW) layout

  // qgen run: output file and printed logits equal the library interpreter.
  const std::vector<float> x0 = pattern_image(0), x1 = pattern_image(1), x2 = pattern_image(2);
  qgt::write_floats(dir + "/x.f32", x0);
  const Proc r = qgen(dir, "run " + quote(kNet) + " --config q.json --input x.f32 --output y.f32");
  INFO(r.err);
  REQUIRE(r.status == 0);
  driver::PipelineOptions o;
  o.net_path = kNet;
  o.config_path = dir + "/q.json";
  const driver::PipelineState s = driver::run_pipeline(o, "quantize");
  const std::vector<float> want = interp::run(s.graph, x0);
  CHECK(qgt::first_difference(qgt::read_floats(dir + "/y.f32"), want) == -1);
  const auto printed = parse_run_output(r.out);
  REQUIRE(printed.size() == 1);
  CHECK(qgt::first_difference(printed[0], want) == -1);  // %.9g round-trips float32
  CHECK_THAT(r.out, Catch::StartsWith("sample 0: argmax " + std::to_string(std::max_element(want.begin(), want.end()) - want.begin()) + ":"));

  // A batch of 3 on 2 threads, and --float.
  std::vector<float> batch = x0;
  batch.insert(batch.end(), x1.begin(), x1.end());
  batch.insert(batch.end(), x2.begin(), x2.end());
  qgt::write_floats(dir + "/b.f32", batch);
  const Proc rb = qgen(dir, "run " + quote(kNet) + " --config q.json --input b.f32 --threads 2");
  REQUIRE(rb.status == 0);
  const auto pb = parse_run_output(rb.out);
  REQUIRE(pb.size() == 3);
  CHECK(qgt::first_difference(pb[0], want) == -1);
  CHECK(qgt::first_difference(pb[1], interp::run(s.graph, x1)) == -1);
  CHECK(qgt::first_difference(pb[2], interp::run(s.graph, x2)) == -1);
  const Proc rf = qgen(dir, "run " + quote(kNet) + " --config q.json --input x.f32 --float");
  REQUIRE(rf.status == 0);
  const auto pf = parse_run_output(rf.out);
  REQUIRE(pf.size() == 1);
  CHECK(qgt::first_difference(pf[0], interp::run(s.graph, x0, interp::Mode::Float)) == -1);
  CHECK(qgt::first_difference(pf[0], want) != -1);  // quantization changes some bits

  // An input whose size is not a multiple of 784 floats: one error line.
  qgt::write_floats(dir + "/short.f32", std::vector<float>(100));
  const Proc rs = qgen(dir, "run " + quote(kNet) + " --input short.f32");
  CHECK(rs.status == 1);
  CHECK(lines(rs.err) == 1);
  CHECK_THAT(rs.err, Catch::Contains("short.f32"));
  qgt::remove_dir(dir);
}

TEST_CASE("qgen compile creates an output folder given with a trailing slash", "[driver]") {
  // `qgen --help` shows `-o out/`: the folder is "out", whose parent must exist.
  const std::string dir = qgt::make_temp_dir("driver-slash");
  const Proc c = qgen(dir, "compile -q " + quote(kNet) + " -o out/");
  INFO(c.err);
  CHECK(c.status == 0);
  CHECK(exists(dir + "/out/fmnist_small.h"));
  // Compiling again into the existing folder replaces the files, leaves no temporary folder.
  const Proc again = qgen(dir, "compile -q " + quote(kNet) + " -o out/");
  CHECK(again.status == 0);
  const qgt::CmdResult ls = qgt::run_cmd("ls -A " + quote(dir) + " " + quote(dir + "/out"));
  CHECK_THAT(ls.output, !Catch::Contains(".qgen-tmp"));
  // A missing parent is still an error, and nothing is created.
  const Proc bad = qgen(dir, "compile -q " + quote(kNet) + " -o nope/out/");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Catch::Contains("parent directory does not exist"));
  CHECK_FALSE(exists(dir + "/nope"));
  qgt::remove_dir(dir);
}

TEST_CASE("qgen --dump-after prints the IR after a stage", "[driver]") {
  const std::string dir = qgt::make_temp_dir("driver-dump");
  qgt::write_file(dir + "/q.json", R"({"default": {"w_bits": 4, "a_bits": 8, "a_region": 9}})");
  const Proc q = qgen(dir, "compile " + quote(kNet) + " --config q.json -o out --dump-after=quantize");
  REQUIRE(q.status == 0);
  CHECK_THAT(q.out, Catch::Contains("q=lq w4/kernel a8/9"));
  CHECK_THAT(q.out, Catch::Contains("%relu1 = conv2d(%image) : [28,28,8]"));  // conv1 now produces relu1's tensor
  CHECK_THAT(q.out, !Catch::Contains("batchnorm("));  // folded before quantize
  CHECK(exists(dir + "/out/report.json"));           // the dump does not stop compile
  const Proc f = qgen(dir, "compile " + quote(kNet) + " -o out2 --dump-after=quantize -q");
  REQUIRE(f.status == 0);
  CHECK_THAT(f.out, Catch::Contains("q=float"));
  CHECK_THAT(f.out, !Catch::Contains("q=lq"));
  const Proc i = qgen(dir, "compile " + quote(kNet) + " -o out3 --dump-after=import -q");
  REQUIRE(i.status == 0);
  CHECK_THAT(i.out, Catch::Contains("batchnorm("));
  CHECK_THAT(i.out, Catch::Contains("relu("));
  const Proc p = qgen(dir, "compile " + quote(kNet) + " -o out4 --dump-after=plan -q");
  REQUIRE(p.status == 0);
  CHECK_THAT(p.out, Catch::StartsWith("plan greedy-best-of arena="));
  const Proc r = qgen(dir, "run " + quote(kNet) + " --config q.json --input /dev/null --dump-after=fuse_activations");
  CHECK_THAT(r.out, Catch::Contains("act=relu"));
  qgt::remove_dir(dir);
}

TEST_CASE("qgen reports unknown stage and target in one stderr line", "[driver]") {
  const std::string dir = qgt::make_temp_dir("driver-errors");
  struct Case {
    std::string args, must_contain;
  };
  const std::vector<Case> cases = {
      {"compile " + quote(kNet) + " -o out --dump-after=optimize", "--dump-after"},
      {"compile " + quote(kNet) + " -o out --target=avr", "--target"},
      {"compile " + quote(kNet) + " -o out --target avr --dump-after=import", "--target"},
      {"run " + quote(kNet) + " --input x.f32 --dump-after=codegenx", "--dump-after"},
      {"compile " + quote(kNet) + " -o out --weights-format=zip", "weights-format"},
      {"compile " + quote(kNet) + " -o out --target x86-64 --target-features avx9", "--target-features"},
      {"compile " + quote(kNet) + " -o out --target cortex-a --target-features avx2", "--target-features"},
      {"compile " + quote(kNet) + " -o out --target c --target-features avx2", "--target-features"},
      {"compile " + quote(dir + "/missing.json") + " -o out", "missing.json"},
      {"compile " + quote(kNet) + " -o out --config " + quote(dir + "/missing_q.json"), "missing_q.json"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const Proc p = qgen(dir, c.args);
    INFO("stderr: " << p.err << " stdout: " << p.out);
    CHECK(p.status == 1);
    CHECK(lines(p.err) == 1);
    CHECK_THAT(p.err, Catch::StartsWith("qgen: error:"));
    CHECK_THAT(p.err, Catch::Contains(c.must_contain));
    CHECK(p.out.empty());
    CHECK_FALSE(exists(dir + "/out"));  // nothing written
  }
  qgt::remove_dir(dir);
}

TEST_CASE("pipeline lists its stages and targets", "[driver]") {
  CHECK(driver::stage_names() == std::vector<std::string>{"import", "fold_batchnorm", "fuse_activations", "quantize", "select", "plan", "codegen"});
  const auto t = driver::target_names();
  CHECK(std::find(t.begin(), t.end(), "c") != t.end());
  CHECK(std::find(t.begin(), t.end(), "x86-64") != t.end());
  CHECK(std::find(t.begin(), t.end(), "cortex-a") != t.end());
  // last_stage stops early: no plan, no code.
  driver::PipelineOptions o;
  o.net_path = kNet;
  const driver::PipelineState s = driver::run_pipeline(o, "fuse_activations");
  CHECK_FALSE(s.plan.has_value());
  CHECK_FALSE(s.emitted.has_value());
  CHECK(s.graph.nodes.size() == 7);
}

TEST_CASE("qgen compile --target cortex-m7 reports the default flash / RAM budgets and warns when a model exceeds them", "[driver]") {
  const std::string dir = qgt::make_temp_dir("budget");
  // 2.2 M random 8-bit LQ weights: more than the 2 MiB default flash.
  qgt::write_file(dir + "/big.json", R"({"format": "qgen-net", "version": 1, "name": "big",
    "input": {"name": "x", "shape": [1024]},
    "layers": [{"name": "fc", "op": "dense", "weight": {"shape": [2150, 1024], "random": 1}}]})");
  qgt::write_file(dir + "/q.json", R"({"default": {"w_bits": 8, "a_bits": 8, "w_region": "kernel", "a_region": "kernel"}})");
  Proc p = qgen(dir, "compile big.json --config q.json --target cortex-m7 -q -o out");
  CHECK(p.status == 0);
  CHECK(p.err.find("warning: estimated flash") != std::string::npos);
  CHECK(lines(p.err) == 1);
  json r = json::parse(qgt::read_file(dir + "/out/report.json"));
  CHECK(r["flash_budget"].get<int64_t>() == 2097152);
  CHECK(r["fits_budget"].get<bool>() == false);
  // A small model fits: no warning; the portable C target has no budget.
  qgt::write_file(dir + "/small.json", R"({"format": "qgen-net", "version": 1, "name": "small",
    "input": {"name": "x", "shape": [16]},
    "layers": [{"name": "fc", "op": "dense", "weight": {"shape": [4, 16], "random": 1}}]})");
  p = qgen(dir, "compile small.json --config q.json --target cortex-m7 -q -o out2");
  CHECK(p.status == 0);
  CHECK(p.err.empty());
  CHECK(json::parse(qgt::read_file(dir + "/out2/report.json"))["fits_budget"].get<bool>() == true);
  p = qgen(dir, "compile small.json --config q.json -q -o out3");
  CHECK(!json::parse(qgt::read_file(dir + "/out3/report.json")).contains("flash_budget"));
  qgt::remove_dir(dir);
}

// qgen plan (Rusci's rule, plan/bits.h) on fmnist-small: a RAM budget one
// byte below the int8 net's exact arena + stack gives a quant.json with
// sub-byte activations whose compiled arena is the one the plan reports and
// fits; an impossible budget is one error line and no output directory.
TEST_CASE("qgen plan writes a quant.json that compiles, or one clear error", "[driver][bits]") {
  const std::string dir = qgt::make_temp_dir("plan");
  std::vector<float> calib;
  for (int k = 0; k < 3; ++k) {
    const std::vector<float> v = pattern_image(k);
    calib.insert(calib.end(), v.begin(), v.end());
  }
  qgt::write_floats(dir + "/calib.f32", calib);
  Proc big = qgen(dir, "plan " + quote(kNet) + " --target cortex-m7 -o full");
  REQUIRE(big.status == 0);
  const json full = json::parse(qgt::read_file(dir + "/full/plan.json"));
  CHECK(full["steps"].empty());  // the 8-bit net fits the Cortex-M7 defaults
  CHECK(full["budget"]["stack"].get<int64_t>() == 16384);
  const int64_t ram8 = full["exact"]["ram_before"].get<int64_t>();
  CHECK(ram8 == full["exact"]["arena_before"].get<int64_t>() + 16384);
  const std::string budget = std::to_string(ram8 - 1);
  Proc p = qgen(dir, "plan " + quote(kNet) + " --target cortex-m7 --ram " + budget + " --calibrate calib.f32 -o p");
  INFO(p.err);
  REQUIRE(p.status == 0);
  const json pj = json::parse(qgt::read_file(dir + "/p/plan.json"));
  CHECK(!pj["steps"].empty());
  const int64_t arena = pj["exact"]["arena_after"].get<int64_t>();
  CHECK(arena + 16384 <= ram8 - 1);
  CHECK(pj["compiled"]["arena_bytes"].get<int64_t>() == arena);
  int cut = 0;
  for (const json& l : pj["layers"]) cut += l["a_bits"].get<int>() < 8 ? 1 : 0;
  CHECK(cut >= 1);
  // The plan's arena is the compiler's: compile the quant.json on its own.
  Proc c = qgen(dir, "compile " + quote(kNet) + " --config p/quant.json --calibrate calib.f32 --target cortex-m7 -q -o out");
  INFO(c.err);
  REQUIRE(c.status == 0);
  CHECK(json::parse(qgt::read_file(dir + "/out/report.json"))["arena_bytes"].get<int64_t>() == arena);
  Proc bad = qgen(dir, "plan " + quote(kNet) + " --ram 10 --stack 0 -o bad");
  CHECK(bad.status == 1);
  CHECK(lines(bad.err) == 1);
  CHECK(bad.err.find("over the budget of 10 even at the lowest widths") != std::string::npos);
  CHECK(!exists(dir + "/bad"));
  Proc stack = qgen(dir, "plan " + quote(kNet) + " --target cortex-m7 --ram 16000 -o bad");
  CHECK(stack.status == 1);
  CHECK(lines(stack.err) == 1);
  CHECK(stack.err.find("the stack reserve of 16384 bytes leaves nothing of the RAM budget of 16000") != std::string::npos);
  CHECK(!exists(dir + "/bad"));
  qgt::remove_dir(dir);
}
