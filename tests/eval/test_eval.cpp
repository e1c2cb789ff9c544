// qgen eval: dataset readers (in process) and the command (as a process,
// QGEN_BINARY) on examples/fmnist-small with data written by the tests.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "driver/dataset.h"
#include "ir/diag.h"
#include "support/cbuild.h"
#include "support/skip.h"

using namespace qg;
using qg::driver::DataOptions;
using qg::driver::Dataset;
using qg::driver::ElemType;

namespace {

const std::string kSrc = QGEN_SOURCE_DIR;
const std::string kNet = kSrc + "/examples/fmnist-small/fmnist_small.json";

using Proc = qgt::SplitResult;

using qgt::quote;

// Runs qgen with `args` (already quoted where needed), stdout and stderr apart.
Proc qgen(const std::string& dir, const std::string& args) { return qgt::run_cmd_split(std::string(QGEN_BINARY) + " " + args, dir); }

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  std::string l;
  while (std::getline(is, l)) v.push_back(l);
  return v;
}

// The value after "key" at the start of a line ("" if none).
std::string line_value(const std::string& out, const std::string& key) {
  for (const std::string& l : lines_of(out))
    if (l.rfind(key, 0) == 0) return l.substr(key.size());
  return "";
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// IDX bytes: magic 0 0 TYPE RANK, big-endian dims, data.
std::string idx_bytes(const std::vector<uint32_t>& dims, const std::string& data, char type = 0x08) {
  std::string s{0, 0, type, static_cast<char>(dims.size())};
  for (uint32_t d : dims) s += be32(d);
  return s + data;
}

std::string user_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

// Deterministic 28x28 "images": a bright disc over noise, position and size
// varying with the seed, so the model's predictions vary.
struct Prng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
};
std::vector<uint8_t> synthetic_image(int i) {
  Prng r{static_cast<uint64_t>(i) * 7919 + 17};
  std::vector<uint8_t> v(784);
  const int cx = 6 + static_cast<int>(r.next() % 16), cy = 6 + static_cast<int>(r.next() % 16), rad = 3 + static_cast<int>(r.next() % 9);
  const int w = 2 + static_cast<int>(r.next() % 12);
  for (int p = 0; p < 784; ++p) {
    const int dx = p % 28 - cx, dy = p / 28 - cy;
    int val = static_cast<int>(r.next() % 60);
    if (dx * dx + dy * dy <= rad * rad) val += 140;
    if (std::abs(dx) < w && dy > 0) val += 70;  // a "leg" below the disc
    v[static_cast<size_t>(p)] = static_cast<uint8_t>(std::min(val, 255));
  }
  return v;
}

// A raw-file dataset folder: img000.u8 ... + labels.csv (with a header line);
// also img000.f32 (pixel / 255.0f as float32) and the float batch for `qgen run`.
struct RawSet {
  std::string dir;
  std::vector<int> labels;
  std::vector<std::vector<uint8_t>> images;
};
RawSet write_raw_set(const std::string& dir, int n) {
  RawSet s;
  s.dir = dir;
  std::filesystem::create_directories(dir + "/f32");
  std::string csv = "file,label\n", csv32;
  for (int i = 0; i < n; ++i) {
    s.images.push_back(synthetic_image(i));
    s.labels.push_back(static_cast<int>((i * 7 + 3) % 10));
    char name[32];
    std::snprintf(name, sizeof name, "img%03d", i);
    qgt::write_file(dir + "/" + name + ".u8", std::string(s.images.back().begin(), s.images.back().end()));
    std::vector<float> f(784);
    for (size_t p = 0; p < 784; ++p) f[p] = static_cast<float>(s.images.back()[p]) / 255.0f;
    qgt::write_floats(dir + "/f32/" + name + ".f32", f);
    csv += std::string(name) + ".u8," + std::to_string(s.labels.back()) + "\n";
    csv32 += std::string(name) + ".f32," + std::to_string(s.labels.back()) + "\n";
  }
  qgt::write_file(dir + "/labels.csv", csv);
  qgt::write_file(dir + "/f32/labels.csv", csv32);
  return s;
}

// `qgen run` argmax and logits of each input.
struct RunResult {
  std::vector<int> argmax;
  std::vector<std::vector<float>> logits;
};
RunResult qgen_run(const std::string& dir, const std::vector<std::vector<float>>& inputs, const std::string& config) {
  std::vector<float> all;
  for (const auto& v : inputs) all.insert(all.end(), v.begin(), v.end());
  qgt::write_floats(dir + "/batch.f32", all);
  const Proc p = qgen(dir, "run " + quote(kNet) + " " + config + " --input " + quote(dir + "/batch.f32"));
  REQUIRE(p.status == 0);
  RunResult r;
  for (const std::string& l : lines_of(p.out)) {
    if (l.rfind("sample ", 0) != 0) continue;
    const size_t a = l.find("argmax ") + 7, c = l.find(':', a);
    r.argmax.push_back(std::stoi(l.substr(a, c - a)));
    std::istringstream ls(l.substr(c + 1));
    std::vector<float> v;
    std::string tok;
    while (ls >> tok) v.push_back(std::strtof(tok.c_str(), nullptr));
    r.logits.push_back(v);
  }
  REQUIRE(r.argmax.size() == inputs.size());
  return r;
}

// index,label,prediction rows of --predictions.
std::vector<int> read_predictions(const std::string& path, size_t n) {
  std::vector<int> pred;
  const auto rows = lines_of(qgt::read_file(path));
  REQUIRE(rows.size() == n + 1);
  CHECK(rows[0] == "index,label,prediction");
  for (size_t i = 1; i < rows.size(); ++i) pred.push_back(std::stoi(rows[i].substr(rows[i].rfind(',') + 1)));
  return pred;
}

std::string pct(int64_t hits, int64_t n) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f%%", 100.0 * static_cast<double>(hits) / static_cast<double>(n));
  return b;
}

// A small XML well-formedness check: balanced tags, quoted attributes,
// entities; enough to catch a broken hand-written SVG.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> stack;
  size_t i = 0;
  bool root_seen = false;
  auto bad_text = [&](const std::string& t) {
    for (size_t k = 0; k < t.size(); ++k)
      if (t[k] == '&') {
        const size_t semi = t.find(';', k);
        if (semi == std::string::npos) return true;
        const std::string ent = t.substr(k + 1, semi - k - 1);
        if (ent != "amp" && ent != "lt" && ent != "gt" && ent != "quot" && ent != "apos" && ent.rfind('#', 0) != 0) return true;
      }
    return false;
  };
  while (i < s.size()) {
    const size_t lt = s.find('<', i);
    const std::string text = s.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (bad_text(text) || text.find('>') != std::string::npos) return "bad character data near byte " + std::to_string(i);
    if (stack.empty() && root_seen && text.find_first_not_of(" \n\r\t") != std::string::npos) return "text after the root element";
    if (lt == std::string::npos) break;
    if (s.compare(lt, 5, "<?xml") == 0) {
      const size_t e = s.find("?>", lt);
      if (e == std::string::npos || lt != 0) return "bad XML declaration";
      i = e + 2;
      continue;
    }
    if (s.compare(lt, 4, "<!--") == 0) {
      const size_t e = s.find("-->", lt);
      if (e == std::string::npos) return "unterminated comment";
      i = e + 3;
      continue;
    }
    // A tag: scan to '>' outside quoted attribute values.
    size_t k = lt + 1;
    char q = 0;
    for (; k < s.size(); ++k) {
      if (q) {
        if (s[k] == q) q = 0;
        else if (s[k] == '<') return "'<' in an attribute value near byte " + std::to_string(k);
      } else if (s[k] == '"' || s[k] == '\'') {
        q = s[k];
      } else if (s[k] == '>') {
        break;
      }
    }
    if (k >= s.size()) return "unterminated tag at byte " + std::to_string(lt);
    std::string tag = s.substr(lt + 1, k - lt - 1);
    i = k + 1;
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1, tag.find_first_of(" \t\n", 1) - 1);
      if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
      stack.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n"));
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return "bad tag name at byte " + std::to_string(lt);
    if (stack.empty() && root_seen) return "second root element <" + name + ">";
    if (bad_text(tag)) return "bad entity in <" + name + ">";
    // attributes: name="value" pairs
    size_t a = name.size();
    while (true) {
      a = tag.find_first_not_of(" \t\n", a);
      if (a == std::string::npos) break;
      const size_t eq = tag.find('=', a);
      if (eq == std::string::npos || eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\'')) return "unquoted attribute in <" + name + ">";
      const size_t close = tag.find(tag[eq + 1], eq + 2);
      if (close == std::string::npos) return "unterminated attribute in <" + name + ">";
      a = close + 1;
    }
    root_seen = true;
    if (!self_closing) stack.push_back(name);
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!root_seen) return "no root element";
  return "";
}

}  // namespace

TEST_CASE("IDX reader: gzip'ed and plain files, limits, bad files", "[eval]") {
  const std::string dir = qgt::make_temp_dir("eval-idx");
  std::string pixels;
  for (int i = 0; i < 18; ++i) pixels += static_cast<char>(i * 13);
  write_gz(dir + "/t10k-images-idx3-ubyte.gz", idx_bytes({3, 2, 3}, pixels));
  write_gz(dir + "/t10k-labels-idx1-ubyte.gz", idx_bytes({3}, std::string{7, 1, 9}));

  const driver::IdxArray a = driver::read_idx(dir + "/t10k-images-idx3-ubyte.gz");
  CHECK(a.dims == std::vector<int64_t>{3, 2, 3});
  REQUIRE(a.data.size() == 18);
  for (size_t i = 0; i < 18; ++i) CHECK(a.data[i] == static_cast<uint8_t>(i * 13));
  const driver::IdxArray a2 = driver::read_idx(dir + "/t10k-images-idx3-ubyte.gz", 2);
  CHECK(a2.dims == std::vector<int64_t>{2, 2, 3});
  CHECK(a2.data.size() == 12);

  // Not compressed: read as is.
  qgt::write_file(dir + "/plain-images-idx3-ubyte", idx_bytes({3, 2, 3}, pixels));
  CHECK(driver::read_idx(dir + "/plain-images-idx3-ubyte").data == a.data);

  DataOptions o;
  o.path = dir;
  const Dataset d = driver::load_dataset(o);
  CHECK(d.count() == 3);
  CHECK(d.item_dims == std::vector<int64_t>{2, 3});
  CHECK(d.labels == std::vector<int64_t>{7, 1, 9});
  CHECK(d.u8 == a.data);
  o.limit = 1;
  CHECK(driver::load_dataset(o).count() == 1);
  o.limit = -1;
  // The image file itself; labels found by name.
  o.path = dir + "/t10k-images-idx3-ubyte.gz";
  CHECK(driver::load_dataset(o).labels == std::vector<int64_t>{7, 1, 9});
  o.path = dir;
  o.split = "train";
  CHECK_THAT(user_error_of([&] { driver::load_dataset(o); }), Catch::Contains("train-images-idx3-ubyte.gz"));

  auto err = [&](const std::string& bytes, bool gz = true) {
    const std::string p = dir + "/bad-images-idx3-ubyte" + (gz ? ".gz" : "");
    if (gz) write_gz(p, bytes);
    else qgt::write_file(p, bytes);
    return user_error_of([&] { driver::read_idx(p); });
  };
  CHECK_THAT(err("hello world"), Catch::Contains("not an IDX file"));
  CHECK_THAT(err(idx_bytes({2}, std::string(8, 'x'), 0x0D)), Catch::Contains("element type 0x0d is not supported"));
  CHECK_THAT(err(idx_bytes({3, 2, 3}, pixels.substr(0, 10))), Catch::Contains("needs 18"));
  CHECK_THAT(err(std::string{0, 0, 8, 3, 0, 0}), Catch::Contains("truncated"));
  // A corrupt gzip stream (valid header, garbage body).
  std::string gz = qgt::read_file(dir + "/t10k-images-idx3-ubyte.gz");
  for (size_t i = 12; i < gz.size(); ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  CHECK_THAT(err(gz, false), Catch::Contains("cannot decompress"));
  // Labels and images disagree on the count.
  write_gz(dir + "/t10k-labels-idx1-ubyte.gz", idx_bytes({2}, std::string{1, 2}));
  CHECK_THAT(user_error_of([&] { driver::load_dataset(o = DataOptions{dir, "", "test", ElemType::U8, -1}); }),
             Catch::Contains("holds 2 labels but"));
  qgt::remove_dir(dir);
}

TEST_CASE("Preprocessing: scale, mean/std per channel, NCHW/NHWC data into CHW/HWC models", "[eval]") {
  Dataset d;
  d.source = "test";
  d.type = ElemType::F32;
  d.item_size = 12;
  d.item_dims = {12};
  for (int i = 0; i < 12; ++i) d.f32.push_back(static_cast<float>(i));
  d.labels = {0};
  // A model whose input is 3 channels of 2x2 (internal shape {H, W, C}).
  ir::Graph g;
  g.tensors.push_back(ir::Tensor{"x", {2, 2, 3}, ir::DType::F32, {}, {}});
  g.input = g.output = 0;
  driver::Preprocess p;
  p.divide = false;
  p.factor = 1.0f;
  for (ir::Layout model : {ir::Layout::CHW, ir::Layout::HWC})
    for (bool nhwc : {false, true}) {
      g.layout = model;
      p.nhwc = nhwc;
      const std::vector<float> v = driver::InputMaker(d, g, p).make(0);
      for (int c = 0; c < 3; ++c)
        for (int px = 0; px < 4; ++px) {
          const float want = static_cast<float>(nhwc ? px * 3 + c : c * 4 + px);
          CHECK(v[static_cast<size_t>(model == ir::Layout::CHW ? c * 4 + px : px * 3 + c)] == want);
        }
    }
  g.layout = ir::Layout::CHW;
  p.nhwc = false;
  p.mean = {1, 2, 3};
  p.stddev = {2};
  p = driver::parse_scale("0.5", p);
  std::vector<float> v = driver::InputMaker(d, g, p).make(0);
  CHECK(v[5] == (5 * 0.5f - 2.0f) / 2.0f);
  p = driver::parse_scale("1/255", p);
  CHECK(p.divide);
  CHECK(p.divisor == 255.0f);
  v = driver::InputMaker(d, g, p).make(0);
  CHECK(v[11] == (11.0f / 255.0f - 3.0f) / 2.0f);
  CHECK_THAT(user_error_of([&] { driver::parse_scale("2/3", p); }), Catch::Contains("--scale"));
  CHECK_THAT(user_error_of([&] { driver::parse_scale("abc", p); }), Catch::Contains("--scale"));
  p.mean = {1, 2};
  CHECK_THAT(user_error_of([&] { driver::InputMaker(d, g, p); }), Catch::Contains("--mean: has 2 values"));
  p.mean.clear();
  // Image-shaped data must match the model's channels and size.
  d.item_dims = {3, 2, 2};
  CHECK_NOTHROW(driver::InputMaker(d, g, p));
  p.nhwc = true;  // read as HWC: 3x2 pixels of 2 channels
  CHECK_THAT(user_error_of([&] { driver::InputMaker(d, g, p); }), Catch::Contains("see --layout"));
  d.item_dims = {12};
  d.item_size = 12;
  g.tensors[0].shape = {2, 2, 4};
  CHECK_THAT(user_error_of([&] { driver::InputMaker(d, g, p); }), Catch::Contains("has 16 values"));
}

TEST_CASE("eval over a raw folder agrees with qgen run, image by image", "[eval]") {
  const std::string dir = qgt::make_temp_dir("eval-raw");
  const int N = 50;
  const RawSet set = write_raw_set(dir + "/data", N);
  std::vector<std::vector<float>> inputs, normalized;
  const float mean = 0.2860f, sd = 0.3530f;
  for (const auto& img : set.images) {
    std::vector<float> f(784), g(784);
    for (size_t p = 0; p < 784; ++p) {
      f[p] = static_cast<float>(img[p]) / 255.0f;  // as examples/fmnist-small/main.c
      g[p] = (f[p] - mean) / sd;
    }
    inputs.push_back(f);
    normalized.push_back(g);
  }
  const std::string ex = kSrc + "/examples/fmnist-small/";
  for (const std::string config : {"", "lq8.json", "dq8.json", "lq4.json", "lq2_r8.json"}) {
    DYNAMIC_SECTION("config " << (config.empty() ? "float" : config)) {
      const std::string cfg = config.empty() ? "" : "--config " + quote(ex + config);
      const RunResult run = qgen_run(dir, inputs, cfg);
      const Proc e = qgen(dir, "eval " + quote(kNet) + " " + cfg + " --data " + quote(set.dir) + " --predictions " + quote(dir + "/pred.csv"));
      INFO(e.err);
      REQUIRE(e.status == 0);
      const std::vector<int> pred = read_predictions(dir + "/pred.csv", N);
      int64_t top1 = 0, top5 = 0;
      for (int i = 0; i < N; ++i) {
        CHECK(pred[static_cast<size_t>(i)] == run.argmax[static_cast<size_t>(i)]);
        const auto& y = run.logits[static_cast<size_t>(i)];
        const int label = set.labels[static_cast<size_t>(i)];
        int rank = 0;
        for (int j = 0; j < 10; ++j) rank += y[static_cast<size_t>(j)] > y[static_cast<size_t>(label)] || (y[static_cast<size_t>(j)] == y[static_cast<size_t>(label)] && j < label);
        top1 += run.argmax[static_cast<size_t>(i)] == label;
        top5 += rank < 5;
      }
      CHECK(line_value(e.out, "images: ") == std::to_string(N));
      CHECK(line_value(e.out, "top-1: ") == pct(top1, N));
      CHECK(line_value(e.out, "top-5: ") == pct(top5, N));
      // No progress bar when stderr is not a terminal: one summary line.
      CHECK(lines_of(e.err).size() == 1);
      CHECK_THAT(e.err, Catch::StartsWith("qgen eval: 50 images in "));

      // float32 files with the same values, and other thread counts: same predictions.
      const Proc f = qgen(dir, "eval " + quote(kNet) + " " + cfg + " --data " + quote(set.dir + "/f32") +
                                   " --raw-type float32 --threads 3 --predictions " + quote(dir + "/pred32.csv"));
      REQUIRE(f.status == 0);
      CHECK(read_predictions(dir + "/pred32.csv", N) == pred);
      CHECK(line_value(f.out, "top-1: ") == pct(top1, N));

      // --mean/--std, against qgen run on the same normalization; --limit.
      const RunResult runn = qgen_run(dir, normalized, cfg);
      const Proc m = qgen(dir, "eval " + quote(kNet) + " " + cfg + " --data " + quote(set.dir + "/labels.csv") +
                                   " --mean 0.2860 --std 0.3530 --limit 20 --threads 1 --predictions " + quote(dir + "/predn.csv"));
      REQUIRE(m.status == 0);
      const std::vector<int> predn = read_predictions(dir + "/predn.csv", 20);
      for (size_t i = 0; i < 20; ++i) CHECK(predn[i] == runn.argmax[i]);
    }
  }
  qgt::remove_dir(dir);
}

TEST_CASE("bad data folders and files: one clear error line", "[eval]") {
  const std::string dir = qgt::make_temp_dir("eval-bad");
  auto mk = [&](const std::string& name) {
    const std::string d = dir + "/" + name;
    std::filesystem::create_directories(d);
    return d;
  };
  const std::string u8(784, '\x10');
  struct Case {
    std::string name, args, expect;
  };
  std::vector<Case> cases;
  cases.push_back({"missing path", "--data " + quote(dir + "/nope"), "no such file or directory"});
  cases.push_back({"empty folder", "--data " + quote(mk("empty")), "is not a dataset folder: expected t10k-images-idx3-ubyte.gz"});
  {
    const std::string d = mk("images_only");
    write_gz(d + "/t10k-images-idx3-ubyte.gz", idx_bytes({1, 28, 28}, u8));
    cases.push_back({"IDX images without labels", "--data " + quote(d), "no t10k-labels-idx1-ubyte.gz"});
  }
  {
    const std::string d = mk("idx32");
    write_gz(d + "/t10k-images-idx3-ubyte.gz", idx_bytes({1, 32, 32}, std::string(1024, 'a')));
    write_gz(d + "/t10k-labels-idx1-ubyte.gz", idx_bytes({1}, std::string(1, '\x01')));
    cases.push_back({"IDX images of another size", "--data " + quote(d), "data items are 32x32 uint8 (1024 values); the model input [1,28,28]"});
  }
  {
    const std::string d = mk("missing_file");
    qgt::write_file(d + "/labels.csv", "a.u8,1\n");
    cases.push_back({"labels.csv names a missing file", "--data " + quote(d), "line 1: cannot open 'a.u8'"});
  }
  {
    const std::string d = mk("bad_line");
    qgt::write_file(d + "/a.u8", u8);
    qgt::write_file(d + "/labels.csv", "a.u8,1\na.u8\n");
    cases.push_back({"labels.csv line without a label", "--data " + quote(d), "line 2: expected FILE,LABEL"});
  }
  {
    const std::string d = mk("bad_label");
    qgt::write_file(d + "/a.u8", u8);
    qgt::write_file(d + "/labels.csv", "a.u8,cat\n");
    cases.push_back({"non-numeric label", "--data " + quote(d), "label must be a non-negative integer, got 'cat'"});
  }
  {
    const std::string d = mk("label_range");
    qgt::write_file(d + "/a.u8", u8);
    qgt::write_file(d + "/labels.csv", "a.u8,12\n");
    cases.push_back({"label out of range", "--data " + quote(d), "label 12 is out of range: the model has 10 outputs"});
  }
  {
    const std::string d = mk("small_file");
    qgt::write_file(d + "/a.u8", std::string(100, 'x'));
    qgt::write_file(d + "/labels.csv", "a.u8,1\n");
    cases.push_back({"raw file of the wrong size", "--data " + quote(d), "data items are 100 uint8 (100 values); the model input [1,28,28] CHW has 784 values"});
  }
  {
    const std::string d = mk("mixed_sizes");
    qgt::write_file(d + "/a.u8", u8);
    qgt::write_file(d + "/b.u8", u8 + "x");
    qgt::write_file(d + "/labels.csv", "a.u8,1\nb.u8,2\n");
    cases.push_back({"raw files of different sizes", "--data " + quote(d), "all files must have the same size"});
  }
  {
    const std::string d = mk("f32_odd");
    qgt::write_file(d + "/a.f32", std::string(10, 'x'));
    qgt::write_file(d + "/labels.csv", "a.f32,1\n");
    cases.push_back({"float32 file not a multiple of 4", "--data " + quote(d) + " --raw-type float32", "not a positive multiple of 4"});
  }
  {
    const std::string d = mk("ok");
    qgt::write_file(d + "/a.u8", u8);
    qgt::write_file(d + "/labels.csv", "a.u8,1\n");
    cases.push_back({"--mean of the wrong length", "--data " + quote(d) + " --mean 1,2", "--mean: has 2 values"});
    cases.push_back({"--scale not a number", "--data " + quote(d) + " --scale x", "--scale: must be a number or 1/D"});
    cases.push_back({"--sweep without --out", "--data " + quote(d) + " --sweep", "needs --out DIR"});
    cases.push_back({"--sweep with --config", "--data " + quote(d) + " --sweep -o " + quote(dir + "/sw") + " --config " +
                                                  quote(kSrc + "/examples/fmnist-small/lq8.json"),
                     "makes its own precision choices"});
    cases.push_back({"--limit 0", "--data " + quote(d) + " --limit 0", "--limit: must be a positive number"});
    cases.push_back({"image file without a labels file", "--data " + quote(d + "/a.u8"), "give the labels with --labels FILE"});
  }
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const Proc p = qgen(dir, "eval " + quote(kNet) + " " + c.args);
      INFO("stdout: " << p.out << "\nstderr: " << p.err);
      CHECK(p.status == 1);
      CHECK(p.out.empty());
      CHECK(lines_of(p.err).size() == 1);
      CHECK_THAT(p.err, Catch::StartsWith("qgen: error: ") && Catch::Contains(c.expect));
    }
  }
  qgt::remove_dir(dir);
}

TEST_CASE("Fashion-MNIST: fmnist-small (float) gets >= 85% top-1 on the first 1000 test images", "[eval][dataset]") {
  const char* env = std::getenv("FMNIST_DIR");
  const std::string data = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(data + "/t10k-images-idx3-ubyte.gz"))
    QGT_SKIP_MISSING(data << "/t10k-images-idx3-ubyte.gz not found (apt-get install dataset-fashion-mnist)");
  const std::string dir = qgt::make_temp_dir("eval-fmnist");
  const Proc p = qgen(dir, "eval " + quote(kNet) + " --data " + quote(data) + " --limit 1000");
  INFO(p.out << p.err);
  REQUIRE(p.status == 0);
  CHECK(line_value(p.out, "images: ") == "1000");
  const std::string top1 = line_value(p.out, "top-1: ");
  REQUIRE(!top1.empty());
  CHECK(std::strtod(top1.c_str(), nullptr) >= 85.0);
  CHECK(std::strtod(line_value(p.out, "top-5: ").c_str(), nullptr) >= std::strtod(top1.c_str(), nullptr));
  qgt::remove_dir(dir);
}

TEST_CASE("sweep: CSV rows and well-formed SVG plots", "[eval][sweep]") {
  const std::string dir = qgt::make_temp_dir("eval-sweep");
  write_raw_set(dir + "/data", 12);
  const Proc p = qgen(dir, "eval " + quote(kNet) + " --data " + quote(dir + "/data") + " --sweep --out " + quote(dir + "/out"));
  INFO(p.out << p.err);
  REQUIRE(p.status == 0);
  // Region sizes above a layer's reduction length fall back to kernel regions for that layer.
  CHECK_THAT(p.out, Catch::Contains("(kernel regions for conv1 (K=9), fc2 (K=32))"));
  const std::vector<std::string> rows = lines_of(qgt::read_file(dir + "/out/sweep.csv"));
  REQUIRE(rows.size() >= 11);
  CHECK(rows[0] == "scheme,a_bits,w_bits,a_region,top1,top5");
  std::map<std::string, int> count;
  for (size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> f;
    std::stringstream ss(rows[i]);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    REQUIRE(f.size() == 6);
    ++count[f[0]];
    CHECK((f[0] == "float" || f[1] != "32"));
    if (f[0] != "float") CHECK(f[2] == "8");
    const double top1 = std::strtod(f[4].c_str(), nullptr), top5 = std::strtod(f[5].c_str(), nullptr);
    CHECK(top1 >= 0.0);
    CHECK(top1 <= top5);
    CHECK(top5 <= 100.0);
  }
  CHECK(count["float"] == 1);
  CHECK(count["dq"] == 5);   // a_bits 8 6 4 2 1, layer regions
  CHECK(count["lq"] == 15);  // kernel regions at 5 widths + R = 64..4 at 4 and 2 bits
  for (const char* svg : {"accuracy_vs_bits.svg", "accuracy_vs_region.svg"}) {
    const std::string s = qgt::read_file(dir + "/out/" + svg);
    INFO(svg);
    CHECK(xml_problem(s) == "");
    CHECK_THAT(s, Catch::Contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && Catch::Contains("<polyline") &&
                      Catch::Contains("stroke-dasharray"));
    if (qgt::have_tool("xmllint")) CHECK(qgt::run_cmd("xmllint --noout " + quote(dir + "/out/" + svg)).status == 0);
  }
  // --sweep-w-bits
  const Proc p4 = qgen(dir, "eval " + quote(kNet) + " --data " + quote(dir + "/data") + " --limit 4 --sweep --sweep-w-bits 4 -o " +
                                quote(dir + "/out4"));
  REQUIRE(p4.status == 0);
  CHECK_THAT(qgt::read_file(dir + "/out4/sweep.csv"), Catch::Contains("\nlq,2,4,8,"));
  qgt::remove_dir(dir);
}

TEST_CASE("sharded eval: --shard I/N + --merge gives the unsharded run's result, byte for byte", "[eval][shard]") {
  const std::string dir = qgt::make_temp_dir("eval-shard");
  const int N = 50;
  const RawSet set = write_raw_set(dir + "/data", N);
  const std::string cfg = "--config " + quote(kSrc + "/examples/fmnist-small/lq4.json");
  auto P = [&](const std::string& f) { return quote(dir + "/" + f); };  // qgen runs in another directory
  const std::string base = "eval " + quote(kNet) + " " + cfg + " --data " + quote(set.dir) + " --threads 1 ";
  const Proc full = qgen(dir, base + "--result " + P("full.json") + " --predictions " + P("full.csv"));
  INFO(full.err);
  REQUIRE(full.status == 0);
  for (int shards : {1, 3, 7}) {
    DYNAMIC_SECTION(shards << " shards") {
      std::string files;
      int64_t items = 0;
      for (int i = shards - 1; i >= 0; --i) {  // given in reverse order: merge sorts by shard number
        const std::string f = "s" + std::to_string(i) + ".json";
        const Proc s = qgen(dir, base + "--shard " + std::to_string(i) + "/" + std::to_string(shards) + " --result " + P(f));
        INFO(s.err);
        REQUIRE(s.status == 0);
        items += std::stoll(line_value(s.out, "images: "));
        files += " " + P(f);
      }
      CHECK(items == N);
      const Proc m = qgen(dir, "eval --merge" + files + " --result " + P("merged.json"));
      INFO(m.err);
      REQUIRE(m.status == 0);
      CHECK(qgt::read_file(dir + "/merged.json") == qgt::read_file(dir + "/full.json"));
      CHECK(line_value(m.out, "top-1: ") == line_value(full.out, "top-1: "));
      CHECK(line_value(m.out, "top-5: ") == line_value(full.out, "top-5: "));
      CHECK(line_value(m.out, "images: ") == std::to_string(N));
    }
  }
  // The merged counts are right, not just equal: top-1 in the file = correct predictions of the CSV.
  const std::vector<int> pred = read_predictions(dir + "/full.csv", N);
  int64_t correct = 0;
  for (int i = 0; i < N; ++i) correct += pred[static_cast<size_t>(i)] == set.labels[static_cast<size_t>(i)];
  CHECK_THAT(qgt::read_file(dir + "/full.json"), Catch::Contains("\"top1\": " + std::to_string(correct) + ","));

  SECTION("bad I/N, missing, duplicate and mismatched shards: one clear error line") {
    REQUIRE(qgen(dir, base + "--shard 0/2 --result " + P("a0.json")).status == 0);
    REQUIRE(qgen(dir, base + "--shard 1/2 --result " + P("a1.json")).status == 0);
    REQUIRE(qgen(dir, base + "--shard 1/2 --limit 40 --result " + P("b1.json")).status == 0);  // other data
    REQUIRE(qgen(dir, "eval " + quote(kNet) + " --data " + quote(set.dir) + " --threads 1 --shard 1/2 --result " + P("c1.json")).status == 0);  // float
    REQUIRE(qgen(dir, base + "--shard 1/3 --result " + P("d1.json")).status == 0);
    qgt::write_file(dir + "/junk.json", "{\"format\": \"something else\"}");
    const std::vector<std::pair<std::string, std::string>> bad{
        {base + "--shard 2/2 --result " + P("x.json"), "--shard: I must be below N"},
        {base + "--shard 0/0 --result " + P("x.json"), "--shard: N must be at least 1"},
        {base + "--shard 1 --result " + P("x.json"), "--shard: must be I/N"},
        {base + "--shard -1/2 --result " + P("x.json"), "--shard: must be I/N"},
        {base + "--shard 0/2", "--shard: needs --result FILE"},
        {"eval --merge " + P("a0.json"), "--merge: shards 1 of 2 are missing"},
        {"eval --merge " + P("a0.json") + " " + P("a1.json") + " " + P("a1.json"), "a1.json: /shard_ids: shard 1 is given twice"},
        {"eval --merge " + P("a0.json") + " " + P("b1.json"), "b1.json: /fingerprint: is "},
        {"eval --merge " + P("a0.json") + " " + P("c1.json"), "c1.json: /fingerprint: is "},
        {"eval --merge " + P("a0.json") + " " + P("d1.json"), "d1.json: /shards: is shard 1 of 3"},
        {"eval --merge " + P("a0.json") + " " + P("junk.json"), "junk.json: /format: is not a qgen eval result file"},
        {"eval --merge " + P("a0.json") + " " + P("nothere.json"), "nothere.json: cannot read file"},
        {"eval " + quote(kNet) + " --merge " + P("a0.json") + " " + P("a1.json"), "--merge: takes only result files"},
    };
    for (const auto& [args, msg] : bad) {
      INFO(args);
      const Proc p = qgen(dir, args);
      CHECK(p.status == 1);
      CHECK(p.out.empty());
      CHECK(lines_of(p.err).size() == 1);
      CHECK_THAT(p.err, Catch::Contains(msg));
    }
  }
  qgt::remove_dir(dir);
}

TEST_CASE("plan --data: the accuracy-aware plan fits, and its top-1 is what qgen eval measures", "[eval][plan]") {
  const std::string dir = qgt::make_temp_dir("plan-aware");
  const int N = 50;
  const RawSet set = write_raw_set(dir + "/data", N);
  std::vector<float> calib;  // quantization ranges: the first 20 items, for plan and eval alike
  for (int i = 0; i < 20; ++i)
    for (uint8_t v : set.images[static_cast<size_t>(i)]) calib.push_back(static_cast<float>(v) / 255.0f);
  qgt::write_floats(dir + "/calib.f32", calib);
  const std::string cal = " --calibrate " + quote(dir + "/calib.f32");
  // fmnist-small at 8 bits: 27424 weight bytes (plan's count); a 12000-byte flash budget needs cuts.
  const std::string out = dir + "/plan";
  const Proc p = qgen(dir, "plan " + quote(kNet) + " --flash 12000 --ram 0 --data " + quote(set.dir) + " --threads 1" + cal + " -o " + quote(out));
  INFO(p.err);
  REQUIRE(p.status == 0);
  for (const char* f : {"quant.json", "plan.json", "plan.md", "pareto.csv", "pareto.svg", "memory.svg"})
    CHECK(std::filesystem::exists(out + "/" + f));
  const auto j = nlohmann::json::parse(qgt::read_file(out + "/plan.json"));
  const auto& a = j.at("aware");
  // The same exact flash as the rule (tables + code estimate of the compiled
  // config) against the whole --flash, not a formula.
  CHECK(a.at("flash_before").get<int64_t>() == j.at("exact").at("flash_before").get<int64_t>());
  CHECK(a.at("flash_before").get<int64_t>() > 27424);
  CHECK(a.at("flash_after").get<int64_t>() <= 12000);
  // At least as good as the rule on the split, by construction (refined from the better of the greedy result and the rule).
  CHECK(a.at("top1").get<double>() >= a.at("rule_top1").get<double>());
  CHECK(a.at("top1").get<double>() >= a.at("greedy_top1").get<double>());
  CHECK(a.at("items").get<int64_t>() == N);
  REQUIRE(!a.at("steps").empty());
  CHECK(a.at("sensitivity").size() == 8);  // 4 conv / dense layers x (output, weights)
  // The chosen config's top-1 on the split = qgen eval of the written quant.json.
  const Proc e = qgen(dir, "eval " + quote(kNet) + " --config " + quote(out + "/quant.json") + cal + " --data " + quote(set.dir) + " --threads 1");
  REQUIRE(e.status == 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", a.at("top1").get<double>());
  CHECK(line_value(e.out, "top-1: ") == buf);
  // The last refinement step's (else the start's) top-1 is the chosen config's; the CSV has every step.
  const auto& refine = a.at("refine");
  if (!refine.empty()) CHECK(refine.back().at("top1").get<double>() == a.at("top1").get<double>());
  const std::string csv = qgt::read_file(out + "/pareto.csv");
  CHECK_THAT(csv, Catch::StartsWith("config,flash_bytes,ram_bytes,top1,fits,pareto_flash,pareto_ram\nint8," +
                                    std::to_string(a.at("flash_before").get<int64_t>()) + ","));
  CHECK_THAT(csv, Catch::Contains("aware step " + std::to_string(a.at("steps").size()) + ","));
  if (!refine.empty())
    CHECK_THAT(csv, Catch::Contains("aware refine " + std::to_string(refine.size()) + "," + std::to_string(a.at("flash_after").get<int64_t>()) + ","));
  CHECK_THAT(csv, Catch::Contains("\nrule,"));
  // Budgets no width can meet: one error line before anything is measured, no output folder.
  const Proc bad = qgen(dir, "plan " + quote(kNet) + " --flash 0 --ram 3000 --stack 0 --data " + quote(set.dir) + cal + " -o " + quote(dir + "/bad"));
  CHECK(bad.status == 1);
  CHECK(lines_of(bad.err).size() == 1);
  CHECK_THAT(bad.err, Catch::Contains("over the budget of 3000"));
  CHECK(!std::filesystem::exists(dir + "/bad"));
  qgt::remove_dir(dir);
}
