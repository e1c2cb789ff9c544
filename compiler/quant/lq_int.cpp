#include "quant/lq_int.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>

#include "ir/diag.h"
#include "quant/format.h"

namespace qg::quant {
namespace {

size_t idx(int64_t i) { return static_cast<size_t>(i); }

}  // namespace

int lqi_max_step(int L) {
  const int32_t t = (65535 + L - 1) / L;
  int x = 0;
  while (((t + (1 << x) - 1) >> x) > 15) ++x;
  return ((t + (1 << x) - 1) >> x) << x;
}

namespace {

int32_t clamp_round(double v, double lim) {
  const double r = std::round(v);
  return static_cast<int32_t>(std::max(-lim, std::min(lim, r)));
}

// The integer constants of one output channel at mantissa width m, and the
// bound of its |T| (docs/quantization.md §12).
double channel_constants(ir::LinearQuant& lq, int64_t o, int m, int La, int Lw, int d_max) {
  const int64_t S = lq.segments();
  float mx = 0.0f;
  for (int64_t s = 0; s < S; ++s) {
    const size_t c = idx(o * S + s);
    mx = std::max({mx, std::fabs(lq.E[c]), std::fabs(lq.B[c]), std::fabs(lq.D[c])});
  }
  int ex = 0;
  if (mx > 0.0f) std::frexp(static_cast<double>(mx), &ex);  // mx < 2^ex
  const int f = mx > 0.0f ? m - 1 - ex : 0;
  lq.f[idx(o)] = f;
  const double lim = std::ldexp(1.0, m - 1);
  double bound = 0.0;
  for (int64_t s = 0; s < S; ++s) {
    const size_t c = idx(o * S + s);
    lq.Em[c] = clamp_round(std::ldexp(static_cast<double>(lq.E[c]), f), lim);
    lq.Bm[c] = clamp_round(std::ldexp(static_cast<double>(lq.B[c]), f), lim);
    lq.Dm[c] = clamp_round(std::ldexp(static_cast<double>(lq.D[c]), f), lim);
    const double n = static_cast<double>(lq.seg_begin[idx(s + 1)] - lq.seg_begin[idx(s)]);
    bound += 32768.0 * std::fabs(static_cast<double>(lq.Em[c])) +
             (std::fabs(static_cast<double>(lq.Bm[c])) * n * La + std::fabs(static_cast<double>(lq.Dm[c])) * n * La * Lw) * d_max;
  }
  return bound;
}

}  // namespace

bool uses_lq_int(const ir::Graph& g) {
  for (const ir::Node& n : g.nodes)
    if (n.quant.scheme == ir::Scheme::LQ && n.quant.lq_int) return true;
  return false;
}

float lqi_step(const Range& r) {
  const double m = std::max(std::fabs(static_cast<double>(r.lo)), std::fabs(static_cast<double>(r.hi)));
  const float s = static_cast<float>(kLqiHeadroom * m / 32767.0);
  return s > 0.0f && std::isfinite(s) ? s : 1.0f;
}

ir::Graph lower_lq_int(ir::Graph g, const std::vector<Range>& ranges) {
  for (ir::Node& n : g.nodes) {
    if (n.quant.scheme != ir::Scheme::LQ || !n.quant.lq_int || !n.lq) continue;
    QG_CHECK(!n.lq->a_whole_tensor && !n.lq->lut_g, "lq_int layer with whole-tensor regions or a LUT");
    auto lq = std::make_shared<ir::LinearQuant>(*n.lq);
    const int64_t O = lq->O, S = lq->segments();
    const int La = format_for_bits(lq->a_bits).levels, Lw = format_for_bits(lq->w_bits).levels;
    const int d_max = lqi_max_step(La);
    lq->lqi = true;
    lq->S_in = lqi_step(ranges.at(idx(n.inputs.at(0))));
    lq->S_out = lqi_step(ranges.at(idx(n.output)));
    lq->Em.assign(idx(O * S), 0);
    lq->Bm.assign(idx(O * S), 0);
    lq->Dm.assign(idx(O * S), 0);
    lq->f.assign(idx(O), 0);
    // Mantissa width: 24 bits (float32's), fewer while some channel's bound
    // of |T| exceeds 2^62 (the int64 accumulator with room for rounding).
    const double kLimit = std::ldexp(1.0, 62);
    std::vector<double> bound(idx(O));
    int m = 24;
    for (;; --m) {
      double worst = 0.0;
      for (int64_t o = 0; o < O; ++o) worst = std::max(worst, bound[idx(o)] = channel_constants(*lq, o, m, La, Lw, d_max));
      if (worst < kLimit) break;
      if (m == 16) {
        int64_t longest = 0;
        for (int64_t s = 0; s < S; ++s) longest = std::max(longest, lq->seg_begin[idx(s + 1)] - lq->seg_begin[idx(s)]);
        user_error(g.file, n.src,
                   "scheme lq_int: the accumulator of layer '" + message_name(n.name) + "' cannot be proved to fit 63 bits even with 16-bit constants (segments of up to " +
                       std::to_string(longest) + " values, a_region " + ir::region_name(lq->a_region) + "); use a smaller a_region or w_region");
      }
    }
    lq->mbits = m;
    lq->T_bound = 0;
    for (double b : bound) lq->T_bound = std::max(lq->T_bound, b);
    // Requantization: T * S_in * 2^-f / S_out output grid steps.
    lq->rq_r.assign(idx(O), 0);
    lq->rq_m.assign(idx(O), 0);
    lq->rq_n.assign(idx(O), 31);
    lq->bias_g.assign(idx(O), 0);
    for (int64_t o = 0; o < O; ++o) {
      int r = 0;
      while (bound[idx(o)] / std::ldexp(1.0, r) >= std::ldexp(1.0, 31) - 2.0) ++r;
      const double real = static_cast<double>(lq->S_in) * std::ldexp(1.0, r - lq->f[idx(o)]) / static_cast<double>(lq->S_out);
      int32_t M = 0;
      int N = 31;
      if (real > 0.0) {
        int ex = 0;
        const double q = std::frexp(real, &ex);  // real = q * 2^ex, q in [0.5, 1)
        int64_t mq = static_cast<int64_t>(std::round(std::ldexp(q, 31)));
        if (mq == (int64_t{1} << 31)) {
          mq /= 2;
          ++ex;
        }
        N = 31 - ex;
        if (N > 62) {  // tiny multiplier: fewer significant bits
          mq = static_cast<int64_t>(std::round(std::ldexp(real, 62)));
          N = 62;
        } else if (N < 1) {  // a step of T above one output step: the multiplier loses its low bits
          mq = static_cast<int64_t>(std::min(static_cast<double>(INT32_MAX), std::round(std::ldexp(real, 1))));
          N = 1;
        }
        M = static_cast<int32_t>(mq);
      }
      lq->rq_r[idx(o)] = r;
      lq->rq_m[idx(o)] = M;
      lq->rq_n[idx(o)] = N;
      const double b = n.bias.empty() ? 0.0 : static_cast<double>(n.bias.data[idx(o)]);
      lq->bias_g[idx(o)] = clamp_round(b / static_cast<double>(lq->S_out), std::ldexp(1.0, 30));
    }
    lq->act_min = n.act == ir::Activation::None ? -32768 : 0;
    lq->act_max = n.act == ir::Activation::Relu6 ? clamp_round(6.0 / static_cast<double>(lq->S_out), 32767.0) : 32767;
    n.lq = std::move(lq);
  }
  return g;
}

}  // namespace qg::quant
