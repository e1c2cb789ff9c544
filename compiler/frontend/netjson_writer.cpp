#include "frontend/netjson_writer.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "frontend/param_layout.h"
#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::frontend {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

// One key per line; arrays of numbers and small objects stay on one line.
std::string pretty(const ojson& v, size_t indent) {
  const std::string flat = v.dump();
  if (!v.is_structured() || flat.size() + indent <= 80) return flat;
  const std::string pad(indent + 1, ' ');
  std::string s;
  if (v.is_array()) {
    bool scalars = true;
    for (const auto& e : v) scalars = scalars && !e.is_structured();
    if (scalars) return flat;
    for (const auto& e : v) s += (s.empty() ? "" : ",\n") + pad + pretty(e, indent + 1);
    return "[\n" + s + "\n" + std::string(indent, ' ') + "]";
  }
  for (auto it = v.begin(); it != v.end(); ++it)
    s += (s.empty() ? "" : ",\n") + pad + ojson(it.key()).dump() + ": " + pretty(it.value(), indent + 1);
  return "{\n" + s + "\n" + std::string(indent, ' ') + "}";
}

class Writer {
 public:
  Writer(const ir::Graph& g, const std::string& weights_name) : g_(g), weights_name_(weights_name) {}

  NetJsonFiles run() {
    for (const ir::Tensor& t : g_.tensors)
      if (t.dtype != ir::DType::F32)
        fail("", "tensor '" + printable_name(t.name) + "' is int8; net.json v1 holds float networks (compile the quantized model file directly)");
    ojson inputs = ojson::array();  // model order; one input is written as an object (the common form)
    for (int id : g_.inputs()) {
      const ir::Tensor& in = g_.tensor(id);
      if (in.name.empty()) fail("", "the network input has no name");
      layer_of_[id] = in.name;
      names_.insert(in.name);
      ojson input;
      input["name"] = in.name;
      input["shape"] = ir::logical_shape(in.shape, g_.layout);
      // A vector input is layout "C" in net.json (TFLite imports keep HWC for any rank).
      input["layout"] = in.shape.size() == 1 ? "C" : ir::layout_name(g_.layout);
      inputs.push_back(input);
    }

    ojson doc;
    doc["format"] = "qgen-net";
    doc["version"] = 1;
    doc["name"] = g_.name;
    doc["weights"] = weights_name_;
    doc["input"] = g_.more_inputs.empty() ? inputs[0] : inputs;
    ojson layers = ojson::array();
    int prev = g_.input;
    for (const ir::Node& n : g_.nodes) prev = write_node(n, prev, layers);
    doc["layers"] = layers;
    ojson outputs = ojson::array();
    for (int id : g_.outputs()) outputs.push_back(layer_of_.at(id));
    doc["outputs"] = outputs;
    NetJsonFiles f;
    f.json = pretty(doc, 0) + "\n";
    f.weights = std::move(bin_);
    return f;
  }

 private:
  const ir::Graph& g_;
  std::string weights_name_;
  std::string bin_;
  std::map<int, std::string> layer_of_;  // tensor id -> layer (or input) name producing it
  std::set<std::string> names_;

  [[noreturn]] void fail(const std::string& path, const std::string& msg) const { user_error(g_.file, path, msg); }

  std::string claim(const std::string& want, const ir::Node& n) {
    if (want.empty()) fail(n.src, "layer has no name; net.json needs one");
    if (!names_.insert(want).second) fail(n.src, "layer name '" + printable_name(want) + "' is used twice; net.json needs unique names");
    return want;
  }

  std::string unique(const std::string& base) {
    std::string s = base;
    for (int k = 1; names_.count(s); ++k) s = base + "_" + std::to_string(k);
    names_.insert(s);
    return s;
  }

  ojson param(const std::vector<int64_t>& shape, const std::vector<float>& data) {
    ojson p;
    p["offset"] = static_cast<int64_t>(bin_.size());
    p["shape"] = shape;
    const size_t at = bin_.size();
    bin_.resize(at + 4 * data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      uint32_t u;
      std::memcpy(&u, &data[i], 4);
      for (int b = 0; b < 4; ++b) bin_[at + 4 * i + static_cast<size_t>(b)] = static_cast<char>((u >> (8 * b)) & 0xffu);
    }
    return p;
  }

  static ojson pair(int64_t a, int64_t b) { return ojson::array({a, b}); }

  // Logical (declared-layout) concat axis of an internal axis.
  int64_t logical_axis(const ir::Node& n) const {
    const size_t rank = g_.in(n).shape.size();
    if (rank == 3 && g_.layout == ir::Layout::CHW) return n.attrs.axis == 2 ? 0 : n.attrs.axis + 1;
    return n.attrs.axis;
  }

  int write_node(const ir::Node& n, int prev, ojson& layers) {
    const ir::OpInfo& info = ir::op_info(n.op);
    if (info.internal) fail(n.src, std::string("op ") + info.name + " has no net.json form");
    ojson L;
    L["name"] = claim(n.name, n);
    L["op"] = info.name;
    if (n.inputs.size() != 1 || n.inputs[0] != prev) {
      ojson ins = ojson::array();
      for (int t : n.inputs) ins.push_back(layer_of_.at(t));
      L["inputs"] = ins;
    }
    const ir::Window& w = n.attrs.win;
    auto window = [&](bool kernel) {
      if (kernel) L["kernel"] = pair(w.kh, w.kw);
      L["stride"] = pair(w.sh, w.sw);
      L["padding"] = ojson::array({w.pt, w.pl, w.pb, w.pr});
    };
    // Attributes in a fixed key order, by the op's attribute groups.
    if (info.attrs & ir::kAttrWindow) window(info.attrs & ir::kAttrKernelReq);
    if (info.attrs & ir::kAttrDilation) L["dilation"] = pair(w.dh, w.dw);
    if (info.attrs & ir::kAttrGroups) L["groups"] = n.attrs.groups;
    if (info.attrs & ir::kAttrCountPad) L["count_include_pad"] = n.attrs.count_include_pad;
    if (info.attrs & ir::kAttrAxis) L["axis"] = logical_axis(n);
    if (info.attrs & ir::kAttrRange) {
      L["begin"] = n.attrs.begin;
      L["end"] = n.attrs.end;
    }
    if (info.attrs & ir::kAttrShape) L["shape"] = n.attrs.target_shape;
    if (info.attrs & ir::kAttrAlpha) L["alpha"] = n.attrs.alpha;
    if (info.attrs & ir::kAttrEpsilon) L["epsilon"] = kWriterBnEpsilon;
    if (n.attrs.beta != 1.0f) fail(n.src, std::string(info.name) + " with beta != 1 has no net.json v1 form");
    // Parameters, by their net.json form.
    switch (info.param_form) {
      case ir::ParamForm::None:
        break;
      case ir::ParamForm::ConvOIHW: {
        const ir::Param oihw = ohwi_to_oihw(n.weight);
        L["weight"] = param(oihw.shape, oihw.data);
        if (!n.bias.empty()) L["bias"] = param(n.bias.shape, n.bias.data);
        break;
      }
      case ir::ParamForm::Matrix:
        L["weight"] = param(n.weight.shape, n.weight.data);
        if (!n.bias.empty()) L["bias"] = param(n.bias.shape, n.bias.data);
        break;
      case ir::ParamForm::BatchNorm: {  // the folded scale / shift with mean 0 and var kWriterBnVar
        const size_t C = n.weight.data.size();
        const std::vector<int64_t> s = {static_cast<int64_t>(C)};
        L["scale"] = param(s, n.weight.data);
        L["bias"] = param(s, n.bias.data);
        L["mean"] = param(s, std::vector<float>(C, 0.0f));
        L["var"] = param(s, std::vector<float>(C, kWriterBnVar));
        break;
      }
    }
    layers.push_back(L);
    layer_of_[n.output] = n.name;
    if (n.act == ir::Activation::None) return n.output;
    // A fused activation becomes its own layer, which then produces the tensor.
    const std::string op = ir::op_info(ir::activation_op(n.act)).name;
    ojson A;
    A["name"] = unique(n.name + "_" + op);
    A["op"] = op;
    layers.push_back(A);
    layer_of_[n.output] = A["name"].get<std::string>();
    return n.output;
  }
};

}  // namespace

NetJsonFiles to_netjson(const ir::Graph& g, const std::string& weights_name) { return Writer(g, weights_name).run(); }

std::string write_netjson(const ir::Graph& g, const std::string& json_path) {
  const fs::path jp(json_path);
  if (!jp.has_filename()) user_error(json_path, "", "is not a file name");
  const fs::path wp = fs::path(jp).replace_extension(".bin");
  if (wp == jp) user_error(json_path, "", "the net.json file must not end in .bin (its weights go to <name>.bin)");
  NetJsonFiles files = to_netjson(g, wp.filename().string());

  std::error_code ec;
  if (fs::is_directory(jp, ec)) user_error(json_path, "", "is a directory");
  const fs::path dir = jp.has_parent_path() ? jp.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec) && !fs::create_directories(dir, ec))
    user_error(json_path, "", "cannot create the folder " + dir.string() + ": " + ec.message());
  std::random_device rd;
  const std::string tag = ".qgen-tmp-" + std::to_string(rd());
  const fs::path tj = dir / (jp.filename().string() + tag), tw = dir / (wp.filename().string() + tag);
  auto cleanup = [&] {
    fs::remove(tj, ec);
    fs::remove(tw, ec);
  };
  for (const auto& [p, content] : {std::pair{tw, &files.weights}, std::pair{tj, &files.json}}) {
    std::ofstream o(p, std::ios::binary);
    o.write(content->data(), static_cast<std::streamsize>(content->size()));
    o.close();
    if (!o) {
      cleanup();
      user_error(p == tj ? json_path : wp.string(), "", "cannot write the file");
    }
  }
  fs::rename(tw, wp, ec);
  if (!ec) fs::rename(tj, jp, ec);
  if (ec) {
    cleanup();
    user_error(json_path, "", "cannot move the written files into place: " + ec.message());
  }
  return wp.string();
}

}  // namespace qg::frontend
