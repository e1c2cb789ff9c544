#include "ir/graph.h"

#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::ir {

const char* layout_name(Layout l) {
  switch (l) {
    case Layout::Vector: return "C";
    case Layout::CHW: return "CHW";
    case Layout::HWC: return "HWC";
  }
  return "?";
}

const char* dtype_name(DType t) { return t == DType::I8 ? "i8" : "f32"; }

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Relu6: return "relu6";
  }
  return "?";
}

std::string region_name(const Region& r) {
  switch (r.kind) {
    case RegionKind::Layer: return "layer";
    case RegionKind::Kernel: return "kernel";
    case RegionKind::Block: return std::to_string(r.block);
  }
  return "?";
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::vector<int> Graph::inputs() const {
  std::vector<int> r{input};
  r.insert(r.end(), more_inputs.begin(), more_inputs.end());
  return r;
}

std::vector<int> Graph::outputs() const {
  std::vector<int> r{output};
  r.insert(r.end(), more_outputs.begin(), more_outputs.end());
  return r;
}

int Graph::input_index(int t) const {
  const std::vector<int> v = inputs();
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == t) return static_cast<int>(i);
  return -1;
}

int Graph::output_index(int t) const {
  const std::vector<int> v = outputs();
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == t) return static_cast<int>(i);
  return -1;
}

std::vector<int> Graph::consumers(int t) const {
  std::vector<int> r;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (int in : nodes[i].inputs)
      if (in == t) {
        r.push_back(static_cast<int>(i));
        break;
      }
  return r;
}

void remove_nodes(Graph& g, const std::vector<bool>& drop) {
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
}

std::vector<int64_t> logical_shape(const std::vector<int64_t>& s, Layout l) {
  if (s.size() == 3 && l == Layout::CHW) return {s[2], s[0], s[1]};
  return s;
}

std::vector<int64_t> internal_shape(const std::vector<int64_t>& s, Layout l) {
  if (s.size() == 3 && l == Layout::CHW) return {s[1], s[2], s[0]};
  return s;
}

int64_t logical_index(const std::vector<int64_t>& s, Layout l, int64_t i) {
  if (s.size() != 3 || l != Layout::CHW) return i;
  const int64_t H = s[0], W = s[1], C = s[2];
  const int64_t c = i % C, hw = i / C;
  (void)H;
  return c * (s[0] * W) + hw;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

int64_t reduction_length(const Graph& g, const Node& n) {
  return is_linear(n) ? conv_geom(g, n).reduction() : 0;
}

int64_t node_macs(const Graph& g, const Node& n) {
  const OpInfo& info = op_info(n.op);
  return info.macs ? info.macs(g, n) : 0;
}

void check_names_utf8(const Graph& g, const std::string& label) {
  if (!valid_utf8(g.name)) user_error(label, "", "the model name is not valid UTF-8: '" + printable_name(g.name) + "'");
  for (const Tensor& t : g.tensors)
    if (!valid_utf8(t.name)) user_error(label, "tensor '" + printable_name(t.name) + "'", "the name is not valid UTF-8");
  for (const Node& n : g.nodes)
    if (!valid_utf8(n.name)) user_error(label, "node '" + printable_name(n.name) + "'", "the name is not valid UTF-8");
}

}  // namespace qg::ir
