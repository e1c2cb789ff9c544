// Integer-only LQ ("scheme": "lq_int", docs/quantization.md §12): the
// reference of templates/conv2d_lqi.c. Per patch: grid values (qg_lqi_grid;
// padding taps are 0), per activation region (lo, d) and codes, Σq per
// segment; per output channel the int64 accumulator T over the segments in
// ascending order, then qg_lqi_requant, and the output value g * S_out.
#include <algorithm>
#include <cstring>
#include <vector>

#include "interp/kernels.h"
#include "quant/format.h"
#include "runtime/qg_runtime.h"

namespace qg::interp {
namespace {

size_t idx(int64_t i) { return static_cast<size_t>(i); }

struct LqiScratch {
  std::vector<int16_t> g;
  std::vector<int32_t> lo, d, sq;
  std::vector<uint8_t> q;
  explicit LqiScratch(const ir::LinearQuant& lq)
      : g(idx(lq.K)), lo(idx(lq.aregions())), d(idx(lq.aregions())), sq(idx(lq.segments())), q(idx(lq.K)) {}
};

template <class Acc>
Acc dot(const uint8_t* p, const uint8_t* q, int64_t n) {
  Acc s = 0;
  for (int64_t j = 0; j < n; ++j) s += static_cast<Acc>(p[j]) * static_cast<Acc>(q[j]);
  return s;
}

// The patch's regions (lo, d) and codes from its grid values w.g.
void lqi_regions(const ir::LinearQuant& lq, LqiScratch& w) {
  const int La = quant::format_for_bits(lq.a_bits).levels;
  for (int64_t r = 0; r < lq.aregions(); ++r) {
    const int64_t b = lq.areg_begin[idx(r)], e = lq.areg_begin[idx(r + 1)];
    qg_lqi_region(&w.g[idx(b)], static_cast<long>(e - b), La, &w.lo[idx(r)], &w.d[idx(r)]);
    for (int64_t j = b; j < e; ++j) w.q[idx(j)] = static_cast<uint8_t>(qg_lqi_code(w.g[idx(j)], w.lo[idx(r)], w.d[idx(r)], La));
  }
}

// Outputs [o0, o1) of one patch whose regions and codes are w.lo, w.d, w.q.
void lqi_outputs(const ir::LinearQuant& lq, int64_t o0, int64_t o1, float* out, LqiScratch& w) {
  const int64_t K = lq.K, S = lq.segments();
  for (int64_t sg = 0; sg < S; ++sg) {
    int32_t sum = 0;
    for (int64_t j = lq.seg_begin[idx(sg)]; j < lq.seg_begin[idx(sg + 1)]; ++j) sum += w.q[idx(j)];
    w.sq[idx(sg)] = sum;
  }
  for (int64_t o = o0; o < o1; ++o) {
    const uint8_t* p = &lq.codes[idx(o * K)];
    int64_t T = 0;
    for (int64_t sg = 0; sg < S; ++sg) {
      const int64_t b = lq.seg_begin[idx(sg)], n = lq.seg_begin[idx(sg + 1)] - b;
      const int64_t spq = lq.acc64 ? dot<int64_t>(p + b, &w.q[idx(b)], n) : dot<int32_t>(p + b, &w.q[idx(b)], n);
      const int32_t a = lq.seg_areg[idx(sg)];
      const size_t c = idx(o * S + sg);
      T += qg_lqi_part(w.lo[idx(a)], w.d[idx(a)], lq.Em[c], lq.Bm[c], lq.Dm[c], w.sq[idx(sg)], spq);
    }
    const int32_t v = qg_lqi_requant(T, lq.rq_r[idx(o)], lq.rq_m[idx(o)], lq.rq_n[idx(o)], lq.bias_g[idx(o)], lq.act_min, lq.act_max);
    out[o - o0] = static_cast<float>(v) * lq.S_out;
  }
}

}  // namespace

// A packed lq_int input (ir::LqPacked with lqi, runtime/qg_lqi.h) as the
// interpreter holds it (its arena bytes): the patch of output position
// (oy, ox) and group grp tap by tap from the producer's codes and (lo, d); a
// padding tap is Cg / R all-zero regions (lo 0, d 1, codes 0), what
// qg_lqi_region / qg_lqi_code give for zeros.
void lqi_gather_packed(const ir::Tensor& t, const std::vector<float>& v, const ir::Window& win, int64_t H, int64_t W, int64_t C, int64_t Cg,
                       int64_t oy, int64_t ox, int64_t grp, LqiScratch& w) {
  const uint8_t* codes = reinterpret_cast<const uint8_t*>(v.data());
  const int16_t* lo = reinterpret_cast<const int16_t*>(codes + t.packed_code_bytes());
  const uint8_t* dx = reinterpret_cast<const uint8_t*>(lo + t.packed_regions());
  const int64_t R = t.pack.region, nr = Cg / R;
  int64_t k = 0;
  for (int64_t ky = 0; ky < win.kh; ++ky) {
    const int64_t iy = oy * win.sh - win.pt + ky * win.dh;
    for (int64_t kx = 0; kx < win.kw; ++kx, ++k) {
      const int64_t ix = ox * win.sw - win.pl + kx * win.dw;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
        qg_lqi_gather(codes, lo, dx, static_cast<long>((iy * W + ix) * C + grp * Cg), static_cast<long>(Cg), static_cast<long>(R),
                      t.pack.code_bits(), &w.q[idx(k * Cg)], &w.lo[idx(k * nr)], &w.d[idx(k * nr)]);
      } else {
        std::fill(w.q.begin() + k * Cg, w.q.begin() + (k + 1) * Cg, uint8_t{0});
        std::fill(w.lo.begin() + k * nr, w.lo.begin() + (k + 1) * nr, 0);
        std::fill(w.d.begin() + k * nr, w.d.begin() + (k + 1) * nr, 1);
      }
    }
  }
}

void k_conv2d_lqi(const KernelArgs& a) {
  const ir::Node& n = a.n;
  const ir::LinearQuant& lq = *n.lq;
  const ir::Tensor& tin = a.g.in(n);
  const auto& is = tin.shape;
  const auto& os = a.g.out(n).shape;
  const int64_t H = is[0], W = is[1], C = is[2], OH = os[0], OW = os[1], O = os[2];
  const ir::Window& w = n.attrs.win;
  const int64_t G = n.attrs.groups, Cg = C / G, Og = O / G;
  const std::vector<float>& x = *a.in[0];
  if (tin.pack.on()) {
    LqiScratch s(lq);
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t grp = 0; grp < G; ++grp) {
          lqi_gather_packed(tin, x, w, H, W, C, Cg, oy, ox, grp, s);
          lqi_outputs(lq, grp * Og, (grp + 1) * Og, &a.out[idx((oy * OW + ox) * O + grp * Og)], s);
        }
    return;
  }
  // The grid values of the whole input once (each is a function of one value).
  std::vector<int16_t> gx(x.size());
  for (size_t i = 0; i < x.size(); ++i) gx[i] = static_cast<int16_t>(qg_lqi_grid(x[i], lq.S_in));
  LqiScratch s(lq);
  for (int64_t oy = 0; oy < OH; ++oy)
    for (int64_t ox = 0; ox < OW; ++ox)
      for (int64_t grp = 0; grp < G; ++grp) {
        gather_patch(gx, w, H, W, C, Cg, oy, ox, grp, s.g.data());
        lqi_regions(lq, s);
        lqi_outputs(lq, grp * Og, (grp + 1) * Og, &a.out[idx((oy * OW + ox) * O + grp * Og)], s);
      }
}

void k_dense_lqi(const KernelArgs& a) {
  const ir::LinearQuant& lq = *a.n.lq;
  const ir::Tensor& tin = a.g.in(a.n);
  const std::vector<float>& x = *a.in[0];
  LqiScratch s(lq);
  if (tin.pack.on()) {  // one 1x1 pixel of I channels
    lqi_gather_packed(tin, x, ir::Window{}, 1, 1, tin.numel(), tin.numel(), 0, 0, 0, s);
  } else {
    for (size_t i = 0; i < x.size(); ++i) s.g[i] = static_cast<int16_t>(qg_lqi_grid(x[i], lq.S_in));
    lqi_regions(lq, s);
  }
  lqi_outputs(lq, 0, lq.O, a.out.data(), s);
}

}  // namespace qg::interp
