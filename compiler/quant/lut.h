// LUT kernels (Yang et al., section V, eq. 8, Fig. 5): for low-bit
// activations, g consecutive activation codes of a segment form an index into
// a compile-time table holding Σ p_j·q_j of that group for every combination
// of codes, per output channel. Σp·q of a segment becomes table look-ups and
// adds; the integer is the same as the multiply path's, so the results are
// bit-identical (docs/quantization.md, "LUT kernel").
//
// Also here: the op counts of both kernels (report.json, `qgen report`, and
// the cost model of "kernel": "auto" in select/select.h, whose per-target
// costs are in targets/<name>/target.json).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::quant {

// Activation widths a LUT kernel takes, and group sizes.
bool lut_bits_supported(int a_bits);                // 1, 2, 4
int max_lut_group(int a_bits);                      // index of at most 8 bits: 8 / a_bits
int default_lut_group(int a_bits);                  // 1 -> 6, 2 -> 3, 4 -> 2 (see docs)

// Validates a kernel/lut_group choice of an LQ layer (user errors with the
// JSON paths); for "lut" (and "auto" with supported bits) fills q.lut_group
// with the default when 0.
void check_lut_choice(const std::string& file, const std::string& kernel_path, const std::string& group_path, ir::QuantChoice& q,
                      const std::string& layer);

// Builds the groups and tables of lq for group size g (lq.codes and segments
// must be set): fills lut_g, lut_shuf, grp_begin, seg_grp, grp_off, lut_T, lut.
void build_lut(ir::LinearQuant& lq, int g);

// Entry `v` of group k of output channel o (reads the two byte planes).
// Shuffle layout (lut_shuf): [O][2][T], per channel the low then the high
// bytes. Row layout (otherwise): [2][T][O], for every group and index a row
// of all O channels' entries (low bytes, then the same for the high bytes).
inline size_t lut_lo_index(const ir::LinearQuant& lq, int64_t o, int64_t k, int64_t v) {
  const int64_t e = lq.grp_off[static_cast<size_t>(k)] + v;
  return static_cast<size_t>(lq.lut_shuf ? o * 2 * lq.lut_T + e : e * lq.O + o);
}
inline size_t lut_hi_offset(const ir::LinearQuant& lq) { return static_cast<size_t>(lq.lut_shuf ? lq.lut_T : lq.lut_T * lq.O); }
inline int32_t lut_entry(const ir::LinearQuant& lq, int64_t o, int64_t k, int64_t v) {
  const size_t i = lut_lo_index(lq, o, k, v);
  return static_cast<int32_t>(lq.lut[i]) | static_cast<int32_t>(lq.lut[i + lut_hi_offset(lq)]) << 8;
}

// Scratch bytes of the emitted LUT kernel (templates/conv2d_lq_lut.c).
int64_t lut_scratch_bytes(const ir::LinearQuant& lq);

// ---- op counts (per inference) ----
struct OpCount {
  int64_t mul = 0, add = 0, lookup = 0;
  int64_t index_ops = 0;  // shift-or pairs that build the table indices (LUT only)
};

// Counts of one conv2d / dense layer for both kernels. "dot" = the Σp·q part
// (what the paper's Table 3 counts); "common" = what both kernels do besides:
// Σq per segment and patch, the float combination of each segment
// (4 multiplies, 3 adds) and the bias add. Activation quantization (min/max,
// codes) is not counted. Computed from the shapes and the choice alone.
struct LayerOps {
  int64_t K = 0, outputs = 0, patches = 0, segments = 0, groups = 0;
  int g = 0;         // group size used for the LUT figures
  bool lut_ok = false;  // LUT possible (LQ, 1/2/4-bit activations)
  OpCount mac_dot, lut_dot, common;
  int64_t mac_table_bytes = 0;  // weight codes (one byte each)
  int64_t lut_table_bytes = 0;  // the LUT (uint16 entries)
  OpCount mac_total() const;
  OpCount lut_total() const;
};

// g = 0: the layer's own choice (lq->lut_g, quant.lut_group) or the default.
LayerOps count_layer_ops(const ir::Graph& g, const ir::Node& n, int group = 0);

}  // namespace qg::quant
