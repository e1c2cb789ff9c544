// qg_hls.h - the layer functions of qgen's --target hls (docs/hls.md), copied
// into every emitted HLS folder. Each function is a template over a per-layer
// configuration struct that the emitted <name>.cpp defines (shapes, bit widths,
// parallelism, quantization constants); the per-layer constant tables are
// arguments. int8 (TFLite), LQ / DQ and float conv2d / dense layers, and the
// float helper layers of an int8 graph (docs/hls.md).
//
// Every layer reads its input stream(s) in HWC raster order (channel fastest,
// one value per stream word) and writes its output stream in the same order.
// Layers with a spatial window (convolution, pooling) keep only the last
// input rows their windows need in a line buffer and emit each output as soon
// as its window is complete (lb_walk below, docs/hls.md "Line buffers").
// Elementwise layers stream without a buffer.
//
// The arithmetic is exactly the reference interpreter's
// (compiler/interp/kernels_int8.cpp) and uses the same requantization helpers
// (qg_fixed.h, a copy of runtime/qg_fixed.h): the C simulation is checked bit
// for bit against `qgen run` (tests/hls).
#ifndef QG_HLS_H
#define QG_HLS_H

#include <ap_int.h>
#include <stdint.h>

#if defined(__has_include)
#if __has_include(<hls_stream.h>)
#include <hls_stream.h>
#else
#include "qg_hls_stream.h"
#endif
#else
#include <hls_stream.h>
#endif

#include "qg_fixed.h"
#include "qg_lq.h"

namespace qg_hls {

typedef ap_int<8> act_t;

// a + b modulo 2^32 (TFLite adds in int32 and wraps; see docs/integer-only.md).
inline int32_t wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
inline int32_t clamp32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// ---- The int8 output stage in fabric (docs/hls.md "The requantization in
// fabric"): a = the int32 sum + bias, then TFLite's MultiplyByQuantizedMultiplier
// (qg_mbqm: left shift, saturating rounding doubling high multiply, rounding
// divide by 2^right; SINGLE: qg_mbqm_single, one rounding), + zp, clamp. The
// one multiply is XB x MB bits, the widths the emitter proves
// (hls_requant_widths: |a · 2^left| < 2^(XB − 1), or XB = 32 and the int32
// value TFLite computes; MB holds every channel's multiplier), bound to LUT
// fabric, not a DSP slice. Exactly qg_mbqm / qg_mbqm_single (tests/hls: every
// int8 layer of the random nets and the models, bit for bit).
template <int XB, int MB, bool SINGLE>
inline int32_t requant(int32_t a, int32_t m, int shift, int32_t zp, int32_t lo, int32_t hi) {
  const int left = !SINGLE && shift > 0 ? shift : 0, right = !SINGLE && shift < 0 ? -shift : 0;
  const ap_int<XB> x = (int32_t)((uint32_t)a << left);
  const ap_int<MB> mm = m;
  const ap_int<XB + MB> prod = x * mm;
#pragma HLS BIND_OP variable=prod op=mul impl=fabric
  // |prod| <= 2^62 (XB, MB <= 32): the rounding below is exact in 64 bits,
  // the same int64 arithmetic as qg_mbqm / qg_mbqm_single (and fast in C
  // simulation, where ap_int wider than 64 bits is not).
  const int64_t p = prod.to_int64();
  int32_t h;
  if (SINGLE) {
    const int total = 31 - shift;
    h = (int32_t)((p + ((int64_t)1 << (total - 1))) >> total);
  } else if (x == INT32_MIN && m == INT32_MIN) {
    h = INT32_MAX;  // qg_srdhm's one saturating case
  } else {
    // qg_srdhm: (prod + nudge) / 2^31, truncated toward zero
    h = (int32_t)((p + (p >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30)))) / ((int64_t)1 << 31));
    h = qg_rdbpot(h, right);
  }
  return clamp32(wrap_add(h, zp), lo, hi);
}

// ---- Line buffers (docs/hls.md "Line buffers"). A layer with a spatial
// window reads its input stream in raster order into `lb`, RB rows of W·CI
// codes used as a ring (input row y goes to row slot y % RB). RB is the
// dilated kernel height KHE = (KH − 1)·DH + 1 (at most H): while row y is
// written over the slot of row y − RB, the rows y − RB + 1 .. y − 1 and the
// part of row y read so far are live, i.e. (KHE − 1) rows + the current row's
// prefix. Output (oy, ox) is computed as soon as the last input pixel its
// window touches has arrived: row lb_last(oy, SH, PT, KHE, H), column
// lb_last(ox, SW, PL, KWE, W), both clamped into the image (a window over the
// bottom / right padding completes at the last row / column; one entirely in
// the top / left padding at the first). Outputs leave in raster order: while
// row y arrives, the pending output row whose last row is y is emitted column
// by column; further output rows that also end at row y (bottom padding,
// stride < window) are emitted right after row y. Taps outside the image are
// padding (TFLite skips them). A layer that needs the whole tensor first (DQ's
// whole-tensor activation parameters) sets RB = H and emits after the last row.

// The last input row (column) that the window of output row (column) o reads,
// clamped into [0, n − 1].
inline int lb_last(int o, int stride, int pad, int extent, int n) {
  const int v = o * stride - pad + extent - 1;
  return v < 0 ? 0 : v > n - 1 ? n - 1 : v;
}

// The streaming walk shared by the windowed layers: E::at(lb, oy, ox, args...)
// computes and writes the outputs of one position (all its channels).
template <class C, class E, class T, class... A>
void lb_walk(hls::stream<T>& in, T lb[C::RB][C::W * C::CI], A&... args) {
  int oy = 0;
  for (int y = 0; y < C::H; ++y) {
    const bool row_out = oy < C::OH && lb_last(oy, C::SH, C::PT, C::KHE, C::H) == y;
    int ox = 0;
    for (int x = 0; x < C::W; ++x) {
      for (int c = 0; c < C::CI; ++c) {
#pragma HLS PIPELINE II=1
        lb[y % C::RB][x * C::CI + c] = in.read();
      }
      if (row_out)
        for (; ox < C::OW && lb_last(ox, C::SW, C::PL, C::KWE, C::W) == x; ++ox) E::at(lb, oy, ox, args...);
    }
    if (row_out) ++oy;
    for (; oy < C::OH && lb_last(oy, C::SH, C::PT, C::KHE, C::H) == y; ++oy)
      for (int ox2 = 0; ox2 < C::OW; ++ox2) E::at(lb, oy, ox2, args...);
  }
}

// Tap (ky, kx) of output (oy, ox): its input row and column, or false when it
// falls in the padding.
template <class C>
inline bool lb_tap(int oy, int ox, int ky, int kx, int& iy, int& ix) {
  iy = oy * C::SH - C::PT + ky * C::DH;
  ix = ox * C::SW - C::PL + kx * C::DW;
  return iy >= 0 && iy < C::H && ix >= 0 && ix < C::W;
}

// Weight codes are stored at their own width: 8 / WB codes per byte (WB =
// 8, 4, 2, 1: 1, 2, 4, 8 codes; 3 bits: 2 codes; 5..7 bits: 1), code k of a
// row in byte k / (8 / WB), bits [WB·t, WB·t + WB), t = k mod (8 / WB). Rows
// are padded to whole bytes. Stored as uint8_t (an ap_int array would be
// initialized at run time in C simulation, and read uninitialized by the
// vendor header). SIGNED: two's complement codes (int8 weights), else 0..2^WB − 1.
template <int WB, bool SIGNED>
inline int unpack_code(const uint8_t row[], int k) {
  const int cpb = 8 / WB;
  const int v = (row[k / cpb] >> (WB * (k % cpb))) & ((1 << WB) - 1);
  return SIGNED && v >= (1 << (WB - 1)) ? v - (1 << WB) : v;
}

// ---- conv2d / depthwise / grouped conv / dense (a dense layer is a 1x1
// convolution over a 1x1 image: RB = 1, a buffer of one input vector):
// TFLite int8 conv_per_channel / fully_connected. C::P output channels at a
// time (the weight array is partitioned by P), one tap per cycle. Weight codes
// are stored packed at their width (unpack_code, C::KB bytes per channel) and
// enter the multiplier as C::w_t = ap_int<w_bits>. The sum of products is exact in C::acc_t, whose
// width is the layer's proven bound (docs/hls.md); its low 32 bits are
// TFLite's wrapping int32 sum. The layer is two processes under DATAFLOW
// (docs/hls.md "The output stage"): linear_i8_taps computes the sums of a
// block of P channels and passes them on as one word (i8_block), and
// linear_i8_requant requantizes them one channel per cycle while the taps of
// the next block (and position) run.
template <class C>
struct i8_block {
  int32_t s[C::P];  // the low 32 bits of each lane's exact sum
};

template <class C>
struct linear_i8_out {
  static void at(typename C::in_t lb[C::RB][C::W * C::CI], int oy, int ox, const uint8_t w[C::O][C::KB],
                 hls::stream<i8_block<C>>& sums) {
    const int Cg = C::CI / C::G, Og = C::O / C::G;
    for (int ob = 0; ob < C::O; ob += C::P) {
      typename C::acc_t acc[C::P];
#pragma HLS ARRAY_PARTITION variable=acc complete
      for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
        acc[p] = 0;
      }
      for (int k = 0; k < C::K; ++k) {
#pragma HLS PIPELINE II=1
        const int ky = k / (C::KW * Cg), kx = (k / Cg) % C::KW, c = k % Cg;
        int iy, ix;
        const bool valid = lb_tap<C>(oy, ox, ky, kx, iy, ix);  // TFLite skips taps outside the image
        for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
          const int o = ob + p;
          if (o < C::O && valid) {
            const typename C::x_t x = (typename C::x_t)lb[iy % C::RB][ix * C::CI + (o / Og) * Cg + c] + C::IN_OFF;
            const typename C::w_t wv = unpack_code<C::WB, true>(w[o], k);
            if (C::MUL_FABRIC) {  // a narrow multiplier: LUT fabric, not a DSP slice (docs/hls.md)
              const ap_int<C::WB + C::XB> prod_f = wv * x;
#pragma HLS BIND_OP variable=prod_f op=mul impl=fabric
              acc[p] += prod_f;
            } else if (C::DSP_PACK) {
              // Lanes p, p + 1 (channels o, o + 1 of the same group: P and the group's channel count are even)
              // share x: one (wv·2^18 + w2) × x product in a DSP48E2 (27-bit pre-adder output × 18 bits,
              // Xilinx WP486 / WP487). The low 18 bits hold w2·x (|w2·x| < 2^17: WB + XB <= 17), the rest
              // wv·x less the low product's borrow: hi = (pp >> 18) + (lo < 0), exact.
              if (p % 2 == 0) {
                const typename C::w_t w2 = o + 1 < C::O ? unpack_code<C::WB, true>(w[o + 1], k) : 0;
                const ap_int<C::WB + 18> wpk = ((ap_int<C::WB + 18>)wv << 18) + w2;
                const ap_int<C::WB + 18 + C::XB> pp = wpk * x;
#pragma HLS BIND_OP variable=pp op=mul impl=dsp
                const ap_int<18> lo = pp.range(17, 0);  // w2·x, sign taken from bit 17
                const ap_int<C::WB + C::XB> hi = (pp >> 18) + (lo < 0 ? 1 : 0);  // wv·x: the correction term
                acc[p] += hi;
                acc[p + 1 < C::P ? p + 1 : p] += o + 1 < C::O && p + 1 < C::P ? lo : ap_int<18>(0);
              }
            } else {
              const ap_int<C::WB + C::XB> prod = wv * x;  // a w_bits x x_bits multiplier
              acc[p] += prod;
            }
          }
        }
      }
      i8_block<C> b;  // the word of a stream: its P lanes side by side
      for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
        const ap_int<32> low = acc[p];  // the low 32 bits: TFLite's wrapping int32 sum
        b.s[p] = (int32_t)low.to_int();
      }
      sums.write(b);  // the whole block in one word: the taps of the next block start at once
    }
  }
};

// The taps process: the line buffer and the P lanes' sums, one block word per
// P channels of an output position.
template <class C>
void linear_i8_taps(hls::stream<typename C::in_t>& in, hls::stream<i8_block<C>>& sums, const uint8_t w[C::O][C::KB]) {
#pragma HLS ARRAY_PARTITION variable=w cyclic factor=C::P dim=1
  static typename C::in_t lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  lb_walk<C, linear_i8_out<C>>(in, lb, w, sums);
}

// The output process: per block word, its P lanes one per cycle (PIPELINE
// II=1 over all the layer's lanes, the block read on a block's first lane):
// + bias (wrapping), the requantization (its one fabric multiplier), + zp,
// clamp. A last block's idle lanes (P not dividing O) take their cycle.
template <class C>
void linear_i8_requant(hls::stream<i8_block<C>>& sums, hls::stream<typename C::out_t>& out, const int32_t bias[C::O],
                       const int32_t mult[C::O], const int32_t shift[C::O]) {
  const int NB = (C::O + C::P - 1) / C::P;
  i8_block<C> b;
  int p = 0, ob = 0;
  for (int i = 0; i < C::OH * C::OW * NB * C::P; ++i) {
#pragma HLS PIPELINE II=1
    if (p == 0) b = sums.read();
    const int o = ob + p;
    if (o < C::O) {
      const int32_t a = wrap_add(b.s[p], bias[o]);
      // TFLite's conv kernels round twice, its fully-connected kernel once.
      out.write((typename C::out_t)requant<C::RQ_XB, C::RQ_MB, C::SINGLE_ROUNDING>(a, mult[o], shift[o], C::OUT_ZP, C::ACT_MIN, C::ACT_MAX));
    }
    if (++p == C::P) {
      p = 0;
      ob = ob + C::P >= C::O ? 0 : ob + C::P;
    }
  }
}

template <class C>
void linear_i8(hls::stream<typename C::in_t>& in, hls::stream<typename C::out_t>& out, const uint8_t w[C::O][C::KB], const int32_t bias[C::O],
               const int32_t mult[C::O], const int32_t shift[C::O]) {
#pragma HLS DATAFLOW
  hls::stream<i8_block<C>> sums("sums");
#pragma HLS STREAM variable=sums depth=2
  linear_i8_taps<C>(in, sums, w);
  linear_i8_requant<C>(sums, out, bias, mult, shift);
}

// ---- LQ / DQ conv2d / dense (scheme lq, MAC kernel; docs/quantization.md):
// per patch, the activation codes of each region (qg_lq_patch_codes: region
// min / max, or the whole-tensor parameters for DQ), Σq per segment, per
// output channel Σp·q per segment exact in C::acc_t (the proven acc_bound),
// then the float combination in the documented order (qg_lq_part,
// qg_lq_finish) -- the interpreter's and the C target's arithmetic. C::P
// output channels of one group at a time (C::P <= O / G, docs/hls.md
// "Parallelism of the LQ kernels"): per segment one code position per cycle
// (PIPELINE II=1) feeds P multipliers (the code array partitioned by P), then
// the P channels' segment shares go through one shared float combination
// unit, one per cycle; each channel still adds its shares in segment order.
// LQ streams through the line buffer; DQ (C::WHOLE) needs the whole input's
// min / max before its first output, so its buffer holds the whole tensor
// (RB = H).
// The activation codes of output (oy, ox)'s patch in group grp: the patch
// from the line buffer (0 for a padding tap), quantized region by region
// (qg_lq_patch_codes: rlo, rs, q), and Σq per segment into sq.
template <class C>
void lq_patch(float lb[C::RB][C::W * C::CI], int oy, int ox, int grp, const int32_t areg[C::R + 1], const int32_t seg[C::S + 1],
              const float whole[2], float rlo[C::R], float rs[C::R], uint8_t q[C::K], typename C::acc_t sq[C::S]) {
  const int Cg = C::CI / C::G;
  float patch[C::K];
  for (int k = 0; k < C::K; ++k) {
#pragma HLS PIPELINE II=1
    const int ky = k / (C::KW * Cg), kx = (k / Cg) % C::KW, c = k % Cg;
    int iy, ix;
    patch[k] = lb_tap<C>(oy, ox, ky, kx, iy, ix) ? lb[iy % C::RB][ix * C::CI + grp * Cg + c] : 0.0f;
  }
  qg_lq_patch_codes(patch, areg, C::R, C::WHOLE, whole[0], whole[1], C::LA, rlo, rs, q);
  for (int sg = 0; sg < C::S; ++sg) {
    sq[sg] = 0;
    for (int j = seg[sg]; j < seg[sg + 1]; ++j) sq[sg] += q[j];
  }
}

// Segment sg's share of channels o0 .. o0 + P - 1 (those below o_end): y[p] =
// y[p] + qg_lq_part(...), one channel per cycle through one float unit.
template <class C>
void lq_combine(int o0, int o_end, int sg, const typename C::acc_t spq[C::P], const typename C::acc_t sq[C::S], const float rlo[C::R],
                const float rs[C::R], const float E[C::O][C::S], const float B[C::O][C::S], const float D[C::O][C::S],
                const int32_t seg_areg[C::S], float y[C::P]) {
  const int a = seg_areg[sg];
  for (int p = 0; p < C::P; ++p) {
#pragma HLS PIPELINE II=1
    const int o = o0 + p;
    if (o < o_end) y[p] = y[p] + qg_lq_part(rlo[a], rs[a], E[o][sg], B[o][sg], D[o][sg], (float)sq[sg].to_int64(), (float)spq[p].to_int64());
  }
}

// The outputs of channels o0 .. o_end - 1: + bias, the activation.
template <class C>
void lq_emit(int o0, int o_end, const float y[C::P], const float bias[C::O], hls::stream<float>& out) {
  for (int p = 0; p < C::P; ++p) {
#pragma HLS PIPELINE II=1
    if (o0 + p < o_end) out.write(qg_lq_finish(y[p], bias[o0 + p], C::ACT));
  }
}

// MAC kernel: Σp·q of a segment from w_bits x a_bits multiplies, P channels at a time.
template <class C>
struct linear_lq_out {
  static void at(float lb[C::RB][C::W * C::CI], int oy, int ox, const uint8_t codes[C::O][C::KB], const float E[C::O][C::S],
                 const float B[C::O][C::S], const float D[C::O][C::S], const float bias[C::O], const int32_t areg[C::R + 1],
                 const int32_t seg[C::S + 1], const int32_t seg_areg[C::S], hls::stream<float>& out, const float whole[2]) {
    const int Og = C::O / C::G;
    float rlo[C::R], rs[C::R];
    uint8_t q[C::K];
    typename C::acc_t sq[C::S];
    for (int grp = 0; grp < C::G; ++grp) {
      lq_patch<C>(lb, oy, ox, grp, areg, seg, whole, rlo, rs, q, sq);
      const int o_end = (grp + 1) * Og;
      for (int o0 = grp * Og; o0 < o_end; o0 += C::P) {
        float y[C::P];
#pragma HLS ARRAY_PARTITION variable=y complete
        for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
          y[p] = 0.0f;
        }
        for (int sg = 0; sg < C::S; ++sg) {
          typename C::acc_t spq[C::P];
#pragma HLS ARRAY_PARTITION variable=spq complete
          for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
            spq[p] = 0;
          }
          for (int j = seg[sg]; j < seg[sg + 1]; ++j) {
#pragma HLS PIPELINE II=1
            const ap_uint<C::AB> qv = q[j];
            for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
              const int o = o0 + p;
              if (o < o_end) {
                const ap_uint<C::WB> wv = unpack_code<C::WB, false>(codes[o], j);
                if (C::MUL_FABRIC) {  // a narrow multiplier: LUT fabric, not a DSP slice (docs/hls.md)
                  const ap_uint<C::WB + C::AB> prod_f = wv * qv;
#pragma HLS BIND_OP variable=prod_f op=mul impl=fabric
                  spq[p] += prod_f;
                } else {
                  const ap_uint<C::WB + C::AB> prod = wv * qv;  // a w_bits x a_bits multiplier
                  spq[p] += prod;
                }
              }
            }
          }
          lq_combine<C>(o0, o_end, sg, spq, sq, rlo, rs, E, B, D, seg_areg, y);
        }
        lq_emit<C>(o0, o_end, y, bias, out);
      }
    }
  }
};

// LUT kernel (docs/quantization.md §9, docs/hls.md "LUT kernel"): the codes of
// each group of up to C::LG consecutive patch positions form an index
// (q_b | q_b+1 << AB | ...), and Σp·q of a segment is the sum of its groups'
// ROM entries -- no multiplier. rom[o][off[k] + index] = Σ p·q of group k for
// those codes, exact, so the result is the MAC kernel's bit for bit. P
// channels at a time: one code group per cycle, P ROM reads (the ROM
// partitioned by P) and P adds.
template <class C>
struct linear_lut_out {
  static void at(float lb[C::RB][C::W * C::CI], int oy, int ox, const uint16_t rom[C::O][C::T], const float E[C::O][C::S],
                 const float B[C::O][C::S], const float D[C::O][C::S], const float bias[C::O], const int32_t areg[C::R + 1],
                 const int32_t seg[C::S + 1], const int32_t seg_areg[C::S], const int32_t grp_begin[C::NG + 1],
                 const int32_t grp_off[C::NG], const int32_t seg_grp[C::S + 1], hls::stream<float>& out, const float whole[2]) {
    const int Og = C::O / C::G;
    float rlo[C::R], rs[C::R];
    uint8_t q[C::K];
    typename C::acc_t sq[C::S];
    ap_uint<C::LG * C::AB> index[C::NG];
    for (int grp = 0; grp < C::G; ++grp) {
      lq_patch<C>(lb, oy, ox, grp, areg, seg, whole, rlo, rs, q, sq);
      for (int k = 0; k < C::NG; ++k) {
#pragma HLS PIPELINE II=1
        ap_uint<C::LG * C::AB> v = 0;
        for (int j = grp_begin[k + 1] - 1; j >= grp_begin[k]; --j) v = (v << C::AB) | q[j];
        index[k] = v;
      }
      const int o_end = (grp + 1) * Og;
      for (int o0 = grp * Og; o0 < o_end; o0 += C::P) {
        float y[C::P];
#pragma HLS ARRAY_PARTITION variable=y complete
        for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
          y[p] = 0.0f;
        }
        for (int sg = 0; sg < C::S; ++sg) {
          typename C::acc_t spq[C::P];
#pragma HLS ARRAY_PARTITION variable=spq complete
          for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
            spq[p] = 0;
          }
          for (int k = seg_grp[sg]; k < seg_grp[sg + 1]; ++k) {
#pragma HLS PIPELINE II=1
            const int at = grp_off[k] + index[k].to_int();
            for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
              const int o = o0 + p;
              if (o < o_end) spq[p] += (typename C::e_t)rom[o][at];  // one ROM read and an add per group and channel
            }
          }
          lq_combine<C>(o0, o_end, sg, spq, sq, rlo, rs, E, B, D, seg_areg, y);
        }
        lq_emit<C>(o0, o_end, y, bias, out);
      }
    }
  }
};

// The LQ / DQ layer: Out is linear_lq_out (MAC) or linear_lut_out (LUT), A
// its tables.
template <class C, class Out, class... A>
void linear_lq_walk(hls::stream<float>& in, float lb[C::RB][C::W * C::CI], A&... args) {
  float whole[2] = {0.0f, 1.0f};  // DQ: the whole tensor's low end and step
  if (!C::WHOLE) {
    lb_walk<C, Out>(in, lb, args..., whole);
    return;
  }
  for (int y = 0; y < C::H; ++y)
    for (int i = 0; i < C::W * C::CI; ++i) {
#pragma HLS PIPELINE II=1
      lb[y][i] = in.read();
    }
  qg_region_params(&lb[0][0], C::H * C::W * C::CI, C::WHOLE_ZERO, C::LA, &whole[0], &whole[1]);
  for (int oy = 0; oy < C::OH; ++oy)
    for (int ox = 0; ox < C::OW; ++ox) Out::at(lb, oy, ox, args..., whole);
}

template <class C>
void linear_lq(hls::stream<float>& in, hls::stream<float>& out, const uint8_t codes[C::O][C::KB], const float E[C::O][C::S],
               const float B[C::O][C::S], const float D[C::O][C::S], const float bias[C::O], const int32_t areg[C::R + 1],
               const int32_t seg[C::S + 1], const int32_t seg_areg[C::S]) {
#pragma HLS ARRAY_PARTITION variable=codes cyclic factor=C::P dim=1
  static float lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  linear_lq_walk<C, linear_lq_out<C>>(in, lb, codes, E, B, D, bias, areg, seg, seg_areg, out);
}

template <class C>
void linear_lut(hls::stream<float>& in, hls::stream<float>& out, const uint16_t rom[C::O][C::T], const float E[C::O][C::S],
                const float B[C::O][C::S], const float D[C::O][C::S], const float bias[C::O], const int32_t areg[C::R + 1],
                const int32_t seg[C::S + 1], const int32_t seg_areg[C::S], const int32_t grp_begin[C::NG + 1],
                const int32_t grp_off[C::NG], const int32_t seg_grp[C::S + 1]) {
#pragma HLS ARRAY_PARTITION variable=rom cyclic factor=C::P dim=1
#pragma HLS BIND_STORAGE variable=rom type=rom_1p
  static float lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  linear_lq_walk<C, linear_lut_out<C>>(in, lb, rom, E, B, D, bias, areg, seg, seg_areg, grp_begin, grp_off, seg_grp, out);
}

// ---- float conv2d / depthwise / grouped conv / dense: a layer the
// configuration leaves in float (scheme "float", or a layer of an LQ / DQ
// network that asks for float), docs/quantization.md §4 "Float mode": padded
// taps are skipped; per output channel y = 0, y = y + w*x over the valid taps
// in (ky, kx, c) order (one product, one sum, each rounded to float32), then
// qg_lq_finish (+ bias, then the activation) -- the interpreter's order, so the
// C simulation is bit-exact (build with -ffp-contract=off). The tap loop is
// outside the channel loop: C::P channels take one tap per cycle each, and a
// channel's next add comes ceil(O / P) cycles after its last one, which hides
// the float adder's latency without reordering any channel's sum.
template <class C>
struct linear_f32_out {
  static void at(float lb[C::RB][C::W * C::CI], int oy, int ox, const float w[C::O][C::K], const float bias[C::O],
                 hls::stream<float>& out) {
    const int Cg = C::CI / C::G, Og = C::O / C::G;
    float acc[C::O];
#pragma HLS ARRAY_PARTITION variable=acc cyclic factor=C::P
    for (int o = 0; o < C::O; ++o) {
#pragma HLS PIPELINE II=1
      acc[o] = 0.0f;
    }
    for (int k = 0; k < C::K; ++k) {
      const int ky = k / (C::KW * Cg), kx = (k / Cg) % C::KW, c = k % Cg;
      int iy, ix;
      if (!lb_tap<C>(oy, ox, ky, kx, iy, ix)) continue;  // a padded tap: skipped, as in the interpreter
      for (int ob = 0; ob < C::O; ob += C::P) {
#pragma HLS PIPELINE II=1
        for (int p = 0; p < C::P; ++p) {
#pragma HLS UNROLL
          const int o = ob + p;
          if (o < C::O) {
            const float prod = w[o][k] * lb[iy % C::RB][ix * C::CI + (o / Og) * Cg + c];  // a float multiplier
            acc[o] = acc[o] + prod;                                                      // a float adder
          }
        }
      }
    }
    for (int o = 0; o < C::O; ++o) {
#pragma HLS PIPELINE II=1
      out.write(qg_lq_finish(acc[o], bias[o], C::ACT));
    }
  }
};

template <class C>
void linear_f32(hls::stream<float>& in, hls::stream<float>& out, const float w[C::O][C::K], const float bias[C::O]) {
#pragma HLS ARRAY_PARTITION variable=w cyclic factor=C::P dim=1
  static float lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  lb_walk<C, linear_f32_out<C>>(in, lb, w, bias, out);
}

// ---- max / average pool over the valid taps (TFLite pooling), through the
// line buffer (C::CI channels, pooled one by one).
template <class C>
struct pool_i8_out {
  static void at(typename C::in_t lb[C::RB][C::W * C::CI], int oy, int ox, hls::stream<typename C::out_t>& out) {
    for (int c = 0; c < C::CI; ++c) {
      typename C::acc_t acc = C::MAX ? -128 : 0;
      int count = 0;
      for (int k = 0; k < C::KH * C::KW; ++k) {
#pragma HLS PIPELINE II=1
        int iy, ix;
        if (lb_tap<C>(oy, ox, k / C::KW, k % C::KW, iy, ix)) {
          const typename C::in_t v = lb[iy % C::RB][ix * C::CI + c];
          if (C::MAX)
            acc = v > acc ? (typename C::acc_t)v : acc;
          else
            acc += v;
          ++count;
        }
      }
      int32_t r = (int32_t)acc;
      if (!C::MAX) {
        const int32_t n = C::INCLUDE_PAD ? C::KH * C::KW : count;
        r = r > 0 ? (r + n / 2) / n : (r - n / 2) / n;  // round half away from zero
      }
      out.write((typename C::out_t)clamp32(r, C::ACT_MIN, C::ACT_MAX));
    }
  }
};

template <class C>
void pool_i8(hls::stream<typename C::in_t>& in, hls::stream<typename C::out_t>& out) {
  static typename C::in_t lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  lb_walk<C, pool_i8_out<C>>(in, lb, out);
}

// ---- add (TFLite int8 ADD): both inputs rescaled to a common scale.
template <class C>
void add_i8(hls::stream<act_t>& in1, hls::stream<act_t>& in2, hls::stream<act_t>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    const int32_t v1 = (int32_t)in1.read() + C::OFF1, v2 = (int32_t)in2.read() + C::OFF2;
    const int32_t s1 = qg_mbqm(v1 * (1 << C::LEFT_SHIFT), C::IN1_MULT, C::IN1_SHIFT);
    const int32_t s2 = qg_mbqm(v2 * (1 << C::LEFT_SHIFT), C::IN2_MULT, C::IN2_SHIFT);
    const int32_t raw = wrap_add(qg_mbqm(wrap_add(s1, s2), C::OUT_MULT, C::OUT_SHIFT), C::OUT_ZP);
    out.write((act_t)clamp32(raw, C::ACT_MIN, C::ACT_MAX));
  }
}

// ---- int8 table ops (sigmoid, ...): a 256-entry ROM indexed by the code.
template <class C>
void table_i8(hls::stream<act_t>& in, hls::stream<act_t>& out, const int8_t table[256]) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    out.write((act_t)table[(int)in.read() + 128]);
  }
}

// ---- softmax (TFLite's int8 kernel: a float exp table, float sum and scale).
template <class C>
void softmax_i8(hls::stream<act_t>& in, hls::stream<act_t>& out, const float table[256]) {
  act_t row[C::CH];
  for (int r = 0; r < C::ROWS; ++r) {
    int32_t mx = -128;
    for (int c = 0; c < C::CH; ++c) {
#pragma HLS PIPELINE II=1
      row[c] = in.read();
      mx = (int32_t)row[c] > mx ? (int32_t)row[c] : mx;
    }
    // t[v] = table[255 - mx + v]: exp(-scale * beta * (mx - v))
    float sum = 0.0f;
    for (int c = 0; c < C::CH; ++c) sum += table[255 - mx + (int32_t)row[c]];
    const float inv = 1.0f / (sum * C::OUT_SCALE);
    for (int c = 0; c < C::CH; ++c) {
#pragma HLS PIPELINE II=1
      const float p = table[255 - mx + (int32_t)row[c]] * inv;
      const int32_t i = p < 512.0f ? (int32_t)p : 512;
      const int32_t q = i + ((p - (float)i) >= 0.5f ? 1 : 0) + C::OUT_ZP;
      out.write((act_t)clamp32(q, -128, 127));
    }
  }
}

// ---- flatten / reshape: the declared-layout order is kept, so a CHW model
// permutes HWC raster order (a buffer); otherwise a plain copy.
template <class C, class T>
void relayout(hls::stream<T>& in, hls::stream<T>& out) {
  static T buf[C::N];
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    buf[i] = in.read();
  }
  for (int j = 0; j < C::N; ++j) {
#pragma HLS PIPELINE II=1
    // output internal index j -> declared-layout index -> input internal index
    const int li = C::OUT_CHW ? (j % C::OUT_C) * C::OUT_HW + j / C::OUT_C : j;
    const int i = C::IN_CHW ? (li % C::IN_HW) * C::IN_C + li / C::IN_HW : li;
    out.write(buf[i]);
  }
}

// ---- Float layers of an integer-only graph: the ops without an int8 kernel,
// between a dequantize and a quantize node (docs/integer-only.md), computed as
// the interpreter's float kernels compute them (same operations, same order;
// build with -ffp-contract=off).

// relu / relu6
template <class C>
void activation_f32(hls::stream<float>& in, hls::stream<float>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    float y = in.read();
    y = y > 0.0f ? y : 0.0f;
    if (C::RELU6) y = y < 6.0f ? y : 6.0f;
    out.write(y);
  }
}

// batchnorm that could not be folded: x * scale[c] + shift[c]
template <class C>
void batchnorm_f32(hls::stream<float>& in, hls::stream<float>& out, const float scale[C::CH], const float shift[C::CH]) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    const float p = in.read() * scale[i % C::CH];
    out.write(p + shift[i % C::CH]);
  }
}

template <class C>
void add_f32(hls::stream<float>& in1, hls::stream<float>& in2, hls::stream<float>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    const float a = in1.read();
    out.write(a + in2.read());
  }
}

// max / average pool over the valid taps, through the line buffer
template <class C>
struct pool_f32_out {
  static void at(float lb[C::RB][C::W * C::CI], int oy, int ox, hls::stream<float>& out) {
    for (int c = 0; c < C::CI; ++c) {
      float acc = C::MAX ? -__builtin_inff() : 0.0f;
      int count = 0;
      for (int k = 0; k < C::KH * C::KW; ++k) {
#pragma HLS PIPELINE II=1
        int iy, ix;
        if (lb_tap<C>(oy, ox, k / C::KW, k % C::KW, iy, ix)) {
          const float v = lb[iy % C::RB][ix * C::CI + c];
          acc = C::MAX ? (v > acc ? v : acc) : acc + v;
          ++count;
        }
      }
      out.write(C::MAX ? acc : acc / (float)(C::INCLUDE_PAD ? C::KH * C::KW : count));
    }
  }
};

template <class C>
void pool_f32(hls::stream<float>& in, hls::stream<float>& out) {
  static float lb[C::RB][C::W * C::CI];
#pragma HLS BIND_STORAGE variable=lb type=ram_2p
  lb_walk<C, pool_f32_out<C>>(in, lb, out);
}

// global average pool: per channel, the sum in raster order, / (H * W)
template <class C>
void global_avgpool_f32(hls::stream<float>& in, hls::stream<float>& out) {
  float sum[C::CH];
  for (int c = 0; c < C::CH; ++c) sum[c] = 0.0f;
  for (int i = 0; i < C::HW; ++i)
    for (int c = 0; c < C::CH; ++c) {
#pragma HLS PIPELINE II=1
      sum[c] = sum[c] + in.read();
    }
  for (int c = 0; c < C::CH; ++c) out.write(sum[c] / (float)C::HW);
}

// int8 global average pool as TFLite's MEAN (templates/mean_i8.c): per
// channel the int32 sum of x - zp_in, qg_mbqm by (MULT, SHIFT), plus zp_out, clamped
template <class C>
void mean_i8(hls::stream<act_t>& in, hls::stream<act_t>& out) {
  int32_t sum[C::CH];
  for (int c = 0; c < C::CH; ++c) sum[c] = 0;
  for (int i = 0; i < C::HW; ++i)
    for (int c = 0; c < C::CH; ++c) {
#pragma HLS PIPELINE II=1
      sum[c] += (int32_t)in.read() - C::ZP_IN;
    }
  for (int c = 0; c < C::CH; ++c) out.write((act_t)clamp32(qg_mbqm(sum[c], C::MULT, C::SHIFT) + C::ZP_OUT, -128, 127));
}

// softmax over the last axis: exp(x - max) (qg_expf), then / sum
template <class C>
void softmax_f32(hls::stream<float>& in, hls::stream<float>& out) {
  float row[C::CH];
  for (int r = 0; r < C::ROWS; ++r) {
    for (int c = 0; c < C::CH; ++c) row[c] = in.read();
    float m = row[0];
    for (int c = 1; c < C::CH; ++c) m = row[c] > m ? row[c] : m;
    float sum = 0.0f;
    for (int c = 0; c < C::CH; ++c) {
      row[c] = qg_expf(row[c] - m);
      sum = sum + row[c];
    }
    for (int c = 0; c < C::CH; ++c) out.write(row[c] / sum);
  }
}

template <class C>
void sigmoid_f32(hls::stream<float>& in, hls::stream<float>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    const float x = in.read(), e = qg_expf(x < 0.0f ? x : -x);
    out.write(x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e));
  }
}

// concat of two tensors along an internal axis: per outer index, a row of the
// first, then a row of the second (more inputs: a chain of these)
template <class C, class T>
void concat2(hls::stream<T>& in1, hls::stream<T>& in2, hls::stream<T>& out) {
  for (int o = 0; o < C::OUTER; ++o) {
    for (int i = 0; i < C::ROW1; ++i) {
#pragma HLS PIPELINE II=1
      out.write(in1.read());
    }
    for (int i = 0; i < C::ROW2; ++i) {
#pragma HLS PIPELINE II=1
      out.write(in2.read());
    }
  }
}

// ---- float input -> int8 codes (the int8 graph's quantize node):
// round half away from zero, clamp, + zero point, clamp to int8.
template <class C>
void quantize(hls::stream<float>& in, hls::stream<act_t>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    float t = in.read() / C::SCALE;
    int32_t v = 0;
    if (t == t) {  // NaN -> 0
      t = t > 1e9f ? 1e9f : t < -1e9f ? -1e9f : t;
      v = (int32_t)t;                          // truncates toward zero; exact
      const float frac = t - (float)v;         // exact (|t| < 2^30, v its integer part)
      v += frac >= 0.5f ? 1 : frac <= -0.5f ? -1 : 0;
    }
    out.write((act_t)clamp32(v + C::ZP, -128, 127));
  }
}

// ---- int8 codes -> float output (the graph's dequantize node): dequantize
// below. Sub-byte activations (int8 scheme, a_bits 4 / 2, docs/integer-only.md):
// a stream of C::in_t = ap_uint<b> codes becomes int8 codes of the same value
// (same scale and zero point; exact), before a consumer other than a conv /
// dense layer or a max pool.
template <class C>
void unpack(hls::stream<typename C::in_t>& in, hls::stream<act_t>& out) {
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    out.write((act_t)in.read().to_int());
  }
}

// The value of code v is table[v + 128], (float)(scale · (v − zp)) computed
// in double by the emitter (the interpreter's dequantize): a 256-entry ROM,
// no multiplier.
template <class C>
void dequantize(hls::stream<act_t>& in, hls::stream<float>& out, const float table[256]) {
#pragma HLS BIND_STORAGE variable=table type=rom_1p
  for (int i = 0; i < C::N; ++i) {
#pragma HLS PIPELINE II=1
    out.write(table[(int)in.read() + 128]);
  }
}

// ---- one stream to two consumers (DATAFLOW needs one reader per stream).
template <class T, int N>
void fork2(hls::stream<T>& in, hls::stream<T>& a, hls::stream<T>& b) {
  for (int i = 0; i < N; ++i) {
#pragma HLS PIPELINE II=1
    const T v = in.read();
    a.write(v);
    b.write(v);
  }
}

}  // namespace qg_hls

#endif  // QG_HLS_H
