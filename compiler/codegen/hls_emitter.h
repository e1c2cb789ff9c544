// HLS C++ generator (--target hls, docs/hls.md): a Vitis-HLS-style design with
// hls::stream in and out, one function per layer (targets/hls/qg_hls.h) under
// #pragma HLS DATAFLOW, ap_int codes and accumulators of the proven width, a
// C-simulation testbench and the synthesis scripts.
#pragma once
#include <cstdint>
#include <string>

#include "codegen/c_emitter.h"
#include "ir/graph.h"

namespace qg::codegen {

// --target-features of the hls target: "part=NAME,clock=NS" (either may be
// left out: the target.json defaults). User error on anything else.
struct HlsFeatures {
  std::string part;
  double clock_ns = 10.0;
};
HlsFeatures parse_hls_features(const Target& t, const std::string& features);

// The accumulator of an int8 conv2d / dense layer: every product is
// w · (x − zp_in) with |w| and |x − zp_in| bounded, so one output's sum is at
// most `bound` = max over output channels o of Σ_k |w[o][k]| · max|x − zp_in|
// (x over [−128, 127], or [0, 2^b − 1] for sub-byte input codes) in magnitude, and a signed integer of `bits` =
// 1 + bit length of `bound` holds it exactly (docs/hls.md).
struct HlsAccumulator {
  int64_t bound = 0;
  int bits = 1;
  int x_bits = 9;  // width of x − zp_in
};
HlsAccumulator hls_accumulator(const ir::Graph& g, const ir::Node& n);

// Output channels the layer computes in parallel: quant.json's
// "hls": {"parallelism": N}, else the default (1), at most the channel count
// (a layer's own value above it is a user error).
int64_t hls_parallelism(const ir::Graph& g, const ir::Node& n, const std::string& config_file);

// Resource and latency estimate of one layer at its parallelism (formulas in
// docs/hls.md; not a synthesis result). RB: the rows of W·CI codes its line
// buffer keeps.
struct HlsEstimate {
  int64_t dsp = 0, lut = 0, ff = 0, bram18 = 0, cycles = 0;
};
// A multiplier of a×b bits: on a DSP slice unless one operand has at most
// kLutMulMaxBits bits; then the emitted design binds it to LUT fabric
// (`#pragma HLS BIND_OP ... impl=fabric`, C::MUL_FABRIC) and the estimate
// counts a×b LUTs for it, 0 DSP. docs/hls.md "Which multiplier is a DSP"
// gives the rule's source (stricter than hls4ml's own DSP estimator).
constexpr int kLutMulMaxBits = 4;
inline bool hls_mul_in_fabric(int a_bits, int b_bits) { return (a_bits < b_bits ? a_bits : b_bits) <= kLutMulMaxBits; }
// The requantization (output stage) of an int8 conv2d / dense layer
// (targets/hls/qg_hls.h requant: one multiplier per layer, shared by its
// channels) at the operand widths the bounds prove: x = the shifted int32 sum
// + bias (`x_bits`: hls_requant_widths), the fixed-point multiplier
// (`m_bits`). The design binds the product to LUT fabric (`BIND_OP ...
// impl=fabric`), so the estimate counts 0 DSP and x_bits · m_bits LUTs (the
// same rule as the fabric multipliers of the dot product), x_bits + m_bits FFs
// (docs/hls.md "The requantization in fabric").
struct HlsRequantWidths {
  int x_bits = 32, m_bits = 32;
};
HlsRequantWidths hls_requant_widths(const ir::Graph& g, const ir::Node& n);
HlsEstimate hls_estimate_requant(int x_bits, int m_bits);
// The dequantize node (int8 -> float) as a 256-entry ROM of float32 values:
// no multiplier, 256 x 32 bits (the BRAM rule of hls_bram18).
HlsEstimate hls_estimate_dequant_rom(int64_t n);
// DSP packing (int8 layers, docs/hls.md): two w_bits x x_bits products of
// channels o, o + 1 sharing x in one DSP48E2 multiply, when the product is a
// DSP, P and the channels per group are even and w_bits + x_bits <= 17.
bool hls_dsp_pack(int w_bits, int x_bits, int64_t P, int64_t channels_per_group);
HlsEstimate hls_estimate_linear(int64_t H, int64_t W, int64_t CI, int64_t RB, int64_t OH, int64_t OW, int64_t O, int64_t K, int64_t P, int w_bits,
                                int x_bits, int acc_bits, bool dsp_pack = false, int in_bits = 8);
// The LQ / DQ layers (docs/hls.md "LQ / DQ layers"): the whole layer's figure,
// with the float combination unit the layer's P channels share (qg_lq_part:
// kHlsFloatUnitDsp DSP slices, kHlsFloatUnitLut LUTs, kHlsFloatUnitFf FFs)
// and the patch quantization (kHlsLqPatchCycles cycles per patch position
// and channel group). Shape: input H×W×CI (line buffer of RB rows of float32,
// `whole`: DQ, one min / max pass over the whole input first), output OH×OW×O
// in G groups, K codes per patch, S segments, P output channels of one group
// at a time (P <= O / G).
constexpr int64_t kHlsFloatUnitDsp = 8;
constexpr int64_t kHlsFloatUnitLut = 3000;
constexpr int64_t kHlsFloatUnitFf = 3000;
constexpr int64_t kHlsLqPatchCycles = 3;
struct HlsLqShape {
  int64_t H = 1, W = 1, CI = 1, RB = 1, OH = 1, OW = 1, O = 1, G = 1, K = 1, S = 1, P = 1;
  bool whole = false;
};
// MAC kernel: P multipliers of w_bits × a_bits (fabric when one is <= 4 bits).
HlsEstimate hls_estimate_lq(const HlsLqShape& s, int w_bits, int a_bits, int acc_bits);
// LUT kernel: NG code groups per patch, a ROM of O x T entries of
// entry_bits in P banks, index of lut_group x a_bits bits; no multiplier.
HlsEstimate hls_estimate_lut(const HlsLqShape& s, int64_t NG, int64_t T, int entry_bits, int lut_group, int a_bits, int acc_bits);
// A float conv2d / dense layer (docs/hls.md "Float layers"): P lanes of one
// float32 multiplier (kHlsFmulDsp DSP slices) and one float32 adder
// (kHlsFaddDsp), plus one adder for the bias; the float weights (32 bits) in
// P banks, the float line buffer. A channel's sum is a chain of dependent
// adds, so a tap takes max(ceil(O / P), kHlsFaddLatency) cycles.
constexpr int64_t kHlsFmulDsp = 3;
constexpr int64_t kHlsFaddDsp = 2;
constexpr int64_t kHlsFaddLatency = 5;
HlsEstimate hls_estimate_float(int64_t H, int64_t W, int64_t CI, int64_t RB, int64_t OH, int64_t OW, int64_t O, int64_t K, int64_t P);
// BRAM18 blocks of a memory of `words` × `bits` split into `banks` banks
// (a bank of at most 1024 bits is LUTRAM: 0 blocks).
int64_t hls_bram18(int64_t words, int bits, int64_t banks);

// The files of graph `g` (int8, LQ / DQ and float layers; see docs/hls.md for
// what is refused): <p>.h, <p>.cpp, <p>_tb.cpp, qg_hls.h, qg_hls_stream.h,
// qg_fixed.h, qg_common.h, run_hls.tcl, hls_config.cfg. `config_file` names
// quant.json in messages.
Emitted emit_hls(const ir::Graph& g, const EmitOptions& opt, const std::string& config_file);

}  // namespace qg::codegen
