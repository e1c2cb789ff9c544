// C code generator: identifiers, template instances, determinism, hostile
// names, the header contract, and blob weights built and run with gcc.
#include <catch2/catch.hpp>
#include <cctype>
#include <map>
#include <regex>
#include <set>

#include "codegen/c_emitter.h"
#include "codegen/templates.h"
#include "codegen/writer.h"
#include "driver/pipeline.h"
#include "interp/interp.h"
#include "support/cbuild.h"
#include "support/skip.h"
#include "support/random_net.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

const std::set<std::string> kCKeywords = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for",
    "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while"};

bool valid_identifier(const std::string& s) {
  static const std::regex re("[A-Za-z][A-Za-z0-9_]*");
  return std::regex_match(s, re) && !kCKeywords.count(s);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const codegen::OutputFile* file_named(const codegen::Emitted& e, const std::string& name) {
  for (const auto& f : e.files)
    if (f.name == name) return &f;
  return nullptr;
}

using qgt::quote;

// Compiles `dir`/net.json (+ quant.json) with the library pipeline into dir/out.
driver::PipelineState compile_to(const std::string& dir, const std::string& out, codegen::WeightsFormat wf, const std::string& prefix) {
  driver::PipelineOptions o;
  o.net_path = dir + "/net.json";
  if (qgt::run_cmd("test -f " + quote(dir + "/quant.json")).status == 0) o.config_path = dir + "/quant.json";
  o.name = prefix;
  o.weights = wf;
  driver::PipelineState s = driver::run_pipeline(o);
  codegen::write_output_dir(out, s.emitted->files);
  return s;
}

// A main() that runs the model on every input of in.f32 and writes out.f32.
std::string runner_main(const std::string& prefix, int64_t in_size, int64_t out_size) {
  const std::string U = upper(prefix);
  return "#include <stdio.h>\n#include \"" + prefix + ".h\"\n"
         "int main(int argc, char **argv) {\n"
         "  static unsigned char arena[" + U + "_ARENA_BYTES] __attribute__((aligned(16)));\n"
         "  float in[" + std::to_string(in_size) + "], out[" + std::to_string(out_size) + "];\n"
         "  FILE *fi, *fo;\n"
         "  if (argc < 3 || !(fi = fopen(argv[1], \"rb\")) || !(fo = fopen(argv[2], \"wb\"))) return 2;\n"
         "  while (fread(in, sizeof(float), " + U + "_INPUT_SIZE, fi) == " + U + "_INPUT_SIZE) {\n"
         "    if (" + prefix + "_run(in, out, arena) != " + U + "_OK) return 3;\n"
         "    if (fwrite(out, sizeof(float), " + U + "_OUTPUT_SIZE, fo) != " + U + "_OUTPUT_SIZE) return 4;\n"
         "  }\n"
         "  fclose(fi);\n  return fclose(fo) ? 5 : 0;\n}\n";
}

const char* kCFlags = "gcc -std=c99 -Wall -Wextra -Werror -ffp-contract=off -O1";

}  // namespace

TEST_CASE("c_identifier makes valid non-reserved identifiers", "[codegen]") {
  CHECK(codegen::c_identifier("fmnist_small") == "fmnist_small");
  CHECK(codegen::c_identifier("int") == "m_int");
  CHECK(codegen::c_identifier("while") == "m_while");
  CHECK(codegen::c_identifier("main") == "m_main");
  CHECK(codegen::c_identifier("9lives") == "m9lives");
  CHECK(codegen::c_identifier("__secret") == "secret");
  CHECK(codegen::c_identifier("___") == "model");
  CHECK(codegen::c_identifier("") == "model");
  CHECK(codegen::c_identifier("a*/b") == "a__b");
  CHECK(codegen::c_identifier("my-net v2.1") == "my_net_v2_1");
  CHECK(codegen::c_identifier("qg_runtime") == "m_qg_runtime");  // the runtime's namespace
  CHECK(codegen::c_identifier(std::string(100, 'x')).size() <= 50);
  const std::string unicode = "r\xC3\xA9seau_\xE2\x9C\x93";  // "réseau_✓"
  CHECK(codegen::c_identifier(unicode) == "r__seau____");
  const std::vector<std::string> nasty = {"", "_", "0", "007", "*/", "/*", "a\nb", "\"q\"", "int", "float", "x y", "\xFF\xFE",
                                          "\xE2\x9C\x93", "__func__", "_Bool", "errno", "stdint", "math", "true", "-", "9_",
                                          std::string(1, '\0') + "z", "restrict", unicode};
  for (const std::string& s : nasty) {
    const std::string id = codegen::c_identifier(s);
    INFO("input '" << s << "' -> '" << id << "'");
    CHECK(valid_identifier(id));
    CHECK(id.find("*/") == std::string::npos);
    CHECK(codegen::c_identifier(id) == id);  // idempotent
  }
}

TEST_CASE("instantiate emits defines then the body then undefs", "[codegen]") {
  const std::string inst = codegen::instantiate("act_f32.c", {{"QG_FN", "my_relu6"}, {"QG_N", "7"}, {"QG_ACT", "2"}});
  CHECK_THAT(inst, Catch::Contains("#define QG_FN my_relu6\n"));
  CHECK_THAT(inst, Catch::Contains("#define QG_N 7\n"));
  CHECK_THAT(inst, Catch::Contains("#define QG_ACT 2\n"));
  CHECK_THAT(inst, Catch::Contains("#undef QG_FN\n"));
  CHECK_THAT(inst, Catch::Contains("#undef QG_N\n"));
  CHECK_THAT(inst, Catch::Contains("#undef QG_ACT\n"));
  CHECK_THAT(inst, !Catch::Contains("QG_TEMPLATE_DEFAULTS"));
  CHECK_THAT(inst, !Catch::Contains("qg_relu_f32__c_example"));  // the template's own defaults are gone
  CHECK_THAT(inst, !Catch::Contains("#define QG_N 16"));
  const size_t last_define = inst.rfind("#define "), body = inst.find("static void QG_FN("), first_undef = inst.find("#undef ");
  REQUIRE(body != std::string::npos);
  CHECK(last_define < body);
  CHECK(body < first_undef);
  // The body is the template text after the marker, verbatim.
  const std::string& tmpl = codegen::embedded_text("templates/act_f32.c");
  const std::string marker = "/* QG_TEMPLATE_DEFAULTS_END */\n";
  REQUIRE(tmpl.find(marker) != std::string::npos);
  CHECK_THAT(inst, Catch::Contains(tmpl.substr(tmpl.find(marker) + marker.size())));
  // Embedded files are the files in the source tree.
  CHECK(codegen::embedded_text("runtime/qg_runtime.h") == qgt::read_file(std::string(QGEN_SOURCE_DIR) + "/runtime/qg_runtime.h"));
  CHECK(tmpl == qgt::read_file(std::string(QGEN_SOURCE_DIR) + "/templates/act_f32.c"));
  CHECK_THROWS_AS(codegen::instantiate("no_such_template.c", {}), InternalError);

  // Two instances of one template in a translation unit, built and run.
  if (!qgt::have_tool("gcc")) QGT_SKIP("gcc not found: the build of the two instances is not tested");
  const std::string dir = qgt::make_temp_dir("instantiate");
  std::string c = inst + codegen::instantiate("act_f32.c", {{"QG_FN", "my_relu"}, {"QG_N", "3"}, {"QG_ACT", "1"}});
  c = "#include <stdio.h>\n" + c +
      "int main(void) {\n"
      "  const float x[7] = {-2.0f, -0.0f, 0.5f, 5.0f, 6.0f, 7.5f, 100.0f};\n"
      "  float y[7] = {9, 9, 9, 9, 9, 9, 9}, z[7] = {9, 9, 9, 9, 9, 9, 9};\n"
      "  int i;\n"
      "  my_relu6(x, y);\n  my_relu(x, z);\n"
      "  for (i = 0; i < 7; ++i) printf(\"%g \", (double)y[i]);\n"
      "  for (i = 0; i < 7; ++i) printf(\"%g \", (double)z[i]);\n"
      "  return 0;\n}\n";
  qgt::write_file(dir + "/t.c", c);
  const qgt::CmdResult b = qgt::run_cmd(std::string(kCFlags) + " " + quote(dir + "/t.c") + " -o " + quote(dir + "/t"));
  REQUIRE(b.status == 0);
  const qgt::CmdResult r = qgt::run_cmd(quote(dir + "/t"));
  CHECK(r.status == 0);
  CHECK(r.output == "0 0 0.5 5 6 6 6 0 0 0.5 9 9 9 9 ");  // relu6 over 7; relu over the first 3 only
  qgt::remove_dir(dir);
}

TEST_CASE("emitted files are byte-identical across compiles", "[codegen]") {
  for (uint64_t seed : {31u, 32u, 33u}) {
    const qgt::RandomNet rn = qgt::random_net(seed);
    const std::string dir = qgt::make_temp_dir("determinism");
    qgt::write_file(dir + "/net.json", rn.net_json);
    qgt::write_file(dir + "/quant.json", rn.quant_json);
    const driver::PipelineState a = compile_to(dir, dir + "/a", codegen::WeightsFormat::C, "det");
    const driver::PipelineState b = compile_to(dir, dir + "/b", codegen::WeightsFormat::C, "det");
    REQUIRE(a.emitted->files.size() == b.emitted->files.size());
    for (size_t i = 0; i < a.emitted->files.size(); ++i) {
      INFO("seed " << seed << " file " << a.emitted->files[i].name);
      CHECK(a.emitted->files[i].name == b.emitted->files[i].name);
      CHECK(a.emitted->files[i].content == b.emitted->files[i].content);
      CHECK(qgt::read_file(dir + "/a/" + a.emitted->files[i].name) == qgt::read_file(dir + "/b/" + b.emitted->files[i].name));
    }
    qgt::remove_dir(dir);
  }
  // Across processes: the qgen binary twice, every file of both output folders.
  const qgt::RandomNet rn = qgt::random_net(34);
  const std::string dir = qgt::make_temp_dir("determinism-cli");
  qgt::write_file(dir + "/net.json", rn.net_json);
  qgt::write_file(dir + "/quant.json", rn.quant_json);
  for (const char* o : {"/x", "/y"}) {
    const qgt::CmdResult r = qgt::run_cmd(std::string(QGEN_BINARY) + " compile -q " + quote(dir + "/net.json") + " --config " +
                                          quote(dir + "/quant.json") + " --name det -o " + quote(dir + o));
    REQUIRE(r.status == 0);
  }
  const qgt::CmdResult d = qgt::run_cmd("diff -r " + quote(dir + "/x") + " " + quote(dir + "/y"));
  CHECK(d.status == 0);
  CHECK(d.output.empty());
  qgt::remove_dir(dir);
}

TEST_CASE("raw layer names never reach the emitted C", "[codegen]") {
  qgu::Prng r(8);
  const std::string evil_conv = "conv */ boom", evil_fc = "fc\n#error injected", evil_in = "in*/put", evil_model = "evil */ model\n#define x 1";
  json L = json::array({{{"name", evil_conv}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {2, 1, 3, 3}, 1.0f)}},
                        {{"name", "relu /* nested"}, {"op", "relu"}},
                        {{"name", "flat\\"}, {"op", "flatten"}},
                        {{"name", evil_fc}, {"op", "dense"}, {"weight", qgu::random_param(r, {3, 2 * 4 * 4}, 1.0f)}},
                        {{"name", "?\?/ trigraph \"q\""}, {"op", "softmax"}}});
  json doc = qgu::net_doc({{"name", evil_in}, {"shape", {1, 4, 4}}, {"layout", "CHW"}}, L);
  doc["name"] = evil_model;
  json cfg = {{"default", {{"w_bits", 4}}}, {"layers", {{evil_fc, {{"a_bits", 2}}}}}};
  const std::string dir = qgt::make_temp_dir("names");
  qgt::write_file(dir + "/net.json", doc.dump());
  qgt::write_file(dir + "/quant.json", cfg.dump());
  const driver::PipelineState s = compile_to(dir, dir + "/out", codegen::WeightsFormat::C, "");
  CHECK(valid_identifier(s.emitted->prefix));
  CHECK(s.graph.nodes.size() == 4);  // relu fused into the conv
  for (const auto& f : s.emitted->files) {
    INFO(f.name);
    for (const std::string& bad : {std::string("*/ boom"), std::string("#error injected"), std::string("in*/put"), std::string("*/ model"),
                                   std::string("#define x 1"), std::string("/* nested"), std::string("?\?/"), std::string("flat\\")})
      CHECK(f.content.find(bad) == std::string::npos);
  }
  // The layer comments still say which layer is which, sanitized.
  CHECK_THAT(file_named(*s.emitted, s.emitted->prefix + ".c")->content, Catch::Contains("conv____boom"));
  if (!qgt::have_tool("gcc")) {
    qgt::remove_dir(dir);
    QGT_SKIP("gcc not found: the emitted files were not compiled");
  }
  {
    const std::string P = dir + "/out/" + s.emitted->prefix;
    const qgt::CmdResult b = qgt::run_cmd(std::string(kCFlags) + " -c " + quote(P + ".c") + " -o " + quote(dir + "/m.o") + " && " + kCFlags +
                                          " -c " + quote(P + "_weights.c") + " -o " + quote(dir + "/w.o"));
    INFO(b.output);
    CHECK(b.status == 0);
  }
  qgt::remove_dir(dir);
}

TEST_CASE("header declares size macros and refuses fast-math", "[codegen]") {
  const qgt::RandomNet rn = qgt::random_net(77);
  const std::string dir = qgt::make_temp_dir("header");
  qgt::write_file(dir + "/net.json", rn.net_json);
  qgt::write_file(dir + "/quant.json", rn.quant_json);
  const driver::PipelineState s = compile_to(dir, dir + "/out", codegen::WeightsFormat::C, "hdr");
  const ir::Graph& g = s.graph;
  const std::string h = file_named(*s.emitted, "hdr.h")->content;
  const int64_t arena = std::max<int64_t>(s.plan->arena_bytes, 16);
  CHECK_THAT(h, Catch::Contains("#define HDR_ARENA_BYTES " + std::to_string(arena) + "\n"));
  CHECK_THAT(h, Catch::Contains("#define HDR_ARENA_ALIGN 16\n"));
  CHECK_THAT(h, Catch::Contains("#define HDR_INPUT_SIZE " + std::to_string(g.tensor(g.input).numel()) + "\n"));
  CHECK_THAT(h, Catch::Contains("#define HDR_OUTPUT_SIZE " + std::to_string(g.tensor(g.output).numel()) + "\n"));
  CHECK_THAT(h, Catch::Contains("#define HDR_WEIGHT_BYTES " + std::to_string(s.emitted->table_bytes) + "\n"));
  CHECK_THAT(h, Catch::Contains("#define HDR_INPUT_LAYOUT \"" + std::string(ir::layout_name(g.layout)) + "\""));
  CHECK_THAT(h, Catch::Contains("#ifdef __FAST_MATH__\n#error"));
  CHECK_THAT(h, Catch::Contains("int hdr_run(const float *input, float *output, void *arena);"));
  CHECK_THAT(h, Catch::Contains("#ifndef HDR_H_"));
  CHECK(s.emitted->table_bytes > 0);
  if (!qgt::have_tool("gcc")) {
    qgt::remove_dir(dir);
    QGT_SKIP("gcc not found: the header was not compiled");
  }
  {
    qgt::write_file(dir + "/use.c", "#include \"hdr.h\"\nint f(void) { return HDR_ARENA_BYTES + HDR_INPUT_SIZE; }\n");
    const std::string cc = std::string(kCFlags) + " -I" + quote(dir + "/out") + " -c " + quote(dir + "/use.c") + " -o " + quote(dir + "/use.o");
    CHECK(qgt::run_cmd(cc).status == 0);
    const qgt::CmdResult fast = qgt::run_cmd(cc + " -ffast-math");
    CHECK(fast.status != 0);
    CHECK_THAT(fast.output, Catch::Contains("-ffast-math"));
    // The model source refuses it too (through the embedded runtime).
    CHECK(qgt::run_cmd(std::string(kCFlags) + " -ffast-math -c " + quote(dir + "/out/hdr.c") + " -o " + quote(dir + "/m.o")).status != 0);
  }
  qgt::remove_dir(dir);
}

TEST_CASE("blob weights build with gcc and give the same outputs as C arrays", "[codegen]") {
  if (!qgt::have_tool("gcc")) QGT_SKIP("gcc not found");
  // Two quantized random nets and one float net, plus a hand-made quantized one
  // with conv, batchnorm and dense.
  std::vector<std::pair<std::string, std::string>> models;
  for (uint64_t seed : {41u, 42u}) {
    const qgt::RandomNet rn = qgt::random_net(seed);
    models.push_back({rn.net_json, rn.quant_json});
  }
  {
    qgt::RandomNetOptions o;
    o.quantized = false;
    models.push_back({qgt::random_net(43, o).net_json, ""});
  }
  {
    qgu::Prng r(5);
    json L = json::array({{{"name", "c"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {6, 3, 3, 3}, 0.5f)}},
                          {{"name", "p"}, {"op", "maxpool2d"}, {"kernel", 2}},
                          {{"name", "f"}, {"op", "flatten"}},
                          {{"name", "d"}, {"op", "dense"}, {"weight", qgu::random_param(r, {7, 6 * 3 * 4}, 0.3f)}, {"bias", qgu::random_param(r, {7}, 0.3f)}},
                          {{"name", "d2"}, {"op", "dense"}, {"weight", qgu::random_param(r, {5, 7}, 0.3f)}}});
    models.push_back({qgu::net_doc(qgu::image_input(3, 7, 8), L).dump(), R"({"default": {"w_bits": 6, "a_bits": 4, "a_region": 9}, "layers": {"d2": {"scheme": "float"}}})"});
  }
  for (size_t m = 0; m < models.size(); ++m) {
    INFO("model " << m);
    const std::string dir = qgt::make_temp_dir("blob");
    qgt::write_file(dir + "/net.json", models[m].first);
    if (!models[m].second.empty()) qgt::write_file(dir + "/quant.json", models[m].second);
    const driver::PipelineState sc = compile_to(dir, dir + "/c", codegen::WeightsFormat::C, "bm");
    const driver::PipelineState sb = compile_to(dir, dir + "/blob", codegen::WeightsFormat::Blob, "bm");
    CHECK_FALSE(sc.emitted->blob);
    CHECK(sb.emitted->blob);
    CHECK(file_named(*sc.emitted, "bm_weights_u8.bin") == nullptr);
    CHECK(file_named(*sc.emitted, "bm_weights_f32.bin") == nullptr);
    REQUIRE(file_named(*sb.emitted, "bm_weights_u8.bin") != nullptr);
    REQUIRE(file_named(*sb.emitted, "bm_weights_f32.bin") != nullptr);
    CHECK(file_named(*sb.emitted, "bm_weights_f32.bin")->content.size() % 4 == 0);
    CHECK_THAT(file_named(*sb.emitted, "bm_weights.c")->content, Catch::Contains(".incbin"));
    CHECK_THAT(file_named(*sb.emitted, "bm_weights.c")->content, !Catch::Contains("0x1."));  // no tables as C
    CHECK(sc.emitted->table_bytes == sb.emitted->table_bytes);
    // The float blob holds every float table: at least the float part of the flash.
    int64_t f32_tables = 0;
    for (const ir::Node& n : sb.graph.nodes) {
      if (n.lq) f32_tables += 4 * static_cast<int64_t>(n.lq->E.size() * 3 + n.weight.shape[0]);
      else f32_tables += 4 * static_cast<int64_t>(n.weight.data.size() + n.bias.data.size());
    }
    CHECK(static_cast<int64_t>(file_named(*sb.emitted, "bm_weights_f32.bin")->content.size()) >= f32_tables);

    const ir::Graph& g = sc.graph;
    const int64_t in_size = g.tensor(g.input).numel(), out_size = g.tensor(g.output).numel();
    std::vector<float> all;
    std::vector<float> expected;
    for (int k = 0; k < 4; ++k) {
      const std::vector<float> x = qgt::random_input(1000 * m + static_cast<uint64_t>(k), in_size, k);
      all.insert(all.end(), x.begin(), x.end());
      const std::vector<float> y = interp::run(g, x);
      expected.insert(expected.end(), y.begin(), y.end());
    }
    qgt::write_floats(dir + "/in.f32", all);
    for (const char* mode : {"c", "blob"}) {
      const std::string out = dir + "/" + mode;
      qgt::write_file(out + "/main.c", runner_main("bm", in_size, out_size));
      const std::string build = std::string(kCFlags) + " -I" + quote(out) + " " + quote(out + "/main.c") + " " + quote(out + "/bm.c") + " " +
                                quote(out + "/bm_weights.c") + (std::string(mode) == "blob" ? " -Wa,-I" + quote(out) : "") + " -o " +
                                quote(out + "/prog");
      const qgt::CmdResult b = qgt::run_cmd(build);
      INFO(mode << ": " << b.output);
      REQUIRE(b.status == 0);
      const qgt::CmdResult r = qgt::run_cmd(quote(out + "/prog") + " " + quote(dir + "/in.f32") + " " + quote(out + "/out.f32"));
      REQUIRE(r.status == 0);
      const std::vector<float> got = qgt::read_floats(out + "/out.f32");
      CHECK(qgt::first_difference(got, expected) == -1);
    }
    CHECK(qgt::read_file(dir + "/c/out.f32") == qgt::read_file(dir + "/blob/out.f32"));
    qgt::remove_dir(dir);
  }
}

TEST_CASE("scratch_bytes covers the patch and codes of quantized layers only", "[codegen]") {
  qgu::Prng r(2);
  json L = json::array({{{"name", "c"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {4, 3, 3, 3}, 0.5f)}},
                        {{"name", "f"}, {"op", "flatten"}},
                        {{"name", "d"}, {"op", "dense"}, {"weight", qgu::random_param(r, {2, 4 * 5 * 5}, 0.5f)}}});
  const ir::Graph g = qgu::prepare(qgu::parse(qgu::net_doc(qgu::image_input(3, 5, 5), L)),
                                   R"({"default": {"a_region": 4}, "layers": {"d": {"scheme": "float"}}})");
  const ir::LinearQuant& q = *g.nodes[0].lq;
  const int64_t K = 27;
  REQUIRE(q.K == K);
  // patch (K floats) + 2 floats per activation region + Σq per segment + K code bytes
  CHECK(codegen::scratch_bytes(g, g.nodes[0]) >= 4 * K + 8 * q.aregions() + 4 * q.segments() + K);
  CHECK(codegen::scratch_bytes(g, g.nodes[1]) == 0);
  CHECK(codegen::scratch_bytes(g, g.nodes[2]) == 0);
}

namespace {
// The kernel functions emitted C defines: every template instance starts with
// "#define QG_FN NAME" (its "static void QG_FN(" is the definition).
std::multiset<std::string> defined_functions(const std::string& c) {
  static const std::regex re("\\n#define QG_FN (\\w+)\\n");
  std::multiset<std::string> r;
  for (std::sregex_iterator it(c.begin(), c.end(), re), end; it != end; ++it) r.insert((*it)[1].str());
  return r;
}
size_t count_of(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("layers of equal shape share one kernel body with their tables and constants as arguments", "[codegen]") {
  // Three 3x3 convolutions of equal shape and two depthwise ones, each with its
  // own weights; relu after each.
  qgu::Prng r(11);
  json L = json::array();
  for (int i = 0; i < 3; ++i) {
    L.push_back({{"name", "c" + std::to_string(i)}, {"op", "conv2d"}, {"padding", 1},
                 {"weight", qgu::random_param(r, {8, 8, 3, 3}, 0.4f)}, {"bias", qgu::random_param(r, {8}, 0.2f)}});
    L.push_back({{"name", "rc" + std::to_string(i)}, {"op", "relu"}});
  }
  for (int i = 0; i < 2; ++i) {
    L.push_back({{"name", "dw" + std::to_string(i)}, {"op", "conv2d"}, {"padding", 1}, {"groups", 8},
                 {"weight", qgu::random_param(r, {8, 1, 3, 3}, 0.6f)}, {"bias", qgu::random_param(r, {8}, 0.2f)}});
    L.push_back({{"name", "rd" + std::to_string(i)}, {"op", "relu"}});
  }
  L.push_back({{"name", "f"}, {"op", "flatten"}});
  L.push_back({{"name", "d"}, {"op", "dense"}, {"weight", qgu::random_param(r, {5, 8 * 6 * 5}, 0.1f)}});
  const std::string dir = qgt::make_temp_dir("share");
  qgt::write_file(dir + "/net.json", qgu::net_doc(qgu::image_input(8, 6, 5), L).dump());
  std::vector<float> calib;
  for (int k = 0; k < 4; ++k) {
    const std::vector<float> x = qgt::random_input(77 + static_cast<uint64_t>(k), 8 * 6 * 5, 3);
    calib.insert(calib.end(), x.begin(), x.end());
  }
  qgt::write_floats(dir + "/calib.f32", calib);
  qgt::write_file(dir + "/int8.json", R"({"default": {"scheme": "int8"}})");

  struct Case {
    const char* target;
    bool int8;
    const char* conv_kernel;
    const char* dw_kernel;
  };
  for (const Case& k : {Case{"c", false, "qg_conv2d_f32__c", "qg_conv2d_f32__c"},
                        Case{"c", true, "qg_conv2d_i8_mac__c", "qg_conv2d_i8_mac__c"},
                        Case{"cortex-m7", true, "qg_conv2d_a8w8_smlad__cortex_m7", "qg_dwconv2d_a8w8_smlad__cortex_m7"}}) {
    INFO("target " << k.target << (k.int8 ? " int8" : " float"));
    driver::PipelineOptions o;
    o.net_path = dir + "/net.json";
    if (k.int8) {
      o.config_path = dir + "/int8.json";
      o.calibration_path = dir + "/calib.f32";
    }
    o.target = k.target;
    o.name = "sh";
    const driver::PipelineState s = driver::run_pipeline(o);
    const json rep = json::parse(driver::report_json(s, o));
    std::map<std::string, std::string> fn;  // layer name -> function
    for (const json& l : rep["layers"]) fn[l["name"].get<std::string>()] = l["function"].get<std::string>();
    std::map<std::string, std::string> kern;
    for (const json& l : rep["layers"]) kern[l["name"].get<std::string>()] = l["kernel"].get<std::string>();
    CHECK(kern["c1"] == k.conv_kernel);
    CHECK(kern["dw1"] == k.dw_kernel);
    // c1 and c2 read post-relu inputs of equal shape: one body; so do dw0 and dw1.
    CHECK(fn["c1"] == fn["c2"]);
    CHECK(fn["dw0"] == fn["dw1"]);
    CHECK(fn["c1"] != fn["dw0"]);
    if (!k.int8) CHECK(fn["c0"] == fn["c1"]);  // float: no zero points at all
    const std::string c = file_named(*s.emitted, "sh.c")->content;
    // Only the runtime parts the kernels include are pasted.
    CHECK(count_of(c, "/* ---- runtime/qg_common.h ---- */") == 1);
    CHECK(count_of(c, "/* ---- runtime/qg_fixed.h ---- */") == (k.int8 ? 1u : 0u));
    CHECK(count_of(c, "/* ---- runtime/qg_arm_dsp.h ---- */") == (std::string(k.target) == "cortex-m7" ? 1u : 0u));
    CHECK(count_of(c, "/* ---- runtime/qg_lq.h ---- */") == 0);
    CHECK(count_of(c, "/* ---- runtime/qg_halide.h ---- */") == 0);
    const std::multiset<std::string> defs = defined_functions(c);
    std::set<std::string> used;
    for (const auto& [name, f] : fn) used.insert(f);
    for (const std::string& f : used) {
      INFO(f);
      CHECK(defs.count(f) == 1);  // defined once ...
    }
    CHECK(count_of(c, "  " + fn["c1"] + "(") == (fn["c0"] == fn["c1"] ? 3u : 2u));  // ... called per layer
    CHECK(count_of(c, "  " + fn["dw0"] + "(") == 2u);
    const int64_t relayouts = static_cast<int64_t>(defs.count("qg_input_relayout") + defs.count("qg_output_relayout"));
    CHECK(s.emitted->kernel_instances == static_cast<int64_t>(used.size()) + relayouts);
    CHECK(rep["kernel_bodies"].get<int64_t>() == s.emitted->kernel_instances);
    CHECK(rep["kernel_calls"].get<int64_t>() == static_cast<int64_t>(rep["layers"].size()) + relayouts);
    CHECK(s.emitted->kernel_instances < s.emitted->kernel_calls);

    // The shared bodies with per-layer tables give the interpreter's bits.
    if (std::string(k.target) != "c" || !qgt::have_tool("gcc")) continue;
    const std::string out = dir + "/out_" + (k.int8 ? "i8" : "f32");
    codegen::write_output_dir(out, s.emitted->files);
    const ir::Graph& g = s.graph;
    const int64_t in_size = g.tensor(g.input).numel(), out_size = g.tensor(g.output).numel();
    std::vector<float> all, expected;
    for (int t = 0; t < 3; ++t) {
      const std::vector<float> x = qgt::random_input(500 + static_cast<uint64_t>(t), in_size, t == 0 ? 3 : 0);
      all.insert(all.end(), x.begin(), x.end());
      const std::vector<float> y = interp::run(g, x);
      expected.insert(expected.end(), y.begin(), y.end());
    }
    qgt::write_floats(out + "/in.f32", all);
    qgt::write_file(out + "/main.c", runner_main("sh", in_size, out_size));
    const qgt::CmdResult b = qgt::run_cmd(std::string(kCFlags) + " -I" + quote(out) + " " + quote(out + "/main.c") + " " +
                                          quote(out + "/sh.c") + " " + quote(out + "/sh_weights.c") + " -lm -o " + quote(out + "/prog"));
    INFO(b.output);
    REQUIRE(b.status == 0);
    REQUIRE(qgt::run_cmd(quote(out + "/prog") + " " + quote(out + "/in.f32") + " " + quote(out + "/out.f32")).status == 0);
    CHECK(qgt::first_difference(qgt::read_floats(out + "/out.f32"), expected) == -1);
  }
  qgt::remove_dir(dir);
}

TEST_CASE("qgen compile --weights-section places every constant table in the section (C arrays and blobs)", "[codegen]") {
  if (!qgt::have_tool("gcc") || !qgt::have_tool("objdump")) {
    WARN("gcc or objdump not found: skipping");
    return;
  }
  qgu::Prng r(5);
  json L = json::array({{{"name", "c"}, {"op", "conv2d"}, {"padding", 1}, {"weight", qgu::random_param(r, {6, 3, 3, 3}, 0.5f)}},
                        {{"name", "f"}, {"op", "flatten"}},
                        {{"name", "d"}, {"op", "dense"}, {"weight", qgu::random_param(r, {7, 6 * 7 * 8}, 0.3f)}, {"bias", qgu::random_param(r, {7}, 0.3f)}}});
  const std::string dir = qgt::make_temp_dir("section");
  qgt::write_file(dir + "/net.json", qgu::net_doc(qgu::image_input(3, 7, 8), L).dump());
  qgt::write_file(dir + "/quant.json", R"({"default": {"w_bits": 6, "a_bits": 4, "a_region": 9}})");
  for (codegen::WeightsFormat wf : {codegen::WeightsFormat::C, codegen::WeightsFormat::Blob}) {
    const bool blob = wf == codegen::WeightsFormat::Blob;
    INFO(std::string(blob ? "blob" : "c"));
    driver::PipelineOptions o;
    o.net_path = dir + "/net.json";
    o.config_path = dir + "/quant.json";
    o.name = "ws";
    o.weights = wf;
    o.weights_section = ".qg_flash_tables";
    const driver::PipelineState s = driver::run_pipeline(o);
    const std::string out = dir + (blob ? "/blob" : "/c");
    codegen::write_output_dir(out, s.emitted->files);
    const std::string w = file_named(*s.emitted, "ws_weights.c")->content;
    CHECK_THAT(w, Catch::Contains("__attribute__((section(\".qg_flash_tables\"), aligned(4)))"));
    // Every table is built into the section; the weights file has nothing in .rodata.
    for (const char* f : {"ws.c", "ws_weights.c"}) {
      const std::string obj = out + "/" + f + ".o";
      const qgt::CmdResult b = qgt::run_cmd(std::string(kCFlags) + " -c -I" + quote(out) + (blob ? " -Wa,-I" + quote(out) : "") + " " +
                                            quote(out + "/" + f) + " -o " + quote(obj));
      INFO(b.output);
      REQUIRE(b.status == 0);
      const qgt::CmdResult h = qgt::run_cmd("objdump -h " + quote(obj));
      INFO(h.output);
      CHECK_THAT(h.output, Catch::Contains(".qg_flash_tables"));  // ws.c: the LQ index tables
      // (ws.c may still have .rodata.cst* of the compiler's own float literals)
      if (std::string(f) == "ws_weights.c") CHECK_THAT(h.output, !Catch::Contains(".rodata"));
    }
  }
  // Names that are not a plain section name are refused by the command line.
  const qgt::CmdResult bad = qgt::run_cmd(std::string(QGEN_BINARY) + " compile " + quote(dir + "/net.json") + " -o " + quote(dir + "/bad") +
                                          " --weights-section 'a\"b' 2>&1");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.output, Catch::Contains("--weights-section"));
  CHECK(qgt::run_cmd("test -e " + quote(dir + "/bad")).status != 0);
  qgt::remove_dir(dir);
}
