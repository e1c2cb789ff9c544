// Constant tables of the Armv7E-M DSP kernels (templates/conv2d_i8_smlad.c,
// templates/dwconv2d_i8_smlad.c). Which layers get them (DspChoice) is decided
// by the select stage (select/select.h). Pure functions of the IR: the
// emitter formats the tables.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "select/select.h"

namespace qg::codegen {

using select::DspChoice;
using select::DspKind;

// Weight table of a Gemm kernel: int8 rows (w_bits 8) or packed rows in the
// nibble / crumb order documented in templates/conv2d_i8_smlad.c.
std::vector<uint8_t> dsp_gemm_weights(const ir::IntLinear& il, int64_t O, const DspChoice& c);

// Depthwise weights transposed from [C][KH][KW] to [KH][KW][C].
std::vector<int8_t> dsp_depthwise_weights(const ir::IntLinear& il, int64_t C, int64_t taps);

// bias[o] - zp_in * sum_k w[o][k]: the input offset folded into the bias.
std::vector<int32_t> dsp_folded_bias(const ir::IntLinear& il, int64_t O, int32_t zp_in);

// Output stage of a DSP kernel: qg_dsp_requant's mode and the per-channel
// parameters [O][4] (runtime/qg_arm_dsp.h documents them per mode; modes 2,
// 3, 4 and -2 fold the output zero point zp_out into them).
struct DspRequant {
  int mode = 0;
  std::vector<int32_t> params;
};
DspRequant dsp_requant(const ir::IntLinear& il, int64_t O, int32_t zp_in, int32_t zp_out);

// Per output channel, the int8 output (before the activation clamp) when it
// is the same for every input (x in [-128, 127] at every tap: the sum's range
// taken exactly, the requantization being monotone in the sum), else
// kDspNotConstant.
constexpr int32_t kDspNotConstant = INT32_MIN;
std::vector<int32_t> dsp_constant_channels(const ir::IntLinear& il, int64_t O, int32_t zp_in, int32_t zp_out);

// Per-layer constants of templates/add_i8_dsp.c (the order its comment
// gives), from the add's IntParams; the select stage checked the ranges.
std::vector<int32_t> dsp_add_params(const ir::IntParams& p, int32_t zp1, int32_t zp2, int32_t zp_out);

// The LUT table of an LQ layer for DSP targets (templates/conv2d_lq_lut.c,
// QG_ROW16): for every (group, index) a row of O2 = O rounded up to even
// uint16 entries, two per word; `flush` = how many entries a 16-bit lane may
// sum before it could wrap.
struct DspLutRows {
  int64_t O2 = 0;
  int64_t flush = 0;
  std::vector<int32_t> words;
};
DspLutRows dsp_lut_rows(const ir::LinearQuant& q);

// True when every output channel (but those marked in skip) has a pre-requantization sum x = sum w*x_in +
// folded bias satisfies |x| < 2^30 for all int8 inputs (qg_rq_right_small); with left_shifts,
// |x| < 2^(30 - s) for the channel's left shift s = max(shift, 0) (qg_dsp_requant mode 4).
bool dsp_small_sums(const ir::IntLinear& il, int64_t O, const std::vector<int32_t>& folded_bias, const std::vector<bool>& skip = {},
                    bool left_shifts = false);

}  // namespace qg::codegen
