// net.json reader: shape inference, weight layout, side file, errors with paths.
#include <catch2/catch.hpp>
#include <limits>

#include "support/cbuild.h"
#include "unit_helpers.h"

using namespace qg;
using qgu::json;

namespace {

const ir::Node& node(const ir::Graph& g, const std::string& name) {
  for (const ir::Node& n : g.nodes)
    if (n.name == name) return n;
  FAIL("no node " << name);
  throw 0;
}

std::vector<int64_t> out_shape(const ir::Graph& g, const std::string& name) { return g.out(node(g, name)).shape; }

std::vector<float> iota(size_t n, float start = 0.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

// The error parse_netjson reports for `doc` (fails the test if there is none).
UserError error_of(const json& doc) {
  auto e = qgu::user_error_of([&] { qgu::parse(doc, "bad.json"); });
  if (!e) FAIL("no error for " << doc.dump());
  return *e;
}

json dense(const std::string& name, int64_t O, int64_t I) {
  return {{"name", name}, {"op", "dense"}, {"weight", qgu::param({O, I}, iota(static_cast<size_t>(O * I)))}};
}

}  // namespace

TEST_CASE("frontend infers shapes of window ops reshape and concat in CHW", "[frontend]") {
  qgu::Prng r(1);
  json L = json::array();
  L.push_back({{"name", "c"}, {"op", "conv2d"}, {"stride", {2, 1}}, {"padding", {1, 2, 0, 1}}, {"dilation", {1, 2}},
               {"weight", qgu::random_param(r, {4, 3, 3, 3}, 1.0f)}});
  L.push_back({{"name", "g"}, {"op", "conv2d"}, {"groups", 2}, {"weight", qgu::random_param(r, {6, 2, 1, 1}, 1.0f)}});
  L.push_back({{"name", "dw"}, {"op", "conv2d"}, {"groups", 6}, {"padding", 1}, {"weight", qgu::random_param(r, {6, 1, 3, 3}, 1.0f)}});
  L.push_back({{"name", "mp"}, {"op", "maxpool2d"}, {"kernel", 2}});
  L.push_back({{"name", "ap"}, {"op", "avgpool2d"}, {"kernel", {2, 3}}, {"stride", 1}, {"padding", {1, 1}}});
  L.push_back({{"name", "rs"}, {"op", "reshape"}, {"shape", {2, -1, 5}}});
  L.push_back({{"name", "cat0"}, {"op", "concat"}, {"inputs", {"rs", "rs"}}});
  L.push_back({{"name", "cat1"}, {"op", "concat"}, {"inputs", {"rs", "rs"}}, {"axis", 1}});
  L.push_back({{"name", "cat2"}, {"op", "concat"}, {"inputs", {"rs", "rs", "rs"}}, {"axis", -1}});
  L.push_back({{"name", "gp"}, {"op", "global_avgpool"}, {"inputs", {"ap"}}});
  L.push_back({{"name", "fl"}, {"op", "flatten"}});
  L.push_back(dense("fc", 3, 6));
  L.push_back({{"name", "vcat"}, {"op", "concat"}, {"inputs", {"fc", "fl"}}});
  L.push_back({{"name", "vr"}, {"op", "reshape"}, {"shape", {-1}}});
  L.push_back({{"name", "sm"}, {"op", "softmax"}});
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(3, 10, 12), L));

  CHECK(g.layout == ir::Layout::CHW);
  CHECK(g.tensor(g.input).shape == std::vector<int64_t>{10, 12, 3});
  // conv: H (10 + 1 + 0 - 3) / 2 + 1 = 5; W (12 + 2 + 1 - 5) / 1 + 1 = 11
  CHECK(out_shape(g, "c") == std::vector<int64_t>{5, 11, 4});
  const ir::Window& w = node(g, "c").attrs.win;
  CHECK(w.kh == 3);
  CHECK(w.kw == 3);
  CHECK(w.sh == 2);
  CHECK(w.sw == 1);
  CHECK(w.dh == 1);
  CHECK(w.dw == 2);
  CHECK(w.pt == 1);
  CHECK(w.pl == 2);
  CHECK(w.pb == 0);
  CHECK(w.pr == 1);
  CHECK(node(g, "g").attrs.groups == 2);
  CHECK(out_shape(g, "g") == std::vector<int64_t>{5, 11, 6});
  CHECK(out_shape(g, "dw") == std::vector<int64_t>{5, 11, 6});
  // maxpool: stride defaults to the kernel
  CHECK(node(g, "mp").attrs.win.sh == 2);
  CHECK(out_shape(g, "mp") == std::vector<int64_t>{2, 5, 6});
  CHECK(out_shape(g, "ap") == std::vector<int64_t>{3, 5, 6});
  // reshape [2, -1, 5] of 90 elements: -1 = 9; logical [2, 9, 5] -> internal HWC
  CHECK(node(g, "rs").attrs.target_shape == std::vector<int64_t>{2, 9, 5});
  CHECK(out_shape(g, "rs") == std::vector<int64_t>{9, 5, 2});
  // concat axes are written in CHW: 0 = channels (internal 2), 1 = H (0), -1 = W (1)
  CHECK(node(g, "cat0").attrs.axis == 2);
  CHECK(out_shape(g, "cat0") == std::vector<int64_t>{9, 5, 4});
  CHECK(node(g, "cat1").attrs.axis == 0);
  CHECK(out_shape(g, "cat1") == std::vector<int64_t>{18, 5, 2});
  CHECK(node(g, "cat2").attrs.axis == 1);
  CHECK(out_shape(g, "cat2") == std::vector<int64_t>{9, 15, 2});
  CHECK(ir::logical_shape(out_shape(g, "cat2"), g.layout) == std::vector<int64_t>{2, 9, 15});
  CHECK(out_shape(g, "gp") == std::vector<int64_t>{1, 1, 6});
  CHECK(out_shape(g, "fl") == std::vector<int64_t>{6});
  CHECK(out_shape(g, "fc") == std::vector<int64_t>{3});
  CHECK(out_shape(g, "vcat") == std::vector<int64_t>{9});
  CHECK(out_shape(g, "vr") == std::vector<int64_t>{9});
  CHECK(g.output == node(g, "sm").output);
  // inputs default to the previous layer, or name earlier tensors
  CHECK(node(g, "c").inputs == std::vector<int>{g.input});
  CHECK(node(g, "fl").inputs == std::vector<int>{node(g, "gp").output});
  CHECK(node(g, "cat2").inputs.size() == 3);
  CHECK(node(g, "c").src == "layers[0]");
  CHECK(node(g, "sm").src == "layers[14]");
}

TEST_CASE("frontend concat axes and reshape in HWC", "[frontend]") {
  json L = json::array();
  L.push_back({{"name", "a"}, {"op", "relu"}});
  L.push_back({{"name", "cdef"}, {"op", "concat"}, {"inputs", {"x", "a"}}});
  L.push_back({{"name", "c0"}, {"op", "concat"}, {"inputs", {"x", "a"}}, {"axis", 0}});
  L.push_back({{"name", "c1"}, {"op", "concat"}, {"inputs", {"x", "a"}}, {"axis", 1}});
  L.push_back({{"name", "rs"}, {"op", "reshape"}, {"inputs", {"x"}}, {"shape", {1, -1, 3}}});
  L.push_back({{"name", "fl"}, {"op", "flatten"}, {"inputs", {"x"}}});
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(3, 4, 5, /*chw=*/false), L));
  CHECK(g.layout == ir::Layout::HWC);
  CHECK(g.tensor(g.input).shape == std::vector<int64_t>{4, 5, 3});
  CHECK(node(g, "cdef").attrs.axis == 2);  // HWC default: channels
  CHECK(out_shape(g, "cdef") == std::vector<int64_t>{4, 5, 6});
  CHECK(node(g, "c0").attrs.axis == 0);
  CHECK(out_shape(g, "c0") == std::vector<int64_t>{8, 5, 3});
  CHECK(node(g, "c1").attrs.axis == 1);
  CHECK(out_shape(g, "c1") == std::vector<int64_t>{4, 10, 3});
  CHECK(out_shape(g, "rs") == std::vector<int64_t>{1, 20, 3});
  CHECK(out_shape(g, "fl") == std::vector<int64_t>{60});

  // A vector network: layout C, concat axis 0.
  ir::Graph v = qgu::parse(qgu::net_doc(qgu::vector_input(4), json::array({dense("d", 2, 4), {{"name", "cc"}, {"op", "concat"}, {"inputs", {"d", "x", "d"}}}})));
  CHECK(v.layout == ir::Layout::Vector);
  CHECK(out_shape(v, "cc") == std::vector<int64_t>{8});
}

TEST_CASE("frontend converts conv weights from OIHW to OHWI element by element", "[frontend]") {
  const int64_t O = 2, I = 3, H = 2, W = 4;
  const std::vector<float> oihw = iota(static_cast<size_t>(O * I * H * W), 1.0f);
  json L = json::array({{{"name", "c"}, {"op", "conv2d"}, {"weight", qgu::param({O, I, H, W}, oihw)}, {"bias", qgu::param({O}, {0.5f, -0.5f})}}});
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::image_input(I, 5, 6), L));
  const ir::Param& p = g.nodes.at(0).weight;
  REQUIRE(p.shape == std::vector<int64_t>{O, H, W, I});
  REQUIRE(p.data.size() == oihw.size());
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x) {
          INFO("o=" << o << " i=" << i << " y=" << y << " x=" << x);
          CHECK(p.data[static_cast<size_t>(((o * H + y) * W + x) * I + i)] == oihw[static_cast<size_t>(((o * I + i) * H + y) * W + x)]);
        }
  CHECK(g.nodes[0].bias.data == std::vector<float>{0.5f, -0.5f});
  CHECK(g.nodes[0].attrs.win.kh == H);
  CHECK(g.nodes[0].attrs.win.kw == W);
  // Dense weights stay [O, I].
  ir::Graph d = qgu::parse(qgu::net_doc(qgu::vector_input(3), json::array({dense("d", 2, 3)})));
  CHECK(d.nodes[0].weight.shape == std::vector<int64_t>{2, 3});
  CHECK(d.nodes[0].weight.data == iota(6));
}

TEST_CASE("frontend folds batchnorm statistics into scale and shift at import", "[frontend]") {
  json bn = {{"name", "bn"}, {"op", "batchnorm"}, {"epsilon", 0.25},
             {"scale", qgu::param({2}, {2.0f, 1.0f})}, {"bias", qgu::param({2}, {1.0f, 0.0f})},
             {"mean", qgu::param({2}, {3.0f, -1.0f})}, {"var", qgu::param({2}, {0.75f, 3.75f})}};
  ir::Graph g = qgu::parse(qgu::net_doc(qgu::vector_input(2), json::array({bn})));
  // s = scale / sqrt(var + eps) = 2 / 1, 1 / 2; shift = bias - mean * s = 1 - 6, 0 + 0.5
  CHECK(g.nodes[0].weight.data == std::vector<float>{2.0f, 0.5f});
  CHECK(g.nodes[0].bias.data == std::vector<float>{-5.0f, 0.5f});
}

TEST_CASE("frontend reads the weight side file by offset and names the model after the file", "[frontend]") {
  const std::string dir = qgt::make_temp_dir("frontend");
  // float32 little-endian: two junk values, then weight [2, 3], then bias [2]
  const std::vector<float> w = {1.5f, -2.25f, 3.0f, 0.125f, -7.0f, 1e-3f}, b = {0.25f, -0.75f};
  std::vector<float> file = {99.0f, -99.0f};
  file.insert(file.end(), w.begin(), w.end());
  file.insert(file.end(), b.begin(), b.end());
  qgt::write_floats(dir + "/w.bin", file);
  json doc = qgu::net_doc(qgu::vector_input(3), json::array({{{"name", "fc"}, {"op", "dense"},
                                                              {"weight", {{"offset", 8}, {"shape", {2, 3}}}},
                                                              {"bias", {{"offset", 32}, {"shape", {2}}}}}}));
  doc.erase("name");
  doc["weights"] = "w.bin";
  qgt::write_file(dir + "/tiny_model.json", doc.dump());
  ir::Graph g = frontend::load_netjson(dir + "/tiny_model.json");
  CHECK(g.name == "tiny_model");
  CHECK(g.file == dir + "/tiny_model.json");
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].weight.data == w);
  CHECK(g.nodes[0].bias.data == b);

  // An explicit name wins.
  doc["name"] = "explicit";
  qgt::write_file(dir + "/other.json", doc.dump());
  CHECK(frontend::load_netjson(dir + "/other.json").name == "explicit");

  // Reading past the end of the file is an error at the offset's path.
  doc["layers"][0]["bias"]["offset"] = 36;  // 8 bytes at 36 > 40 bytes
  qgt::write_file(dir + "/past.json", doc.dump());
  auto e = qgu::user_error_of([&] { frontend::load_netjson(dir + "/past.json"); });
  REQUIRE(e);
  CHECK(e->path() == "layers[0].bias.offset");
  CHECK(e->file() == dir + "/past.json");
  CHECK_THAT(e->message(), Catch::Contains("runs past the end"));

  // A missing weight file is reported at "weights".
  doc["weights"] = "missing.bin";
  qgt::write_file(dir + "/nofile.json", doc.dump());
  e = qgu::user_error_of([&] { frontend::load_netjson(dir + "/nofile.json"); });
  REQUIRE(e);
  CHECK(e->path() == "weights");

  // A non-finite value in the side file.
  std::vector<float> bad = file;
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  qgt::write_floats(dir + "/w.bin", bad);
  e = qgu::user_error_of([&] { frontend::load_netjson(dir + "/other.json"); });
  REQUIRE(e);
  CHECK(e->path() == "layers[0].weight.offset");
  CHECK_THAT(e->message(), Catch::Contains("not finite"));
  qgt::remove_dir(dir);
}

TEST_CASE("frontend errors name the exact JSON path", "[frontend]") {
  const json conv = {{"name", "c"}, {"op", "conv2d"}, {"weight", qgu::param({2, 1, 3, 3}, iota(18))}};
  const json in = qgu::image_input(1, 5, 5);
  struct Case {
    const char* what;
    json doc;
    std::string path, message;
  };
  std::vector<Case> cases;
  auto with = [&](json layer0, json layer1 = nullptr) {
    json L = json::array({layer0});
    if (!layer1.is_null()) L.push_back(layer1);
    return qgu::net_doc(in, L);
  };
  {
    json c = conv;
    json r = {{"name", "p"}, {"op", "maxpool2d"}, {"kernel", 2}, {"stride", -2}};
    cases.push_back({"negative stride", with(c, r), "layers[1].stride", "must be >= 1, got -2"});
  }
  {
    json r = {{"name", "p"}, {"op", "maxpool2d"}, {"kernel", 2}, {"stride", {2, 0}}};
    cases.push_back({"zero in a pair", with(conv, r), "layers[1].stride[1]", "must be >= 1, got 0"});
  }
  {
    json c = conv;
    c["strides"] = 1;
    cases.push_back({"unknown layer key", with(c), "layers[0].strides", "unknown key"});
  }
  {
    json d = qgu::net_doc(in, json::array({conv}));
    d["wieghts"] = "x.bin";
    cases.push_back({"unknown top-level key", d, "wieghts", "unknown key"});
  }
  {
    json d = qgu::net_doc(in, json::array({conv}));
    d.erase("format");
    cases.push_back({"missing format", d, "(top level)", "missing required key 'format'"});
  }
  {
    json d = qgu::net_doc(in, json::array({conv}));
    d["version"] = 2;
    cases.push_back({"version 2", d, "version", "unsupported version 2"});
  }
  {
    json c = conv;
    c["op"] = "conv3d";
    cases.push_back({"unknown op", with(c), "layers[0].op", "unknown op 'conv3d'"});
  }
  {
    json c = conv;
    c["weight"]["data"].erase(0);
    cases.push_back({"data count", with(c), "layers[0].weight.data", "has 17 values"});
  }
  {
    json c = conv;
    c["weight"]["shape"] = {2, 3, 3, 3};
    c["weight"]["data"] = json(iota(54));
    cases.push_back({"channel mismatch", with(c), "layers[0].weight.shape", "input channels"});
  }
  {
    json c = conv;
    c["dilation"] = 3;  // span 7 > 5
    cases.push_back({"window does not fit", with(c), "layers[0].kernel", "does not fit"});
  }
  {
    json r = {{"name", "r"}, {"op", "relu"}, {"inputs", {"nope"}}};
    cases.push_back({"unknown input", with(conv, r), "layers[1].inputs[0]", "no earlier layer or input named 'nope'"});
  }
  {
    json r = {{"name", "c"}, {"op", "relu"}};
    cases.push_back({"duplicate name", with(conv, r), "layers[1].name", "duplicate name 'c'"});
  }
  {
    json r = {{"name", "rs"}, {"op", "reshape"}, {"shape", {7}}};
    cases.push_back({"reshape count", with(conv, r), "layers[1].shape", "needs 7 elements"});
  }
  {
    json r = {{"name", "rs"}, {"op", "reshape"}, {"shape", {-1, -1}}};
    cases.push_back({"two -1", with(conv, r), "layers[1].shape", "at most one entry may be -1"});
  }
  {
    json d = qgu::net_doc(in, json::array({conv}));
    d["outputs"] = {"zzz"};
    cases.push_back({"unknown output", d, "outputs[0]", "no layer named 'zzz'"});
  }
  {
    json d = qgu::net_doc(in, json::array({conv}));
    d["input"].erase("layout");
    cases.push_back({"image without layout", d, "input", "needs \"layout\""});
  }
  {
    json r = dense("fc", 2, 3);
    cases.push_back({"dense on an image", with(conv, r), "layers[1]", "add a flatten layer"});
  }
  {
    json c = conv;
    c["weight"].erase("data");
    c["weight"]["offset"] = 0;
    cases.push_back({"offset without weights", with(c), "layers[0].weight.offset", "no top-level \"weights\""});
  }
  {
    json bn = {{"name", "bn"}, {"op", "batchnorm"}, {"scale", qgu::param({2}, {1, 1})}, {"bias", qgu::param({2}, {0, 0})},
               {"mean", qgu::param({2}, {0, 0})}, {"var", qgu::param({2}, {1, -1})}};
    cases.push_back({"negative variance", with(conv, bn), "layers[1].var", "variance must be >= 0"});
  }
  {
    json r = {{"name", "cc"}, {"op", "concat"}, {"inputs", {"x", "c"}}};
    cases.push_back({"concat mismatch", with(conv, r), "layers[1].inputs", "differ outside the concat axis"});
  }
  {
    json c = conv;
    c["weight"]["data"][4] = 1e39;  // not a finite float32
    cases.push_back({"float overflow", with(c), "layers[0].weight.data[4]", "not a finite float32"});
  }
  for (const Case& c : cases) {
    INFO(c.what);
    const UserError e = error_of(c.doc);
    CHECK(e.file() == "bad.json");
    CHECK(e.path() == c.path);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
    CHECK(std::string(e.what()) == "bad.json: " + c.path + ": " + e.message());
  }

  // Malformed JSON: no path, one line.
  auto e = qgu::user_error_of([] { frontend::parse_netjson("{\"format\": \n", "bad.json", ""); });
  REQUIRE(e);
  CHECK(e->path().empty());
  CHECK_THAT(e->message(), Catch::StartsWith("invalid JSON"));
  CHECK(std::string(e->what()).find('\n') == std::string::npos);
}
