#include "ir/op_table.h"

#include <array>
#include <cmath>  // the int8 table functions of ops.def rows (std::exp, ...)

#include "ir/diag.h"

namespace qg::ir {
namespace {

constexpr int64_t kMaxPad = int64_t{1} << 24;  // pad: elements added per side at most

[[noreturn]] void bad(const Graph& g, const Node& n, const std::string& field, const std::string& msg) {
  user_error(g.file, n.src + (field.empty() ? "" : "." + field), msg);
}

Tensor& out_t(Graph& g, Node& n) { return g.tensor(n.output); }

void need_rank(const Graph& g, const Node& n, size_t rank) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (g.in(n, i).shape.size() != rank)
      bad(g, n, "inputs", std::string(op_info(n.op).name) + " needs a " + (rank == 3 ? "rank-3 image" : "vector") +
                              " input, got '" + printable_name(g.in(n, i).name) + "' of shape " +
                              shape_str(logical_shape(g.in(n, i).shape, g.layout)));
}

int64_t out_dim(const Graph& g, const Node& n, int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1,
                const char* axis) {
  int64_t o = window_out(in, k, s, d, p0, p1);
  if (o < 1)
    bad(g, n, "kernel", std::string("window of ") + std::to_string(k) + " (dilation " + std::to_string(d) +
                            ") does not fit the input " + axis + " of " + std::to_string(in) + " plus padding");
  return o;
}

void infer_window(Graph& g, Node& n, int64_t out_c) {
  const auto& s = g.in(n).shape;
  const Window& w = n.attrs.win;
  int64_t oh = out_dim(g, n, s[0], w.kh, w.sh, w.dh, w.pt, w.pb, "height");
  int64_t ow = out_dim(g, n, s[1], w.kw, w.sw, w.dw, w.pl, w.pr, "width");
  out_t(g, n).shape = {oh, ow, out_c};
}

void infer_conv(Graph& g, Node& n) {
  need_rank(g, n, 3);
  const int64_t C = g.in(n).shape[2], G = n.attrs.groups;
  const auto& ws = n.weight.shape;  // OHWI
  if (G < 1) bad(g, n, "groups", "must be >= 1, got " + std::to_string(G));
  if (C % G) bad(g, n, "groups", "input channels " + std::to_string(C) + " are not divisible by groups " + std::to_string(G));
  if (ws.size() != 4) bad(g, n, "weight.shape", "conv2d weight must have rank 4 [O, C/groups, kh, kw]");
  if (ws[3] != C / G)
    bad(g, n, "weight.shape", "weight has " + std::to_string(ws[3]) + " input channels per group, input '" +
                                  printable_name(g.in(n).name) + "' has " + std::to_string(C) + " channels / " +
                                  std::to_string(G) + " groups = " + std::to_string(C / G));
  if (ws[0] % G) bad(g, n, "weight.shape", "output channels " + std::to_string(ws[0]) + " are not divisible by groups " + std::to_string(G));
  if (!n.bias.empty() && n.bias.shape != std::vector<int64_t>{ws[0]})
    bad(g, n, "bias.shape", "bias must have shape [" + std::to_string(ws[0]) + "]");
  n.attrs.win.kh = ws[1];
  n.attrs.win.kw = ws[2];
  infer_window(g, n, ws[0]);
}

void infer_dense(Graph& g, Node& n) {
  need_rank(g, n, 1);
  const auto& ws = n.weight.shape;
  const int64_t I = g.in(n).shape[0];
  if (ws.size() != 2) bad(g, n, "weight.shape", "dense weight must have rank 2 [out, in]");
  if (ws[1] != I)
    bad(g, n, "weight.shape", "weight expects " + std::to_string(ws[1]) + " inputs, input '" + printable_name(g.in(n).name) +
                                  "' has " + std::to_string(I));
  if (!n.bias.empty() && n.bias.shape != std::vector<int64_t>{ws[0]})
    bad(g, n, "bias.shape", "bias must have shape [" + std::to_string(ws[0]) + "]");
  out_t(g, n).shape = {ws[0]};
}

void infer_same(Graph& g, Node& n) { out_t(g, n).shape = g.in(n).shape; }

void infer_pool(Graph& g, Node& n) {
  need_rank(g, n, 3);
  const Window& w = n.attrs.win;
  if (w.pt >= w.kh || w.pb >= w.kh || w.pl >= w.kw || w.pr >= w.kw)
    bad(g, n, "padding", "pool padding must be smaller than the kernel");
  infer_window(g, n, g.in(n).shape[2]);
}

void infer_gap(Graph& g, Node& n) {
  need_rank(g, n, 3);
  out_t(g, n).shape = {1, 1, g.in(n).shape[2]};
}

void infer_add(Graph& g, Node& n) {
  if (g.in(n, 0).shape != g.in(n, 1).shape)
    bad(g, n, "inputs", "add needs equal shapes, got " + shape_str(logical_shape(g.in(n, 0).shape, g.layout)) + " and " +
                            shape_str(logical_shape(g.in(n, 1).shape, g.layout)));
  out_t(g, n).shape = g.in(n, 0).shape;
}

void infer_concat(Graph& g, Node& n) {
  const auto& s0 = g.in(n, 0).shape;
  const int64_t ax = n.attrs.axis;
  if (ax < 0 || ax >= static_cast<int64_t>(s0.size())) bad(g, n, "axis", "axis out of range for rank " + std::to_string(s0.size()));
  std::vector<int64_t> s = s0;
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    const auto& si = g.in(n, i).shape;
    bool ok = si.size() == s0.size();
    for (size_t d = 0; ok && d < s0.size(); ++d)
      if (static_cast<int64_t>(d) != ax && si[d] != s0[d]) ok = false;
    if (!ok)
      bad(g, n, "inputs", "concat inputs differ outside the concat axis: " + shape_str(logical_shape(s0, g.layout)) +
                              " and " + shape_str(logical_shape(si, g.layout)));
    s[ax] += si[ax];
  }
  out_t(g, n).shape = s;
}

void infer_broadcast(Graph& g, Node& n) {
  const auto& a = g.in(n, 0).shape;
  const auto& b = g.in(n, 1).shape;
  bool ok = a.size() == b.size();
  std::vector<int64_t> s(a.size());
  for (size_t d = 0; ok && d < a.size(); ++d) {
    ok = a[d] == b[d] || a[d] == 1 || b[d] == 1;
    s[d] = a[d] == 1 ? b[d] : a[d];
  }
  if (!ok)
    bad(g, n, "inputs", std::string(op_info(n.op).name) + " needs shapes of equal rank whose dimensions are equal or 1, got " +
                            shape_str(logical_shape(a, g.layout)) + " and " + shape_str(logical_shape(b, g.layout)));
  out_t(g, n).shape = s;
}

void infer_slice(Graph& g, Node& n) {
  std::vector<int64_t> s = g.in(n).shape;
  const int64_t ax = n.attrs.axis;
  if (ax < 0 || ax >= static_cast<int64_t>(s.size())) bad(g, n, "axis", "axis out of range for rank " + std::to_string(s.size()));
  const int64_t len = s[static_cast<size_t>(ax)];
  if (n.attrs.begin < 0 || n.attrs.end > len || n.attrs.begin >= n.attrs.end)
    bad(g, n, "begin", "slice [" + std::to_string(n.attrs.begin) + ", " + std::to_string(n.attrs.end) + ") is empty or outside the axis of " +
                           std::to_string(len));
  s[static_cast<size_t>(ax)] = n.attrs.end - n.attrs.begin;
  out_t(g, n).shape = s;
}

// pad / transpose / strided_slice: their attribute vectors have one entry
// per internal axis (pads two), checked here (the importer builds them).
void need_axes(const Graph& g, const Node& n, const std::vector<int64_t>& v, size_t want, const char* what) {
  if (v.size() != want)
    bad(g, n, what, std::string(op_info(n.op).name) + " needs " + std::to_string(want) + " entries for an input of rank " +
                        std::to_string(g.in(n).shape.size()) + ", got " + std::to_string(v.size()));
}

void infer_pad(Graph& g, Node& n) {
  const std::vector<int64_t> s = g.in(n).shape;
  const size_t r = s.size();
  need_axes(g, n, n.attrs.pads, 2 * r, "pads");
  if (!n.attrs.steps.empty()) need_axes(g, n, n.attrs.steps, r, "steps");
  std::vector<int64_t> o = s;
  for (size_t d = 0; d < r; ++d) {
    if (n.attrs.pads[d] < 0 || n.attrs.pads[r + d] < 0 || n.attrs.pads[d] > kMaxPad || n.attrs.pads[r + d] > kMaxPad)
      bad(g, n, "pads", "pads must be 0 to " + std::to_string(kMaxPad));
    const int64_t step = n.attrs.steps.empty() ? 1 : n.attrs.steps[d];
    if (step < 1 || step > kMaxPad) bad(g, n, "steps", "interior steps must be 1 to " + std::to_string(kMaxPad));
    o[d] = (o[d] - 1) * step + 1 + n.attrs.pads[d] + n.attrs.pads[r + d];
  }
  out_t(g, n).shape = o;
}

void infer_transpose(Graph& g, Node& n) {
  const std::vector<int64_t> s = g.in(n).shape;
  need_axes(g, n, n.attrs.perm, s.size(), "perm");
  std::vector<int64_t> o(s.size());
  std::vector<bool> seen(s.size(), false);
  for (size_t d = 0; d < s.size(); ++d) {
    const int64_t p = n.attrs.perm[d];
    if (p < 0 || p >= static_cast<int64_t>(s.size()) || seen[static_cast<size_t>(p)]) bad(g, n, "perm", "is not a permutation of the axes");
    seen[static_cast<size_t>(p)] = true;
    o[d] = s[static_cast<size_t>(p)];
  }
  out_t(g, n).shape = o;
}

void infer_strided_slice(Graph& g, Node& n) {
  const std::vector<int64_t> s = g.in(n).shape;
  need_axes(g, n, n.attrs.starts, s.size(), "begin");
  need_axes(g, n, n.attrs.ends, s.size(), "end");
  need_axes(g, n, n.attrs.steps, s.size(), "strides");
  std::vector<int64_t> o(s.size());
  for (size_t d = 0; d < s.size(); ++d) {
    const int64_t b = n.attrs.starts[d], e = n.attrs.ends[d], st = n.attrs.steps[d];
    if (st < 1 || b < 0 || e > s[d] || b >= e)
      bad(g, n, "begin", "slice [" + std::to_string(b) + ", " + std::to_string(e) + ") step " + std::to_string(st) +
                             " is empty or outside an axis of " + std::to_string(s[d]));
    o[d] = (e - b + st - 1) / st;
  }
  out_t(g, n).shape = o;
}

void infer_shuffle(Graph& g, Node& n) {
  need_rank(g, n, 3);
  const int64_t C = g.in(n).shape[2], G = n.attrs.groups;
  if (G < 1 || C % G) bad(g, n, "groups", "channels " + std::to_string(C) + " are not divisible by groups " + std::to_string(G));
  out_t(g, n).shape = g.in(n).shape;
}

void infer_bn(Graph& g, Node& n) {
  const auto& s = g.in(n).shape;
  const int64_t C = s.back();
  if (n.weight.data.size() != static_cast<size_t>(C))
    bad(g, n, "scale.shape", "batchnorm parameters must have " + std::to_string(C) + " entries (one per channel)");
  out_t(g, n).shape = s;
}

void infer_flatten(Graph& g, Node& n) { out_t(g, n).shape = {g.in(n).numel()}; }

void infer_reshape(Graph& g, Node& n) {
  std::vector<int64_t> t = n.attrs.target_shape;
  const int64_t total = g.in(n).numel();
  int64_t known = 1, neg = -1;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == -1) {
      if (neg >= 0) bad(g, n, "shape", "at most one entry may be -1");
      neg = static_cast<int64_t>(i);
    } else if (t[i] < 1) {
      bad(g, n, "shape[" + std::to_string(i) + "]", "must be >= 1 or -1, got " + std::to_string(t[i]));
    } else {
      known *= t[i];
    }
  }
  if (neg >= 0) {
    if (total % known) bad(g, n, "shape", "cannot infer -1: " + std::to_string(total) + " elements");
    t[static_cast<size_t>(neg)] = total / known;
    known = total;
  }
  if (known != total)
    bad(g, n, "shape", "reshape to " + shape_str(t) + " needs " + std::to_string(known) + " elements, input has " + std::to_string(total));
  if (t.size() != 1 && t.size() != 3) bad(g, n, "shape", "only rank 1 (vector) and rank 3 (image) shapes are supported");
  if (t.size() == 3 && g.layout == Layout::Vector)
    bad(g, n, "shape", "rank-3 reshape needs an image network (input layout CHW or HWC)");
  n.attrs.target_shape = t;
  out_t(g, n).shape = internal_shape(t, g.layout);
}

ConvGeom geom_conv(const Graph& g, const Node& n) {
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  ConvGeom c;
  c.H = is[0];
  c.W = is[1];
  c.C = is[2];
  c.OH = os[0];
  c.OW = os[1];
  c.O = os[2];
  c.G = n.attrs.groups;
  c.win = n.attrs.win;
  return c;
}

ConvGeom geom_dense(const Graph& g, const Node& n) {  // a 1x1 convolution over a 1x1 image
  ConvGeom c;
  c.C = g.in(n).shape[0];
  c.O = g.out(n).shape[0];
  return c;
}

int64_t macs_linear(const Graph& g, const Node& n) { return g.out(n).numel() * conv_geom(g, n).reduction(); }

// One table row: the positional fields, then the capabilities by name.
struct Row {
  OpInfo i;
  Row(Op op, const char* name, int min_in, int max_in, unsigned attrs, int rank_in, void (*infer)(Graph&, Node&)) {
    i.op = op;
    i.name = name;
    i.min_inputs = min_in;
    i.max_inputs = max_in;
    i.attrs = attrs;
    i.quantizable = false;
    i.rank_in = rank_in;
    i.infer = infer;
    i.macs = nullptr;
  }
  Row& params(ParamForm f, std::vector<const char*> keys) {
    i.param_form = f;
    i.params = std::move(keys);
    return *this;
  }
  Row& linear(ConvGeom (*geom)(const Graph&, const Node&)) {  // quantizable reduction, MACs
    i.geom = geom;
    i.quantizable = true;
    i.macs = macs_linear;
    return *this;
  }
  Row& fuses_act() {
    i.fused_act = true;
    return *this;
  }
  Row& activation(Activation a) {
    i.activation = a;
    return *this;
  }
  Row& in_place(unsigned inputs) {
    i.in_place = inputs;
    return *this;
  }
  Row& relayout() {
    i.relayout = true;
    return *this;
  }
  Row& int8(Int8Rule r) {
    i.int8 = r;
    return *this;
  }
  Row& int8_fixed(TensorQuant q) {
    i.int8 = Int8Rule::FixedQuant;
    i.int8_out = q;
    return *this;
  }
  Row& int8_table(TensorQuant q, float (*f)(float)) {
    i.int8 = Int8Rule::Table;
    i.int8_out = q;
    i.int8_table = f;
    i.int8_lut = true;
    return *this;
  }
  Row& int8_lut() {
    i.int8_lut = true;
    return *this;
  }
  Row& int16_lut(Int16Lut k) {
    i.int16_lut = k;
    return *this;
  }
  Row& int8_requantize_inputs() {
    i.int8_requantize_inputs = true;
    return *this;
  }
  Row& int8_single_rounding() {
    i.int8_single_rounding = true;
    return *this;
  }
  Row& internal() {
    i.internal = true;
    return *this;
  }
};

constexpr size_t kNumOps = static_cast<size_t>(Op::kCount);

const std::array<OpInfo, kNumOps>& ops() {
  static const std::array<OpInfo, kNumOps> kOps = {{
#define QG_OP(id, row) (row).i,
#include "ir/ops.def"
#undef QG_OP
  }};
  return kOps;
}

}  // namespace

const OpInfo& op_info(Op op) {
  const OpInfo& info = ops().at(static_cast<size_t>(op));
  QG_CHECK(info.op == op && info.name != nullptr, "op table out of order");
  return info;
}

const OpInfo* find_op(const std::string& name) {
  for (const OpInfo& i : ops())
    if (name == i.name && !i.internal) return &i;
  return nullptr;
}

std::string known_op_names() {
  return op_names_where([](const OpInfo& i) { return !i.internal; });
}

std::string op_names_where(bool (*pred)(const OpInfo&), const char* last_sep) {
  std::vector<const char*> names;
  for (const OpInfo& i : ops())
    if (pred(i)) names.push_back(i.name);
  std::string s;
  for (size_t k = 0; k < names.size(); ++k) s += (k == 0 ? "" : k + 1 == names.size() ? last_sep : ", ") + std::string(names[k]);
  return s;
}

Op activation_op(Activation a) {
  for (const OpInfo& i : ops())
    if (a != Activation::None && i.activation == a) return i.op;
  internal_error(__FILE__, __LINE__, std::string("no op for activation ") + activation_name(a));
}

ConvGeom conv_geom(const Graph& g, const Node& n) {
  const OpInfo& info = op_info(n.op);
  QG_CHECK(info.geom != nullptr, std::string(info.name) + " is not a linear op");
  return info.geom(g, n);
}

bool is_depthwise(const Graph& g, const Node& n) {
  if (n.op != Op::Conv2d) return false;
  const ConvGeom c = conv_geom(g, n);
  return c.G > 1 && c.G == c.C && c.O == c.C;
}

CopyMap copy_map(const Graph& g, const Node& n) {
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const size_t r = is.size(), k = 3 - r;
  QG_CHECK(r >= 1 && r <= 3 && os.size() == r, std::string("strided copy of rank ") + std::to_string(r));
  int64_t in_len[3] = {1, 1, 1}, in_stride[3] = {0, 0, 0};
  for (size_t d = 0; d < r; ++d) in_len[k + d] = is[d];
  for (int64_t d = 2, st = 1; d >= 0; --d) {
    in_stride[d] = st;
    st *= in_len[d];
  }
  CopyMap m;
  for (size_t d = 0; d < r; ++d) m.out[k + d] = os[d];
  for (size_t d = 0; d < 3; ++d) {
    m.len[d] = m.out[d];
    m.stride[d] = in_stride[d];
  }
  switch (n.op) {
    case Op::Pad:
      for (size_t d = 0; d < r; ++d) {
        m.lo[k + d] = n.attrs.pads[d];
        if (!n.attrs.steps.empty()) m.step[k + d] = n.attrs.steps[d];
      }
      for (size_t d = 0; d < 3; ++d) m.len[d] = (in_len[d] - 1) * m.step[d] + 1;
      break;
    case Op::Transpose:
      for (size_t d = 0; d < r; ++d) m.stride[k + d] = in_stride[k + static_cast<size_t>(n.attrs.perm[d])];
      break;
    case Op::StridedSlice:
      for (size_t d = 0; d < r; ++d) {
        m.stride[k + d] = in_stride[k + d] * n.attrs.steps[d];
        m.off += n.attrs.starts[d] * in_stride[k + d];
      }
      break;
    default: internal_error(__FILE__, __LINE__, std::string(op_info(n.op).name) + " is not a strided copy");
  }
  return m;
}

int64_t window_out(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t pad_lo, int64_t pad_hi) {
  const int64_t span = dil * (k - 1) + 1;
  const int64_t padded = in + pad_lo + pad_hi;
  if (padded < span || stride < 1) return 0;
  return (padded - span) / stride + 1;
}

}  // namespace qg::ir
