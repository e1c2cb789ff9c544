#include "frontend/netjson.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "frontend/param_layout.h"
#include "ir/diag.h"
#include "ir/input_file.h"
#include "ir/json_parse.h"
#include "ir/op_table.h"

namespace qg::frontend {
namespace {

using json = nlohmann::json;
using ir::Graph;
using ir::Node;

// A JSON value together with its path, so every error names where it is.
struct J {
  const json& v;
  std::string path;
  const std::string& file;

  [[noreturn]] void fail(const std::string& msg) const { user_error(file, path.empty() ? "(top level)" : path, msg); }
  J at(const std::string& key) const {
    return J{v.at(key), path.empty() ? key : path + "." + key, file};
  }
  J at(size_t i) const { return J{v.at(i), path + "[" + std::to_string(i) + "]", file}; }
  bool has(const std::string& key) const { return v.is_object() && v.contains(key); }

  static const char* type_name(const json& x) {
    if (x.is_null()) return "null";
    if (x.is_boolean()) return "a boolean";
    if (x.is_number()) return "a number";
    if (x.is_string()) return "a string";
    if (x.is_array()) return "an array";
    return "an object";
  }
  void expect_object() const {
    if (!v.is_object()) fail(std::string("must be an object, got ") + type_name(v));
  }
  void expect_array() const {
    if (!v.is_array()) fail(std::string("must be an array, got ") + type_name(v));
  }
  std::string str() const {
    if (!v.is_string()) fail(std::string("must be a string, got ") + type_name(v));
    return v.get<std::string>();
  }
  int64_t integer() const {
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) >= 9.2e18) fail("integer out of range");
      fail("must be an integer, got the floating-point number " + v.dump());
    }
    if (!v.is_number_integer()) fail(std::string("must be an integer, got ") + type_name(v));
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) fail("integer out of range");
    return v.get<int64_t>();
  }
  int64_t integer_in(int64_t lo, int64_t hi) const {
    int64_t x = integer();
    if (x < lo) fail("must be >= " + std::to_string(lo) + ", got " + std::to_string(x));
    if (x > hi) fail("must be <= " + std::to_string(hi) + ", got " + std::to_string(x));
    return x;
  }
  double number() const {
    if (!v.is_number()) fail(std::string("must be a number, got ") + type_name(v));
    return v.get<double>();
  }
  bool boolean() const {
    if (!v.is_boolean()) fail(std::string("must be true or false, got ") + type_name(v));
    return v.get<bool>();
  }
  void only_keys(const std::set<std::string>& allowed) const {
    expect_object();
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!allowed.count(it.key())) {
        std::string known;
        for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
        user_error(file, (path.empty() ? "" : path + ".") + printable_name(it.key()),
                   "unknown key (allowed here: " + known + ")");
      }
  }
  void require(const std::string& key) const {
    if (!has(key)) fail("missing required key '" + key + "'");
  }
};

// A file path for a one-line message: like printable_name, but keeps '/'.
std::string printable_path(const std::string& p) {
  std::string out, part;
  for (char c : p + "/") {
    if (c != '/') {
      part += c;
      continue;
    }
    out += printable_name(part) + "/";
    part.clear();
  }
  out.pop_back();
  return out;
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

int64_t checked_numel(const J& shape_j, const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    n *= d;  // d <= 2^24 and n <= 2^31 before, so no overflow
    if (n > kMaxElements) shape_j.fail("tensor has more than 2^31 elements");
  }
  return n;
}

std::vector<int64_t> parse_shape(const J& j) {
  j.expect_array();
  if (j.v.empty()) j.fail("shape must not be empty");
  if (j.v.size() > 4) j.fail("shape has rank " + std::to_string(j.v.size()) + "; at most 4 is supported");
  std::vector<int64_t> s;
  for (size_t i = 0; i < j.v.size(); ++i) s.push_back(j.at(i).integer_in(1, kMaxDim));
  checked_numel(j, s);
  return s;
}

// Pair-or-int attribute: 3 or [3, 2].
std::pair<int64_t, int64_t> parse_hw(const J& j, int64_t lo) {
  if (j.v.is_array()) {
    if (j.v.size() != 2) j.fail("must be an integer or a pair [h, w]");
    return {j.at(0).integer_in(lo, kMaxDim), j.at(1).integer_in(lo, kMaxDim)};
  }
  int64_t x = j.integer_in(lo, kMaxDim);
  return {x, x};
}

class Reader {
 public:
  Reader(const std::string& label, const std::string& base_dir) : file_(label), base_dir_(base_dir) {}

  Graph read(const json& root_v) {
    J root{root_v, "", file_};
    root.only_keys({"format", "version", "name", "weights", "input", "layers", "outputs"});
    root.require("format");
    root.require("version");
    if (root.at("format").str() != "qgen-net") root.at("format").fail("must be \"qgen-net\"");
    int64_t version = root.at("version").integer();
    if (version != 1) root.at("version").fail("unsupported version " + std::to_string(version) + " (this qgen reads version 1)");
    Graph g;
    g.file = file_;
    if (root.has("name")) {
      g.name = root.at("name").str();
      if (g.name.empty()) root.at("name").fail("must not be empty");
    }
    if (root.has("weights")) {
      J wj = root.at("weights");
      std::string wf = wj.str();
      if (wf.empty()) wj.fail("must not be empty");
      weights_path_ = (wf[0] == '/' || base_dir_.empty()) ? wf : base_dir_ + "/" + wf;
      weights_json_path_ = wj.path;
      open_weights(wj);
    }
    root.require("input");
    // One input (an object) or several (an array of objects, in model order;
    // layers name them in "inputs").
    J input = root.at("input");
    if (input.v.is_array()) {
      if (input.v.empty()) input.fail("the network has no input");
      if (input.v.size() > 64) input.fail("more than 64 inputs");
      for (size_t i = 0; i < input.v.size(); ++i) {
        const int id = read_input(g, input.at(i), i > 0);
        if (i > 0) g.more_inputs.push_back(id);
      }
    } else {
      read_input(g, input, false);
    }
    root.require("layers");
    J layers = root.at("layers");
    layers.expect_array();
    if (layers.v.empty()) layers.fail("the network has no layers");
    if (layers.v.size() > kMaxLayers) layers.fail("more than " + std::to_string(kMaxLayers) + " layers");
    int prev = g.input;
    for (size_t i = 0; i < layers.v.size(); ++i) prev = read_layer(g, layers.at(i), prev);
    g.output = prev;
    if (root.has("outputs")) {
      J outs = root.at("outputs");
      outs.expect_array();
      if (outs.v.empty()) outs.fail("needs at least one layer name");
      if (outs.v.size() > 64) outs.fail("more than 64 outputs");
      for (size_t i = 0; i < outs.v.size(); ++i) {  // in model order
        std::string name = outs.at(i).str();
        auto it = by_name_.find(name);
        if (it == by_name_.end()) outs.at(i).fail("no layer named '" + printable_name(name) + "'");
        if (g.input_index(it->second) >= 0) outs.at(i).fail("the output must be a layer, not a network input");
        if (i == 0) g.output = it->second;
        else if (g.output_index(it->second) >= 0) outs.at(i).fail("'" + printable_name(name) + "' is already an output");
        else g.more_outputs.push_back(it->second);
      }
    }
    return g;
  }

 private:
  std::string file_, base_dir_, weights_path_, weights_json_path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> wfile_{nullptr, &std::fclose};
  int64_t wsize_ = 0;
  std::map<std::string, int> by_name_;

  void open_weights(const J& wj) {
    if (is_directory(weights_path_)) wj.fail("weight file '" + printable_path(weights_path_) + "' is a directory");
    InputFile in;
    const std::string why = open_input_file(weights_path_, in);
    if (!why.empty()) {
      const std::string f = "weight file '" + printable_path(weights_path_) + "'";
      wj.fail(why.rfind("cannot open file", 0) == 0 ? "cannot open " + f + why.substr(16) : f + " " + why);
    }
    wfile_ = std::move(in.f);
    wsize_ = in.size;
  }

  int add_tensor(Graph& g, const std::string& name) {
    ir::Tensor t;
    t.name = name;
    g.tensors.push_back(std::move(t));
    int id = static_cast<int>(g.tensors.size()) - 1;
    by_name_[name] = id;
    return id;
  }

  // Reads one graph input; returns its tensor. Every input of a model shares
  // its layout (one layout per model: ir::Graph::layout).
  int read_input(Graph& g, const J& in, bool more) {
    const ir::Layout first_layout = g.layout;
    in.only_keys({"name", "shape", "layout"});
    in.require("name");
    in.require("shape");
    std::string name = in.at("name").str();
    if (name.empty()) in.at("name").fail("must not be empty");
    std::vector<int64_t> shape = parse_shape(in.at("shape"));
    if (shape.size() == 3) {
      std::string layout = in.has("layout") ? in.at("layout").str() : "";
      if (layout == "CHW") g.layout = ir::Layout::CHW;
      else if (layout == "HWC") g.layout = ir::Layout::HWC;
      else if (layout.empty()) in.fail("an image input (rank 3) needs \"layout\": \"CHW\" or \"HWC\"");
      else in.at("layout").fail("must be \"CHW\" or \"HWC\" for a rank-3 input, got \"" + printable_name(layout) + "\"");
    } else if (shape.size() == 1) {
      g.layout = ir::Layout::Vector;
      if (in.has("layout") && in.at("layout").str() != "C") in.at("layout").fail("must be \"C\" for a vector input");
    } else {
      in.at("shape").fail("input must have rank 1 (vector) or 3 (image, without batch), got rank " + std::to_string(shape.size()));
    }
    if (more && g.layout != first_layout)
      in.fail(std::string("every input of a model has the same layout; the first is ") + ir::layout_name(first_layout) + ", this one " +
              ir::layout_name(g.layout));
    if (by_name_.count(name)) in.at("name").fail("duplicate name '" + printable_name(name) + "'");
    const int id = add_tensor(g, name);
    if (!more) g.input = id;
    g.tensor(id).shape = ir::internal_shape(shape, g.layout);
    if (g.name.empty()) g.name = "model";
    return id;
  }

  ir::Param read_param(const J& p) {
    p.only_keys({"offset", "shape", "data", "random", "scale"});
    p.require("shape");
    ir::Param r;
    r.shape = parse_shape(p.at("shape"));
    const int64_t n = checked_numel(p.at("shape"), r.shape);
    if (int(p.has("offset")) + int(p.has("data")) + int(p.has("random")) != 1)
      p.fail("needs exactly one of \"offset\" (into the weight file), \"data\" (inline) or \"random\" (a seed)");
    if (p.has("scale") && !p.has("random")) p.at("scale").fail("\"scale\" goes with \"random\"");
    if (p.has("random")) {
      // Seeded pseudo-random values (docs/net-format.md): splitmix64, uniform
      // in [-scale, scale]; default scale 1/sqrt(fan-in) (0.1 for rank 1).
      uint64_t state = static_cast<uint64_t>(p.at("random").integer_in(0, INT64_MAX));
      double scale = r.shape.size() >= 2 ? 1.0 / std::sqrt(static_cast<double>(n / r.shape[0])) : 0.1;
      if (p.has("scale")) {
        scale = p.at("scale").number();
        if (!(scale >= 0.0 && scale <= 1e30)) p.at("scale").fail("must be a number from 0 to 1e30");
      }
      r.data.resize(static_cast<size_t>(n));
      for (float& f : r.data) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        f = static_cast<float>((static_cast<double>(z >> 40) / 16777216.0 * 2.0 - 1.0) * scale);
      }
      return r;
    }
    if (p.has("data")) {
      J d = p.at("data");
      d.expect_array();
      if (static_cast<int64_t>(d.v.size()) != n)
        d.fail("has " + std::to_string(d.v.size()) + " values, shape " + ir::shape_str(r.shape) + " needs " + std::to_string(n));
      r.data.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        double x = d.at(static_cast<size_t>(i)).number();
        float f = static_cast<float>(x);
        if (!std::isfinite(f)) d.at(static_cast<size_t>(i)).fail("value is not a finite float32");
        r.data[static_cast<size_t>(i)] = f;
      }
    } else {
      J o = p.at("offset");
      int64_t off = o.integer_in(0, INT64_MAX / 2);
      if (!wfile_) o.fail("tensor refers to the weight file, but the net has no top-level \"weights\" key");
      if (off + 4 * n > wsize_)
        o.fail("tensor of " + std::to_string(4 * n) + " bytes at offset " + std::to_string(off) + " runs past the end of the weight file (" +
               std::to_string(wsize_) + " bytes)");
      // Read the little-endian float32 values straight into the tensor (no
      // staging buffer: the VGG-16 fc6 weight alone is 411 MB).
      r.data.resize(static_cast<size_t>(n));
      const size_t bytes = static_cast<size_t>(4 * n);
      if (std::fseek(wfile_.get(), static_cast<long>(off), SEEK_SET) != 0 ||
          std::fread(r.data.data(), 1, bytes, wfile_.get()) != bytes)
        o.fail("cannot read the weight file");
      float* f = r.data.data();
      if (!host_is_little_endian())
        for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
          uint32_t u;
          std::memcpy(&u, &f[i], 4);
          u = byteswap32(u);
          std::memcpy(&f[i], &u, 4);
        }
      // Finite <=> exponent bits not all ones. Branch-free scan first; the
      // exact index is looked up only for the error message.
      uint32_t bad = 0;
      for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
        uint32_t u;
        std::memcpy(&u, &f[i], 4);
        bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
      }
      if (bad)
        for (int64_t i = 0; i < n; ++i)
          if (!std::isfinite(r.data[static_cast<size_t>(i)]))
            o.fail("value " + std::to_string(i) + " of the tensor is not finite (NaN or Inf)");
    }
    return r;
  }

  static bool host_is_little_endian() {
    const uint32_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
  }
  static uint32_t byteswap32(uint32_t x) { return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24); }

  int read_layer(Graph& g, const J& L, int prev) {
    L.expect_object();
    L.require("op");
    std::string opname = L.at("op").str();
    const ir::OpInfo* info = ir::find_op(opname);
    if (!info) L.at("op").fail("unknown op '" + printable_name(opname) + "' (known: " + ir::known_op_names() + ")");
    std::set<std::string> allowed = {"name", "op", "inputs"};
    if (info->attrs & ir::kAttrWindow) allowed.insert({"kernel", "stride", "padding"});
    if (info->attrs & ir::kAttrDilation) allowed.insert("dilation");
    if (info->attrs & ir::kAttrGroups) allowed.insert("groups");
    if (info->attrs & ir::kAttrAxis) allowed.insert("axis");
    if (info->attrs & ir::kAttrShape) allowed.insert("shape");
    if (info->attrs & ir::kAttrCountPad) allowed.insert("count_include_pad");
    if (info->attrs & ir::kAttrEpsilon) allowed.insert("epsilon");
    if (info->attrs & ir::kAttrRange) allowed.insert({"begin", "end"});
    if (info->attrs & ir::kAttrAlpha) allowed.insert("alpha");
    for (const char* p : info->params) allowed.insert(p);
    L.only_keys(allowed);
    L.require("name");
    Node n;
    n.op = info->op;
    n.src = L.path;
    n.name = L.at("name").str();
    if (n.name.empty()) L.at("name").fail("must not be empty");
    if (by_name_.count(n.name)) L.at("name").fail("duplicate name '" + printable_name(n.name) + "'");

    // Inputs.
    if (L.has("inputs")) {
      J ins = L.at("inputs");
      ins.expect_array();
      for (size_t i = 0; i < ins.v.size(); ++i) {
        std::string nm = ins.at(i).str();
        auto it = by_name_.find(nm);
        if (it == by_name_.end()) ins.at(i).fail("no earlier layer or input named '" + printable_name(nm) + "'");
        n.inputs.push_back(it->second);
      }
    } else {
      n.inputs.push_back(prev);
    }
    const int ni = static_cast<int>(n.inputs.size());
    if (ni < info->min_inputs || (info->max_inputs >= 0 && ni > info->max_inputs))
      L.fail(opname + " takes " +
             (info->max_inputs < 0 ? "at least " + std::to_string(info->min_inputs)
                                   : info->min_inputs == info->max_inputs ? std::to_string(info->min_inputs)
                                                                          : std::to_string(info->min_inputs) + " to " +
                                                                                std::to_string(info->max_inputs)) +
             " input(s), got " + std::to_string(ni));

    // Attributes.
    ir::Window& w = n.attrs.win;
    if (info->attrs & ir::kAttrWindow) {
      if (L.has("kernel")) std::tie(w.kh, w.kw) = parse_hw(L.at("kernel"), 1);
      else if (info->attrs & ir::kAttrKernelReq) L.fail("missing required key 'kernel'");
      w.sh = w.kh;
      w.sw = w.kw;
      if (!(info->attrs & ir::kAttrKernelReq)) w.sh = w.sw = 1;  // conv: stride 1; pools: the kernel
      if (L.has("stride")) std::tie(w.sh, w.sw) = parse_hw(L.at("stride"), 1);
      if (L.has("padding")) {
        J p = L.at("padding");
        if (p.v.is_array() && p.v.size() == 4) {
          w.pt = p.at(0).integer_in(0, kMaxDim);
          w.pl = p.at(1).integer_in(0, kMaxDim);
          w.pb = p.at(2).integer_in(0, kMaxDim);
          w.pr = p.at(3).integer_in(0, kMaxDim);
        } else if (p.v.is_array() && p.v.size() != 2) {
          p.fail("must be an integer, [h, w] or [top, left, bottom, right]");
        } else {
          std::tie(w.pt, w.pl) = parse_hw(p, 0);
          w.pb = w.pt;
          w.pr = w.pl;
        }
      }
      if (L.has("dilation")) std::tie(w.dh, w.dw) = parse_hw(L.at("dilation"), 1);
    }
    if (L.has("groups")) n.attrs.groups = L.at("groups").integer_in(1, kMaxDim);
    if (L.has("count_include_pad")) n.attrs.count_include_pad = L.at("count_include_pad").boolean();
    if (L.has("shape")) {
      J s = L.at("shape");
      s.expect_array();
      if (s.v.empty() || s.v.size() > 4) s.fail("must have 1 to 4 entries");
      for (size_t i = 0; i < s.v.size(); ++i) n.attrs.target_shape.push_back(s.at(i).integer_in(-1, kMaxDim));
    } else if (info->attrs & ir::kAttrShape) {
      L.fail("missing required key 'shape'");
    }
    if (info->attrs & ir::kAttrAxis) {
      const auto& s0 = g.tensor(n.inputs[0]).shape;
      const int64_t rank = static_cast<int64_t>(s0.size());
      int64_t ax = L.has("axis") ? L.at("axis").integer_in(-rank, rank - 1) : 0;
      if (ax < 0) ax += rank;
      // logical -> internal axis
      if (rank == 3 && g.layout == ir::Layout::CHW) ax = (ax == 0) ? 2 : ax - 1;
      else if (rank == 3 && !L.has("axis")) ax = 2;  // HWC default: channels
      n.attrs.axis = ax;
    }
    if (info->attrs & ir::kAttrRange) {  // shape inference checks them against the axis
      L.require("begin");
      L.require("end");
      n.attrs.begin = L.at("begin").integer_in(0, kMaxDim);
      n.attrs.end = L.at("end").integer_in(0, kMaxDim);
    }
    if (info->attrs & ir::kAttrAlpha) {  // default 0.01 (ONNX LeakyRelu)
      const double alpha = L.has("alpha") ? L.at("alpha").number() : 0.01;
      if (!std::isfinite(alpha) || std::fabs(alpha) > 1e6) L.at("alpha").fail("must be a finite number");
      n.attrs.alpha = static_cast<float>(alpha);
    }
    if (info->attrs & ir::kAttrEpsilon) {
      double eps = L.has("epsilon") ? L.at("epsilon").number() : 1e-5;
      if (!(eps > 0.0) || !std::isfinite(eps)) L.at("epsilon").fail("must be a positive number");
      n.attrs.epsilon = static_cast<float>(eps);
    }

    // Parameters.
    if (info->param_form == ir::ParamForm::BatchNorm) {
      for (const char* k : {"scale", "bias", "mean", "var"}) L.require(k);
      ir::Param sc = read_param(L.at("scale")), bi = read_param(L.at("bias")), mu = read_param(L.at("mean")),
                va = read_param(L.at("var"));
      const size_t C = sc.data.size();
      for (auto [p, k] : {std::pair{&bi, "bias"}, {&mu, "mean"}, {&va, "var"}})
        if (p->data.size() != C || p->shape.size() != 1) L.at(k).fail("must have shape [" + std::to_string(C) + "] like scale");
      if (sc.shape.size() != 1) L.at("scale").at("shape").fail("must have rank 1");
      n.weight.shape = n.bias.shape = {static_cast<int64_t>(C)};
      for (size_t c = 0; c < C; ++c) {
        if (va.data[c] < 0) L.at("var").fail("variance must be >= 0");
        float s, shift;
        batchnorm_scale_shift(sc.data[c], bi.data[c], mu.data[c], va.data[c], n.attrs.epsilon, s, shift);
        n.weight.data.push_back(s);
        n.bias.data.push_back(shift);
      }
    } else if (!info->params.empty()) {
      L.require("weight");
      n.weight = read_param(L.at("weight"));
      if (L.has("bias")) n.bias = read_param(L.at("bias"));
      if (info->param_form == ir::ParamForm::ConvOIHW) {
        if (n.weight.shape.size() != 4) L.at("weight").at("shape").fail("conv2d weight must have rank 4 [O, C/groups, kh, kw]");
        const int64_t kh = n.weight.shape[2], kw = n.weight.shape[3];
        if (L.has("kernel") && (w.kh != kh || w.kw != kw))
          L.at("kernel").fail("kernel " + std::to_string(w.kh) + "x" + std::to_string(w.kw) + " does not match the weight's " +
                              std::to_string(kh) + "x" + std::to_string(kw));
        oihw_to_ohwi(n.weight);
      }
    }

    // Output tensor and shape inference.
    n.output = add_tensor(g, n.name);
    if ((info->rank_in == 3 || info->rank_in == 1)) {
      for (int t : n.inputs)
        if (static_cast<int>(g.tensor(t).shape.size()) != info->rank_in)
          L.fail(opname + " needs a " + (info->rank_in == 3 ? "rank-3 image" : "vector (rank-1)") + " input, but '" +
                 printable_name(g.tensor(t).name) + "' has shape " + ir::shape_str(ir::logical_shape(g.tensor(t).shape, g.layout)) +
                 (info->rank_in == 1 ? " (add a flatten layer)" : ""));
    }
    g.nodes.push_back(std::move(n));
    Node& added = g.nodes.back();
    info->infer(g, added);
    const ir::Tensor& o = g.tensor(added.output);
    int64_t total = 1;
    for (int64_t d : o.shape) {
      if (d > kMaxDim) L.fail("output dimension " + std::to_string(d) + " exceeds 2^24");
      total *= d;
      if (total > kMaxElements) L.fail("output tensor has more than 2^31 elements");
    }
    return added.output;
  }
};

std::string dir_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  return pos == std::string::npos ? std::string(".") : path.substr(0, pos == 0 ? 1 : pos);
}

std::string stem_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  std::string base = pos == std::string::npos ? path : path.substr(pos + 1);
  auto dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

}  // namespace

ir::Graph parse_netjson(const std::string& text, const std::string& label, const std::string& base_dir) {
  const json root = parse_user_json(text, label);
  Reader r(label, base_dir);
  try {
    return r.read(root);
  } catch (const json::exception& e) {
    internal_error(__FILE__, __LINE__, std::string("unexpected JSON access error: ") + e.what());
  }
}

ir::Graph load_netjson(const std::string& path) {
  if (is_directory(path)) user_error(path, "", "is a directory, not a net.json file");
  const std::string text = read_input_file(path);
  ir::Graph g = parse_netjson(text, path, dir_of(path));
  if (g.name == "model") {
    // No "name" key: use the file name.
    if (text.find("\"name\"") == std::string::npos || !json::parse(text).contains("name")) g.name = stem_of(path);
  }
  return g;
}

}  // namespace qg::frontend
