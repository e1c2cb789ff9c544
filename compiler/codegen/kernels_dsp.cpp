#include "codegen/kernels_dsp.h"

#include <algorithm>
#include <cstdlib>

#include "ir/diag.h"
#include "quant/lut.h"
#include "runtime/qg_fixed.h"

namespace qg::codegen {

std::vector<uint8_t> dsp_gemm_weights(const ir::IntLinear& il, int64_t O, const DspChoice& c) {
  const size_t K = static_cast<size_t>(c.K), KP = static_cast<size_t>(c.KP);
  QG_CHECK(il.weight.size() == static_cast<size_t>(O) * K, "dsp weights: size mismatch");
  if (c.w_bits == 8 && c.hilo) {  // pair-packed rows (runtime/qg_arm_dsp.h, QG_HL_PAIR), an odd last row plain
    QG_CHECK(KP % 4 == 0, "dsp weights: pair-packed rows need KP % 4 == 0");
    std::vector<uint8_t> out(static_cast<size_t>(O) * KP, 0);
    auto at = [&](size_t o, size_t k) -> int32_t { return k < K ? il.weight[o * K + k] : 0; };
    // Rows o, o + 1 as pair j of a block of `pairs` pairs starting at row o0:
    // group k / 4 at 8 * pairs bytes, the pair's words at 8 j; word A holds
    // k % 4 = 0, 2, word B 1, 3; halfword (k % 4) / 2.
    auto put_pair = [&](size_t o0, size_t pairs, size_t j) {
      const size_t o = o0 + 2 * j;
      for (size_t k = 0; k < KP; ++k) {
        const int32_t wr = at(o, k), ws = at(o + 1, k) - (wr < 0 ? 1 : 0);
        QG_CHECK(ws >= -128, "dsp weights: pair-packed byte outside int8");
        const size_t b = o0 * KP + (k / 4) * 8 * pairs + 8 * j + (k % 2) * 4 + ((k % 4) / 2) * 2;
        out[b] = static_cast<uint8_t>(wr);
        out[b + 1] = static_cast<uint8_t>(ws);
      }
    };
    // 4: one-pixel layers (qg_dot_hl4); 2: more pixels, O % 4 == 0 (qg_dot2x4_hl); 1: pair-major
    const size_t B = static_cast<size_t>(c.hilo_block);
    QG_CHECK(B == 1 || B == 2 || B == 4, "dsp weights: pair block of 1, 2 or 4 pairs");
    size_t o = 0;
    for (; o + 2 * B <= static_cast<size_t>(O); o += 2 * B)
      for (size_t j = 0; j < B; ++j) put_pair(o, B, j);
    for (; o + 2 <= static_cast<size_t>(O); o += 2) put_pair(o, 1, 0);
    if (o < static_cast<size_t>(O))
      for (size_t k = 0; k < K; ++k) out[o * KP + k] = static_cast<uint8_t>(il.weight[o * K + k]);
    return out;
  }
  if (c.w_bits == 8) {  // rows of KP bytes, zero-padded (KP > K: im2col layers)
    if (KP == K) return std::vector<uint8_t>(il.weight.begin(), il.weight.end());
    std::vector<uint8_t> out(static_cast<size_t>(O) * KP, 0);
    for (size_t o = 0; o < static_cast<size_t>(O); ++o)
      for (size_t k = 0; k < K; ++k) out[o * KP + k] = static_cast<uint8_t>(il.weight[o * K + k]);
    return out;
  }
  const size_t per_byte = c.w_bits == 4 ? 2 : 4, row = KP / per_byte;
  std::vector<uint8_t> out(static_cast<size_t>(O) * row, 0);
  for (size_t o = 0; o < static_cast<size_t>(O); ++o) {
    uint8_t* r = out.data() + o * row;
    for (size_t k = 0; k < K; ++k) {
      const uint32_t v = static_cast<uint8_t>(il.weight[o * K + k]);
      size_t slot;  // index of the nibble / crumb within the row
      if (c.w_bits == 4) {
        const size_t word = k / 8, j = k % 8;
        slot = word * 8 + (j < 4 ? 2 * j : 2 * (j - 4) + 1);
        r[slot / 2] = static_cast<uint8_t>(r[slot / 2] | ((v & 0xFu) << (4 * (slot % 2))));
      } else {
        const size_t word = k / 16, j = k % 16, tt = j / 4, rr = j % 4;
        slot = word * 16 + tt + 4 * rr;
        r[slot / 4] = static_cast<uint8_t>(r[slot / 4] | ((v & 0x3u) << (2 * (slot % 4))));
      }
    }
  }
  return out;
}

std::vector<int8_t> dsp_depthwise_weights(const ir::IntLinear& il, int64_t C, int64_t taps) {
  std::vector<int8_t> out(static_cast<size_t>(C * taps));
  for (int64_t c = 0; c < C; ++c)
    for (int64_t t = 0; t < taps; ++t) out[static_cast<size_t>(t * C + c)] = il.weight[static_cast<size_t>(c * taps + t)];
  return out;
}

std::vector<int32_t> dsp_folded_bias(const ir::IntLinear& il, int64_t O, int32_t zp_in) {
  const size_t K = il.weight.size() / static_cast<size_t>(O);
  std::vector<int32_t> b(static_cast<size_t>(O));
  for (size_t o = 0; o < b.size(); ++o) {
    int64_t s = 0;
    for (size_t k = 0; k < K; ++k) s += il.weight[o * K + k];
    // Two's-complement wrap, as the int32 accumulator of the kernel.
    const int64_t base = il.bias.empty() ? 0 : il.bias[o];
    b[o] = static_cast<int32_t>(static_cast<uint32_t>(base - static_cast<int64_t>(zp_in) * s));
  }
  return b;
}

std::vector<int32_t> dsp_add_params(const ir::IntParams& p, int32_t zp1, int32_t zp2, int32_t zp_out) {
  auto half = [](int32_t shift) { return shift < 0 ? int32_t{1} << (-shift - 1) : 0; };
  const int32_t ro = -p.out_shift;
  QG_CHECK(ro >= 1 && ro <= 23 && p.in1_shift <= 0 && p.in2_shift <= 0, "dsp add: shifts outside the kernel's range");
  return {static_cast<int32_t>(static_cast<uint32_t>(zp1) << 21), p.in1_mult, half(p.in1_shift), -p.in1_shift,
          static_cast<int32_t>(static_cast<uint32_t>(zp2) << 21), p.in2_mult, half(p.in2_shift), -p.in2_shift,
          p.out_mult, static_cast<int32_t>((int64_t{1} << (ro - 1)) + int64_t{zp_out} * (int64_t{1} << ro)), ro,
          p.act_min, p.act_max};
}

DspLutRows dsp_lut_rows(const ir::LinearQuant& q) {
  DspLutRows r;
  const int64_t O = q.O, NG = q.lut_groups();
  r.O2 = (O + 1) / 2 * 2;
  r.words.assign(static_cast<size_t>(q.lut_T * r.O2 / 2), 0);
  int32_t max_entry = 1;
  for (int64_t k = 0; k < NG; ++k) {
    const int64_t begin = q.grp_off[static_cast<size_t>(k)], end = k + 1 < NG ? q.grp_off[static_cast<size_t>(k + 1)] : q.lut_T;
    for (int64_t v = 0; v < end - begin; ++v)
      for (int64_t o = 0; o < O; ++o) {
        const int32_t t = quant::lut_entry(q, o, k, v);
        QG_CHECK(t >= 0 && t <= 0xffff, "LUT entry outside uint16");
        max_entry = std::max(max_entry, t);
        const size_t w = static_cast<size_t>((begin + v) * r.O2 / 2 + o / 2);
        r.words[w] = static_cast<int32_t>(static_cast<uint32_t>(r.words[w]) | static_cast<uint32_t>(t) << (16 * (o % 2)));
      }
  }
  r.flush = 0xffff / max_entry;
  return r;
}

bool dsp_small_sums(const ir::IntLinear& il, int64_t O, const std::vector<int32_t>& folded_bias, const std::vector<bool>& skip,
                    bool left_shifts) {
  const size_t K = il.weight.size() / static_cast<size_t>(O);
  for (size_t o = 0; o < static_cast<size_t>(O); ++o) {
    if (!skip.empty() && skip[o]) continue;
    const int32_t left = left_shifts ? std::clamp(il.shift[o], 0, 30) : 0;
    int64_t s = 0;
    for (size_t k = 0; k < K; ++k) s += std::abs(int64_t{il.weight[o * K + k]});
    if (128 * s + std::abs(int64_t{folded_bias[o]}) >= (int64_t{1} << (30 - left))) return false;
  }
  return true;
}

std::vector<int32_t> dsp_constant_channels(const ir::IntLinear& il, int64_t O, int32_t zp_in, int32_t zp_out) {
  const size_t K = il.weight.size() / static_cast<size_t>(O);
  std::vector<int32_t> out(static_cast<size_t>(O), kDspNotConstant);
  constexpr int64_t kLo = INT32_MIN, kHi = INT32_MAX;
  for (size_t o = 0; o < out.size(); ++o) {
    // t = sum_k w (x_k - zp_in) + bias over every x_k in [-128, 127] (taps
    // outside the image: x_k = zp_in, inside this range); exact in int64.
    int64_t lo = il.bias.empty() ? 0 : il.bias[o], hi = lo;
    for (size_t k = 0; k < K; ++k) {
      const int64_t w = il.weight[o * K + k];
      lo += std::min(w * (-128 - zp_in), w * (127 - zp_in));
      hi += std::max(w * (-128 - zp_in), w * (127 - zp_in));
    }
    const int32_t m = il.mult[o], sh = il.shift[o];
    // Monotone in t only without wrap-around: t in int32, no overflow of the
    // left shift, a non-negative multiplier.
    if (m < 0 || lo < kLo || hi > kHi) continue;
    if (!il.single_rounding && sh > 0 && (sh >= 31 || std::max(-lo, hi) >= (int64_t{1} << (31 - sh)))) continue;
    auto f = [&](int64_t t) -> int64_t {
      const int32_t t32 = static_cast<int32_t>(t);
      return il.single_rounding ? qg_mbqm_single(t32, m, sh) : qg_mbqm(t32, m, sh);
    };
    const int64_t flo = f(lo), fhi = f(hi);
    if (flo < -(int64_t{1} << 30) || fhi >= (int64_t{1} << 30)) continue;  // + zp_out must not wrap
    const auto clamp8 = [](int64_t v) { return static_cast<int32_t>(std::clamp<int64_t>(v, -128, 127)); };
    if (clamp8(flo + zp_out) == clamp8(fhi + zp_out)) out[o] = clamp8(flo + zp_out);
  }
  return out;
}

DspRequant dsp_requant(const ir::IntLinear& il, int64_t O, int32_t zp_in, int32_t zp_out) {
  DspRequant r;
  const std::vector<int32_t> bias = dsp_folded_bias(il, O, zp_in);
  // Channels whose output is one value c for every input (pruned channels:
  // VWW's have near-zero weights, biases near +-2^30 and shifts of -24 to
  // -31 or a zero multiplier) do not decide the mode: in modes 2 and -2 their
  // parameters {0, 0, 2c + 1, 1} give c for every sum (multiplier 0: h = 0,
  // (2c + 1) >> 1 = c), in mode 1 {0, 0, 2 (c - zp) + 1, 1}.
  const std::vector<int32_t> konst = dsp_constant_channels(il, O, zp_in, zp_out);
  std::vector<bool> skip(konst.size());
  for (size_t o = 0; o < konst.size(); ++o) skip[o] = konst[o] != kDspNotConstant;
  auto all_live = [&](auto pred) {
    for (size_t o = 0; o < skip.size(); ++o)
      if (!skip[o] && !pred(il.shift[o])) return false;
    return true;
  };
  // Right shifts in [1, 23] take the short requantization (double-rounding
  // layers only: the fully-connected kernel rounds once).
  const bool right = !il.single_rounding && all_live([](int32_t sh) { return sh <= -1 && sh >= -23; });
  // Single rounding with total shift 32 + s, s = -1 - shift in [1, 23]: one SMMUL (mode -2).
  const bool fc_short = il.single_rounding && all_live([](int32_t sh) { return sh <= -2 && sh >= -24; });
  // Double rounding, the short modes first: right shifts with small sums (2),
  // right shifts or shift 0 (3) or left shifts or shift 0 (4) with sums small
  // enough for them, right shifts (1), then any shift (0).
  const bool zero = !il.single_rounding && all_live([](int32_t sh) { return sh <= 0 && sh >= -23; });
  const bool left = !il.single_rounding && all_live([](int32_t sh) { return sh >= 0 && sh <= 30; });
  if (fc_short)
    r.mode = -2;
  else if (il.single_rounding)
    r.mode = -1;
  else if (right && dsp_small_sums(il, O, bias, skip))
    r.mode = 2;
  else if (zero && dsp_small_sums(il, O, bias, skip))
    r.mode = 3;
  else if (left && dsp_small_sums(il, O, bias, skip, true))
    r.mode = 4;
  else
    r.mode = right ? 1 : 0;
  for (size_t o = 0; o < static_cast<size_t>(O); ++o) {
    const int32_t sh = il.shift[o];
    if (skip[o] && r.mode != 0 && r.mode != -1) {
      // modes 3 and 4: {0, 0, c, 0 / 1} (multiplier 0: h = 0, c added);
      // mode 1 adds the zero point after the shift: (2 (c - zp) + 1) >> 1 + zp
      if (r.mode == 3 || r.mode == 4) {
        r.params.insert(r.params.end(), {0, 0, konst[o], r.mode == 4 ? 1 : 0});
        continue;
      }
      const int32_t c = r.mode == 1 ? konst[o] - zp_out : konst[o];
      r.params.insert(r.params.end(), {0, 0, 2 * c + 1, 1});
      continue;
    }
    if (r.mode == 3) {
      // {2 * bias, m, [r > 0] 2^(r-1) + zp_out * 2^r, r} (|bias| < 2^30: dsp_small_sums)
      const int32_t rs = -sh;
      r.params.insert(r.params.end(), {static_cast<int32_t>(2 * int64_t{bias[o]}), il.mult[o],
                                       static_cast<int32_t>((rs > 0 ? int64_t{1} << (rs - 1) : 0) + int64_t{zp_out} * (int64_t{1} << rs)), rs});
      continue;
    }
    if (r.mode == 4) {
      // {bias, m, zp_out, s + 1} (|bias| < 2^30: dsp_small_sums)
      r.params.insert(r.params.end(), {bias[o], il.mult[o], zp_out, sh + 1});
      continue;
    }
    if (r.mode == -2) {
      // {bias, m, 2^(s-1) + zp_out * 2^s, s}
      const int32_t sr = -1 - sh;
      r.params.insert(r.params.end(), {bias[o], il.mult[o],
                                       static_cast<int32_t>((int64_t{1} << (sr - 1)) + int64_t{zp_out} * (int64_t{1} << sr)), sr});
      continue;
    }
    if (r.mode == 2) {
      // {2 * bias, m, 2^(r-1) + zp_out * 2^r, r}: |bias| < 2^30 (dsp_small_sums), |zp_out| <= 128, r <= 23
      r.params.insert(r.params.end(), {static_cast<int32_t>(2 * int64_t{bias[o]}), il.mult[o],
                                       static_cast<int32_t>((int64_t{1} << (-sh - 1)) + int64_t{zp_out} * (int64_t{1} << -sh)), -sh});
      continue;
    }
    r.params.insert(r.params.end(), {bias[o], il.mult[o], right ? int32_t{1} << (-sh - 1) : sh, right ? -sh : 0});
  }
  return r;
}

}  // namespace qg::codegen
