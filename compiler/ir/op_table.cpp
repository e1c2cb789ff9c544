#include "ir/op_table.h"

#include <array>

#include "ir/diag.h"

namespace qg::ir {
namespace {

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

int64_t macs_conv(const Graph& g, const Node& n) {
  const Tensor& o = g.out(n);
  return o.numel() * reduction_length(g, n);
}
int64_t macs_dense(const Graph& g, const Node& n) { return g.out(n).numel() * reduction_length(g, n); }

const std::array<OpInfo, static_cast<size_t>(Op::kCount)> kOps = {{
    {Op::Conv2d, "conv2d", 1, 1, kAttrWindow | kAttrGroups | kAttrDilation, {"weight", "bias"}, true, 3, infer_conv, macs_conv},
    {Op::Dense, "dense", 1, 1, 0, {"weight", "bias"}, true, 1, infer_dense, macs_dense},
    {Op::Relu, "relu", 1, 1, 0, {}, false, 0, infer_same, nullptr},
    {Op::Relu6, "relu6", 1, 1, 0, {}, false, 0, infer_same, nullptr},
    {Op::MaxPool2d, "maxpool2d", 1, 1, kAttrWindow | kAttrKernelReq, {}, false, 3, infer_pool, nullptr},
    {Op::AvgPool2d, "avgpool2d", 1, 1, kAttrWindow | kAttrKernelReq | kAttrCountPad, {}, false, 3, infer_pool, nullptr},
    {Op::GlobalAvgPool, "global_avgpool", 1, 1, 0, {}, false, 3, infer_gap, nullptr},
    {Op::Add, "add", 2, 2, 0, {}, false, 0, infer_add, nullptr},
    {Op::Concat, "concat", 2, -1, kAttrAxis, {}, false, 0, infer_concat, nullptr},
    {Op::BatchNorm, "batchnorm", 1, 1, kAttrEpsilon, {"scale", "bias", "mean", "var"}, false, 0, infer_bn, nullptr},
    {Op::Flatten, "flatten", 1, 1, 0, {}, false, 0, infer_flatten, nullptr},
    {Op::Reshape, "reshape", 1, 1, kAttrShape, {}, false, 0, infer_reshape, nullptr},
    {Op::Softmax, "softmax", 1, 1, 0, {}, false, 0, infer_same, nullptr},
    {Op::Quantize, "quantize", 1, 1, 0, {}, false, 0, infer_same, nullptr, true},
    {Op::Dequantize, "dequantize", 1, 1, 0, {}, false, 0, infer_same, nullptr, true},
}};

}  // namespace

const OpInfo& op_info(Op op) {
  const OpInfo& info = kOps.at(static_cast<size_t>(op));
  QG_CHECK(info.op == op, "op table out of order");
  return info;
}

const OpInfo* find_op(const std::string& name) {
  for (const OpInfo& i : kOps)
    if (name == i.name && !i.internal) return &i;
  return nullptr;
}

std::string known_op_names() {
  std::string s;
  for (const OpInfo& i : kOps)
    if (!i.internal) s += (s.empty() ? "" : ", ") + std::string(i.name);
  return s;
}

int64_t window_out(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t pad_lo, int64_t pad_hi) {
  const int64_t span = dil * (k - 1) + 1;
  const int64_t padded = in + pad_lo + pad_hi;
  if (padded < span || stride < 1) return 0;
  return (padded - span) / stride + 1;
}

}  // namespace qg::ir
