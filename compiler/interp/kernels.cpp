// Reference kernels. Each follows docs/quantization.md literally; float
// expressions are written in exactly the order the emitted C evaluates them.
#include "interp/kernels.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/format.h"
#include "runtime/qg_runtime.h"

namespace qg::interp {
namespace {

using ir::Activation;
using ir::Op;

float activate(float y, Activation a) {
  if (a == Activation::None) return y;
  y = y > 0.0f ? y : 0.0f;
  if (a == Activation::Relu6) y = y < 6.0f ? y : 6.0f;
  return y;
}

size_t idx(int64_t i) { return static_cast<size_t>(i); }

// Same code as qg_quantize(v, lo, s, L) for every input (NaN and infinities
// included; the proof is in quant/quantize.cpp, quantize_branchless), written
// without early returns so that the loop over a region vectorizes:
//   t <= 0 or NaN -> t = 0 -> code 0;  t >= L -> t = L -> code L;
//   otherwise the same truncate-and-round-half-up steps in float.
inline int16_t quantize_code(float v, float lo, float s, float Lf) {
  float t = (v - lo) / s;
  t = t > 0.0f ? t : 0.0f;
  t = t < Lf ? t : Lf;
  const int i = static_cast<int>(t);
  return static_cast<int16_t>(i + ((t - static_cast<float>(i)) >= 0.5f ? 1 : 0));
}

// qg_region_params(v, n, 0, levels, lo, s) for a patch region, with the
// min/max scan split over 8 independent lanes (one sequential chain of
// compare-selects is latency bound). Every lane starts at v[0] and lanes are
// merged with the same selects, so the result is the one of the sequential
// scan — a NaN at v[0] propagates, later NaNs are skipped — except that among
// equal values +0.0 / -0.0 another may win. That is unobservable: lo and hi
// only enter hi - lo, hi == lo and v - lo (the code of v = ±0 is 0 either
// way), and lo * E, whose zero sign is lost when the segment sum is added to
// y (y starts at +0.0f; docs/quantization.md §4).
void region_params(const float* v, int64_t n, int levels, float* lo, float* s) {
  constexpr int kLanes = 8;
  if (n < 2 * kLanes) return qg_region_params(v, static_cast<long>(n), 0, levels, lo, s);
  float mn[kLanes], mx[kLanes];
  for (int l = 0; l < kLanes; ++l) mn[l] = mx[l] = v[0];
  int64_t j = 1;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const float x = v[j + l];
      mn[l] = x < mn[l] ? x : mn[l];
      mx[l] = x > mx[l] ? x : mx[l];
    }
  for (; j < n; ++j) {
    mn[0] = v[j] < mn[0] ? v[j] : mn[0];
    mx[0] = v[j] > mx[0] ? v[j] : mx[0];
  }
  float a = mn[0], b = mx[0];
  for (int l = 1; l < kLanes; ++l) {
    a = mn[l] < a ? mn[l] : a;
    b = mx[l] > b ? mx[l] : b;
  }
  *lo = a;
  *s = (b == a) ? 1.0f : (b - a) / static_cast<float>(levels);
}

// Σ p·q over n codes, for one output channel (dot1) or four at once (dot4,
// sharing the loads of q). Exact in Acc: quantize() proved every segment's
// Σp·q <= acc_bound and chose int64 (acc64) where int32 could overflow, so the
// order of the integer additions does not matter. With int16 codes and int32
// sums the loops vectorize to pmaddwd (SSE2) / vpmaddwd (AVX2).
template <typename Acc, typename Code>
Acc dot1(const Code* __restrict p, const int16_t* __restrict q, int64_t n) {
  Acc acc = 0;
  for (int64_t j = 0; j < n; ++j) acc += static_cast<Acc>(static_cast<int32_t>(p[j]) * static_cast<int32_t>(q[j]));
  return acc;
}

template <typename Acc, typename Code>
void dot4(const Code* __restrict p0, const Code* __restrict p1, const Code* __restrict p2, const Code* __restrict p3,
          const int16_t* __restrict q, int64_t n, Acc* r) {
  Acc a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (int64_t j = 0; j < n; ++j) {
    const int32_t qj = q[j];
    a0 += static_cast<Acc>(static_cast<int32_t>(p0[j]) * qj);
    a1 += static_cast<Acc>(static_cast<int32_t>(p1[j]) * qj);
    a2 += static_cast<Acc>(static_cast<int32_t>(p2[j]) * qj);
    a3 += static_cast<Acc>(static_cast<int32_t>(p3[j]) * qj);
  }
  r[0] = a0, r[1] = a1, r[2] = a2, r[3] = a3;
}

// Buffers of one quantized layer call, sized once and reused for every patch.
struct LqScratch {
  std::vector<float> lo, s;    // per activation region of a patch
  std::vector<int16_t> q;      // activation codes of a patch
  std::vector<int64_t> sq;     // Σq per segment
  std::vector<int64_t> spq;    // Σp·q per segment of up to four output channels
  std::vector<int64_t> index;  // LUT kernel: table index of every group
  explicit LqScratch(const ir::LinearQuant& lq)
      : lo(idx(lq.aregions())), s(idx(lq.aregions())), q(idx(lq.K)), sq(idx(lq.segments())), spq(idx(4 * lq.segments())),
        index(idx(lq.lut_g ? lq.lut_groups() : 0)) {}
};

// Σ w·a of one im2col patch against output channels [o0, o1), quantized
// (docs/quantization.md, "Evaluation order"): the integer sums Σq and Σp·q are
// exact in any order; every float step is written in the documented order.
// `codes` = lq.codes (uint8) or a widened int16 copy of them, [O][K].
// patch == nullptr: w.lo, w.s and w.q already hold the patch's region
// parameters and codes (read from an LQ-packed input, gather_packed).
template <typename Acc, typename Code>
void lq_outputs_acc(const ir::LinearQuant& lq, const Code* codes, const float* patch, float whole_lo, float whole_s, int64_t o0,
                    int64_t o1, const ir::Param& bias, Activation act, float* out, LqScratch& w) {
  const int64_t K = lq.K, S = lq.segments(), R = lq.aregions();
  const int La = quant::format_for_bits(lq.a_bits).levels;
  const float Lf = static_cast<float>(La);
  for (int64_t r = 0; patch && r < R; ++r) {
    const int64_t b = lq.areg_begin[idx(r)], e = lq.areg_begin[idx(r + 1)];
    if (lq.a_whole_tensor) {
      w.lo[idx(r)] = whole_lo;
      w.s[idx(r)] = whole_s;
    } else {
      region_params(patch + b, e - b, La, &w.lo[idx(r)], &w.s[idx(r)]);
    }
    const float lo = w.lo[idx(r)], s = w.s[idx(r)];
    int16_t* __restrict q = w.q.data();
    for (int64_t j = b; j < e; ++j) q[j] = quantize_code(patch[j], lo, s, Lf);
  }
  const int16_t* q = w.q.data();
  for (int64_t sg = 0; sg < S; ++sg) {
    int64_t sum = 0;
    for (int64_t j = lq.seg_begin[idx(sg)]; j < lq.seg_begin[idx(sg + 1)]; ++j) sum += q[j];
    w.sq[idx(sg)] = sum;
  }

  // Combines the integer sums of channel o, segment by segment, in float.
  auto finish = [&](int64_t o, const int64_t* spq) {
    float y = 0.0f;
    for (int64_t sg = 0; sg < S; ++sg) {
      const size_t c = idx(o * S + sg);
      const int32_t a = lq.seg_areg[idx(sg)];
      const float acc = qg_lq_part(w.lo[idx(a)], w.s[idx(a)], lq.E[c], lq.B[c], lq.D[c], static_cast<float>(w.sq[idx(sg)]),
                                   static_cast<float>(spq[sg]));
      y = y + acc;
    }
    y = y + (bias.empty() ? 0.0f : bias.data[idx(o)]);
    out[o - o0] = activate(y, act);
  };
  int64_t* spq = w.spq.data();
  if (lq.lut_g) {  // LUT kernel: Σp·q from table look-ups (kernels_lut.cpp)
    lut_indices(lq, q, w.index.data());
    for (int64_t o = o0; o < o1; ++o) {
      lut_spq(lq, o, w.index.data(), spq);
      finish(o, spq);
    }
    return;
  }
  int64_t o = o0;
  for (; o + 4 <= o1; o += 4) {
    const Code* p = codes + o * K;
    for (int64_t sg = 0; sg < S; ++sg) {
      const int64_t b = lq.seg_begin[idx(sg)], n = lq.seg_begin[idx(sg + 1)] - b;
      Acc r[4];
      dot4<Acc>(p + b, p + K + b, p + 2 * K + b, p + 3 * K + b, q + b, n, r);
      for (int64_t i = 0; i < 4; ++i) spq[i * S + sg] = r[i];
    }
    for (int64_t i = 0; i < 4; ++i) finish(o + i, spq + i * S);
  }
  for (; o < o1; ++o) {
    const Code* p = codes + o * K;
    for (int64_t sg = 0; sg < S; ++sg) {
      const int64_t b = lq.seg_begin[idx(sg)];
      spq[sg] = dot1<Acc>(p + b, q + b, lq.seg_begin[idx(sg + 1)] - b);
    }
    finish(o, spq);
  }
}

template <typename Code>
void lq_outputs(const ir::LinearQuant& lq, const Code* codes, const float* patch, float whole_lo, float whole_s, int64_t o0, int64_t o1,
                const ir::Param& bias, Activation act, float* out, LqScratch& w) {
  if (lq.acc64) lq_outputs_acc<int64_t>(lq, codes, patch, whole_lo, whole_s, o0, o1, bias, act, out, w);
  else lq_outputs_acc<int32_t>(lq, codes, patch, whole_lo, whole_s, o0, o1, bias, act, out, w);
}

// An LQ-packed input tensor (ir::LqPacked, runtime/qg_lqp.h) as the
// interpreter holds it: its arena bytes.
struct PackedIn {
  const uint8_t* codes;
  const float *lo, *s;
  int64_t R;
  int cb;
  PackedIn(const ir::Tensor& t, const std::vector<float>& v)
      : codes(reinterpret_cast<const uint8_t*>(v.data())),
        lo(v.data() + t.packed_code_bytes() / 4),
        s(lo + t.packed_regions()),
        R(t.pack.region),
        cb(t.pack.code_bits()) {}
};

// The codes and region parameters of the im2col patch of output position
// (oy, ox) and group grp of a packed input, into w.q, w.lo, w.s: tap by tap
// the producer's codes and (lo, s); a padding tap is all-zero regions
// (lo 0, s 1, codes 0), what per-patch quantization gives for zeros.
void gather_packed(const PackedIn& x, const ir::Window& win, int64_t H, int64_t W, int64_t C, int64_t Cg, int64_t oy, int64_t ox,
                   int64_t grp, LqScratch& w) {
  std::vector<uint8_t> q(idx(Cg));
  const int64_t nr = Cg / x.R;
  int64_t t = 0;
  for (int64_t ky = 0; ky < win.kh; ++ky) {
    const int64_t iy = oy * win.sh - win.pt + ky * win.dh;
    for (int64_t kx = 0; kx < win.kw; ++kx, ++t) {
      const int64_t ix = ox * win.sw - win.pl + kx * win.dw;
      float* rlo = &w.lo[idx(t * nr)];
      float* rs = &w.s[idx(t * nr)];
      if (iy >= 0 && iy < H && ix >= 0 && ix < W)
        qg_lqp_gather(x.codes, x.lo, x.s, static_cast<long>((iy * W + ix) * C + grp * Cg), static_cast<long>(Cg), static_cast<long>(x.R),
                      x.cb, q.data(), rlo, rs);
      else
        qg_lqp_zero(static_cast<long>(Cg), static_cast<long>(x.R), q.data(), rlo, rs);
      for (int64_t c = 0; c < Cg; ++c) w.q[idx(t * Cg + c)] = q[idx(c)];
    }
  }
}

// Float conv2d sums of kB output channels [o, o + kB) of group grp at output
// position (oy, ox): y = 0; y = y + w*x over the valid taps in (ky, kx, c)
// order. wg: the group's weights as [ky][kx][c][Og].
struct FloatConv {
  const float* x;
  const ir::Window& w;
  int64_t H, W, C, Cg, Og;
  template <int kB>
  void sums(const float* wg, int64_t o, int64_t grp, int64_t oy, int64_t ox, float* y) const {
    float acc[kB] = {};
    for_each_valid_tap(w, H, W, oy, ox, [&](int64_t ky, int64_t kx, int64_t iy, int64_t ix) {
      const float* xp = x + (iy * W + ix) * C + grp * Cg;
      const float* wk = wg + (ky * w.kw + kx) * Cg * Og + o;
      for (int64_t c = 0; c < Cg; ++c) {
        const float xv = xp[c];
        const float* wr = wk + c * Og;
        for (int u = 0; u < kB; ++u) acc[u] = acc[u] + wr[u] * xv;
      }
    });
    for (int u = 0; u < kB; ++u) y[u] = acc[u];
  }
};

void k_conv2d(const KernelArgs& a) {
  const ir::Node& n = a.n;
  const auto& is = a.g.in(n).shape;
  const auto& os = a.g.out(n).shape;
  const int64_t H = is[0], W = is[1], C = is[2], OH = os[0], OW = os[1], O = os[2];
  const ir::Window& w = n.attrs.win;
  const int64_t G = n.attrs.groups, Cg = C / G, Og = O / G, K = w.kh * w.kw * Cg;
  const std::vector<float>& x = *a.in[0];

  if (a.quantized && n.lq && n.lq->lqi) {
    k_conv2d_lqi(a);
    return;
  }
  if (a.quantized && n.lq) {
    const ir::Tensor& tin = a.g.in(n);
    float whole_lo = 0, whole_s = 1;
    if (n.lq->a_whole_tensor)
      qg_region_params(x.data(), static_cast<long>(x.size()), w.padded() ? 1 : 0, quant::format_for_bits(n.lq->a_bits).levels,
                       &whole_lo, &whole_s);
    std::vector<float> patch(idx(K));
    LqScratch scratch(*n.lq);
    // The weight codes widened to int16 once per call (cheap next to the
    // OH*OW patches that use them) for the pmaddwd-friendly dot products.
    const std::vector<int16_t> codes(n.lq->codes.begin(), n.lq->codes.end());
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t grp = 0; grp < G; ++grp) {
          const float* p = patch.data();
          if (tin.pack.on()) {
            gather_packed(PackedIn(tin, x), w, H, W, C, Cg, oy, ox, grp, scratch);
            p = nullptr;
          } else {
            gather_patch(x, w, H, W, C, Cg, oy, ox, grp, patch.data());
          }
          lq_outputs(*n.lq, codes.data(), p, whole_lo, whole_s, grp * Og, (grp + 1) * Og, n.bias, n.act,
                     &a.out[idx((oy * OW + ox) * O + grp * Og)], scratch);
        }
    return;
  }

  // Float: padded taps are skipped; per output channel y = y + w*x in (ky, kx, c)
  // order. The weights are transposed to [group][ky][kx][c][o] so that the
  // inner loop runs over a block of output channels (each keeps its own sum,
  // in the documented order, in a register) and vectorizes without
  // reassociating anything.
  std::vector<float> wt(idx(G * K * Og));
  for (int64_t o = 0; o < O; ++o)
    for (int64_t k = 0; k < K; ++k) wt[idx(((o / Og) * K + k) * Og + o % Og)] = n.weight.data[idx(o * K + k)];
  const FloatConv fc{x.data(), w, H, W, C, Cg, Og};
  std::vector<float> y(idx(Og));
  for (int64_t oy = 0; oy < OH; ++oy)
    for (int64_t ox = 0; ox < OW; ++ox)
      for (int64_t grp = 0; grp < G; ++grp) {
        const float* wg = &wt[idx(grp * K * Og)];
        int64_t o = 0;
        for (; o + 16 <= Og; o += 16) fc.sums<16>(wg, o, grp, oy, ox, &y[idx(o)]);
        for (; o < Og; ++o) fc.sums<1>(wg, o, grp, oy, ox, &y[idx(o)]);
        float* dst = &a.out[idx((oy * OW + ox) * O + grp * Og)];
        for (o = 0; o < Og; ++o) {
          const float v = y[idx(o)] + (n.bias.empty() ? 0.0f : n.bias.data[idx(grp * Og + o)]);
          dst[o] = activate(v, n.act);
        }
      }
}

void k_dense(const KernelArgs& a) {
  const ir::Node& n = a.n;
  const std::vector<float>& x = *a.in[0];
  const int64_t I = static_cast<int64_t>(x.size()), O = static_cast<int64_t>(a.out.size());
  if (a.quantized && n.lq && n.lq->lqi) {
    k_dense_lqi(a);
    return;
  }
  if (a.quantized && n.lq) {
    float whole_lo = 0, whole_s = 1;
    if (n.lq->a_whole_tensor)
      qg_region_params(x.data(), static_cast<long>(I), 0, quant::format_for_bits(n.lq->a_bits).levels, &whole_lo, &whole_s);
    LqScratch scratch(*n.lq);
    const ir::Tensor& tin = a.g.in(n);
    if (tin.pack.on()) {  // a dense layer reads its input as one 1x1 pixel of I channels
      const ir::Window one;
      const int64_t In = tin.numel();
      gather_packed(PackedIn(tin, x), one, 1, 1, In, In, 0, 0, 0, scratch);
      lq_outputs(*n.lq, n.lq->codes.data(), static_cast<const float*>(nullptr), 0.0f, 1.0f, 0, O, n.bias, n.act, a.out.data(), scratch);
      return;
    }
    lq_outputs(*n.lq, n.lq->codes.data(), x.data(), whole_lo, whole_s, 0, O, n.bias, n.act, a.out.data(), scratch);
    return;
  }
  for (int64_t o = 0; o < O; ++o) {
    float y = 0.0f;
    const float* wp = &n.weight.data[idx(o * I)];
    for (int64_t i = 0; i < I; ++i) y = y + wp[i] * x[idx(i)];
    y = y + (n.bias.empty() ? 0.0f : n.bias.data[idx(o)]);
    a.out[idx(o)] = activate(y, n.act);
  }
}

void k_activation(const KernelArgs& a) {  // relu, relu6
  const Activation act = ir::op_info(a.n.op).activation;
  for (size_t i = 0; i < a.out.size(); ++i) a.out[i] = activate((*a.in[0])[i], act);
}

template <bool kMax>
void k_pool(const KernelArgs& a) {
  const ir::Window& w = a.n.attrs.win;
  const bool include_pad = a.n.attrs.count_include_pad;
  pool_windows(
      a, kMax ? -INFINITY : 0.0f, [](float acc, float v) { return kMax ? (v > acc ? v : acc) : acc + v; },
      [&](float acc, int64_t count) { return kMax ? acc : acc / static_cast<float>(include_pad ? w.kh * w.kw : count); });
}

void k_global_avgpool(const KernelArgs& a) {
  const auto& is = a.g.in(a.n).shape;
  const int64_t HW = is[0] * is[1], C = is[2];
  for (int64_t c = 0; c < C; ++c) {
    float s = 0.0f;
    for (int64_t i = 0; i < HW; ++i) s = s + (*a.in[0])[idx(i * C + c)];
    a.out[idx(c)] = s / static_cast<float>(HW);
  }
}

void k_add(const KernelArgs& a) {
  for (size_t i = 0; i < a.out.size(); ++i) a.out[i] = (*a.in[0])[i] + (*a.in[1])[i];
}

void k_concat(const KernelArgs& a) {
  const auto& os = a.g.out(a.n).shape;
  const int64_t ax = a.n.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < ax; ++d) outer *= os[idx(d)];
  for (int64_t d = ax + 1; d < static_cast<int64_t>(os.size()); ++d) inner *= os[idx(d)];
  const int64_t out_row = os[idx(ax)] * inner;
  int64_t off = 0;
  for (size_t t = 0; t < a.in.size(); ++t) {
    const int64_t row = a.g.in(a.n, t).shape[idx(ax)] * inner;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < row; ++i) a.out[idx(o * out_row + off + i)] = (*a.in[t])[idx(o * row + i)];
    off += row;
  }
}

void k_batchnorm(const KernelArgs& a) {
  const int64_t C = static_cast<int64_t>(a.n.weight.data.size());
  for (size_t i = 0; i < a.out.size(); ++i) {
    const size_t c = i % idx(C);
    a.out[i] = (*a.in[0])[i] * a.n.weight.data[c] + a.n.bias.data[c];
  }
}

// Internal (HWC) index of the element at declared-layout position li.
int64_t internal_of_logical(const std::vector<int64_t>& s, ir::Layout l, int64_t li) {
  if (s.size() != 3 || l != ir::Layout::CHW) return li;
  const int64_t HW = s[0] * s[1];
  return (li % HW) * s[2] + li / HW;
}

void k_relayout(const KernelArgs& a) {  // flatten, reshape: keep declared-layout order
  const auto& is = a.g.in(a.n).shape;
  const auto& os = a.g.out(a.n).shape;
  for (int64_t li = 0; li < static_cast<int64_t>(a.out.size()); ++li)
    a.out[idx(internal_of_logical(os, a.g.layout, li))] = (*a.in[0])[idx(internal_of_logical(is, a.g.layout, li))];
}

void k_softmax(const KernelArgs& a) {
  const auto& s = a.g.out(a.n).shape;
  const int64_t C = s.back(), rows = static_cast<int64_t>(a.out.size()) / C;
  const std::vector<float>& x = *a.in[0];
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = &x[idx(r * C)];
    float* yr = &a.out[idx(r * C)];
    float m = xr[0];
    for (int64_t c = 1; c < C; ++c) m = xr[c] > m ? xr[c] : m;
    float sum = 0.0f;
    for (int64_t c = 0; c < C; ++c) {
      yr[c] = qg_expf(xr[c] - m);
      sum = sum + yr[c];
    }
    for (int64_t c = 0; c < C; ++c) yr[c] = yr[c] / sum;
  }
}

void k_sigmoid(const KernelArgs& a) {  // templates/sigmoid_f32.c: e = exp(-|x|) (qg_expf takes x <= 0)
  for (size_t i = 0; i < a.out.size(); ++i) {
    const float x = (*a.in[0])[i], e = qg_expf(x < 0.0f ? x : -x);
    a.out[i] = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
  }
}

// templates/sigmoid_f32.c with QG_TANH 1: e = exp(-2|x|), y = (1 - e) / (1 + e), negated for x < 0.
void k_tanh(const KernelArgs& a) {
  for (size_t i = 0; i < a.out.size(); ++i) {
    const float x = (*a.in[0])[i], n = x < 0.0f ? x : -x, e = qg_expf(n + n), t = (1.0f - e) / (1.0f + e);
    a.out[i] = x < 0.0f ? -t : t;
  }
}

// templates/hardsigmoid_f32.c, hardswish_f32.c: h = x * (1/6) + 0.5 clamped to [0, 1].
float hardsigmoid(float x) {
  const float h = x * (1.0f / 6.0f) + 0.5f;
  return h < 0.0f ? 0.0f : h > 1.0f ? 1.0f : h;
}

void k_hardsigmoid(const KernelArgs& a) {
  for (size_t i = 0; i < a.out.size(); ++i) a.out[i] = hardsigmoid((*a.in[0])[i]);
}

void k_hardswish(const KernelArgs& a) {
  for (size_t i = 0; i < a.out.size(); ++i) {
    const float x = (*a.in[0])[i];
    a.out[i] = x * hardsigmoid(x);
  }
}

// TFLite's float LEAKY_RELU (templates/leaky_relu_f32.c).
void k_leaky_relu(const KernelArgs& a) {
  const float alpha = a.n.attrs.alpha;
  for (size_t i = 0; i < a.out.size(); ++i) {
    const float x = (*a.in[0])[i];
    a.out[i] = x > 0.0f ? x : x * alpha;
  }
}

// Elementwise binary ops with broadcasting (templates/binary_f32.c, whose
// QG_MUL ... QG_MAXIMUM are these expressions).
float f_mul(float x, float y) { return x * y; }
float f_sub(float x, float y) { return x - y; }
float f_div(float x, float y) { return x / y; }
float f_min(float x, float y) { return x < y ? x : y; }
float f_max(float x, float y) { return x > y ? x : y; }

}  // namespace

// Strides of `in` broadcast to an output of shape `out` (both padded to rank
// 3 with leading 1s): 0 along the dimensions where `in` has 1.
std::array<int64_t, 3> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  std::array<int64_t, 3> st{0, 0, 0};
  const size_t off = 3 - out.size();
  int64_t s = 1;
  for (size_t d = out.size(); d-- > 0;) {
    st[d + off] = in[d] == 1 ? 0 : s;
    s *= in[d];
  }
  return st;
}

std::array<int64_t, 3> dims3(const std::vector<int64_t>& s) {
  std::array<int64_t, 3> d{1, 1, 1};
  for (size_t i = 0; i < s.size(); ++i) d[3 - s.size() + i] = s[i];
  return d;
}

namespace {

template <float (*F)(float, float)>
void k_binary(const KernelArgs& a) {
  const auto& os = a.g.out(a.n).shape;
  const auto d = dims3(os);
  const auto sa = broadcast_strides(a.g.in(a.n, 0).shape, os), sb = broadcast_strides(a.g.in(a.n, 1).shape, os);
  const std::vector<float>&x = *a.in[0], &y = *a.in[1];
  size_t o = 0;
  for (int64_t i = 0; i < d[0]; ++i)
    for (int64_t j = 0; j < d[1]; ++j)
      for (int64_t k = 0; k < d[2]; ++k, ++o)
        a.out[o] = F(x[idx(i * sa[0] + j * sa[1] + k * sa[2])], y[idx(i * sb[0] + j * sb[1] + k * sb[2])]);
}

// Elements [begin, end) of the internal axis: outer x (end - begin) x inner.
void k_slice(const KernelArgs& a) {
  const auto& is = a.g.in(a.n).shape;
  const int64_t ax = a.n.attrs.axis, len = a.n.attrs.end - a.n.attrs.begin;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < ax; ++d) outer *= is[idx(d)];
  for (int64_t d = ax + 1; d < static_cast<int64_t>(is.size()); ++d) inner *= is[idx(d)];
  const int64_t in_row = is[idx(ax)] * inner;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < len * inner; ++i) a.out[idx(o * len * inner + i)] = (*a.in[0])[idx(o * in_row + a.n.attrs.begin * inner + i)];
}

// pad, transpose, strided_slice (ir::copy_map); float and int8 codes alike,
// the pad value is 0 or the int8 output's zero point (TFLite's PAD).
void k_strided_copy(const KernelArgs& a) {
  const ir::CopyMap m = ir::copy_map(a.g, a.n);
  const float pad = int8_out(a) ? static_cast<float>(a.g.out(a.n).q.zero_point) : 0.0f;
  size_t o = 0;
  for (int64_t i = 0; i < m.out[0]; ++i)
    for (int64_t j = 0; j < m.out[1]; ++j)
      for (int64_t k = 0; k < m.out[2]; ++k, ++o) {
        const int64_t u = i - m.lo[0], v = j - m.lo[1], w = k - m.lo[2];
        const bool in = u >= 0 && u < m.len[0] && v >= 0 && v < m.len[1] && w >= 0 && w < m.len[2] && u % m.step[0] == 0 &&
                        v % m.step[1] == 0 && w % m.step[2] == 0;
        a.out[o] = in ? (*a.in[0])[idx(m.off + u / m.step[0] * m.stride[0] + v / m.step[1] * m.stride[1] + w / m.step[2] * m.stride[2])]
                      : pad;
      }
}

void k_channel_shuffle(const KernelArgs& a) {
  const auto& s = a.g.in(a.n).shape;
  const int64_t HW = s[0] * s[1], C = s[2], G = a.n.attrs.groups, P = C / G;
  for (int64_t p = 0; p < HW; ++p)
    for (int64_t c = 0; c < C; ++c) a.out[idx(p * C + c)] = (*a.in[0])[idx(p * C + (c % G) * P + c / G)];
}

// One row per op: its float kernel and its int8 kernel (the one that runs
// when the node's output is int8); nullptr where the op has none
// (ir::float_output / ir::int8_output say which exist).
constexpr std::array<OpKernels, static_cast<size_t>(Op::kCount)> kKernels = {{
    {Op::Conv2d, k_conv2d, k_linear_i8},
    {Op::Dense, k_dense, k_linear_i8},
    {Op::Relu, k_activation, k_clamp_i8},
    {Op::Relu6, k_activation, k_clamp_i8},
    {Op::MaxPool2d, k_pool<true>, k_pool_i8<true>},
    {Op::AvgPool2d, k_pool<false>, k_pool_i8<false>},
    {Op::GlobalAvgPool, k_global_avgpool, k_mean_i8},
    {Op::Add, k_add, k_add_i8},
    {Op::Concat, k_concat, k_concat},  // int8: the codes, moved as the float kernel moves values
    {Op::BatchNorm, k_batchnorm, nullptr},
    {Op::Flatten, k_relayout, k_relayout},
    {Op::Reshape, k_relayout, k_relayout},
    {Op::Softmax, k_softmax, k_softmax_i8},
    {Op::Sigmoid, k_sigmoid, k_table_i8},
    {Op::HardSigmoid, k_hardsigmoid, k_table_i8},
    {Op::HardSwish, k_hardswish, k_table_i8},
    {Op::LeakyRelu, k_leaky_relu, k_table_i8},
    {Op::Mul, k_binary<f_mul>, k_binary_i8<true>},
    {Op::Sub, k_binary<f_sub>, k_binary_i8<false>},
    {Op::Div, k_binary<f_div>, k_div_i8},
    {Op::Minimum, k_binary<f_min>, k_binary<f_min>},  // int8: the smaller code (TFLite's MINIMUM)
    {Op::Maximum, k_binary<f_max>, k_binary<f_max>},
    {Op::Slice, k_slice, k_slice},  // int8: the codes, moved as the float kernel moves values
    {Op::ChannelShuffle, k_channel_shuffle, k_channel_shuffle},
    {Op::Pad, k_strided_copy, k_strided_copy},
    {Op::Transpose, k_strided_copy, k_strided_copy},
    {Op::StridedSlice, k_strided_copy, k_strided_copy},
    {Op::Mean, k_global_avgpool, k_mean_i8},
    {Op::Quantize, nullptr, k_quantize},
    {Op::Dequantize, k_dequantize, nullptr},
    {Op::Tanh, k_tanh, k_table_i8},
}};

}  // namespace

const OpKernels& kernels_for(Op op) {
  const OpKernels& row = kKernels.at(static_cast<size_t>(op));
  QG_CHECK(row.op == op && (row.f32 || row.i8), "interpreter kernel table out of order");
  return row;
}

KernelFn kernel_for(const ir::Graph& g, const ir::Node& n) {
  const OpKernels& k = kernels_for(n.op);
  const bool i8 = g.out(n).dtype == ir::DType::I8;
  const KernelFn fn = i8 ? k.i8 : k.f32;
  QG_CHECK(fn != nullptr, std::string(ir::op_info(n.op).name) + " has no " + (i8 ? "int8" : "float") + " interpreter kernel");
  return fn;
}

}  // namespace qg::interp
