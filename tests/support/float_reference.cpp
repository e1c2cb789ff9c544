#include "support/float_reference.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace qgt {
using namespace qg::ir;

namespace {
// Tensors kept as (H, W, C) / (N) in double, indexed plainly.
struct DT {
  std::vector<int64_t> s;
  std::vector<double> v;
  double& at(int64_t y, int64_t x, int64_t c) { return v[static_cast<size_t>((y * s[1] + x) * s[2] + c)]; }
  double get(int64_t y, int64_t x, int64_t c) const { return v[static_cast<size_t>((y * s[1] + x) * s[2] + c)]; }
};

// Position of internal element i in declared order and back.
int64_t to_logical(const std::vector<int64_t>& s, Layout l, int64_t i) {
  if (s.size() != 3 || l != Layout::CHW) return i;
  int64_t c = i % s[2], p = i / s[2];
  return c * s[0] * s[1] + p;
}
}  // namespace

std::vector<double> float_reference(const Graph& g, const std::vector<float>& input) {
  std::map<int, DT> t;
  const Tensor& ti = g.tensor(g.input);
  DT x0{ti.shape, std::vector<double>(input.size())};
  for (int64_t i = 0; i < ti.numel(); ++i) x0.v[static_cast<size_t>(i)] = input[static_cast<size_t>(to_logical(ti.shape, g.layout, i))];
  t[g.input] = x0;
  for (const Node& n : g.nodes) {
    const DT& x = t.at(n.inputs[0]);
    DT y{g.out(n).shape, std::vector<double>(static_cast<size_t>(g.out(n).numel()), 0.0)};
    const Window& w = n.attrs.win;
    auto act = [&](double v) {
      if (n.act == Activation::Relu) return std::max(v, 0.0);
      if (n.act == Activation::Relu6) return std::min(std::max(v, 0.0), 6.0);
      return v;
    };
    switch (n.op) {
      case Op::Conv2d: {
        const int64_t G = n.attrs.groups, C = x.s[2], O = y.s[2], Cg = C / G, Og = O / G;
        for (int64_t oy = 0; oy < y.s[0]; ++oy)
          for (int64_t ox = 0; ox < y.s[1]; ++ox)
            for (int64_t o = 0; o < O; ++o) {
              double acc = n.bias.empty() ? 0.0 : n.bias.data[static_cast<size_t>(o)];
              for (int64_t ky = 0; ky < w.kh; ++ky)
                for (int64_t kx = 0; kx < w.kw; ++kx)
                  for (int64_t c = 0; c < Cg; ++c) {
                    int64_t iy = oy * w.sh - w.pt + ky * w.dh, ix = ox * w.sw - w.pl + kx * w.dw;
                    if (iy < 0 || ix < 0 || iy >= x.s[0] || ix >= x.s[1]) continue;
                    acc += double(n.weight.data[static_cast<size_t>(((o * w.kh + ky) * w.kw + kx) * Cg + c)]) *
                           x.get(iy, ix, (o / Og) * Cg + c);
                  }
              y.at(oy, ox, o) = act(acc);
            }
        break;
      }
      case Op::Dense: {
        const int64_t I = x.s[0];
        for (int64_t o = 0; o < y.s[0]; ++o) {
          double acc = n.bias.empty() ? 0.0 : n.bias.data[static_cast<size_t>(o)];
          for (int64_t i = 0; i < I; ++i) acc += double(n.weight.data[static_cast<size_t>(o * I + i)]) * x.v[static_cast<size_t>(i)];
          y.v[static_cast<size_t>(o)] = act(acc);
        }
        break;
      }
      case Op::Relu:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = std::max(x.v[i], 0.0);
        break;
      case Op::Relu6:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = std::min(std::max(x.v[i], 0.0), 6.0);
        break;
      case Op::MaxPool2d:
      case Op::AvgPool2d: {
        for (int64_t oy = 0; oy < y.s[0]; ++oy)
          for (int64_t ox = 0; ox < y.s[1]; ++ox)
            for (int64_t c = 0; c < y.s[2]; ++c) {
              double m = -INFINITY, s = 0;
              int64_t cnt = 0;
              for (int64_t ky = 0; ky < w.kh; ++ky)
                for (int64_t kx = 0; kx < w.kw; ++kx) {
                  int64_t iy = oy * w.sh - w.pt + ky, ix = ox * w.sw - w.pl + kx;
                  if (iy < 0 || ix < 0 || iy >= x.s[0] || ix >= x.s[1]) continue;
                  m = std::max(m, x.get(iy, ix, c));
                  s += x.get(iy, ix, c);
                  ++cnt;
                }
              y.at(oy, ox, c) = n.op == Op::MaxPool2d ? m : s / double(n.attrs.count_include_pad ? w.kh * w.kw : cnt);
            }
        break;
      }
      case Op::GlobalAvgPool:
        for (int64_t c = 0; c < x.s[2]; ++c) {
          double s = 0;
          for (int64_t p = 0; p < x.s[0] * x.s[1]; ++p) s += x.v[static_cast<size_t>(p * x.s[2] + c)];
          y.v[static_cast<size_t>(c)] = s / double(x.s[0] * x.s[1]);
        }
        break;
      case Op::Add:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = x.v[i] + t.at(n.inputs[1]).v[i];
        break;
      case Op::Concat: {
        // Walk the output in internal order; find which input each element comes from.
        const int64_t ax = n.attrs.axis;
        std::vector<int64_t> idx(y.s.size(), 0);
        for (size_t i = 0; i < y.v.size(); ++i) {
          int64_t rem = static_cast<int64_t>(i);
          for (int64_t d = static_cast<int64_t>(y.s.size()) - 1; d >= 0; --d) {
            idx[static_cast<size_t>(d)] = rem % y.s[static_cast<size_t>(d)];
            rem /= y.s[static_cast<size_t>(d)];
          }
          int64_t pos = idx[static_cast<size_t>(ax)];
          for (int in : n.inputs) {
            const DT& src = t.at(in);
            if (pos < src.s[static_cast<size_t>(ax)]) {
              std::vector<int64_t> j = idx;
              j[static_cast<size_t>(ax)] = pos;
              int64_t lin = 0;
              for (size_t d = 0; d < j.size(); ++d) lin = lin * src.s[d] + j[d];
              y.v[i] = src.v[static_cast<size_t>(lin)];
              break;
            }
            pos -= src.s[static_cast<size_t>(ax)];
          }
        }
        break;
      }
      case Op::BatchNorm: {
        const size_t C = n.weight.data.size();
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = x.v[i] * n.weight.data[i % C] + n.bias.data[i % C];
        break;
      }
      case Op::Flatten:
      case Op::Reshape: {
        for (int64_t i = 0; i < static_cast<int64_t>(y.v.size()); ++i) {
          // element i (internal) of y has logical index li; x's element with the same li.
          const int64_t li = to_logical(y.s, g.layout, i);
          int64_t xi = 0;
          for (int64_t k = 0; k < static_cast<int64_t>(x.v.size()); ++k)
            if (to_logical(x.s, g.layout, k) == li) {
              xi = k;
              break;
            }
          y.v[static_cast<size_t>(i)] = x.v[static_cast<size_t>(xi)];
        }
        break;
      }
      case Op::Sigmoid:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = 1.0 / (1.0 + std::exp(-x.v[i]));
        break;
      case Op::Tanh:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = std::tanh(x.v[i]);
        break;
      case Op::HardSigmoid:
      case Op::HardSwish:
        for (size_t i = 0; i < y.v.size(); ++i) {
          const double h = std::min(1.0, std::max(0.0, x.v[i] / 6.0 + 0.5));
          y.v[i] = n.op == Op::HardSwish ? x.v[i] * h : h;
        }
        break;
      case Op::LeakyRelu:
        for (size_t i = 0; i < y.v.size(); ++i) y.v[i] = x.v[i] > 0.0 ? x.v[i] : x.v[i] * static_cast<double>(n.attrs.alpha);
        break;
      case Op::Mul:
      case Op::Sub:
      case Op::Div:
      case Op::Minimum:
      case Op::Maximum: {
        const DT& b = t.at(n.inputs[1]);
        // Element i of y at index (d0, d1, ...); each input reads index 0 along its size-1 dimensions.
        auto at = [&](const DT& src, size_t i) {
          int64_t rem = static_cast<int64_t>(i), lin = 0, stride = 1;
          for (size_t d = y.s.size(); d-- > 0;) {
            const int64_t k = rem % y.s[d];
            rem /= y.s[d];
            lin += (src.s[d] == 1 ? 0 : k) * stride;
            stride *= src.s[d];
          }
          return src.v[static_cast<size_t>(lin)];
        };
        for (size_t i = 0; i < y.v.size(); ++i) {
          const double u = at(x, i), v = at(b, i);
          y.v[i] = n.op == Op::Mul ? u * v : n.op == Op::Sub ? u - v : n.op == Op::Div ? u / v : n.op == Op::Minimum ? std::min(u, v) : std::max(u, v);
        }
        break;
      }
      case Op::Slice: {
        const size_t ax = static_cast<size_t>(n.attrs.axis);
        for (size_t i = 0; i < y.v.size(); ++i) {
          int64_t rem = static_cast<int64_t>(i), lin = 0, stride = 1;
          for (size_t d = y.s.size(); d-- > 0;) {
            const int64_t k = rem % y.s[d] + (d == ax ? n.attrs.begin : 0);
            rem /= y.s[d];
            lin += k * stride;
            stride *= x.s[d];
          }
          y.v[i] = x.v[static_cast<size_t>(lin)];
        }
        break;
      }
      case Op::ChannelShuffle: {
        // [G, C/G] channels transposed: output channel j*G + i is input channel i*(C/G) + j.
        const int64_t C = x.s[2], G = n.attrs.groups;
        for (int64_t p = 0; p < x.s[0] * x.s[1]; ++p)
          for (int64_t i = 0; i < G; ++i)
            for (int64_t j = 0; j < C / G; ++j)
              y.v[static_cast<size_t>(p * C + j * G + i)] = x.v[static_cast<size_t>(p * C + i * (C / G) + j)];
        break;
      }
      case Op::Softmax: {
        const int64_t C = y.s.back();
        for (size_t r = 0; r < y.v.size() / static_cast<size_t>(C); ++r) {
          double m = -INFINITY, s = 0;
          for (int64_t c = 0; c < C; ++c) m = std::max(m, x.v[r * static_cast<size_t>(C) + static_cast<size_t>(c)]);
          for (int64_t c = 0; c < C; ++c) s += std::exp(x.v[r * static_cast<size_t>(C) + static_cast<size_t>(c)] - m);
          for (int64_t c = 0; c < C; ++c)
            y.v[r * static_cast<size_t>(C) + static_cast<size_t>(c)] = std::exp(x.v[r * static_cast<size_t>(C) + static_cast<size_t>(c)] - m) / s;
        }
        break;
      }
      default:
        break;
    }
    t[n.output] = y;
  }
  const DT& o = t.at(g.output);
  std::vector<double> r(o.v.size());
  for (int64_t i = 0; i < static_cast<int64_t>(o.v.size()); ++i) r[static_cast<size_t>(to_logical(o.s, g.layout, i))] = o.v[static_cast<size_t>(i)];
  return r;
}

}  // namespace qgt
