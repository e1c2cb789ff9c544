#include "frontend/onnx.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "frontend/netjson.h"  // kMaxDim, kMaxElements
#include "frontend/param_layout.h"
#include "ir/diag.h"
#include "ir/input_file.h"
#include "ir/op_table.h"

namespace qg::frontend {
namespace {

namespace pb = ::ONNX_NAMESPACE;
using ir::Graph;
using ir::Node;
using ir::Op;

std::string str(int64_t x) { return std::to_string(x); }
// A name from the model as messages print it: printable_name, but with '/'
// kept, so that PyTorch's node names read as the model spells them
// ('/maxpool1/MaxPool'). Messages only (n.src never reaches emitted C).
std::string shown(const std::string& name) {
  std::string s = printable_name(name);
  for (size_t i = 0; i < s.size() && i < name.size(); ++i)
    if (name[i] == '/') s[i] = '/';
  return s;
}
std::string q(const std::string& name) { return "'" + shown(name) + "'"; }

std::string type_name(int32_t t) {
  if (pb::TensorProto_DataType_IsValid(t)) {
    std::string s = pb::TensorProto_DataType_Name(static_cast<pb::TensorProto_DataType>(t));
    if (!s.empty()) return s;
  }
  return "type " + str(t);
}

std::string list_str(const std::vector<int64_t>& v) { return ir::shape_str(v); }

int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t d : v) p *= d;
  return p;
}

std::string stem_of(const std::string& path) {
  std::string base = std::filesystem::path(path).filename().string();
  auto dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// A constant value: an initializer, a Constant node's tensor, or a value
// folded at import (Shape, Gather, ...). Float data or integer data.
struct Const {
  bool is_float = true;
  int32_t onnx_type = pb::TensorProto::FLOAT;
  std::vector<int64_t> dims;  // empty: scalar
  std::vector<float> f;
  std::vector<int64_t> i;
  int64_t numel() const { return product(dims); }
};

struct Value {
  bool constant = false;
  // activation
  int tensor = -1;
  std::vector<int64_t> dims;  // ONNX dims, batch first: [1,C,H,W] or [1,N]
  // A 5-D view [1, G, C/G, H, W] of the 4-D `tensor` made by a Reshape
  // (split_groups = G), and that view with axes 1 and 2 transposed
  // (shuffled): the two steps of a channel shuffle. Only Reshape and
  // Transpose read such values; the Reshape back to 4-D becomes
  // channel_shuffle (or nothing, unshuffled).
  int64_t split_groups = 0;
  bool shuffled = false;
  // constant (decoded from `proto` on first use)
  pb::TensorProto* proto = nullptr;
  std::shared_ptr<Const> c;
  std::string what;  // "initializer 'W'", for messages
};

// One node being imported, for messages.
struct Ctx {
  const pb::NodeProto& n;
  size_t index;
  std::string src;  // "node 'conv1' (op Conv)"
};

uint32_t le32(const unsigned char* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint64_t le64(const unsigned char* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }

class Importer {
 public:
  Importer(pb::ModelProto& m, const std::string& file, const std::string& name) : m_(m), file_(file), name_(name) {}

  Graph run() {
    if (!m_.has_graph())
      fail("", m_.ir_version() == 0 ? "not an ONNX model (no ir_version and no graph; is this really a .onnx file?)"
                                    : "the model has no graph");
    if (m_.ir_version() <= 0) fail("", "not an ONNX model (ir_version is missing)");
    for (const pb::OperatorSetIdProto& o : m_.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = o.version();
    if (opset_ <= 0) fail("opset_import", "the model declares no opset version for the default ONNX domain");
    gp_ = m_.mutable_graph();
    g_.name = name_;
    g_.file = file_;
    g_.layout = ir::Layout::CHW;

    if (gp_->sparse_initializer_size() > 0) fail("", "sparse initializers are not supported");
    for (pb::TensorProto& t : *gp_->mutable_initializer()) {
      if (t.name().empty()) fail("", "an initializer has no name");
      if (values_.count(t.name())) fail("", "initializer " + q(t.name()) + " is defined twice");
      Value v;
      v.constant = true;
      v.proto = &t;
      v.what = "initializer " + q(t.name());
      values_[t.name()] = v;
    }
    for (const pb::ValueInfoProto& vi : gp_->value_info()) declared_[vi.name()] = &vi;
    for (const pb::ValueInfoProto& vi : gp_->output()) declared_[vi.name()] = &vi;
    for (int i = 0; i < gp_->node_size(); ++i) {
      const pb::NodeProto& n = gp_->node(i);
      for (const std::string& in : n.input())
        if (!in.empty()) consumers_[in].push_back(static_cast<size_t>(i));
    }
    for (const pb::ValueInfoProto& vi : gp_->output()) graph_outputs_.insert(vi.name());

    read_input();
    if (gp_->node_size() == 0) fail("", "the graph has no nodes");
    check_all_supported();
    done_.assign(static_cast<size_t>(gp_->node_size()), false);
    // Constant subgraphs first (Constant nodes and what folds from them), so a
    // bias defined after the Conv / MatMul it belongs to is known there.
    for (size_t i = 0; i < done_.size(); ++i) {
      Ctx c = ctx(i);
      if (foldable(c.n.op_type()) && all_inputs_constant(c) && is_default_domain(c.n)) {
        fold(c);
        done_[i] = true;
      }
    }
    for (size_t i = 0; i < done_.size(); ++i)
      if (!done_[i]) import_node(ctx(i));
    read_output();
    return std::move(g_);
  }

 private:
  pb::ModelProto& m_;
  pb::GraphProto* gp_ = nullptr;
  std::string file_, name_;
  int64_t opset_ = 0;
  Graph g_;
  std::map<std::string, Value> values_;
  std::map<std::string, const pb::ValueInfoProto*> declared_;
  std::map<std::string, std::vector<size_t>> consumers_;  // node indices reading a name
  std::set<std::string> graph_outputs_;
  std::set<std::string> names_;  // IR names in use
  std::vector<bool> done_;       // nodes already imported (constants, fused bias adds)

  [[noreturn]] void fail(const std::string& path, const std::string& msg) const { user_error(file_, path, msg); }
  [[noreturn]] void fail(const Ctx& c, const std::string& msg) const { user_error(file_, c.src, msg); }

  Ctx ctx(size_t i) const {
    const pb::NodeProto& n = gp_->node(static_cast<int>(i));
    std::string who = n.name().empty() ? "#" + str(static_cast<int64_t>(i)) : q(n.name());
    return Ctx{n, i, "node " + who + " (op " + shown(n.op_type()) + ")"};
  }

  static bool is_default_domain(const pb::NodeProto& n) { return n.domain().empty() || n.domain() == "ai.onnx"; }

  // ---------------------------------------------------------------- shapes

  // ONNX dims of an internal IR shape.
  static std::vector<int64_t> onnx_dims(const std::vector<int64_t>& s) {
    if (s.size() == 3) return {1, s[2], s[0], s[1]};
    return {1, s.at(0)};
  }

  // Declared shape of a value (value_info / graph input / graph output);
  // unknown dims are -1. Empty optional: nothing declared.
  std::optional<std::vector<int64_t>> declared_dims(const pb::ValueInfoProto& vi, const std::string& where,
                                                   const std::string& what) const {
    if (!vi.has_type() || !vi.type().has_tensor_type()) return std::nullopt;
    const auto& tt = vi.type().tensor_type();
    if (tt.elem_type() != pb::TensorProto::UNDEFINED && tt.elem_type() != pb::TensorProto::FLOAT)
      fail(where, what + " has type " + type_name(tt.elem_type()) + "; qgen supports float32 tensors only");
    if (!tt.has_shape()) return std::nullopt;
    std::vector<int64_t> d;
    for (const auto& dim : tt.shape().dim()) d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    return d;
  }

  void check_declared(const Ctx& c, const std::string& name, const std::vector<int64_t>& dims) const {
    auto it = declared_.find(name);
    if (it == declared_.end()) return;
    auto d = declared_dims(*it->second, c.src, "output " + q(name));
    if (!d) return;
    bool ok = d->size() == dims.size();
    for (size_t k = 0; ok && k < dims.size(); ++k)
      if ((*d)[k] >= 0 && (*d)[k] != dims[k]) ok = false;
    if (!ok) {
      std::string decl = "[";
      for (size_t k = 0; k < d->size(); ++k) decl += (k ? "," : "") + ((*d)[k] >= 0 ? str((*d)[k]) : std::string("?"));
      fail(c, "output " + q(name) + " has shape " + list_str(dims) + ", but the model declares " + decl + "]");
    }
  }

  // ---------------------------------------------------------------- graph input / output

  void read_input() {
    std::vector<const pb::ValueInfoProto*> ins;
    for (const pb::ValueInfoProto& vi : gp_->input())
      if (!values_.count(vi.name())) ins.push_back(&vi);  // inputs with an initializer are constants
    if (ins.empty()) fail("", "the graph has no input (every graph input has an initializer)");
    if (ins.size() > 64) fail("", "the graph has " + str(static_cast<int64_t>(ins.size())) + " inputs; qgen supports at most 64");
    // Several inputs: model order (the graph's input list), one layout.
    for (size_t k = 0; k < ins.size(); ++k) read_one_input(*ins[k], k);
  }

  void read_one_input(const pb::ValueInfoProto& vi, size_t nth) {
    const ir::Layout first_layout = g_.layout;
    const std::string where = "input " + q(vi.name());
    if (vi.name().empty()) fail("", "the graph input has no name");
    if (!vi.type().has_tensor_type()) fail(where, "is not a tensor");
    const auto& tt = vi.type().tensor_type();
    if (tt.elem_type() != pb::TensorProto::FLOAT)
      fail(where, "has type " + type_name(tt.elem_type()) + "; qgen supports float32 inputs only");
    if (!tt.has_shape()) fail(where, "has no shape; qgen needs static shapes (except the batch dimension)");
    const auto& dims = tt.shape().dim();
    const int rank = dims.size();
    if (rank != 4 && rank != 2)
      fail(where, "has rank " + str(rank) + "; qgen supports [N, C, H, W] images and [N, F] vectors");
    if (dims[0].has_dim_value() && dims[0].dim_value() != 1)
      fail(where, "has batch size " + str(dims[0].dim_value()) +
                      "; qgen compiles batch-1 models (export with batch 1 or a dynamic batch dimension)");
    std::vector<int64_t> d = {1};
    static const char* kAxis4[] = {"batch", "channels", "height", "width"};
    for (int k = 1; k < rank; ++k) {
      const char* axis = rank == 4 ? kAxis4[k] : "features";
      if (!dims[k].has_dim_value())
        fail(where, "dimension " + str(k) + " (" + axis + ") is dynamic" +
                        (dims[k].has_dim_param() ? " ('" + printable_name(dims[k].dim_param()) + "')" : std::string()) +
                        "; qgen needs static shapes except the batch dimension");
      const int64_t v = dims[k].dim_value();
      if (v < 1 || v > kMaxDim) fail(where, "dimension " + str(k) + " (" + axis + ") is " + str(v) + "; must be 1 to 2^24");
      d.push_back(v);
    }
    if (product(d) > kMaxElements) fail(where, "has more than 2^31 elements");
    ir::Tensor t;
    t.name = vi.name();
    if (rank == 4) {
      g_.layout = ir::Layout::CHW;
      t.shape = {d[2], d[3], d[1]};
    } else {
      g_.layout = ir::Layout::Vector;
      t.shape = {d[1]};
    }
    if (nth > 0 && g_.layout != first_layout)
      fail(where, std::string("is ") + (rank == 4 ? "an [N, C, H, W] image" : "an [N, F] vector") +
                      " and the first input is not; qgen needs every input of a model in the same form");
    g_.tensors.push_back(t);
    const int id = static_cast<int>(g_.tensors.size()) - 1;
    if (nth == 0) g_.input = id;
    else g_.more_inputs.push_back(id);
    names_.insert(vi.name());
    Value v;
    v.tensor = id;
    v.dims = d;
    values_[vi.name()] = v;
  }

  void read_output() {
    if (gp_->output_size() < 1) fail("", "the graph has no output");
    if (gp_->output_size() > 64) fail("", "the graph has " + str(gp_->output_size()) + " outputs; qgen supports at most 64");
    for (int k = 0; k < gp_->output_size(); ++k) {  // model order
      const std::string& name = gp_->output(k).name();
      const std::string where = "output " + q(name);
      auto it = values_.find(name);
      if (it == values_.end()) fail(where, "is not produced by any node");
      if (it->second.constant) fail(where, "is a constant; qgen needs an output computed from the input");
      if (g_.input_index(it->second.tensor) >= 0) fail(where, "is a graph input itself; the model computes nothing for it");
      if (k > 0 && g_.output_index(it->second.tensor) >= 0) fail(where, "is the same tensor as an earlier output");
      if (k == 0) g_.output = it->second.tensor;
      else g_.more_outputs.push_back(it->second.tensor);
    }
  }

  // ---------------------------------------------------------------- constants

  Const& decode(Value& v, const std::string& path) {
    if (v.c) return *v.c;
    pb::TensorProto& t = *v.proto;
    auto bad = [&](const std::string& msg) { fail(path, v.what + ": " + msg); };
    if (t.data_location() == pb::TensorProto::EXTERNAL)
      bad("its data is stored in an external file; qgen reads self-contained .onnx files (re-export without external data)");
    if (t.has_segment()) bad("segmented tensors are not supported");
    auto c = std::make_shared<Const>();
    int64_t n = 1;
    for (int64_t d : t.dims()) {
      if (d < 0 || d > kMaxDim) bad("dimension " + str(d) + " is out of range (0 to 2^24)");
      c->dims.push_back(d);
      n *= d;
      if (n > kMaxElements) bad("has more than 2^31 elements");
    }
    c->onnx_type = t.data_type();
    const std::string& raw = t.raw_data();
    const auto* rp = reinterpret_cast<const unsigned char*>(raw.data());
    auto check_count = [&](int64_t have, const char* field) {
      if (have != n)
        bad(std::string(field) + " holds " + str(have) + " values, its dims " + list_str(c->dims) + " need " + str(n));
    };
    switch (t.data_type()) {
      case pb::TensorProto::FLOAT: {
        c->is_float = true;
        if (n > 0 && raw.empty() && t.float_data_size() == 0) bad("has no data (neither raw_data nor float_data)");
        // Sizes are checked before anything is allocated: the dims of a corrupt
        // file can be huge.
        if (!raw.empty() && static_cast<int64_t>(raw.size()) != 4 * n)
          bad("raw_data has " + str(static_cast<int64_t>(raw.size())) + " bytes, its dims " + list_str(c->dims) + " need " +
              str(4 * n) + " (float32)");
        if (raw.empty()) check_count(t.float_data_size(), "float_data");
        c->f.resize(static_cast<size_t>(n));
        if (!raw.empty()) {
          for (int64_t k = 0; k < n; ++k) {
            const uint32_t u = le32(rp + 4 * k);
            std::memcpy(&c->f[static_cast<size_t>(k)], &u, 4);
          }
        } else {
          std::copy(t.float_data().begin(), t.float_data().end(), c->f.begin());
        }
        for (int64_t k = 0; k < n; ++k)
          if (!std::isfinite(c->f[static_cast<size_t>(k)])) bad("value " + str(k) + " is not finite (NaN or Inf)");
        // The decoded copy is what the graph keeps; free the serialized one.
        std::string().swap(*t.mutable_raw_data());
        t.clear_float_data();
        break;
      }
      case pb::TensorProto::INT64:
      case pb::TensorProto::INT32:
      case pb::TensorProto::BOOL: {
        c->is_float = false;
        const int64_t esz = t.data_type() == pb::TensorProto::INT64 ? 8 : t.data_type() == pb::TensorProto::INT32 ? 4 : 1;
        const bool use_raw = !raw.empty() || (t.int64_data_size() == 0 && t.int32_data_size() == 0);
        if (use_raw && static_cast<int64_t>(raw.size()) != esz * n)
          bad("raw_data has " + str(static_cast<int64_t>(raw.size())) + " bytes, its dims " + list_str(c->dims) + " need " + str(esz * n));
        if (!use_raw) check_count(t.data_type() == pb::TensorProto::INT64 ? t.int64_data_size() : t.int32_data_size(),
                                  t.data_type() == pb::TensorProto::INT64 ? "int64_data" : "int32_data");
        c->i.resize(static_cast<size_t>(n));
        if (use_raw) {
          for (int64_t k = 0; k < n; ++k) {
            const unsigned char* p = rp + esz * k;
            c->i[static_cast<size_t>(k)] = esz == 8   ? static_cast<int64_t>(le64(p))
                                           : esz == 4 ? static_cast<int64_t>(static_cast<int32_t>(le32(p)))
                                                      : int64_t{p[0] != 0};
          }
        } else if (t.data_type() == pb::TensorProto::INT64) {
          std::copy(t.int64_data().begin(), t.int64_data().end(), c->i.begin());
        } else {
          std::copy(t.int32_data().begin(), t.int32_data().end(), c->i.begin());
        }
        break;
      }
      default:
        bad("has type " + type_name(t.data_type()) + "; qgen supports float32 tensors (and int64 shape values) only");
    }
    v.c = c;
    return *c;
  }

  // ---------------------------------------------------------------- node inputs

  bool has_input(const Ctx& c, int k) const { return k < c.n.input_size() && !c.n.input(k).empty(); }

  Value& lookup(const Ctx& c, int k, const std::string& role) {
    if (!has_input(c, k))
      fail(c, "input " + str(k) + " (" + role + ") is missing; the node has " + str(c.n.input_size()) + " input(s)");
    const std::string& name = c.n.input(k);
    auto it = values_.find(name);
    if (it == values_.end())
      fail(c, "input " + q(name) + " (" + role +
                  ") is not defined: no initializer, Constant node, graph input or earlier node output has that name");
    return it->second;
  }

  // A computed tensor (not a constant).
  const Value& activation(const Ctx& c, int k, const std::string& role) {
    const Value& v = view_or_activation(c, k, role);
    if (v.split_groups)
      fail(c, "input " + q(c.n.input(k)) + " (" + role + ") is a 5-D tensor " + list_str(v.dims) +
                  "; qgen supports 5-D tensors only in a channel shuffle (Reshape to [1, G, C/G, H, W], Transpose perm [0, 2, 1, 3, 4], Reshape back)");
    return v;
  }

  const Value& view_or_activation(const Ctx& c, int k, const std::string& role) {
    Value& v = lookup(c, k, role);
    if (v.constant)
      fail(c, "input " + q(c.n.input(k)) + " (" + role + ") is a constant (" + v.what +
                  "); qgen needs a tensor computed from the network input here");
    return v;
  }

  Const& constant(const Ctx& c, int k, const std::string& role) {
    Value& v = lookup(c, k, role);
    if (!v.constant)
      fail(c, "input " + q(c.n.input(k)) + " (" + role +
                  ") must be a constant (an initializer or a Constant node); it is computed by the network");
    return decode(v, c.src);
  }

  const Const& float_constant(const Ctx& c, int k, const std::string& role) {
    Value& v = lookup(c, k, role);
    const Const& x = constant(c, k, role);
    if (!x.is_float)
      fail(c, v.what + " (" + role + ") has type " + type_name(x.onnx_type) + "; qgen supports float32 weights only");
    return x;
  }

  const Const& int_constant(const Ctx& c, int k, const std::string& role) {
    Value& v = lookup(c, k, role);
    const Const& x = constant(c, k, role);
    if (x.is_float) fail(c, v.what + " (" + role + ") has type FLOAT; an integer tensor is expected");
    return x;
  }

  bool all_inputs_constant(const Ctx& c) const {
    bool any = false;
    for (const std::string& in : c.n.input()) {
      if (in.empty()) continue;
      auto it = values_.find(in);
      if (it == values_.end() || !it->second.constant) return false;
      any = true;
    }
    return any || c.n.op_type() == "Constant";
  }

  // ---------------------------------------------------------------- attributes

  const pb::AttributeProto* attr(const Ctx& c, const char* name) const {
    for (const pb::AttributeProto& a : c.n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }

  void only_attrs(const Ctx& c, std::initializer_list<const char*> allowed) const {
    for (const pb::AttributeProto& a : c.n.attribute()) {
      bool ok = false;
      for (const char* k : allowed) ok = ok || a.name() == k;
      if (!ok) {
        std::string known;
        for (const char* k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
        fail(c, "attribute " + q(a.name()) + " is not supported" + (known.empty() ? " (the op takes none)" : " (supported: " + known + ")"));
      }
    }
  }

  static bool is(const pb::AttributeProto& a, pb::AttributeProto::AttributeType t, bool has_value) {
    return a.type() == t || (a.type() == pb::AttributeProto::UNDEFINED && has_value);
  }

  int64_t attr_int(const Ctx& c, const char* name, int64_t def) const {
    const auto* a = attr(c, name);
    if (!a) return def;
    if (!is(*a, pb::AttributeProto::INT, a->has_i())) fail(c, "attribute '" + std::string(name) + "' must be an integer");
    return a->i();
  }

  float attr_float(const Ctx& c, const char* name, float def) const {
    const auto* a = attr(c, name);
    if (!a) return def;
    if (!is(*a, pb::AttributeProto::FLOAT, a->has_f())) fail(c, "attribute '" + std::string(name) + "' must be a float");
    return a->f();
  }

  std::string attr_string(const Ctx& c, const char* name, const std::string& def) const {
    const auto* a = attr(c, name);
    if (!a) return def;
    if (!is(*a, pb::AttributeProto::STRING, a->has_s())) fail(c, "attribute '" + std::string(name) + "' must be a string");
    return a->s();
  }

  std::optional<std::vector<int64_t>> attr_ints(const Ctx& c, const char* name) const {
    const auto* a = attr(c, name);
    if (!a) return std::nullopt;
    if (!is(*a, pb::AttributeProto::INTS, a->ints_size() > 0)) fail(c, "attribute '" + std::string(name) + "' must be a list of integers");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }

  std::vector<int64_t> attr_ints(const Ctx& c, const char* name, size_t n, int64_t def, int64_t lo) const {
    auto v = attr_ints(c, name);
    if (!v) return std::vector<int64_t>(n, def);
    if (v->size() != n)
      fail(c, "attribute '" + std::string(name) + "' has " + str(static_cast<int64_t>(v->size())) + " entries; " + str(static_cast<int64_t>(n)) +
                  " expected for a 2-D op");
    for (int64_t x : *v)
      if (x < lo || x > kMaxDim) fail(c, "attribute '" + std::string(name) + "' value " + str(x) + " is out of range");
    return *v;
  }

  // ---------------------------------------------------------------- IR nodes

  std::string unique_name(const Ctx& c) {
    std::string base = !c.n.name().empty() ? c.n.name() : c.n.output_size() > 0 && !c.n.output(0).empty() ? c.n.output(0)
                                                                                                          : "node" + str(static_cast<int64_t>(c.index));
    std::string name = base;
    for (int k = 1; names_.count(name); ++k) name = base + "_" + std::to_string(k);
    names_.insert(name);
    return name;
  }

  // Adds an IR node named after the ONNX node, runs its shape inference and
  // returns its output tensor.
  int emit(const Ctx& c, Op op, std::vector<int> inputs, const ir::Attrs& attrs, ir::Param weight = {}, ir::Param bias = {}) {
    Node nd;
    nd.name = unique_name(c);
    nd.op = op;
    nd.inputs = std::move(inputs);
    nd.attrs = attrs;
    nd.weight = std::move(weight);
    nd.bias = std::move(bias);
    nd.src = c.src;
    ir::Tensor t;
    t.name = nd.name;
    g_.tensors.push_back(t);
    nd.output = static_cast<int>(g_.tensors.size()) - 1;
    g_.nodes.push_back(std::move(nd));
    Node& added = g_.nodes.back();
    try {
      ir::op_info(op).infer(g_, added);
    } catch (const UserError& e) {
      fail(c, e.message());
    }
    int64_t total = 1;
    for (int64_t d : g_.out(added).shape) {
      if (d < 1) fail(c, "output shape " + list_str(onnx_dims(g_.out(added).shape)) + " is empty");
      if (d > kMaxDim) fail(c, "output dimension " + str(d) + " exceeds 2^24");
      total *= d;
      if (total > kMaxElements) fail(c, "output tensor has more than 2^31 elements");
    }
    return added.output;
  }

  // Binds ONNX name `name` to IR tensor `t`, checking the declared shape.
  void define(const Ctx& c, const std::string& name, int t) {
    if (name.empty()) return;
    if (values_.count(name)) fail(c, "output " + q(name) + " is defined twice (ONNX graphs assign every name once)");
    Value v;
    v.tensor = t;
    v.dims = onnx_dims(g_.tensor(t).shape);
    check_declared(c, name, v.dims);
    values_[name] = v;
  }

  void define_const(const Ctx& c, const std::string& name, std::shared_ptr<Const> k) {
    if (name.empty()) return;
    if (values_.count(name)) fail(c, "output " + q(name) + " is defined twice (ONNX graphs assign every name once)");
    Value v;
    v.constant = true;
    v.c = std::move(k);
    v.what = "constant " + q(name) + " (from " + c.src + ")";
    values_[name] = v;
  }

  bool used(const std::string& name) const { return !name.empty() && (consumers_.count(name) || graph_outputs_.count(name)); }

  // Outputs beyond the first (Dropout mask, MaxPool indices, BatchNorm running
  // statistics) must not be used.
  void only_first_output(const Ctx& c) const {
    if (c.n.output_size() < 1 || c.n.output(0).empty()) fail(c, "the node has no output");
    for (int k = 1; k < c.n.output_size(); ++k)
      if (used(c.n.output(k)))
        fail(c, "output " + str(k) + " (" + q(c.n.output(k)) + ") is used; qgen supports only the first output of this op");
  }

  const Value& image(const Ctx& c, int k, const char* op) {
    const Value& v = activation(c, k, "X");
    if (v.dims.size() != 4)
      fail(c, "input " + q(c.n.input(k)) + " has shape " + list_str(v.dims) + "; " + op + " needs a 4-D [N, C, H, W] tensor");
    return v;
  }

  const Value& vec(const Ctx& c, int k, const char* op) {
    const Value& v = activation(c, k, "A");
    if (v.dims.size() != 2)
      fail(c, "input " + q(c.n.input(k)) + " has shape " + list_str(v.dims) + "; " + op +
                  " needs a 2-D [1, K] tensor (add a Flatten before it)");
    return v;
  }

  // ---------------------------------------------------------------- dispatch

  using Handler = void (Importer::*)(const Ctx&);
  // The operators the importer handles, one row each; foldable() and the
  // list in messages (supported()) are derived from it.
  struct OpHandler {
    const char* op_type;
    Handler fn;
    bool folds;       // evaluated at import time when all its inputs are constant
    bool shape_only;  // only in constant (shape) computations
  };
  static const std::vector<OpHandler>& handlers() {
    static const std::vector<OpHandler> k = {
        {"Add", &Importer::add, true, false},
        {"AveragePool", &Importer::avgpool, false, false},
        {"BatchNormalization", &Importer::batchnorm, false, false},
        {"Cast", &Importer::cast, true, false},
        {"Clip", &Importer::clip, false, false},
        {"Concat", &Importer::concat, true, false},
        {"Constant", &Importer::fold, true, false},
        {"Conv", &Importer::conv, false, false},
        {"ConvTranspose", &Importer::conv_transpose, false, false},
        {"Dropout", &Importer::dropout, false, false},
        {"Flatten", &Importer::flatten, false, false},
        {"Gather", &Importer::fold, true, true},
        {"Gemm", &Importer::gemm, false, false},
        {"Div", &Importer::binary, true, false},
        {"GlobalAveragePool", &Importer::global_avgpool, false, false},
        {"GlobalMaxPool", &Importer::global_maxpool, false, false},
        {"HardSigmoid", &Importer::hardsigmoid, false, false},
        {"HardSwish", &Importer::hardswish, false, false},
        {"Identity", &Importer::identity, true, false},
        {"LeakyRelu", &Importer::leaky_relu, false, false},
        {"MatMul", &Importer::matmul, false, false},
        {"Max", &Importer::binary, false, false},
        {"MaxPool", &Importer::maxpool, false, false},
        {"Min", &Importer::binary, false, false},
        {"Mul", &Importer::binary, true, false},
        {"Pad", &Importer::pad, false, false},
        {"ReduceMean", &Importer::reduce_mean, false, false},
        {"Relu", &Importer::relu, false, false},
        {"Sigmoid", &Importer::sigmoid, false, false},
        {"Reshape", &Importer::reshape, true, false},
        {"Shape", &Importer::fold, true, true},
        {"Slice", &Importer::slice, true, false},
        {"Softmax", &Importer::softmax, false, false},
        {"Split", &Importer::split, false, false},
        {"Squeeze", &Importer::fold, true, true},
        {"Sub", &Importer::binary, true, false},
        {"Tanh", &Importer::tanh_op, false, false},
        {"Transpose", &Importer::transpose_op, false, false},
        {"Unsqueeze", &Importer::fold, true, true},
    };
    return k;
  }

  static const OpHandler* find_handler(const std::string& op_type) {
    for (const OpHandler& h : handlers())
      if (op_type == h.op_type) return &h;
    return nullptr;
  }

 public:
  static const std::string& supported() {
    static const std::string s = [] {
      std::string any, shapes;
      for (const OpHandler& h : handlers()) {
        std::string& to = h.shape_only ? shapes : any;
        to += (to.empty() ? "" : ", ") + std::string(h.op_type);
      }
      return any + (shapes.empty() ? "" : "; " + shapes + " on constant shape values");
    }();
    return s;
  }

 private:
  static bool foldable(const std::string& op) {
    const OpHandler* h = find_handler(op);
    return h && h->folds;
  }

  // Every operator the importer has no row for, in one message: their names
  // as the model spells them, by first appearance, with counts; the first
  // such node is the message's location.
  void check_all_supported() const {
    std::vector<std::pair<std::string, int64_t>> missing;
    size_t first = 0;
    for (int i = 0; i < gp_->node_size(); ++i) {
      const pb::NodeProto& n = gp_->node(i);
      std::string key;
      if (!is_default_domain(n)) key = shown(n.op_type()) + " (domain '" + printable_name(n.domain()) + "')";
      else if (!find_handler(n.op_type())) key = shown(n.op_type());
      else continue;
      if (missing.empty()) first = static_cast<size_t>(i);
      auto it = std::find_if(missing.begin(), missing.end(), [&](const auto& m) { return m.first == key; });
      if (it == missing.end()) missing.push_back({key, 1});
      else ++it->second;
    }
    if (missing.empty()) return;
    std::string list;
    for (const auto& [name, count] : missing) list += (list.empty() ? "" : ", ") + name + " \u00d7" + str(count);
    fail(ctx(first), "unsupported: " + list + " (supported: " + supported() + ")");
  }

  void import_node(const Ctx& c) {
    if (!is_default_domain(c.n))
      fail(c, "unsupported operator from domain '" + printable_name(c.n.domain()) + "' (supported: " + supported() + ")");
    const OpHandler* h = find_handler(c.n.op_type());
    if (!h) fail(c, "unsupported operator (supported: " + supported() + ")");
    if (h->folds && all_inputs_constant(c)) return fold(c);
    (this->*(h->fn))(c);
  }

  // ---------------------------------------------------------------- windows

  // The window attributes of Conv, ConvTranspose and the pools: strides and
  // dilations (2 each, default 1), pads (4, default 0).
  struct WindowAttrs {
    std::vector<int64_t> strides, dilations, pads;
  };
  WindowAttrs window_attrs(const Ctx& c) {
    return {attr_ints(c, "strides", 2, 1, 1), attr_ints(c, "dilations", 2, 1, 1), attr_ints(c, "pads", 4, 0, 0)};
  }

  void read_window(const Ctx& c, const std::vector<int64_t>& in /*NCHW*/, int64_t kh, int64_t kw, bool allow_dilation, ir::Window& w) {
    WindowAttrs wa = window_attrs(c);
    const auto &s = wa.strides, &d = wa.dilations;
    if (!allow_dilation && (d[0] != 1 || d[1] != 1)) fail(c, "dilations other than 1 are not supported for pooling");
    auto& p = wa.pads;
    const std::string ap = attr_string(c, "auto_pad", "NOTSET");
    w.kh = kh;
    w.kw = kw;
    w.sh = s[0];
    w.sw = s[1];
    w.dh = allow_dilation ? d[0] : 1;
    w.dw = allow_dilation ? d[1] : 1;
    if (ap == "NOTSET") {
    } else if (ap == "VALID" || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      for (int64_t x : p)
        if (x != 0) fail(c, "attribute 'pads' cannot be combined with auto_pad " + ap);
      if (ap != "VALID") {
        const int64_t k[2] = {kh, kw}, st[2] = {s[0], s[1]}, dl[2] = {d[0], d[1]};
        for (int a = 0; a < 2; ++a) {
          const int64_t len = in[static_cast<size_t>(2 + a)], out = (len + st[a] - 1) / st[a];
          const int64_t total = std::max<int64_t>((out - 1) * st[a] + (k[a] - 1) * dl[a] + 1 - len, 0);
          const int64_t small = total / 2, large = total - small;
          p[static_cast<size_t>(a)] = ap == "SAME_UPPER" ? small : large;
          p[static_cast<size_t>(a + 2)] = ap == "SAME_UPPER" ? large : small;
        }
      }
    } else {
      fail(c, "auto_pad '" + printable_name(ap) + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
    }
    w.pt = p[0];
    w.pl = p[1];
    w.pb = p[2];
    w.pr = p[3];
  }

  // ---------------------------------------------------------------- ops

  // A constant added right after a linear node without bias becomes its bias.
  // Returns the Add node's index and the bias values.
  std::optional<std::pair<size_t, std::vector<float>>> bias_add_after(const Ctx& c, int64_t channels, bool conv) {
    const std::string& out = c.n.output(0);
    if (graph_outputs_.count(out)) return std::nullopt;
    auto it = consumers_.find(out);
    if (it == consumers_.end() || it->second.size() != 1) return std::nullopt;
    const size_t j = it->second[0];
    const pb::NodeProto& a = gp_->node(static_cast<int>(j));
    if (done_[j] || j <= c.index || a.op_type() != "Add" || !is_default_domain(a) || a.input_size() != 2 || a.attribute_size() != 0)
      return std::nullopt;
    if (a.input(0) == a.input(1)) return std::nullopt;
    const std::string& other = a.input(0) == out ? a.input(1) : a.input(0);
    auto v = values_.find(other);
    if (v == values_.end() || !v->second.constant) return std::nullopt;
    const Const& k = decode(v->second, ctx(j).src);
    if (!k.is_float || k.numel() != channels) return std::nullopt;
    const auto& d = k.dims;
    const bool shape_ok = conv ? (d == std::vector<int64_t>{1, channels, 1, 1} || d == std::vector<int64_t>{channels, 1, 1})
                               : (d == std::vector<int64_t>{channels} || d == std::vector<int64_t>{1, channels});
    if (!shape_ok) return std::nullopt;
    return std::make_pair(j, k.f);
  }

  // Defines the linear node's output, and the fused Add's output when there is one.
  void finish_linear(const Ctx& c, int t, std::optional<size_t> fused_add) {
    define(c, c.n.output(0), t);
    if (fused_add) {
      Ctx a = ctx(*fused_add);
      if (a.n.output_size() < 1) fail(a, "the node has no output");
      define(a, a.n.output(0), t);
      done_[*fused_add] = true;
    }
  }

  // Conv / ConvTranspose: the weight W (input 1), a 4-D float constant
  // without empty dimensions whose kernel [kH, kW] matches attribute
  // kernel_shape when given. `form` names the expected layout for the message.
  const Const& conv_weight(const Ctx& c, const std::string& form) {
    const Const& W = float_constant(c, 1, "W, the weight");
    if (W.dims.size() != 4) fail(c, "weight " + q(c.n.input(1)) + " has shape " + list_str(W.dims) + "; qgen supports " + form);
    for (int64_t d : W.dims)
      if (d < 1) fail(c, "weight " + q(c.n.input(1)) + " has an empty dimension: " + list_str(W.dims));
    if (auto ks = attr_ints(c, "kernel_shape"))
      if (*ks != std::vector<int64_t>{W.dims[2], W.dims[3]})
        fail(c, "attribute kernel_shape " + list_str(*ks) + " does not match the weight's " + list_str({W.dims[2], W.dims[3]}));
    return W;
  }

  // Conv / ConvTranspose: the bias [O], input 2 or else a constant Add right
  // after the node (bias_add_after; `fused` gets the Add's index); empty if neither.
  ir::Param conv_bias(const Ctx& c, int64_t O, std::optional<size_t>& fused) {
    if (has_input(c, 2)) {
      const Const& B = float_constant(c, 2, "B, the bias");
      if (B.dims != std::vector<int64_t>{O}) fail(c, "bias " + q(c.n.input(2)) + " has shape " + list_str(B.dims) + "; expected [" + str(O) + "]");
      return ir::Param{B.dims, B.f};
    }
    if (auto f = bias_add_after(c, O, true)) {
      fused = f->first;
      return ir::Param{{O}, std::move(f->second)};
    }
    return {};
  }

  void conv(const Ctx& c) {
    only_attrs(c, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    only_first_output(c);
    const Value& x = image(c, 0, "Conv");
    const int xt = x.tensor;
    const std::vector<int64_t> xd = x.dims;
    const Const& W = conv_weight(c, "2-D convolutions (weight [O, C/group, kH, kW])");
    ir::Attrs at;
    at.groups = attr_int(c, "group", 1);
    if (at.groups < 1 || at.groups > kMaxDim) fail(c, "attribute 'group' must be >= 1, got " + str(at.groups));
    read_window(c, xd, W.dims[2], W.dims[3], true, at.win);
    ir::Param w{W.dims, W.f};
    std::optional<size_t> fused;
    ir::Param b = conv_bias(c, W.dims[0], fused);
    oihw_to_ohwi(w);
    finish_linear(c, emit(c, Op::Conv2d, {xt}, at, std::move(w), std::move(b)), fused);
  }

  // ConvTranspose (W [C, O/group, kH, kW]): y(oy) += x(iy) * W(ky) where
  // oy = iy * stride - pad_begin + ky * dilation. Imported as a pad that
  // inserts stride - 1 zeros between the input's pixels and pads the border
  // ((k - 1) * dilation - pad_begin before, (k - 1) * dilation - pad_end +
  // output_padding after; ir::Attrs::steps), then a stride-1 conv2d with the
  // weight flipped in y and x, named after the node (quant.json names it).
  void conv_transpose(const Ctx& c) {
    only_attrs(c, {"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "pads", "strides", "output_shape"});
    only_first_output(c);
    if (attr_ints(c, "output_shape")) fail(c, "attribute 'output_shape' is not supported (give 'pads' and 'output_padding')");
    const std::string ap = attr_string(c, "auto_pad", "NOTSET");
    if (ap != "NOTSET" && ap != "VALID") fail(c, "auto_pad '" + printable_name(ap) + "' is not supported (NOTSET or VALID)");
    if (attr_int(c, "group", 1) != 1) fail(c, "group " + str(attr_int(c, "group", 1)) + " is not supported (group 1 only)");
    const Value& x = image(c, 0, "ConvTranspose");
    const int xt = x.tensor;
    const std::vector<int64_t> xd = x.dims;
    const Const& W = conv_weight(c, "2-D transposed convolutions (weight [C, O, kH, kW])");
    const int64_t C = W.dims[0], O = W.dims[1], kh = W.dims[2], kw = W.dims[3];
    if (C != xd[1]) fail(c, "weight " + q(c.n.input(1)) + " has " + str(C) + " input channels; the input has " + str(xd[1]));
    const WindowAttrs wa = window_attrs(c);
    const auto &s = wa.strides, &dl = wa.dilations;
    const auto op = attr_ints(c, "output_padding", 2, 0, 0);
    const auto p = ap == "VALID" ? std::vector<int64_t>(4, 0) : wa.pads;
    for (int a = 0; a < 2; ++a)
      if (op[static_cast<size_t>(a)] >= std::max(s[static_cast<size_t>(a)], dl[static_cast<size_t>(a)]))
        fail(c, "output_padding " + list_str(op) + " must be smaller than the stride or the dilation");
    ir::Attrs pa;
    pa.steps = {s[0], s[1], 1};
    pa.pads.assign(6, 0);
    const int64_t k[2] = {kh, kw};
    for (int a = 0; a < 2; ++a) {
      const size_t u = static_cast<size_t>(a);
      const int64_t span = (k[a] - 1) * dl[u];
      pa.pads[u] = span - p[u];
      pa.pads[3 + u] = span - p[2 + u] + op[u];
      if (pa.pads[u] < 0 || pa.pads[3 + u] < 0)
        fail(c, "pads " + list_str(p) + " exceed the dilated kernel extent " + str(span) + " (cropping is not supported)");
    }
    ir::Param w{{O, kh, kw, C}, std::vector<float>(W.f.size())};
    for (int64_t o = 0; o < O; ++o)  // OHWI, flipped in y and x
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t xx = 0; xx < kw; ++xx)
          for (int64_t ci = 0; ci < C; ++ci)
            w.data[static_cast<size_t>(((o * kh + y) * kw + xx) * C + ci)] =
                W.f[static_cast<size_t>(((ci * O + o) * kh + (kh - 1 - y)) * kw + (kw - 1 - xx))];
    std::optional<size_t> fused;
    ir::Param b = conv_bias(c, O, fused);
    const int up = emit(c, Op::Pad, {xt}, pa);
    ir::Attrs ca;
    ca.groups = 1;
    ca.win.kh = kh;
    ca.win.kw = kw;
    ca.win.dh = dl[0];
    ca.win.dw = dl[1];
    const int y = emit(c, Op::Conv2d, {up}, ca, std::move(w), std::move(b));
    // The conv takes the node's name (quant.json), the pad "<name>/zero_insert".
    Node& pn = g_.nodes[g_.nodes.size() - 2];
    Node& cn = g_.nodes.back();
    const std::string base = pn.name;
    std::string pname = base + "/zero_insert";
    for (int k2 = 1; names_.count(pname); ++k2) pname = base + "/zero_insert_" + std::to_string(k2);
    names_.insert(pname);
    names_.erase(cn.name);
    pn.name = g_.tensors[static_cast<size_t>(pn.output)].name = pname;
    cn.name = g_.tensors[static_cast<size_t>(cn.output)].name = base;
    finish_linear(c, y, fused);
  }

  void gemm(const Ctx& c) {
    only_attrs(c, {"alpha", "beta", "transA", "transB", "broadcast"});
    only_first_output(c);
    if (attr_int(c, "transA", 0) != 0) fail(c, "transA=1 is not supported (qgen computes [1, K] x weight)");
    const int64_t transB = attr_int(c, "transB", 0);
    const float alpha = attr_float(c, "alpha", 1.0f), beta = attr_float(c, "beta", 1.0f);
    const Value& a = vec(c, 0, "Gemm");
    const int at_ = a.tensor;
    const Const& B = float_constant(c, 1, "B, the weight");
    if (B.dims.size() != 2) fail(c, "weight " + q(c.n.input(1)) + " has shape " + list_str(B.dims) + "; expected rank 2");
    ir::Param w = transB ? ir::Param{B.dims, B.f} : transpose(B);
    if (alpha != 1.0f)
      for (float& v : w.data) v = alpha * v;
    const int64_t N = w.shape[0];
    ir::Param bias;
    std::optional<size_t> fused;
    if (has_input(c, 2)) {
      const Const& C = float_constant(c, 2, "C, the bias");
      const auto& d = C.dims;
      const int64_t n = C.numel();
      const bool vec_ok = d == std::vector<int64_t>{N} || d == std::vector<int64_t>{1, N};
      const bool scalar = n == 1 && d.size() <= 2;
      if (!vec_ok && !scalar) fail(c, "bias C " + q(c.n.input(2)) + " has shape " + list_str(d) + "; expected [" + str(N) + "], [1, " + str(N) + "] or a scalar");
      if (beta != 0.0f) {
        bias.shape = {N};
        for (int64_t o = 0; o < N; ++o) bias.data.push_back(beta * C.f[static_cast<size_t>(scalar ? 0 : o)]);
      }
    } else if (auto f = bias_add_after(c, N, false)) {
      fused = f->first;
      bias = ir::Param{{N}, std::move(f->second)};
    }
    for (const ir::Param* p : {&w, &bias})
      for (float v : p->data)
        if (!std::isfinite(v)) fail(c, "alpha / beta scale a weight or bias beyond the float32 range");
    finish_linear(c, emit(c, Op::Dense, {at_}, ir::Attrs{}, std::move(w), std::move(bias)), fused);
  }

  static ir::Param transpose(const Const& k) {  // [K, N] -> [N, K]
    const int64_t K = k.dims[0], N = k.dims[1];
    ir::Param p;
    p.shape = {N, K};
    p.data.resize(k.f.size());
    for (int64_t i = 0; i < K; ++i)
      for (int64_t o = 0; o < N; ++o) p.data[static_cast<size_t>(o * K + i)] = k.f[static_cast<size_t>(i * N + o)];
    return p;
  }

  void matmul(const Ctx& c) {
    only_attrs(c, {});
    only_first_output(c);
    if (has_input(c, 0) && values_.count(c.n.input(0)) && values_.at(c.n.input(0)).constant)
      fail(c, "input A " + q(c.n.input(0)) + " is a constant; qgen supports MatMul(activation [1, K], constant weight [K, N])");
    const Value& a = vec(c, 0, "MatMul");
    const int at_ = a.tensor;
    if (has_input(c, 1) && values_.count(c.n.input(1)) && !values_.at(c.n.input(1)).constant)
      fail(c, "input B " + q(c.n.input(1)) + " is computed by the network; qgen supports MatMul with a constant weight only");
    const Const& B = float_constant(c, 1, "B, the weight");
    if (B.dims.size() != 2) fail(c, "weight " + q(c.n.input(1)) + " has shape " + list_str(B.dims) + "; expected [K, N]");
    ir::Param w = transpose(B), bias;
    std::optional<size_t> fused;
    if (auto f = bias_add_after(c, w.shape[0], false)) {
      fused = f->first;
      bias = ir::Param{{w.shape[0]}, std::move(f->second)};
    }
    finish_linear(c, emit(c, Op::Dense, {at_}, ir::Attrs{}, std::move(w), std::move(bias)), fused);
  }

  void unary(const Ctx& c, Op op) {
    only_first_output(c);
    const int t = activation(c, 0, "X").tensor;
    define(c, c.n.output(0), emit(c, op, {t}, ir::Attrs{}));
  }

  void relu(const Ctx& c) {
    only_attrs(c, {});
    unary(c, Op::Relu);
  }

  void sigmoid(const Ctx& c) {
    only_attrs(c, {});
    unary(c, Op::Sigmoid);
  }

  void tanh_op(const Ctx& c) {
    only_attrs(c, {});
    unary(c, Op::Tanh);
  }

  void hardsigmoid(const Ctx& c) {
    only_attrs(c, {"alpha", "beta"});
    const float alpha = attr_float(c, "alpha", 0.2f), beta = attr_float(c, "beta", 0.5f);
    if (std::fabs(alpha - 1.0f / 6.0f) > 1e-7f || beta != 0.5f) {
      std::ostringstream os;
      os << "HardSigmoid with alpha " << alpha << " and beta " << beta
         << " is not supported (qgen's hardsigmoid is PyTorch's: alpha 1/6, beta 0.5)";
      fail(c, os.str());
    }
    unary(c, Op::HardSigmoid);
  }

  void leaky_relu(const Ctx& c) {
    only_attrs(c, {"alpha"});
    only_first_output(c);
    ir::Attrs a;
    a.alpha = attr_float(c, "alpha", 0.01f);
    if (!std::isfinite(a.alpha)) fail(c, "alpha is not finite");
    const int t = activation(c, 0, "X").tensor;
    define(c, c.n.output(0), emit(c, Op::LeakyRelu, {t}, a));
  }

  void hardswish(const Ctx& c) {
    only_attrs(c, {});
    unary(c, Op::HardSwish);
  }

  // Mul, Sub, Div, Min, Max of two computed tensors of equal rank (ONNX
  // broadcasting at equal rank: every dimension equal or 1).
  void binary(const Ctx& c) {
    only_attrs(c, {});
    only_first_output(c);
    const std::string& t = c.n.op_type();
    const Op op = t == "Mul" ? Op::Mul : t == "Sub" ? Op::Sub : t == "Div" ? Op::Div : t == "Min" ? Op::Minimum : Op::Maximum;
    if (c.n.input_size() != 2) fail(c, printable_name(t) + " with " + str(c.n.input_size()) + " inputs is not supported (2 inputs only)");
    for (int k = 0; k < 2; ++k) {
      Value& v = lookup(c, k, k ? "B" : "A");
      if (v.constant)
        fail(c, "input " + q(c.n.input(k)) + " is a constant (" + v.what + "); qgen supports " + printable_name(t) +
                    " of two tensors computed by the network only");
    }
    const Value& a = activation(c, 0, "A");
    const int at_ = a.tensor;
    const size_t ra = a.dims.size();
    const Value& b = activation(c, 1, "B");
    if (b.dims.size() != ra)
      fail(c, "inputs of shapes " + list_str(a.dims) + " and " + list_str(b.dims) + " have different ranks; qgen broadcasts only at equal rank");
    define(c, c.n.output(0), emit(c, op, {at_, b.tensor}, ir::Attrs{}));
  }

  // Internal axis of ONNX axis `axis` (normalized, not the batch axis) of a [1,C,H,W] or [1,N] value.
  static int64_t internal_axis(size_t rank, int64_t axis) { return rank == 4 ? (axis == 1 ? 2 : axis - 2) : 0; }

  int64_t norm_axis(const Ctx& c, int64_t axis, size_t rank) {
    const int64_t r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) fail(c, "axis " + str(axis) + " is out of range for rank " + str(r));
    return axis < 0 ? axis + r : axis;
  }

  // [begin, end) of ONNX axis `axis` of x as a slice node (or x itself when it is the whole axis).
  int slice_of(const Ctx& c, const Value& x, int64_t axis, int64_t begin, int64_t end) {
    if (begin == 0 && end == x.dims[static_cast<size_t>(axis)]) return x.tensor;
    if (axis == 0) fail(c, "slicing the batch axis is not supported");
    ir::Attrs at;
    at.axis = internal_axis(x.dims.size(), axis);
    at.begin = begin;
    at.end = end;
    return emit(c, Op::Slice, {x.tensor}, at);
  }

  void slice(const Ctx& c) {
    only_first_output(c);
    const Value& x = activation(c, 0, "data");
    const Value xv = x;
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset_ < 10) {
      only_attrs(c, {"starts", "ends", "axes"});
      starts = attr_ints(c, "starts").value_or(std::vector<int64_t>{});
      ends = attr_ints(c, "ends").value_or(std::vector<int64_t>{});
      axes = attr_ints(c, "axes").value_or(std::vector<int64_t>{});
    } else {
      only_attrs(c, {});
      starts = int_constant(c, 1, "starts").i;
      ends = int_constant(c, 2, "ends").i;
      if (has_input(c, 3)) axes = int_constant(c, 3, "axes").i;
      if (has_input(c, 4)) steps = int_constant(c, 4, "steps").i;
    }
    if (axes.empty())
      for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    if (starts.size() != ends.size() || axes.size() != starts.size() || (!steps.empty() && steps.size() != starts.size()))
      fail(c, "starts, ends, axes and steps must have the same length");
    int t = xv.tensor;
    int sliced = 0;
    for (size_t k = 0; k < axes.size(); ++k) {
      const int64_t ax = norm_axis(c, axes[k], xv.dims.size());
      if (!steps.empty() && steps[k] != 1) fail(c, "step " + str(steps[k]) + " is not supported (step 1 only)");
      const int64_t len = xv.dims[static_cast<size_t>(ax)];
      auto clampi = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + len : v, 0, len); };
      const int64_t b = clampi(starts[k]), e = clampi(ends[k]);
      if (b >= e) fail(c, "the slice of axis " + str(ax) + " is empty");
      if (b == 0 && e == len) continue;
      if (++sliced > 1) fail(c, "slicing more than one axis at once is not supported");
      Value cur = xv;
      cur.tensor = t;
      t = slice_of(c, cur, ax, b, e);
    }
    if (t == xv.tensor) return alias(c, 0);
    define(c, c.n.output(0), t);
  }

  void split(const Ctx& c) {
    only_attrs(c, {"axis", "split", "num_outputs"});
    const Value& x = activation(c, 0, "input");
    const Value xv = x;
    const int64_t ax = norm_axis(c, attr_int(c, "axis", 0), xv.dims.size());
    const int64_t len = xv.dims[static_cast<size_t>(ax)], n = c.n.output_size();
    std::vector<int64_t> parts;
    if (opset_ < 13) parts = attr_ints(c, "split").value_or(std::vector<int64_t>{});
    else if (has_input(c, 1)) parts = int_constant(c, 1, "split").i;
    if (parts.empty()) {
      if (n < 1) fail(c, "the node has no output");
      const int64_t per = (len + n - 1) / n;  // the last part may be smaller (opset 18)
      for (int64_t k = 0; k < n; ++k) parts.push_back(std::min(per, len - k * per));
    }
    if (static_cast<int64_t>(parts.size()) != n) fail(c, "split has " + str(static_cast<int64_t>(parts.size())) + " parts for " + str(n) + " outputs");
    int64_t b = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t e = b + parts[static_cast<size_t>(k)];
      if (parts[static_cast<size_t>(k)] < 1 || e > len) fail(c, "split sizes " + list_str(parts) + " do not fit the axis of " + str(len));
      if (used(c.n.output(static_cast<int>(k)))) define(c, c.n.output(static_cast<int>(k)), slice_of(c, xv, ax, b, e));
      b = e;
    }
    if (b != len) fail(c, "split sizes " + list_str(parts) + " do not add up to the axis of " + str(len));
  }

  void transpose_op(const Ctx& c) {
    only_attrs(c, {"perm"});
    only_first_output(c);
    const Value& x = view_or_activation(c, 0, "data");
    std::vector<int64_t> perm = attr_ints(c, "perm").value_or(std::vector<int64_t>{});
    if (perm.empty())
      for (size_t k = x.dims.size(); k-- > 0;) perm.push_back(static_cast<int64_t>(k));
    std::vector<int64_t> ident(x.dims.size());
    for (size_t k = 0; k < ident.size(); ++k) ident[k] = static_cast<int64_t>(k);
    if (perm == ident) return alias(c, 0);
    if (x.split_groups && !x.shuffled && perm == std::vector<int64_t>{0, 2, 1, 3, 4}) {
      Value v = x;
      v.shuffled = true;
      std::swap(v.dims[1], v.dims[2]);
      const std::string& out = c.n.output(0);
      if (values_.count(out)) fail(c, "output " + q(out) + " is defined twice (ONNX graphs assign every name once)");
      check_declared(c, out, v.dims);
      values_[out] = v;
      return;
    }
    fail(c, "Transpose with perm " + list_str(perm) + " of " + list_str(x.dims) +
                " is not supported (only the channel shuffle: Reshape to [1, G, C/G, H, W], perm [0, 2, 1, 3, 4], Reshape back)");
  }

  void reduce_mean(const Ctx& c) {
    only_attrs(c, {"axes", "keepdims", "noop_with_empty_axes"});
    only_first_output(c);
    const Value& x = image(c, 0, "ReduceMean");
    const int xt = x.tensor;
    std::vector<int64_t> axes;
    if (opset_ < 18) axes = attr_ints(c, "axes").value_or(std::vector<int64_t>{});
    else if (has_input(c, 1)) axes = int_constant(c, 1, "axes").i;
    axes = normalized_axes(c, axes, 4);
    if (axes != std::vector<int64_t>{2, 3})
      fail(c, "ReduceMean over axes " + list_str(axes) + " is not supported (over [2, 3], the spatial axes, only)");
    const int t = emit(c, Op::GlobalAvgPool, {xt}, ir::Attrs{});
    if (attr_int(c, "keepdims", 1)) return define(c, c.n.output(0), t);
    define(c, c.n.output(0), emit(c, Op::Flatten, {t}, ir::Attrs{}));
  }

  void global_maxpool(const Ctx& c) {  // a max pool whose window is the image
    only_attrs(c, {});
    only_first_output(c);
    const Value& x = image(c, 0, "GlobalMaxPool");
    ir::Attrs at;
    at.win.kh = at.win.sh = x.dims[2];
    at.win.kw = at.win.sw = x.dims[3];
    define(c, c.n.output(0), emit(c, Op::MaxPool2d, {x.tensor}, at));
  }

  void pad(const Ctx& c) {
    only_first_output(c);
    std::vector<int64_t> pads;
    std::string mode;
    float value = 0.0f;
    if (opset_ < 11) {
      only_attrs(c, {"mode", "pads", "value"});
      pads = attr_ints(c, "pads").value_or(std::vector<int64_t>{});
      value = attr_float(c, "value", 0.0f);
    } else {
      only_attrs(c, {"mode"});
      pads = int_constant(c, 1, "pads").i;
      if (has_input(c, 2)) {
        const Const& v = float_constant(c, 2, "constant_value");
        if (v.numel() != 1) fail(c, "constant_value must be a scalar");
        value = v.f[0];
      }
      if (has_input(c, 3)) fail(c, "the axes input is not supported");
    }
    mode = attr_string(c, "mode", "constant");
    activation(c, 0, "data");
    if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) return alias(c, 0);
    std::ostringstream os;
    os << "Pad " << list_str(pads) << " (mode " << printable_name(mode) << ", value " << value
       << ") is not supported; qgen folds only all-zero pads (convolutions and pools take their own padding)";
    fail(c, os.str());
  }

  void clip(const Ctx& c) {
    float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
    if (opset_ < 11) {
      only_attrs(c, {"min", "max"});
      lo = attr_float(c, "min", lo);
      hi = attr_float(c, "max", hi);
    } else {
      only_attrs(c, {});
      auto bound = [&](int k, const char* role, float& out) {
        if (!has_input(c, k)) return;
        const Const& v = float_constant(c, k, role);
        if (v.numel() != 1) fail(c, std::string(role) + " must be a scalar, got shape " + list_str(v.dims));
        out = v.f[0];
      };
      bound(1, "min", lo);
      bound(2, "max", hi);
    }
    if (lo == 0.0f && hi == 6.0f) return unary(c, Op::Relu6);
    if (lo == 0.0f && hi >= std::numeric_limits<float>::max()) return unary(c, Op::Relu);
    std::ostringstream os;
    os << "Clip to [" << lo << ", " << hi << "] is not supported (only [0, 6] -> relu6 and [0, inf) -> relu)";
    fail(c, os.str());
  }

  void pool(const Ctx& c, Op op) {
    only_first_output(c);
    const Value& x = image(c, 0, c.n.op_type().c_str());
    const int xt = x.tensor;
    const std::vector<int64_t> xd = x.dims;
    auto ks = attr_ints(c, "kernel_shape");
    if (!ks) fail(c, "attribute 'kernel_shape' is required");
    if (ks->size() != 2) fail(c, "attribute 'kernel_shape' has " + str(static_cast<int64_t>(ks->size())) + " entries; qgen supports 2-D pooling");
    for (int64_t k : *ks)
      if (k < 1 || k > kMaxDim) fail(c, "attribute 'kernel_shape' value " + str(k) + " is out of range");
    ir::Attrs at;
    read_window(c, xd, (*ks)[0], (*ks)[1], false, at.win);
    if (ir::op_info(op).attrs & ir::kAttrCountPad) at.count_include_pad = attr_int(c, "count_include_pad", 0) != 0;
    if (attr_int(c, "ceil_mode", 0) != 0) {
      // Ceil mode: one more output where the last window starts inside the
      // input or the leading padding (ONNX / PyTorch); it is floor mode with
      // that many more trailing pads, which the pool skips (max) or does not
      // count (average without count_include_pad).
      ir::Window& w = at.win;
      const int64_t in[2] = {xd[2], xd[3]}, k[2] = {w.kh, w.kw}, s[2] = {w.sh, w.sw}, lead[2] = {w.pt, w.pl};
      int64_t* trail[2] = {&w.pb, &w.pr};
      for (int a = 0; a < 2; ++a) {
        const int64_t span = in[a] + lead[a] + *trail[a] - k[a];
        if (span < 0 || span % s[a] == 0) continue;
        int64_t out = span / s[a] + 2;
        if ((out - 1) * s[a] >= in[a] + lead[a]) --out;
        const int64_t extra = (out - 1) * s[a] + k[a] - (in[a] + lead[a] + *trail[a]);
        if (extra <= 0) continue;
        if (at.count_include_pad)
          fail(c, "ceil_mode=1 with count_include_pad=1 is not supported (the windows past the padding are not full)");
        *trail[a] += extra;
      }
    }
    define(c, c.n.output(0), emit(c, op, {xt}, at));
  }

  void maxpool(const Ctx& c) {
    only_attrs(c, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
    pool(c, Op::MaxPool2d);
  }

  void avgpool(const Ctx& c) {
    only_attrs(c, {"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"});
    pool(c, Op::AvgPool2d);
  }

  void global_avgpool(const Ctx& c) {
    only_attrs(c, {});
    only_first_output(c);
    const int t = image(c, 0, "GlobalAveragePool").tensor;
    define(c, c.n.output(0), emit(c, Op::GlobalAvgPool, {t}, ir::Attrs{}));
  }

  void add(const Ctx& c) {
    only_attrs(c, {});
    only_first_output(c);
    if (c.n.input_size() != 2) fail(c, "Add takes 2 inputs, got " + str(c.n.input_size()));
    for (int k = 0; k < 2; ++k) {
      Value& v = lookup(c, k, k ? "B" : "A");
      if (v.constant)
        fail(c, "adding a constant (" + v.what +
                    ") is supported only as the bias right after a Conv, Gemm or MatMul without bias ([1,C,1,1] / [C,1,1] after Conv, [N] / [1,N] after Gemm / MatMul)");
    }
    const int a = activation(c, 0, "A").tensor, b = activation(c, 1, "B").tensor;
    define(c, c.n.output(0), emit(c, Op::Add, {a, b}, ir::Attrs{}));
  }

  void concat(const Ctx& c) {
    only_attrs(c, {"axis"});
    only_first_output(c);
    if (!attr(c, "axis")) fail(c, "attribute 'axis' is required");
    if (c.n.input_size() < 1) fail(c, "Concat needs at least one input");
    std::vector<int> ins;
    size_t rank = 0;
    for (int k = 0; k < c.n.input_size(); ++k) {
      Value& v = lookup(c, k, "input " + str(k));
      if (v.constant) fail(c, "concatenating a constant (" + v.what + ") with computed tensors is not supported");
      if (k == 0) rank = v.dims.size();
      ins.push_back(v.tensor);
    }
    int64_t axis = attr_int(c, "axis", 0);
    const int64_t r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) fail(c, "axis " + str(axis) + " is out of range for rank " + str(r));
    if (axis < 0) axis += r;
    if (axis == 0) fail(c, "concatenation along the batch axis is not supported");
    if (ins.size() == 1) return define(c, c.n.output(0), ins[0]);
    ir::Attrs at;
    at.axis = rank == 4 ? (axis == 1 ? 2 : axis - 2) : 0;  // NCHW -> internal HWC; [1,N] -> 0
    define(c, c.n.output(0), emit(c, Op::Concat, ins, at));
  }

  void batchnorm(const Ctx& c) {
    only_attrs(c, {"epsilon", "momentum", "spatial", "is_test", "training_mode", "consumed_inputs"});
    only_first_output(c);
    if (attr_int(c, "training_mode", 0) != 0) fail(c, "training_mode=1 is not supported (export the model in eval mode)");
    if (attr_int(c, "spatial", 1) != 1) fail(c, "spatial=0 is not supported");
    const Value& x = activation(c, 0, "X");
    const int xt = x.tensor;
    if (x.dims.size() != 4 && x.dims.size() != 2)
      fail(c, "input " + q(c.n.input(0)) + " has shape " + list_str(x.dims) + "; expected [N, C, H, W] or [N, C]");
    const int64_t C = x.dims[1];
    const float eps = attr_float(c, "epsilon", 1e-5f);
    if (!(eps > 0.0f) || !std::isfinite(eps)) fail(c, "attribute 'epsilon' must be a positive number");
    const char* roles[4] = {"scale", "B, the bias", "mean", "var"};
    const Const* p[4];
    for (int k = 0; k < 4; ++k) {
      p[k] = &float_constant(c, k + 1, roles[k]);
      if (p[k]->dims != std::vector<int64_t>{C})
        fail(c, std::string(roles[k]) + " " + q(c.n.input(k + 1)) + " has shape " + list_str(p[k]->dims) + "; expected [" + str(C) + "]");
    }
    ir::Attrs at;
    at.epsilon = eps;
    ir::Param s{{C}, {}}, t{{C}, {}};
    for (int64_t ch = 0; ch < C; ++ch) {
      const size_t i = static_cast<size_t>(ch);
      if (p[3]->f[i] < 0) fail(c, "variance " + str(ch) + " of " + q(c.n.input(4)) + " is negative");
      float sc, sh;
      batchnorm_scale_shift(p[0]->f[i], p[1]->f[i], p[2]->f[i], p[3]->f[i], eps, sc, sh);
      s.data.push_back(sc);
      t.data.push_back(sh);
    }
    define(c, c.n.output(0), emit(c, Op::BatchNorm, {xt}, at, std::move(s), std::move(t)));
  }

  void flatten(const Ctx& c) {
    only_attrs(c, {"axis"});
    only_first_output(c);
    const Value& x = activation(c, 0, "input");
    const int xt = x.tensor;
    const int64_t r = static_cast<int64_t>(x.dims.size());
    int64_t axis = attr_int(c, "axis", 1);
    if (axis < -r || axis > r) fail(c, "axis " + str(axis) + " is out of range for rank " + str(r));
    if (axis < 0) axis += r;
    if (axis > 1)
      fail(c, "Flatten with axis " + str(axis) + " keeps more than the batch dimension; qgen supports axis 0 or 1 (one vector per sample)");
    define(c, c.n.output(0), emit(c, Op::Flatten, {xt}, ir::Attrs{}));
  }

  // ONNX Reshape target of `in` (0 copies, -1 infers).
  std::vector<int64_t> reshape_target(const Ctx& c, const std::vector<int64_t>& in, const std::vector<int64_t>& shape, bool allowzero) {
    std::vector<int64_t> t = shape;
    const int64_t total = product(in);
    int64_t known = 1, neg = -1;
    for (size_t k = 0; k < t.size(); ++k) {
      if (t[k] == 0 && !allowzero) {
        if (k >= in.size()) fail(c, "shape " + list_str(shape) + ": entry " + str(static_cast<int64_t>(k)) + " is 0 but the input has rank " + str(static_cast<int64_t>(in.size())));
        t[k] = in[k];
      }
      if (t[k] == -1) {
        if (neg >= 0) fail(c, "shape " + list_str(shape) + " has more than one -1");
        neg = static_cast<int64_t>(k);
        continue;
      }
      if (t[k] < 1 || t[k] > kMaxDim) fail(c, "shape " + list_str(shape) + " has an invalid entry " + str(shape[k]));
      known *= t[k];
      if (known > kMaxElements) fail(c, "shape " + list_str(shape) + " has more than 2^31 elements");
    }
    if (neg >= 0) {
      if (total % known) fail(c, "cannot reshape " + list_str(in) + " to " + list_str(shape) + ": " + str(total) + " elements");
      t[static_cast<size_t>(neg)] = total / known;
    } else if (known != total) {
      fail(c, "cannot reshape " + list_str(in) + " (" + str(total) + " elements) to " + list_str(shape) + " (" + str(known) + ")");
    }
    return t;
  }

  void reshape(const Ctx& c) {
    only_attrs(c, {"allowzero"});
    only_first_output(c);
    if (opset_ < 5) fail(c, "Reshape before opset 5 (shape as an attribute) is not supported");
    const Value xv = view_or_activation(c, 0, "data");
    const int xt = xv.tensor;
    const std::vector<int64_t> xd = xv.dims;
    Value& sv = lookup(c, 1, "shape");
    if (!sv.constant)
      fail(c, "the target shape " + q(c.n.input(1)) +
                  " is computed by the network; qgen needs a constant shape (an initializer, a Constant node, or Shape/Gather/Concat of static shapes)");
    const Const& s = int_constant(c, 1, "shape");
    if (s.dims.size() != 1) fail(c, "the shape input must be 1-D, got dims " + list_str(s.dims));
    const bool allowzero = attr_int(c, "allowzero", 0) != 0;
    const std::vector<int64_t> t = reshape_target(c, xd, s.i, allowzero);
    if (xv.split_groups) {  // the end of a channel shuffle, or the split undone
      const std::vector<int64_t>& base = g_.tensor(xt).shape;  // HWC
      if (t != std::vector<int64_t>{1, base[2], base[0], base[1]})
        fail(c, "reshape of the 5-D tensor " + list_str(xd) + " to " + list_str(t) +
                    " is not supported (only back to its 4-D shape, ending a channel shuffle)");
      if (!xv.shuffled) return define(c, c.n.output(0), xt);
      ir::Attrs at;
      at.groups = xv.split_groups;
      return define(c, c.n.output(0), emit(c, Op::ChannelShuffle, {xt}, at));
    }
    if (t.size() == 5 && xd.size() == 4 && t[0] == 1 && t[3] == xd[2] && t[4] == xd[3]) {  // [1, G, C/G, H, W]
      Value v = xv;
      v.dims = t;
      v.split_groups = t[1];
      const std::string& out = c.n.output(0);
      if (values_.count(out)) fail(c, "output " + q(out) + " is defined twice (ONNX graphs assign every name once)");
      check_declared(c, out, v.dims);
      values_[out] = v;
      return;
    }
    if (t.size() != 2 && t.size() != 4)
      fail(c, "reshape to " + list_str(t) + ": qgen supports [1, N] vectors and [1, C, H, W] images (batch first)");
    if (t[0] != 1) fail(c, "reshape to " + list_str(t) + " changes the batch dimension (must stay 1)");
    ir::Attrs at;
    if (t.size() == 4) {
      if (g_.layout != ir::Layout::CHW) fail(c, "reshape to the image " + list_str(t) + " needs an image network; this model's input is a vector");
      at.target_shape = {t[1], t[2], t[3]};
      return define(c, c.n.output(0), emit(c, Op::Reshape, {xt}, at));
    }
    if (xd.size() == 4) return define(c, c.n.output(0), emit(c, Op::Flatten, {xt}, at));
    at.target_shape = {t[1]};
    define(c, c.n.output(0), emit(c, Op::Reshape, {xt}, at));
  }

  void softmax(const Ctx& c) {
    only_attrs(c, {"axis"});
    only_first_output(c);
    const Value& x = activation(c, 0, "input");
    const int xt = x.tensor;
    const std::vector<int64_t> d = x.dims;
    const int64_t r = static_cast<int64_t>(d.size());
    int64_t axis = attr_int(c, "axis", opset_ < 13 ? 1 : -1);
    if (axis < -r || axis >= r) fail(c, "axis " + str(axis) + " is out of range for rank " + str(r));
    if (axis < 0) axis += r;
    // qgen's softmax normalizes over the channel axis (per pixel of an image).
    // Before opset 13 the axis means "this axis and all after it".
    bool ok = axis == 1;
    if (r == 4 && opset_ < 13) ok = axis == 1 && d[2] == 1 && d[3] == 1;
    if (!ok)
      fail(c, "softmax over axis " + str(axis) + " of " + list_str(d) + (opset_ < 13 && r == 4 ? " (opset < 13: over all axes from it)" : "") +
                  " is not supported; qgen's softmax runs over the channel axis (axis 1)");
    define(c, c.n.output(0), emit(c, Op::Softmax, {xt}, ir::Attrs{}));
  }

  void alias(const Ctx& c, int k) {
    Value& v = lookup(c, k, "input");
    if (c.n.output_size() < 1 || c.n.output(0).empty()) fail(c, "the node has no output");
    const std::string& out = c.n.output(0);
    if (values_.count(out)) fail(c, "output " + q(out) + " is defined twice (ONNX graphs assign every name once)");
    Value copy = v;
    if (!copy.constant) check_declared(c, out, copy.dims);
    values_[out] = copy;
  }

  void identity(const Ctx& c) {
    only_attrs(c, {});
    only_first_output(c);
    alias(c, 0);
  }

  void dropout(const Ctx& c) {
    only_attrs(c, {"ratio", "is_test", "seed"});
    only_first_output(c);
    if (has_input(c, 2)) {
      Value& tm = lookup(c, 2, "training_mode");
      if (!tm.constant) fail(c, "training_mode must be a constant false");
      const Const& k = int_constant(c, 2, "training_mode");
      if (k.numel() != 1 || k.i[0] != 0) fail(c, "training_mode=true is not supported (export the model in eval mode)");
    }
    activation(c, 0, "data");
    alias(c, 0);
  }

  void cast(const Ctx& c) {  // on a computed tensor: only float -> float
    only_attrs(c, {"to", "saturate"});
    only_first_output(c);
    const int64_t to = attr_int(c, "to", 0);
    if (to != pb::TensorProto::FLOAT) fail(c, "casting a computed tensor to " + type_name(static_cast<int32_t>(to)) + " is not supported (float32 only)");
    activation(c, 0, "input");
    alias(c, 0);
  }

  // ---------------------------------------------------------------- constant folding

  // Unsqueeze / Squeeze axes: an attribute before opset 13, an input since.
  std::vector<int64_t> raw_axes(const Ctx& c) {
    if (opset_ < 13) {
      if (auto a = attr_ints(c, "axes")) return *a;
      return {};
    }
    return has_input(c, 1) ? int_constant(c, 1, "axes").i : std::vector<int64_t>{};
  }

  std::vector<int64_t> normalized_axes(const Ctx& c, std::vector<int64_t> axes, int64_t rank) {
    for (int64_t& a : axes) {
      if (a < -rank || a >= rank) fail(c, "axis " + str(a) + " is out of range for rank " + str(rank));
      if (a < 0) a += rank;
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail(c, "an axis is listed twice");
    return axes;
  }

  void fold(const Ctx& c) {
    const std::string& op = c.n.op_type();
    if (c.n.output_size() < 1 || c.n.output(0).empty()) fail(c, "the node has no output");
    for (int k = 1; k < c.n.output_size(); ++k)
      if (used(c.n.output(k))) fail(c, "output " + str(k) + " is used; qgen supports only the first output of this op");
    if (op != "Shape" && op != "Constant")
      for (int k = 0; k < c.n.input_size(); ++k)
        if (has_input(c, k) && !lookup(c, k, "input " + str(k)).constant)
          fail(c, printable_name(op) + " on a computed tensor (" + q(c.n.input(k)) +
                      ") is not supported; qgen evaluates it only on constant values such as shapes");
    auto r = std::make_shared<Const>();
    if (op == "Constant") {
      only_attrs(c, {"value", "value_float", "value_floats", "value_int", "value_ints"});
      if (c.n.attribute_size() != 1) fail(c, "a Constant needs exactly one of value, value_float(s), value_int(s)");
      const pb::AttributeProto& a = c.n.attribute(0);
      if (a.name() == "value") {
        if (!is(a, pb::AttributeProto::TENSOR, a.has_t())) fail(c, "attribute 'value' must be a tensor");
        Value tmp;
        tmp.constant = true;
        tmp.proto = gp_->mutable_node(static_cast<int>(c.index))->mutable_attribute(0)->mutable_t();
        tmp.what = "the value of " + c.src;
        r = std::make_shared<Const>(decode(tmp, c.src));
      } else if (a.name() == "value_float") {
        r->f = {a.f()};
      } else if (a.name() == "value_floats") {
        r->f.assign(a.floats().begin(), a.floats().end());
        r->dims = {static_cast<int64_t>(r->f.size())};
      } else if (a.name() == "value_int") {
        r->is_float = false;
        r->onnx_type = pb::TensorProto::INT64;
        r->i = {a.i()};
      } else {
        r->is_float = false;
        r->onnx_type = pb::TensorProto::INT64;
        r->i.assign(a.ints().begin(), a.ints().end());
        r->dims = {static_cast<int64_t>(r->i.size())};
      }
      for (float f : r->f)
        if (!std::isfinite(f)) fail(c, "the constant has a value that is not finite");
    } else if (op == "Identity") {
      only_attrs(c, {});
      r = std::make_shared<Const>(constant(c, 0, "input"));
    } else if (op == "Shape") {
      only_attrs(c, {"start", "end"});
      Value& v = lookup(c, 0, "data");
      std::vector<int64_t> d = v.constant ? decode(v, c.src).dims : v.dims;
      const int64_t rank = static_cast<int64_t>(d.size());
      int64_t s = attr_int(c, "start", 0), e = attr_int(c, "end", rank);
      if (s < 0) s += rank;
      if (e < 0) e += rank;
      s = std::clamp<int64_t>(s, 0, rank);
      e = std::clamp<int64_t>(e, 0, rank);
      r->is_float = false;
      r->onnx_type = pb::TensorProto::INT64;
      for (int64_t k = s; k < e; ++k) r->i.push_back(d[static_cast<size_t>(k)]);
      r->dims = {static_cast<int64_t>(r->i.size())};
    } else if (op == "Gather") {
      only_attrs(c, {"axis"});
      const Value& dv = lookup(c, 0, "data");
      if (!dv.constant) fail(c, "Gather on a computed tensor is not supported (only on constant shape values)");
      const Const& d = constant(c, 0, "data");
      const Const& idx = int_constant(c, 1, "indices");
      if (d.dims.size() != 1) fail(c, "Gather on a constant of rank " + str(static_cast<int64_t>(d.dims.size())) + " is not supported (rank 1 only)");
      int64_t axis = attr_int(c, "axis", 0);
      if (axis != 0 && axis != -1) fail(c, "axis " + str(axis) + " is out of range for rank 1");
      *r = Const{};
      r->is_float = d.is_float;
      r->onnx_type = d.onnx_type;
      r->dims = idx.dims;
      const int64_t n = d.dims[0];
      for (int64_t k : idx.i) {
        if (k < -n || k >= n) fail(c, "index " + str(k) + " is out of range for " + str(n) + " elements");
        if (k < 0) k += n;
        if (d.is_float) r->f.push_back(d.f[static_cast<size_t>(k)]);
        else r->i.push_back(d.i[static_cast<size_t>(k)]);
      }
    } else if (op == "Unsqueeze" || op == "Squeeze") {
      only_attrs(c, {"axes"});
      const Const& d = constant(c, 0, "data");
      *r = d;
      std::vector<int64_t> raw = raw_axes(c);
      if (op == "Unsqueeze") {
        if (raw.empty()) fail(c, "the axes are missing");
        const int64_t out_rank = static_cast<int64_t>(d.dims.size() + raw.size());
        const std::vector<int64_t> axes = normalized_axes(c, raw, out_rank);
        std::vector<int64_t> nd;
        size_t src = 0;
        for (int64_t k = 0; k < out_rank; ++k) nd.push_back(std::binary_search(axes.begin(), axes.end(), k) ? 1 : d.dims[src++]);
        r->dims = nd;
      } else {
        const std::vector<int64_t> axes = normalized_axes(c, raw, static_cast<int64_t>(d.dims.size()));
        std::vector<int64_t> nd;
        for (size_t k = 0; k < d.dims.size(); ++k) {
          const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(k)) != axes.end();
          if (listed && d.dims[k] != 1) fail(c, "cannot squeeze axis " + str(static_cast<int64_t>(k)) + " of size " + str(d.dims[k]));
          if (!(listed || (axes.empty() && d.dims[k] == 1))) nd.push_back(d.dims[k]);
        }
        r->dims = nd;
      }
    } else if (op == "Concat") {
      only_attrs(c, {"axis"});
      const int64_t axis = attr_int(c, "axis", 0);
      if (axis != 0 && axis != -1) fail(c, "axis " + str(axis) + " is out of range for rank-1 constants");
      *r = Const{};
      for (int k = 0; k < c.n.input_size(); ++k) {
        const Const& d = constant(c, k, "input " + str(k));
        if (d.dims.size() != 1) fail(c, "concatenating constants of rank " + str(static_cast<int64_t>(d.dims.size())) + " is not supported (rank 1 only)");
        if (k == 0) {
          r->is_float = d.is_float;
          r->onnx_type = d.onnx_type;
        } else if (d.is_float != r->is_float) {
          fail(c, "the constant inputs have different types");
        }
        r->f.insert(r->f.end(), d.f.begin(), d.f.end());
        r->i.insert(r->i.end(), d.i.begin(), d.i.end());
      }
      r->dims = {static_cast<int64_t>(r->is_float ? r->f.size() : r->i.size())};
    } else if (op == "Reshape") {
      only_attrs(c, {"allowzero"});
      const Const& d = constant(c, 0, "data");
      const Const& s = int_constant(c, 1, "shape");
      if (s.dims.size() != 1) fail(c, "the shape input must be 1-D");
      *r = d;
      r->dims = reshape_target(c, d.dims, s.i, attr_int(c, "allowzero", 0) != 0);
    } else if (op == "Slice") {  // of a rank-1 constant (x.shape[2:]), step 1
      const Const& d = constant(c, 0, "data");
      if (d.dims.size() != 1) fail(c, "Slice of a constant of rank " + str(static_cast<int64_t>(d.dims.size())) + " is not supported (rank 1 only)");
      std::vector<int64_t> st, en, ax, sp;
      if (opset_ < 10) {
        only_attrs(c, {"starts", "ends", "axes"});
        st = attr_ints(c, "starts").value_or(std::vector<int64_t>{});
        en = attr_ints(c, "ends").value_or(std::vector<int64_t>{});
        ax = attr_ints(c, "axes").value_or(std::vector<int64_t>{0});
      } else {
        only_attrs(c, {});
        st = int_constant(c, 1, "starts").i;
        en = int_constant(c, 2, "ends").i;
        ax = has_input(c, 3) ? int_constant(c, 3, "axes").i : std::vector<int64_t>{0};
        if (has_input(c, 4)) sp = int_constant(c, 4, "steps").i;
      }
      if (st.size() != 1 || en.size() != 1 || ax.size() != 1 || (ax[0] != 0 && ax[0] != -1) || (!sp.empty() && (sp.size() != 1 || sp[0] != 1)))
        fail(c, "Slice of a constant: one axis (0), step 1 only");
      const int64_t len = d.dims[0];
      auto cl = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + len : v, 0, len); };
      const int64_t b = cl(st[0]), e = std::max(cl(en[0]), b);
      *r = Const{};
      r->is_float = d.is_float;
      r->onnx_type = d.onnx_type;
      r->dims = {e - b};
      for (int64_t k = b; k < e; ++k) {
        if (d.is_float) r->f.push_back(d.f[static_cast<size_t>(k)]);
        else r->i.push_back(d.i[static_cast<size_t>(k)]);
      }
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
      // Arithmetic on constants (shape computations such as a chunk's
      // bounds): equal shapes or a one-element operand, one type.
      only_attrs(c, {});
      const Const& a = constant(c, 0, "A");
      const Const& b = constant(c, 1, "B");
      if (a.is_float != b.is_float) fail(c, "the constant inputs have different types");
      if (a.dims != b.dims && a.numel() != 1 && b.numel() != 1)
        fail(c, "constant inputs of shapes " + list_str(a.dims) + " and " + list_str(b.dims) + " are not supported (equal shapes or a scalar)");
      const Const& big = a.numel() >= b.numel() ? a : b;
      *r = Const{};
      r->is_float = a.is_float;
      r->onnx_type = a.onnx_type;
      r->dims = a.dims.size() >= b.dims.size() ? a.dims : b.dims;
      const int64_t n = big.numel();
      for (int64_t k = 0; k < n; ++k) {
        const size_t ia = static_cast<size_t>(a.numel() == 1 ? 0 : k), ib = static_cast<size_t>(b.numel() == 1 ? 0 : k);
        if (a.is_float) {
          const float x = a.f[ia], y = b.f[ib];
          const float v = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y;
          if (!std::isfinite(v)) fail(c, "the folded value is not finite");
          r->f.push_back(v);
        } else {
          const int64_t x = a.i[ia], y = b.i[ib];
          if (op == "Div" && y == 0) fail(c, "integer division by zero");
          const bool small = std::llabs(x) < (int64_t{1} << 31) && std::llabs(y) < (int64_t{1} << 31);
          if (!small) fail(c, "integer constant out of the supported range (|v| < 2^31)");
          r->i.push_back(op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y);
        }
      }
    } else if (op == "Cast") {
      only_attrs(c, {"to", "saturate"});
      const Const& d = constant(c, 0, "input");
      const int64_t to = attr_int(c, "to", 0);
      *r = Const{};
      r->dims = d.dims;
      if (to == pb::TensorProto::FLOAT) {
        r->is_float = true;
        if (d.is_float) r->f = d.f;
        else
          for (int64_t v : d.i) r->f.push_back(static_cast<float>(v));
      } else if (to == pb::TensorProto::INT64 || to == pb::TensorProto::INT32) {
        r->is_float = false;
        r->onnx_type = pb::TensorProto::INT64;
        if (!d.is_float) r->i = d.i;
        else
          for (float v : d.f) {
            if (!(std::fabs(v) < 9.0e18f)) fail(c, "value out of range for an integer cast");
            r->i.push_back(static_cast<int64_t>(v));
          }
      } else {
        fail(c, "casting to " + type_name(static_cast<int32_t>(to)) + " is not supported");
      }
    } else {
      fail(c, "cannot evaluate this op on constant inputs");
    }
    define_const(c, c.n.output(0), r);
  }
};

}  // namespace

const char* onnx_supported_operators() { return Importer::supported().c_str(); }

ir::Graph parse_onnx(const void* data, size_t size, const std::string& label, const std::string& name) {
  if (size == 0) user_error(label, "", "the file is empty; not an ONNX model");
  if (size > static_cast<size_t>(INT_MAX))
    user_error(label, "", "ONNX files of 2 GiB or more are not supported (protobuf limit); export with external data is not supported either");
  pb::ModelProto m;
  google::protobuf::io::ArrayInputStream in(data, static_cast<int>(size));
  google::protobuf::io::CodedInputStream cin(&in);
  cin.SetTotalBytesLimit(INT_MAX);
  if (!m.ParseFromCodedStream(&cin) || !cin.ConsumedEntireMessage())
    user_error(label, "", "not a valid ONNX model: the protobuf does not parse (truncated or corrupt file?)");
  Importer imp(m, label, name);
  ir::Graph g = imp.run();
  ir::check_names_utf8(g, label);
  return g;
}

ir::Graph load_onnx(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) user_error(path, "", "is a directory, not an ONNX file");
  const std::string bytes = read_input_file(path);
  return parse_onnx(bytes.data(), bytes.size(), path, stem_of(path));
}

}  // namespace qg::frontend
