// TFLite importer: the tiny built model, every bad case, byte-level fuzzing of
// the verifier path, and the real MLPerf Tiny / hello_world models of models/
// (qgt::models_dir(); a missing model skips, and fails under QGEN_REQUIRE_MODELS=1).
// Element values checked below were read from the models with TFLite's own
// Python interpreter (ai_edge_litert).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>

#include "frontend/load.h"
#include "frontend/tflite.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "support/skip.h"
#include "tiny_model.h"

using namespace qg;

namespace {

std::string models_dir() { return qgt::models_dir(); }

ir::Graph parse(const std::vector<uint8_t>& b) { return frontend::parse_tflite(b.data(), b.size(), "test.tflite", "test"); }

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Node counts keyed "conv2d", "depthwise" (ir::is_depthwise),
// "conv2d_1x1", and the other op names.
std::map<std::string, int> census(const ir::Graph& g) {
  std::map<std::string, int> m;
  for (const ir::Node& n : g.nodes) {
    std::string k = ir::op_info(n.op).name;
    if (ir::is_depthwise(g, n)) k = "depthwise";
    m[k]++;
    if (n.op == ir::Op::Conv2d && n.attrs.groups == 1 && n.attrs.win.kh == 1 && n.attrs.win.kw == 1) m["conv2d_1x1"]++;
  }
  return m;
}

int64_t prod(const std::vector<int64_t>& s) {
  int64_t p = 1;
  for (int64_t d : s) p *= d;
  return p;
}

// Invariants of every imported graph.
void check_consistent(const ir::Graph& g, bool int8) {
  CHECK(g.layout == ir::Layout::HWC);
  for (const ir::Tensor& t : g.tensors) {
    CHECK(t.dtype == (int8 ? ir::DType::I8 : ir::DType::F32));
    if (int8) {
      CHECK(t.q.scale > 0.0f);
      CHECK(t.q.zero_point >= -128);
      CHECK(t.q.zero_point <= 127);
    }
  }
  for (const ir::Node& n : g.nodes) {
    CHECK(g.out(n).numel() > 0);
    CHECK(n.src.rfind("operators[", 0) == 0);
    CHECK(n.quant.scheme == (int8 ? ir::Scheme::Int8 : ir::Scheme::Float));
    if (n.op != ir::Op::Conv2d && n.op != ir::Op::Dense) continue;
    const int64_t O = n.weight.shape.at(0);
    if (int8) {
      REQUIRE(n.il);
      CHECK(n.il->w_bits == 8);
      CHECK(static_cast<int64_t>(n.il->weight.size()) == prod(n.weight.shape));
      CHECK(static_cast<int64_t>(n.il->w_scale.size()) == O);
      CHECK(static_cast<int64_t>(n.il->bias.size()) == O);
      CHECK(n.weight.data.empty());
    } else {
      CHECK(!n.il);
      CHECK(static_cast<int64_t>(n.weight.data.size()) == prod(n.weight.shape));
      CHECK((n.bias.data.empty() || static_cast<int64_t>(n.bias.data.size()) == O));
    }
  }
}

ir::Graph load(const std::string& rel) { return frontend::load_model(models_dir() + "/" + rel); }

}  // namespace

TEST_CASE("the tiny int8 model imports as documented") {
  const ir::Graph g = parse(qgt::tiny_int8_fc_model());
  check_consistent(g, true);
  CHECK(g.name == "test");
  REQUIRE(g.nodes.size() == 1);
  const ir::Node& n = g.nodes[0];
  CHECK(n.op == ir::Op::Dense);
  CHECK(n.act == ir::Activation::Relu);
  CHECK(n.name == "output");
  CHECK(n.src == "operators[0] (FULLY_CONNECTED)");
  CHECK(g.tensor(g.input).shape == std::vector<int64_t>{4});
  CHECK(g.tensor(g.input).q.scale == 0.5f);
  CHECK(g.tensor(g.input).q.zero_point == -3);
  CHECK(g.out(n).shape == std::vector<int64_t>{3});
  CHECK(g.out(n).q.scale == 0.25f);
  CHECK(g.out(n).q.zero_point == 1);
  CHECK(n.output == g.output);
  CHECK(n.weight.shape == std::vector<int64_t>{3, 4});
  CHECK(n.il->weight == std::vector<int8_t>{1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12});
  CHECK(n.il->w_scale == std::vector<float>{0.02f, 0.02f, 0.02f});
  CHECK(n.il->bias == std::vector<int32_t>{100, -200, 300});
}

TEST_CASE("each bad case is one UserError naming its location") {
  for (const qgt::BadCase& c : qgt::bad_tflite_cases()) {
    INFO("case " << c.name);
    try {
      parse(c.bytes);
      FAIL("no error");
    } catch (const UserError& e) {
      CHECK(e.file() == "test.tflite");
      CHECK(e.path() == c.path);
      CHECK_THAT(e.message(), Catch::Contains(c.message));
    }
  }
}

// Every single-byte change and every truncation of a valid file either imports
// or is a UserError: never a crash, an out-of-bounds read or an internal error.
// (Run the suite under -fsanitize=address,undefined to make "never" strict.)
static void fuzz(const std::vector<uint8_t>& good, size_t stride, int* ok, int* rejected) {
  auto attempt = [&](const std::vector<uint8_t>& b) {
    try {
      parse(b);
      ++*ok;
    } catch (const UserError&) {
      ++*rejected;
    }
  };
  for (size_t i = 0; i < good.size(); i += stride)
    for (int v : {0x00, 0xff, good[i] ^ 0x80, (good[i] + 1) & 0xff, good[i] ^ 0x01}) {
      std::vector<uint8_t> b = good;
      b[i] = static_cast<uint8_t>(v);
      attempt(b);
    }
  for (size_t n = 0; n < good.size(); n += stride) attempt(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n)));
}

TEST_CASE("corrupted bytes of the tiny model never crash") {
  int ok = 0, rejected = 0;
  fuzz(qgt::tiny_int8_fc_model(), 1, &ok, &rejected);
  CHECK(rejected > 0);
  CHECK(ok > 0);
}

TEST_CASE("corrupted bytes of hello_world never crash") {
  const std::string missing = qgt::missing_files(models_dir(), {"hello_world_int8.tflite", "hello_world_float.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  int ok = 0, rejected = 0;
  fuzz(read_file(models_dir() + "/hello_world_int8.tflite"), 1, &ok, &rejected);
  fuzz(read_file(models_dir() + "/hello_world_float.tflite"), 3, &ok, &rejected);
  CHECK(rejected > 0);
}

TEST_CASE("load_model dispatches on the extension") {
  const ir::Graph g = frontend::load_model(std::string(QGEN_SOURCE_DIR) + "/examples/fmnist-small/fmnist_small.json");
  CHECK(g.layout == ir::Layout::CHW);
  CHECK_THROWS_WITH(frontend::load_model("model.pb"), Catch::Contains("unknown model format '.pb'; supported: qgen net.json (.json), TensorFlow Lite (.tflite)"));
  CHECK_THROWS_WITH(frontend::load_model("/nonexistent/x.tflite"), Catch::Contains("cannot open file"));
}

TEST_CASE("KWS DS-CNN (int8 and float)") {
  const std::string missing = qgt::missing_files(models_dir(), {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_ref_model_float32.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  for (const char* f : {"mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/kws_ref_model_float32.tflite"}) {
    INFO(f);
    const ir::Graph g = load(f);
    const bool int8 = std::string(f).find("float") == std::string::npos;
    check_consistent(g, int8);
    auto c = census(g);
    CHECK(c["conv2d"] == 5);
    CHECK(c["conv2d_1x1"] == 4);
    CHECK(c["depthwise"] == 4);
    CHECK(c["avgpool2d"] == 1);
    CHECK(c["flatten"] == 1);
    CHECK(c["dense"] == 1);
    CHECK(c["softmax"] == 1);
    CHECK(g.nodes.size() == 13);
    CHECK(g.tensor(g.input).shape == std::vector<int64_t>{49, 10, 1});
    CHECK(g.tensor(g.output).shape == std::vector<int64_t>{12});
    const ir::Node& c0 = g.nodes[0];  // 10x4 stride 2, SAME: out 25x5, pads 4/5 rows, 1/1 columns
    CHECK(c0.attrs.win.kh == 10);
    CHECK(c0.attrs.win.kw == 4);
    CHECK(c0.attrs.win.sh == 2);
    CHECK(c0.attrs.win.pt == 4);
    CHECK(c0.attrs.win.pb == 5);
    CHECK(c0.attrs.win.pl == 1);
    CHECK(c0.attrs.win.pr == 1);
    CHECK(c0.act == ir::Activation::Relu);
    CHECK(g.out(c0).shape == std::vector<int64_t>{25, 5, 64});
    const ir::Node& dw = g.nodes[1];
    CHECK(dw.attrs.groups == 64);
    CHECK(dw.weight.shape == std::vector<int64_t>{64, 3, 3, 1});
    CHECK(dw.attrs.win.pt == 1);
    CHECK(g.nodes[9].op == ir::Op::AvgPool2d);
    CHECK(g.nodes[9].attrs.win.kh == 25);
    CHECK(g.nodes[9].attrs.win.kw == 5);
    CHECK_FALSE(g.nodes[9].attrs.count_include_pad);
    CHECK(g.nodes[12].attrs.beta == 1.0f);
    if (int8) {
      CHECK(g.tensor(g.input).q.scale == Approx(0.5847029));
      CHECK(g.tensor(g.input).q.zero_point == 83);
      CHECK(g.tensor(g.output).q.scale == 0.00390625f);
      CHECK(g.tensor(g.output).q.zero_point == -128);
      // Depthwise filter [1,3,3,64] element (y,x,o) must land at OHWI [o][y][x][0].
      const auto& w = dw.il->weight;
      CHECK(w[(0 * 3 + 0) * 3 + 0] == 42);
      CHECK(w[(0 * 3 + 0) * 3 + 1] == -2);
      CHECK(w[(5 * 3 + 2) * 3 + 1] == 36);
      CHECK(w[(63 * 3 + 1) * 3 + 2] == 80);
      CHECK(dw.il->w_scale[0] == Approx(0.00855152));
      CHECK(dw.il->w_scale[5] == Approx(0.01429016));
      CHECK(dw.il->w_scale[63] == Approx(0.01379208));
      CHECK(dw.il->bias[0] == 469);
      CHECK(dw.il->bias[5] == -174);
      CHECK(dw.il->bias[63] == -10);
      // Conv filter [64,10,4,1] is already OHWI.
      CHECK(c0.il->weight[(0 * 10 + 0) * 4 + 0] == -6);
      CHECK(c0.il->weight[(1 * 10 + 9) * 4 + 3] == 65);
      CHECK(c0.il->weight[(63 * 10 + 4) * 4 + 2] == 121);
      CHECK(c0.il->w_scale[0] == Approx(0.00133184));
      CHECK(c0.il->w_scale[63] == Approx(0.00041221));
    }
  }
}

TEST_CASE("ResNet-8 (int8 and float)") {
  const std::string missing = qgt::missing_files(models_dir(), {"mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/pretrainedResnet.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  for (const char* f : {"mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/pretrainedResnet.tflite"}) {
    INFO(f);
    const ir::Graph g = load(f);
    const bool int8 = std::string(f).find("quant") != std::string::npos;
    check_consistent(g, int8);
    auto c = census(g);
    CHECK(c["conv2d"] == 9);
    CHECK(c["add"] == 3);
    CHECK(c["avgpool2d"] == 1);
    CHECK(c["flatten"] == 1);
    CHECK(c["dense"] == 1);
    CHECK(c["softmax"] == 1);
    // The adds' fused RELU: on the int8 add itself, a relu node after a float add.
    CHECK(c["relu"] == (int8 ? 0 : 3));
    for (const ir::Node& n : g.nodes)
      if (n.op == ir::Op::Add) CHECK(n.act == (int8 ? ir::Activation::Relu : ir::Activation::None));
    CHECK(g.nodes.size() == (int8 ? 16u : 19u));
    CHECK(g.tensor(g.input).shape == std::vector<int64_t>{32, 32, 3});
    CHECK(g.tensor(g.output).shape == std::vector<int64_t>{10});
    // Stride-2 3x3 SAME on 32x32: out 16, total padding 1 -> 0 before, 1 after.
    const ir::Node* s2 = nullptr;
    for (const ir::Node& n : g.nodes)
      if (n.op == ir::Op::Conv2d && n.attrs.win.sh == 2 && n.attrs.win.kh == 3 && !s2) s2 = &n;
    REQUIRE(s2);
    CHECK(s2->attrs.win.pt == 0);
    CHECK(s2->attrs.win.pb == 1);
    CHECK(g.out(*s2).shape == std::vector<int64_t>{16, 16, 32});
  }
}

TEST_CASE("VWW MobileNetV1 (int8 and float)") {
  const std::string missing = qgt::missing_files(models_dir(), {"mlperf-tiny/vww_96_int8.tflite", "mlperf-tiny/vww_96_float.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  for (const char* f : {"mlperf-tiny/vww_96_int8.tflite", "mlperf-tiny/vww_96_float.tflite"}) {
    INFO(f);
    const ir::Graph g = load(f);
    check_consistent(g, std::string(f).find("int8") != std::string::npos);
    auto c = census(g);
    CHECK(c["conv2d"] == 14);
    CHECK(c["depthwise"] == 13);
    CHECK(c["avgpool2d"] == 1);
    CHECK(c["flatten"] == 1);
    CHECK(c["dense"] == 1);
    CHECK(c["softmax"] == 1);
    CHECK(g.nodes.size() == 31);
    CHECK(g.tensor(g.input).shape == std::vector<int64_t>{96, 96, 3});
    CHECK(g.tensor(g.output).shape == std::vector<int64_t>{2});
  }
}

TEST_CASE("anomaly detection autoencoder and hello_world (int8 and float)") {
  const std::string missing = qgt::missing_files(models_dir(), {"mlperf-tiny/ad01_int8.tflite", "mlperf-tiny/ad01_fp32.tflite", "hello_world_int8.tflite", "hello_world_float.tflite"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing);
  struct M {
    const char* file;
    bool int8;
    size_t dense;
    int64_t in, out;
  };
  for (const M& m : {M{"mlperf-tiny/ad01_int8.tflite", true, 10, 640, 640}, M{"mlperf-tiny/ad01_fp32.tflite", false, 10, 640, 640},
                     M{"hello_world_int8.tflite", true, 3, 1, 1}, M{"hello_world_float.tflite", false, 3, 1, 1}}) {
    INFO(m.file);
    const ir::Graph g = load(m.file);
    check_consistent(g, m.int8);
    CHECK(census(g)["dense"] == static_cast<int>(m.dense));
    CHECK(g.nodes.size() == m.dense);
    CHECK(g.tensor(g.input).shape == std::vector<int64_t>{m.in});
    CHECK(g.tensor(g.output).shape == std::vector<int64_t>{m.out});
  }
}
