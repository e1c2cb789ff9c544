#include "quant/quantize.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <exception>
#include <system_error>
#include <thread>

#include "ir/diag.h"
#include "quant/format.h"
#include "quant/lut.h"
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

// Same result as qg_quantize(v, lo, s, L) for every input (NaN and infinities
// included), written without early returns so that loops over it vectorize:
//   t <= 0 or NaN -> t = 0 -> code 0;  t >= L -> t = L -> code L;
//   otherwise the same truncate-and-round-half-up steps in float.
inline int quantize_branchless(float v, float lo, float s, float Lf) {
  float t = (v - lo) / s;
  t = t > 0.0f ? t : 0.0f;
  t = t < Lf ? t : Lf;
  const int i = static_cast<int>(t);
  return i + ((t - static_cast<float>(i)) >= 0.5f ? 1 : 0);
}

// Codes of n weights with one region's parameters; returns their sum. The
// inner loop vectorizes (SSE2: 4 divisions at a time, each exact IEEE, so the
// codes are the same as one at a time); compiler/CMakeLists.txt lets GCC do
// so at -O2 too.
int64_t quantize_span(const float* __restrict v, uint8_t* __restrict codes, int64_t n, float lo, float s, int levels) {
  const float Lf = static_cast<float>(levels);
  int64_t sum = 0;
  // Blocks of 2^16 codes keep the 32-bit partial sums exact (<= 255 * 2^16).
  for (int64_t b = 0; b < n; b += 65536) {
    const int64_t e = std::min<int64_t>(n, b + 65536);
    int32_t part = 0;
    for (int64_t k = b; k < e; ++k) {
      const int c = quantize_branchless(v[k], lo, s, Lf);
      codes[k] = static_cast<uint8_t>(c);
      part += c;
    }
    sum += part;
  }
  return sum;
}

// Layers with fewer weights are quantized on the calling thread.
constexpr int64_t kParallelMin = int64_t{1} << 20;

int64_t worker_threads() {
  const unsigned hc = std::thread::hardware_concurrency();
  return std::max<int64_t>(1, std::min<int64_t>(hc == 0 ? 1 : hc, 8));
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

  // Layer-wide weight region parameters (DQ weights): one pass over the tensor.
  const bool layer_w = q.w_region.kind == ir::RegionKind::Layer;
  if (layer_w) {
    float lo, s;
    qg_region_params(w.data(), static_cast<long>(w.size()), 0, Lw, &lo, &s);
    lq.w_lo.assign(1, lo);
    lq.w_s.assign(1, s);
  } else {
    lq.w_lo.resize(static_cast<size_t>(O * lq.n_wreg));
    lq.w_s.resize(static_cast<size_t>(O * lq.n_wreg));
  }
  lq.codes.resize(static_cast<size_t>(O * K));
  lq.P.resize(static_cast<size_t>(O * S));
  lq.B.resize(static_cast<size_t>(O * S));
  lq.D.resize(static_cast<size_t>(O * S));
  lq.E.resize(static_cast<size_t>(O * S));

  // Output channels are independent: every value written for channel o
  // depends only on row o of w (and the layer-wide parameters), so splitting
  // the channels over threads gives bit-identical results.
  auto channels = [&](int64_t o_begin, int64_t o_end) {
    for (int64_t o = o_begin; o < o_end; ++o) {
      const float* row = &w[static_cast<size_t>(o * K)];
      uint8_t* crow = &lq.codes[static_cast<size_t>(o * K)];
      if (!layer_w)
        for (int64_t r = 0; r < lq.n_wreg; ++r) {
          const size_t i = static_cast<size_t>(o * lq.n_wreg + r);
          const int64_t b = wb[static_cast<size_t>(r)], e = wb[static_cast<size_t>(r + 1)];
          qg_region_params(row + b, static_cast<long>(e - b), 0, Lw, &lq.w_lo[i], &lq.w_s[i]);
        }
      // Codes and per-segment constants. Segments refine the weight regions,
      // so each segment uses the parameters of exactly one weight region.
      for (int64_t s = 0; s < S; ++s) {
        const int64_t b = sb[static_cast<size_t>(s)], e = sb[static_cast<size_t>(s + 1)];
        const size_t pi = layer_w ? 0 : static_cast<size_t>(o * lq.n_wreg + lq.seg_wreg[static_cast<size_t>(s)]);
        const float lo_w = lq.w_lo[pi], s_w = lq.w_s[pi];
        const int64_t P = quantize_span(row + b, crow + b, e - b, lo_w, s_w, Lw);
        const size_t i = static_cast<size_t>(o * S + s);
        lq.P[i] = P;
        lq.B[i] = lo_w;
        lq.D[i] = s_w;
        // E = lo_w * n + s_w * P, in this order, in float.
        const float t1 = lo_w * static_cast<float>(e - b);
        const float t2 = s_w * static_cast<float>(P);
        lq.E[i] = t1 + t2;
        if (!std::isfinite(lq.E[i]) || !std::isfinite(s_w))
          user_error("", "", "the weights of output channel " + std::to_string(o) +
                                 " span too wide a range to quantize in float32 (max - min overflows)");
      }
    }
  };
  const int64_t threads = O * K >= kParallelMin ? std::min<int64_t>(O, worker_threads()) : 1;
  if (threads <= 1) {
    channels(0, O);
  } else {
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
    auto chunk = [&](int64_t t) {
      try {
        channels(O * t / threads, O * (t + 1) / threads);
      } catch (...) {
        errors[static_cast<size_t>(t)] = std::current_exception();
      }
    };
    for (int64_t t = 1; t < threads; ++t) {
      try {
        pool.emplace_back(chunk, t);
      } catch (const std::system_error&) {
        chunk(t);  // no thread available: do that share here
      }
    }
    chunk(0);
    for (std::thread& th : pool) th.join();
    for (const std::exception_ptr& e : errors)
      if (e) std::rethrow_exception(e);
  }

  // Accumulator proof: Σp·q over one segment is at most n·Lw·La.
  int64_t longest = 0;
  for (int64_t s = 0; s < S; ++s) longest = std::max(longest, sb[static_cast<size_t>(s + 1)] - sb[static_cast<size_t>(s)]);
  lq.acc_bound = longest * Lw * La;
  lq.acc64 = lq.acc_bound > INT32_MAX;
  return lq;
}

ir::Graph quantize(ir::Graph g, bool release_float_weights) {
  for (ir::Node& n : g.nodes) {
    if (n.quant.scheme != ir::Scheme::LQ) continue;
    const int64_t K = ir::reduction_length(g, n);
    const int64_t O = n.weight.shape[0];
    const bool whole = n.quant.a_region.kind == ir::RegionKind::Layer;
    try {
      auto lq = std::make_shared<ir::LinearQuant>(quantize_linear(n.weight.data, O, K, n.quant, whole));
      if (n.quant.kernel == ir::KernelKind::Lut) build_lut(*lq, n.quant.lut_group ? n.quant.lut_group : default_lut_group(n.quant.a_bits));
      n.lq = std::move(lq);
    } catch (const UserError& e) {
      user_error(g.file, n.src + ".weight", e.message());
    }
    if (release_float_weights) std::vector<float>().swap(n.weight.data);  // keeps the shape
  }
  return g;
}

}  // namespace qg::quant
