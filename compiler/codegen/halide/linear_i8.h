// Internal to the Halide backend: the int8 conv / dense pipelines and their
// schedules (schedules/*.cpp, one file per kernel family).
#pragma once
#include <Halide.h>

#include <cstdint>
#include <vector>

namespace qg::codegen::halide {

// Everything fixed about one int8 layer. Shapes are HWC; a dense layer is a
// 1x1 convolution over a 1x1 image with C = inputs.
struct LinearSpec {
  bool dense = false;
  bool depthwise = false;           // groups == C == O: one input channel per output channel
  int H = 1, W = 1, C = 1, Cp = 4;  // input; Cp = C rounded up to 4
  int OH = 1, OW = 1, O = 1;
  int Op = 1;                       // accumulator channels: O, or (conv / dense, Backend) O rounded up to
                                    // whole int32 vectors; the padded channels have zero weights
                                    // and are never stored
  int KH = 1, KW = 1, SH = 1, SW = 1, DH = 1, DW = 1, PT = 0, PL = 0;
  int Hp = 1, Wp = 1;               // the padded input the glue builds
  int in_zp = 0, out_zp = 0, act_min = -128, act_max = 127;
  int in_offset = 0;                // 128: u8 activations (x86 vpdpbusd), 0: s8 (Arm sdot)
  std::vector<int8_t> weight;       // OHWI
  std::vector<int32_t> bias, mult, shift;
};

// What a schedule needs to know about the machine.
struct MachineInfo {
  int i32_lanes = 8;       // int32 lanes of one vector register
  int accumulators = 12;   // vector registers a tile may keep as accumulators
  int i8_lanes = 32;       // int8 lanes of one vector register
  // Input channels one int32 lane of a dot product sums (the innermost
  // reduction group of conv and dense): 4 where the target has a 4-way
  // u8/s8 dot product (vpdpbusd with AVX512-VNNI, sdot on Arm); 2 on x86
  // without VNNI (AVX2, AVX-512, SSE4.1), where Halide lowers a 2-way u8 × s8
  // reduction to one vpmaddwd per vector, but a 4-way one to vpmaddwd plus a
  // lane-crossing pairwise add (vshufps + vpermpd + vpaddd per vector).
  int dot_group = 4;
  // The int8 add looks up its two input rescalings in 256-entry tables
  // (add_i8.cpp) instead of computing them: x86 without AVX-512 (AVX2: 25.0
  // against 33.5 µs for 16,384 values, docs/halide.md). AVX-512 and Arm are
  // not measured: computed there.
  bool add_tables = false;
  // requantize() writes qg_srdhm as Halide's rounding_mul_shift_right (AVX-512:
  // fewer cycles than the explicit int64 form; on AVX2 more, measured on KWS).
  bool rounding_mulhi = false;
};

// An int8 max or average pool (TFLite semantics: max over the taps inside
// the image; average: the int32 sum of the taps divided by their count,
// rounding half away from zero, as templates/pool2d_i8.c), clamped to the
// fused activation range. An average pool's windows all lie inside the image
// (select::halide_handles), so its count is KH·KW.
struct PoolSpec {
  bool avg = false;
  int H = 1, W = 1, C = 1, OH = 1, OW = 1, KH = 1, KW = 1, SH = 1, SW = 1, PT = 0, PL = 0;
  int act_min = -128, act_max = 127;
};
Halide::Pipeline build_pool_i8(const PoolSpec& s, const MachineInfo& m, const std::string& fn, Halide::ImageParam& in);
// `red` is the running maximum (int8) or sum (int16 when KH·KW <= 255, so
// |sum| <= 128·255 fits, else int32) computed per output pixel.
void schedule_pool_i8(Halide::Func out, Halide::Func red, const Halide::RDom& r, const PoolSpec& s, const MachineInfo& m);

// An int8 add of two tensors of N values (TFLite semantics, templates/add_i8.c).
struct AddSpec {
  int N = 1;
  int zp1 = 0, zp2 = 0, out_zp = 0, left_shift = 0, m1 = 0, s1 = 0, m2 = 0, s2 = 0, mo = 0, so = 0;
  int act_min = -128, act_max = 127;
};
Halide::Pipeline build_add_i8(const AddSpec& s, const MachineInfo& m, const std::string& fn, Halide::ImageParam& a, Halide::ImageParam& b);
void schedule_add_i8(Halide::Func out, const AddSpec& s, const MachineInfo& m);

// Tile of a convolution output: `no` vectors of `vo` output channels × `tx`
// columns, no·tx <= budget accumulators, minimizing an estimate of the work:
// tiles × (no·tx multiply-accumulates + (no + tx)/2 for the vector loads),
// tails shifting inwards (recomputed columns count).
struct TileShape {
  int no = 1, tx = 1;
};
TileShape tile_shape(int O, int vo, int width, int budget);
// Schedules `out` (o, x, y) in tiles of vo·no channels × tx columns
// (tile_shape with `budget` accumulators, over s.Op channels), vectorized over
// channels, with `acc` computed per tile; returns vo, the vector width over
// channels. When O < Op the last channel tile of `out` is guarded (only O
// channels are stored) while `acc` computes whole vectors.
int tile_output(Halide::Func out, Halide::Func acc, const LinearSpec& s, const MachineInfo& m, int budget);

// Schedules (schedules/conv_i8.cpp, schedules/dense_i8.cpp). `acc` is the
// int32 accumulator (pure init + one update over `r`), `out` the requantized
// int8 output. Reduction variables: r.x = MachineInfo::dot_group input
// channels (the dot-product group), r.y = channel group, then kx, ky for conv.
void schedule_conv_i8(Halide::Func out, Halide::Func acc, const Halide::RDom& r, const LinearSpec& s, const MachineInfo& m);
// True when the depthwise schedule uses only full vectors of m.i32_lanes.
bool depthwise_full_vectors(const LinearSpec& s, const MachineInfo& m);
void schedule_depthwise_i8(Halide::Func out, Halide::Func acc, const Halide::RDom& r, const LinearSpec& s, const MachineInfo& m);
void schedule_dense_i8(Halide::Func out, Halide::Func acc, const Halide::RDom& r, const LinearSpec& s, const MachineInfo& m);

// Per-output-channel constants of the requantization (from mult, shift).
struct RequantTables {
  Halide::Buffer<int32_t> mult, shift, left, right, mask, half;
  bool any_left = false;  // some channel shifts left (shift > 0)
};
RequantTables requant_tables(const std::vector<int32_t>& mult, const std::vector<int32_t>& shift, const std::string& fn);

// The requantization of the integer-only contract, bit-exact with
// runtime/qg_runtime.h: qg_mbqm (double rounding, conv) or qg_mbqm_single
// (single rounding, dense), for output channel `o`.
Halide::Expr requantize(const Halide::Expr& acc, const RequantTables& t, const Halide::Expr& o, bool single_rounding, bool rounding_mulhi);

// a + b (int32) modulo 2^32, through uint32: Halide's int32 overflow is
// undefined. M(acc) + zp_out can exceed int32 on a valid model (an output
// scale of 1e-45 saturates the multiplier); the C kernels wrap it the same way.
Halide::Expr add_wrapping(const Halide::Expr& a, const Halide::Expr& b);

// The pipeline of one layer (algorithm only), scheduled for `m`.
Halide::Pipeline build_linear_i8(const LinearSpec& s, const MachineInfo& m, const std::string& fn, Halide::ImageParam& in);

// s.Op for `m`: conv and dense round O up to whole vectors of m.i32_lanes
// (a 512-bit dot product for 8 or 12 channels instead of a narrower one, which
// on AVX512-VNNI-only CPUs the target must not use); depthwise keeps O (its
// input has only Cp channels to read).
int padded_outputs(const LinearSpec& s, const MachineInfo& m);

}  // namespace qg::codegen::halide
