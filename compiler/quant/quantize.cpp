#include "quant/quantize.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "ir/diag.h"
#include "quant/format.h"
#include "runtime/qg_runtime.h"

namespace qg::quant {
namespace {

// Region boundaries within one reduction vector of length K.
std::vector<int64_t> boundaries(const ir::Region& r, int64_t K) {
  std::vector<int64_t> b{0};
  if (r.kind == ir::RegionKind::Block)
    for (int64_t x = r.block; x < K; x += r.block) b.push_back(x);
  b.push_back(K);
  return b;
}

}  // namespace

ir::LinearQuant quantize_linear(const std::vector<float>& w, int64_t O, int64_t K, const ir::QuantChoice& q, bool whole_tensor_act) {
  ir::LinearQuant lq;
  lq.K = K;
  lq.O = O;
  lq.w_bits = q.w_bits;
  lq.a_bits = q.a_bits;
  lq.w_region = q.w_region;
  lq.a_region = q.a_region;
  lq.a_whole_tensor = whole_tensor_act;
  const int Lw = format_for_bits(q.w_bits).levels, La = format_for_bits(q.a_bits).levels;

  const std::vector<int64_t> wb = boundaries(q.w_region, K);
  lq.areg_begin = boundaries(q.a_region, K);
  lq.n_wreg = static_cast<int64_t>(wb.size()) - 1;

  // Segments: the union of both sets of boundaries.
  std::vector<int64_t> sb = wb;
  sb.insert(sb.end(), lq.areg_begin.begin(), lq.areg_begin.end());
  std::sort(sb.begin(), sb.end());
  sb.erase(std::unique(sb.begin(), sb.end()), sb.end());
  lq.seg_begin = sb;
  const int64_t S = lq.segments();
  for (int64_t s = 0; s < S; ++s) {
    const int64_t b = sb[static_cast<size_t>(s)];
    lq.seg_wreg.push_back(static_cast<int32_t>(std::upper_bound(wb.begin(), wb.end(), b) - wb.begin() - 1));
    lq.seg_areg.push_back(static_cast<int32_t>(std::upper_bound(lq.areg_begin.begin(), lq.areg_begin.end(), b) - lq.areg_begin.begin() - 1));
  }

  // Weight region parameters.
  if (q.w_region.kind == ir::RegionKind::Layer) {
    float lo, s;
    qg_region_params(w.data(), static_cast<long>(w.size()), 0, Lw, &lo, &s);
    lq.w_lo.assign(1, lo);
    lq.w_s.assign(1, s);
  } else {
    lq.w_lo.resize(static_cast<size_t>(O * lq.n_wreg));
    lq.w_s.resize(static_cast<size_t>(O * lq.n_wreg));
    for (int64_t o = 0; o < O; ++o)
      for (int64_t r = 0; r < lq.n_wreg; ++r) {
        const size_t i = static_cast<size_t>(o * lq.n_wreg + r);
        const int64_t b = wb[static_cast<size_t>(r)], e = wb[static_cast<size_t>(r + 1)];
        qg_region_params(&w[static_cast<size_t>(o * K + b)], static_cast<long>(e - b), 0, Lw, &lq.w_lo[i], &lq.w_s[i]);
      }
  }
  auto wparam = [&](int64_t o, int64_t r) -> size_t {
    return q.w_region.kind == ir::RegionKind::Layer ? 0 : static_cast<size_t>(o * lq.n_wreg + r);
  };

  // Codes.
  lq.codes.resize(static_cast<size_t>(O * K));
  for (int64_t o = 0; o < O; ++o)
    for (int64_t r = 0; r < lq.n_wreg; ++r) {
      const size_t pi = wparam(o, r);
      for (int64_t k = wb[static_cast<size_t>(r)]; k < wb[static_cast<size_t>(r + 1)]; ++k) {
        const size_t i = static_cast<size_t>(o * K + k);
        lq.codes[i] = qg_quantize(w[i], lq.w_lo[pi], lq.w_s[pi], Lw);
      }
    }

  // Per-segment constants.
  lq.P.resize(static_cast<size_t>(O * S));
  lq.B.resize(static_cast<size_t>(O * S));
  lq.D.resize(static_cast<size_t>(O * S));
  lq.E.resize(static_cast<size_t>(O * S));
  for (int64_t o = 0; o < O; ++o)
    for (int64_t s = 0; s < S; ++s) {
      const int64_t b = sb[static_cast<size_t>(s)], e = sb[static_cast<size_t>(s + 1)];
      int64_t P = 0;
      for (int64_t k = b; k < e; ++k) P += lq.codes[static_cast<size_t>(o * K + k)];
      const size_t pi = wparam(o, lq.seg_wreg[static_cast<size_t>(s)]);
      const size_t i = static_cast<size_t>(o * S + s);
      const float lo_w = lq.w_lo[pi], s_w = lq.w_s[pi];
      lq.P[i] = P;
      lq.B[i] = lo_w;
      lq.D[i] = s_w;
      // E = lo_w * n + s_w * P, in this order, in float.
      const float t1 = lo_w * static_cast<float>(e - b);
      const float t2 = s_w * static_cast<float>(P);
      lq.E[i] = t1 + t2;
      if (!std::isfinite(lq.E[i])) internal_error(__FILE__, __LINE__, "non-finite segment constant");
    }

  // Accumulator proof: Σp·q over one segment is at most n·Lw·La.
  int64_t longest = 0;
  for (int64_t s = 0; s < S; ++s) longest = std::max(longest, sb[static_cast<size_t>(s + 1)] - sb[static_cast<size_t>(s)]);
  lq.acc_bound = longest * Lw * La;
  lq.acc64 = lq.acc_bound > INT32_MAX;
  return lq;
}

ir::Graph quantize(ir::Graph g) {
  for (ir::Node& n : g.nodes) {
    if (n.quant.scheme != ir::Scheme::LQ) continue;
    const int64_t K = ir::reduction_length(g, n);
    const int64_t O = n.weight.shape[0];
    const bool whole = n.quant.a_region.kind == ir::RegionKind::Layer;
    n.lq = std::make_shared<ir::LinearQuant>(quantize_linear(n.weight.data, O, K, n.quant, whole));
  }
  return g;
}

}  // namespace qg::quant
