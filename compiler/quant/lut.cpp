#include "quant/lut.h"

#include <algorithm>

#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/format.h"

namespace qg::quant {
namespace {

size_t idx(int64_t i) { return static_cast<size_t>(i); }

std::vector<int64_t> region_bounds(const ir::Region& r, int64_t K) {
  std::vector<int64_t> b{0};
  if (r.kind == ir::RegionKind::Block)
    for (int64_t x = r.block; x < K; x += r.block) b.push_back(x);
  b.push_back(K);
  return b;
}

// Segment boundaries of a layer: the union of both region boundary sets
// (the same cut as quantize_linear makes).
std::vector<int64_t> segment_bounds(int64_t K, const ir::Region& w, const ir::Region& a) {
  std::vector<int64_t> s = region_bounds(w, K), ab = region_bounds(a, K);
  s.insert(s.end(), ab.begin(), ab.end());
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

// Groups of up to g codes within each segment.
void make_groups(const std::vector<int64_t>& seg, int g, std::vector<int64_t>* grp_begin, std::vector<int64_t>* seg_grp) {
  grp_begin->clear();
  seg_grp->clear();
  for (size_t s = 0; s + 1 < seg.size(); ++s) {
    seg_grp->push_back(static_cast<int64_t>(grp_begin->size()));
    for (int64_t x = seg[s]; x < seg[s + 1]; x += g) grp_begin->push_back(x);
  }
  seg_grp->push_back(static_cast<int64_t>(grp_begin->size()));
  grp_begin->push_back(seg.back());
}

int64_t entries_of(int64_t len, int a_bits, bool shuf) { return shuf ? 16 : int64_t{1} << (a_bits * len); }

}  // namespace

bool lut_bits_supported(int a_bits) { return a_bits == 1 || a_bits == 2 || a_bits == 4; }
int max_lut_group(int a_bits) { return 8 / a_bits; }
int default_lut_group(int a_bits) {
  // A 6-bit index (64 entries) for 1- and 2-bit codes: 2-bit codes in groups
  // of 3, the grouping behind the paper's Table 3 (a third of the adds).
  // 4-bit codes: groups of 2 (256 entries); groups of 1 would save no add.
  switch (a_bits) {
    case 1: return 6;
    case 2: return 3;
    case 4: return 2;
    default: return 0;
  }
}

void check_lut_choice(const std::string& file, const std::string& kernel_path, const std::string& group_path, ir::QuantChoice& q,
                      const std::string& layer) {
  if (!lut_bits_supported(q.a_bits)) {
    if (q.kernel == ir::KernelKind::Auto) {
      q.kernel = ir::KernelKind::Mac;
      return;
    }
    user_error(file, kernel_path,
               "kernel \"lut\" needs 1-, 2- or 4-bit activations; layer '" + message_name(layer) + "' has a_bits " +
                   std::to_string(q.a_bits) + " (a table over " + std::to_string(q.a_bits) + "-bit codes is too large; use \"mac\" or \"auto\")");
  }
  if (q.lut_group) {
    if (q.lut_group > max_lut_group(q.a_bits))
      user_error(file, group_path,
                 "lut_group " + std::to_string(q.lut_group) + " with " + std::to_string(q.a_bits) + "-bit activations makes a " +
                     std::to_string(q.lut_group * q.a_bits) + "-bit table index (layer '" + message_name(layer) +
                     "'); at most " + std::to_string(max_lut_group(q.a_bits)) + " (256 entries per group)");
  } else {
    q.lut_group = default_lut_group(q.a_bits);
  }
}

void build_lut(ir::LinearQuant& lq, int g) {
  QG_CHECK(lut_bits_supported(lq.a_bits) && g >= 1 && g <= max_lut_group(lq.a_bits), "bad LUT group size");
  lq.lut_g = g;
  lq.lut_shuf = lq.a_bits * g <= 4;
  make_groups(lq.seg_begin, g, &lq.grp_begin, &lq.seg_grp);
  const int64_t NG = lq.lut_groups();
  lq.grp_off.assign(idx(NG), 0);
  int64_t T = 0;
  for (int64_t k = 0; k < NG; ++k) {
    lq.grp_off[idx(k)] = T;
    T += entries_of(lq.grp_begin[idx(k + 1)] - lq.grp_begin[idx(k)], lq.a_bits, lq.lut_shuf);
  }
  lq.lut_T = T;
  const int ab = lq.a_bits;
  const int La = format_for_bits(ab).levels;
  lq.lut.assign(idx(lq.O * 2 * T), 0);
  const size_t hi = lut_hi_offset(lq);
  for (int64_t o = 0; o < lq.O; ++o) {
    const uint8_t* p = lq.codes.data() + o * lq.K;
    for (int64_t k = 0; k < NG; ++k) {
      const int64_t b = lq.grp_begin[idx(k)], len = lq.grp_begin[idx(k + 1)] - b;
      const int64_t E = entries_of(len, ab, lq.lut_shuf);
      for (int64_t v = 0; v < E; ++v) {
        int64_t sum = 0;
        for (int64_t t = 0; t < len; ++t) sum += static_cast<int64_t>(p[b + t]) * ((v >> (ab * t)) & La);
        QG_CHECK(sum >= 0 && sum <= 0xffff, "LUT entry does not fit 16 bits");
        const size_t i = lut_lo_index(lq, o, k, v);
        lq.lut[i] = static_cast<uint8_t>(sum & 0xff);
        lq.lut[i + hi] = static_cast<uint8_t>(sum >> 8);
      }
    }
  }
}

int64_t lut_scratch_bytes(const ir::LinearQuant& q) {
  const int64_t acc = q.acc64 ? 8 : 4, K = q.K, R = q.aregions(), S = q.segments(), NG = q.lut_groups();
  // Scalar paths: patch K floats, R lo + R s (padded to 8 bytes), S Σq,
  // (row layout: S·O Σp·q), NG int32 indices, K codes.
  const int64_t scalar = (K + 2 * R + 1) / 2 * 2 * 4 + S * acc + (q.lut_shuf ? 0 : S * q.O * acc) + 4 * NG + K;
  if (!q.lut_shuf || q.acc64) return scalar;
  // pshufb path, N = 32 positions at once (AVX2; SSSE3 uses 16): patch K
  // floats, N R lo + N R s (padded to 8 bytes), N S Σq, N S Σp·q (int32),
  // N NG index bytes, K codes.
  constexpr int64_t N = 32;
  const int64_t simd = (K + 2 * N * R + 1) / 2 * 2 * 4 + N * S * acc + N * S * 4 + N * NG + K;
  return std::max(scalar, simd);
}

OpCount LayerOps::mac_total() const {
  return {mac_dot.mul + common.mul, mac_dot.add + common.add, mac_dot.lookup + common.lookup, mac_dot.index_ops};
}
OpCount LayerOps::lut_total() const {
  return {lut_dot.mul + common.mul, lut_dot.add + common.add, lut_dot.lookup + common.lookup, lut_dot.index_ops};
}

LayerOps count_layer_ops(const ir::Graph& gr, const ir::Node& n, int group) {
  LayerOps r;
  if (!ir::op_info(n.op).quantizable) return r;
  const int64_t K = ir::reduction_length(gr, n);
  const int64_t O = n.weight.shape.at(0);
  const ir::ConvGeom cg = ir::conv_geom(gr, n);  // dense: one position, one group
  const int64_t positions = cg.OH * cg.OW, conv_groups = cg.G;
  r.K = K;
  r.outputs = positions * O;
  r.patches = positions * conv_groups;
  const ir::QuantChoice& q = n.quant;
  const bool lq = q.scheme == ir::Scheme::LQ;
  const std::vector<int64_t> seg = lq ? segment_bounds(K, q.w_region, q.a_region) : std::vector<int64_t>{0, K};
  r.segments = static_cast<int64_t>(seg.size()) - 1;
  // Multiply-accumulate: one multiply and one add per weight and output.
  r.mac_dot.mul = r.outputs * K;
  r.mac_dot.add = r.outputs * K;
  r.mac_table_bytes = O * K;
  if (lq) {
    // Per output and segment: m1..m3, m5 (4 multiplies), m4, acc, y (3 adds);
    // per output the bias add; per patch and segment Σq (one add per code).
    r.common.mul = r.outputs * 4 * r.segments;
    r.common.add = r.outputs * (3 * r.segments + 1) + r.patches * K;
  }
  r.lut_ok = lq && lut_bits_supported(q.a_bits);
  if (!r.lut_ok) return r;
  int g = group;
  if (g == 0 && n.lq && n.lq->lut_g) g = n.lq->lut_g;
  if (g == 0) g = q.lut_group ? q.lut_group : default_lut_group(q.a_bits);
  g = std::min(g, max_lut_group(q.a_bits));
  r.g = g;
  std::vector<int64_t> grp, seg_grp;
  make_groups(seg, g, &grp, &seg_grp);
  r.groups = static_cast<int64_t>(grp.size()) - 1;
  const bool shuf = q.a_bits * g <= 4;
  int64_t T = 0;
  for (int64_t k = 0; k < r.groups; ++k) T += entries_of(grp[idx(k + 1)] - grp[idx(k)], q.a_bits, shuf);
  // Table look-up: one look-up and one add per group and output; the index of
  // each group is built once per patch with one shift-or per code after the first.
  r.lut_dot.lookup = r.outputs * r.groups;
  r.lut_dot.add = r.outputs * r.groups;
  r.lut_dot.index_ops = r.patches * (K - r.groups);
  r.lut_table_bytes = O * 2 * T;
  return r;
}

}  // namespace qg::quant
