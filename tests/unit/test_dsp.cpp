// The Cortex-M7 DSP kernels' arithmetic shortcuts against the reference
// requantization, and the packed weight layouts against direct unpacking
// with the same SIMD primitives (host C fallback of the DSP intrinsics).
#include <catch2/catch.hpp>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

#include "codegen/kernels_dsp.h"
#include "runtime/qg_runtime.h"

namespace {
uint64_t g_state = 88172645463325252ull;
uint64_t next() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 7;
  g_state ^= g_state << 17;
  return g_state;
}
int32_t clamp8(int32_t v) { return v < -128 ? -128 : v > 127 ? 127 : v; }
}  // namespace

TEST_CASE("qg_mbqm_fast equals qg_mbqm for non-negative multipliers", "[dsp]") {
  const int32_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1};
  for (int32_t x : edge)
    for (int32_t m : edge) {
      if (m < 0) continue;
      for (int sh = -31; sh <= 0; ++sh) CHECK(qg_mbqm_fast(x, m, sh) == qg_mbqm(x, m, sh));
    }
  long bad = 0;
  for (int i = 0; i < 2000000; ++i) {
    const uint64_t s = next();
    int32_t x = static_cast<int32_t>(s);
    if (i % 3 == 0) x >>= (s >> 59);
    const int32_t m = static_cast<int32_t>((s >> 20) & 0x7fffffff);
    const int sh = static_cast<int>((s >> 40) % 40) - 31;
    if (sh > 0) x >>= 10;
    bad += qg_mbqm_fast(x, m, std::min(sh, 8)) != qg_mbqm(x, m, std::min(sh, 8));
  }
  CHECK(bad == 0);
}

TEST_CASE("qg_rq_right(+zp, clamped) equals qg_mbqm for right shifts 1..23; qg_rq_right_small for |x| < 2^30", "[dsp]") {
  const int32_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30), (1 << 30) - 1, -(1 << 30) + 1, INT32_MAX - 1, INT32_MIN + 1};
  for (int32_t x : edge)
    for (int32_t m : edge) {
      if (m < 0) continue;
      for (int r = 1; r <= 23; ++r)
        for (int zp = -128; zp < 128; zp += 17) {
          const int32_t want = clamp8(qg_mbqm(x, m, -r) + zp);
          CHECK(clamp8(qg_rq_right(x, m, r, 1 << (r - 1)) + zp) == want);
          if (x > -(1 << 30) && x < (1 << 30)) CHECK(clamp8(qg_rq_right_small(x, m, r, 1 << (r - 1)) + zp) == want);
        }
    }
  long bad = 0, bad_small = 0;
  for (int i = 0; i < 2000000; ++i) {
    const uint64_t s = next();
    int32_t x = static_cast<int32_t>(s);
    if (i % 3 == 0) x >>= (s >> 59);
    const int32_t m = i % 5 ? static_cast<int32_t>((s >> 20) & 0x7fffffff) : (1 << 30) + static_cast<int32_t>((s >> 33) & 0x3fffffff);
    const int r = 1 + static_cast<int>((s >> 40) % 23), zp = static_cast<int>((s >> 50) & 255) - 128;
    const int32_t want = clamp8(qg_mbqm(x, m, -r) + zp);
    bad += clamp8(qg_rq_right(x, m, r, 1 << (r - 1)) + zp) != want;
    const int32_t xs = x / 2;  // |xs| < 2^30
    bad_small += clamp8(qg_rq_right_small(xs, m, r, 1 << (r - 1)) + zp) != clamp8(qg_mbqm(xs, m, -r) + zp);
  }
  CHECK(bad == 0);
  CHECK(bad_small == 0);
}

TEST_CASE("packed 4- and 2-bit weight rows give the int8 dot products (odd and prime K)", "[dsp]") {
  for (int bits : {8, 4, 2})
    for (int64_t K : {1, 3, 7, 8, 13, 16, 17, 31, 64, 97}) {
      const int64_t O = 3;
      qg::ir::IntLinear il;
      il.w_bits = bits;
      const int lim = bits == 8 ? 127 : (1 << (bits - 1)) - 1;
      for (int64_t i = 0; i < O * K; ++i) il.weight.push_back(static_cast<int8_t>(static_cast<int>(next() % (2 * lim + 2)) - lim - 1 + (bits == 8)));
      qg::codegen::DspChoice c;
      c.kind = qg::codegen::DspKind::Gemm;
      c.w_bits = bits;
      c.K = K;
      const int64_t group = bits == 4 ? 8 : bits == 2 ? 16 : 1;
      c.KP = (K + group - 1) / group * group;
      const std::vector<uint8_t> packed = qg::codegen::dsp_gemm_weights(il, O, c);
      const int64_t row = bits == 8 ? K : c.KP * bits / 8;
      REQUIRE(static_cast<int64_t>(packed.size()) == O * row);
      // Two columns of KP inputs (zeros after K).
      std::vector<int8_t> col(static_cast<size_t>(2 * std::max(c.KP, K) + 8), 0);
      for (int64_t k = 0; k < K; ++k) {
        col[static_cast<size_t>(k)] = static_cast<int8_t>(next() % 256);
        col[static_cast<size_t>(c.KP + k)] = static_cast<int8_t>(next() % 256);
      }
      for (int64_t o = 0; o + 1 < O; ++o) {
        int32_t acc[4];
        const uint8_t* w = packed.data() + o * row;
        if (bits == 8) qg_dot2x2_w8(col.data(), c.KP, w, row, K / 4, acc);
        if (bits == 4) qg_dot2x2_w4(col.data(), c.KP, w, row, c.KP / 8, acc);
        if (bits == 2) qg_dot2x2_w2(col.data(), c.KP, w, row, c.KP / 16, acc);
        const int shift = bits == 4 ? 4 : bits == 2 ? 6 : 0;
        int32_t want[4] = {0, 0, 0, 0};
        const int64_t kk = bits == 8 ? K / 4 * 4 : K;  // the w8 core leaves K % 4 to the kernel
        for (int64_t k = 0; k < kk; ++k) {
          const int32_t w0 = il.weight[static_cast<size_t>(o * K + k)], w1 = il.weight[static_cast<size_t>((o + 1) * K + k)];
          want[0] += col[static_cast<size_t>(k)] * w0;
          want[1] += col[static_cast<size_t>(k)] * w1;
          want[2] += col[static_cast<size_t>(c.KP + k)] * w0;
          want[3] += col[static_cast<size_t>(c.KP + k)] * w1;
        }
        INFO("bits " << bits << " K " << K << " o " << o);
        for (int i = 0; i < 4; ++i) CHECK((acc[i] >> shift) == want[i]);
      }
    }
}

TEST_CASE("dsp_requant: every mode's parameters give TFLite's requantization", "[dsp]") {
  // Channels with shifts that select each mode: right shifts in [1, 23] with
  // small sums (2), large sums (1), shifts 0 and right shifts with small
  // sums (3) or large ones (0), left shifts and 0 with sums small enough for
  // them (4), a left shift beside right shifts (0); dense (-1).
  struct Case {
    qg::ir::Op op;
    std::vector<int32_t> shift;
    int8_t w;
    int mode;
  };
  const Case cases[] = {{qg::ir::Op::Conv2d, {-1, -7, -23}, 3, 2},
                        {qg::ir::Op::Conv2d, {-1, -7, -23}, 127, 1},
                        {qg::ir::Op::Conv2d, {2, -7, -30}, 3, 0},
                        {qg::ir::Op::Conv2d, {0, 0, 0}, 3, 3},
                        {qg::ir::Op::Conv2d, {0, 0, 0}, 127, 0},
                        {qg::ir::Op::Conv2d, {0, -1, -23}, 3, 3},
                        {qg::ir::Op::Conv2d, {-1, 0, -5}, 127, 0},
                        {qg::ir::Op::Conv2d, {1, 0, 12}, 3, 4},
                        {qg::ir::Op::Conv2d, {1, 0, 12}, 127, 0},
                        {qg::ir::Op::Dense, {-1, -7, 3}, 3, -1},
                        {qg::ir::Op::Dense, {-2, -9, -24}, 3, -2}};
  for (const int32_t zp_out : {5, -128, 127})  // modes 2, 3, 4 fold the output zero point into their parameters
  for (const Case& cs : cases) {
    qg::ir::IntLinear il;
    il.single_rounding = cs.op == qg::ir::Op::Dense;
    const int64_t O = 3, K = cs.w == 127 ? 70000 : 50;
    il.weight.assign(static_cast<size_t>(O * K), cs.w);
    il.bias = {1000, -5, 123456};
    il.mult = {1 << 30, 1518500250, 2147483647};
    il.shift = cs.shift;
    const int32_t zp_in = -7;
    const qg::codegen::DspRequant r = qg::codegen::dsp_requant(il, O, zp_in, zp_out);
    INFO("case mode " << cs.mode << " zp_out " << zp_out);
    CHECK(r.mode == cs.mode);
    REQUIRE(r.params.size() == static_cast<size_t>(4 * O));
    for (int i = 0; i < 20000; ++i) {
      const int64_t o = i % O;
      // A sum of w * x over int8 inputs x (within the proven bound for mode 2).
      const int32_t x = static_cast<int32_t>(static_cast<int64_t>(next() % 255 - 127) * K * cs.w / 2);
      const int32_t full = x + il.bias[static_cast<size_t>(o)] - zp_in * static_cast<int32_t>(K * cs.w);
      const int32_t want_raw = cs.op == qg::ir::Op::Dense ? qg_mbqm_single(full, il.mult[static_cast<size_t>(o)], il.shift[static_cast<size_t>(o)])
                                                          : qg_mbqm(full, il.mult[static_cast<size_t>(o)], il.shift[static_cast<size_t>(o)]);
      const int32_t want = clamp8(want_raw + zp_out);
      CHECK(QG_DSP_REQUANT(x, r.params.data() + 4 * o, r.mode, zp_out, -128, 127) == want);
    }
  }
}

TEST_CASE("dsp_requant: channels with one output for every input take the short modes' parameters", "[dsp]") {
  // O = 7 and K = 13 (prime): live channels with right shifts in [1, 23] and
  // pruned ones (VWW's: tiny weights, biases near +-2^30 and shifts of -26 to
  // -31, or a zero multiplier with shift 0) that would force mode 0 / -1.
  // With K = 70001 and channel 5's weights all 127, |x + bias| may reach
  // 2^30: mode 1 (the pruned channels keep weights only at k < 13).
  // Conv variants: the live channels' shifts right (mode 2), 0 and right
  // (mode 3) or 0 and left (mode 4); mode 0 for the last two at K = 70001.
  const int64_t O = 7;
  for (const int variant : {0, 1, 2, 3})
    for (const int64_t K : {int64_t{13}, int64_t{70001}})
      for (const int32_t zp_out : {-128, 5, 127}) {
        const bool dense = variant == 3;
        qg::ir::IntLinear il;
        il.single_rounding = dense;
        const int32_t zp_in = -7;
        il.weight.assign(static_cast<size_t>(O * K), 0);
        for (int64_t o = 0; o < O; ++o)
          for (int64_t k = 0; k < K; ++k)
            if (k < 13 || o == 0 || o == 2 || o == 5)
              il.weight[static_cast<size_t>(o * K + k)] = static_cast<int8_t>(o == 5 && K > 13 ? 127 : static_cast<int>(next() % 7) - 3);
        il.bias = {1000, 1073741760, -5, -1073741824, -1073741824, 77, 1073741824};
        il.mult = {1518500250, 1320764593, 2147483647, 0, 2027913119, 1 << 30, 1 << 30};
        il.shift = {-7, -27, -9, 0, -26, -4, -31};
        if (dense) il.shift = {-8, -27, -9, 0, -26, -5, -31};
        if (variant == 1) il.shift = {0, -27, -2, 0, -26, 0, -31};
        if (variant == 2) il.shift = {3, -27, 0, 0, -26, 9, -31};
        const std::vector<int32_t> konst = qg::codegen::dsp_constant_channels(il, O, zp_in, zp_out);
        INFO("variant " << variant << " K " << K << " zp_out " << zp_out);
        for (size_t o : {size_t{0}, size_t{2}, size_t{5}}) CHECK(konst[o] == qg::codegen::kDspNotConstant);
        for (size_t o : {size_t{1}, size_t{3}, size_t{4}, size_t{6}}) CHECK(konst[o] != qg::codegen::kDspNotConstant);
        const qg::codegen::DspRequant r = qg::codegen::dsp_requant(il, O, zp_in, zp_out);
        CHECK(r.mode == (dense ? -2 : K > 13 ? (variant == 0 ? 1 : 0) : variant == 0 ? 2 : variant == 1 ? 3 : 4));
        REQUIRE(r.params.size() == static_cast<size_t>(4 * O));
        for (int i = 0; i < (K > 13 ? 1400 : 30000); ++i) {
          // int8 inputs: random, or every tap at one end of its range
          int32_t sum = 0, full = 0;
          const int64_t o = i % O;
          for (int64_t k = 0; k < K; ++k) {
            const int32_t w = il.weight[static_cast<size_t>(o * K + k)];
            const int32_t x = i % 5 == 0 ? ((i / 5) % 2 ? 127 : -128) : i % 5 == 1 ? ((w > 0) == ((i / 5) % 2) ? 127 : -128)
                                                                               : static_cast<int32_t>(next() % 256) - 128;
            sum += w * x;
            full += w * (x - zp_in);
          }
          full += il.bias[static_cast<size_t>(o)];
          const int32_t m = il.mult[static_cast<size_t>(o)], sh = il.shift[static_cast<size_t>(o)];
          const int32_t want = clamp8((dense ? qg_mbqm_single(full, m, sh) : qg_mbqm(full, m, sh)) + zp_out);
          INFO("o " << o << " i " << i);
          REQUIRE(QG_DSP_REQUANT(sum, r.params.data() + 4 * o, r.mode, zp_out, -128, 127) == want);
        }
      }
}

TEST_CASE("dsp_requant mode 2 (SMMLAR, rounding term from the multiplicand's sign) equals TFLite's conv requantization", "[dsp]") {
  // Every sum near zero (where h = 0 for a negative multiplicand) and random
  // sums with |x + bias| < 2^30, small and large multipliers, r in [1, 23].
  long bad = 0, n = 0;
  for (int t = 0; t < 60; ++t) {
    const uint64_t s0 = next();
    const int32_t m = t % 3 == 0 ? static_cast<int32_t>(s0 % 5000) : t % 3 == 1 ? static_cast<int32_t>(1073741824 + (s0 >> 3) % 1073741823) : 2147483647;
    const int32_t r = 1 + static_cast<int32_t>((s0 >> 40) % 23), zp = static_cast<int32_t>((s0 >> 50) % 256) - 128;
    const int32_t bias = static_cast<int32_t>((s0 >> 20) % 2001) - 1000;
    const int32_t p[4] = {2 * bias, m, static_cast<int32_t>((int64_t{1} << (r - 1)) + int64_t{zp} * (int64_t{1} << r)), r};
    for (int i = 0; i < 60000; ++i) {
      const int32_t x = i < 40001 ? i - 20000 - bias : static_cast<int32_t>(static_cast<int64_t>(next() % 2147483647) - 1073741823) - bias;
      bad += QG_DSP_REQUANT(x, p, 2, zp, -128, 127) != clamp8(qg_mbqm(x + bias, m, -r) + zp);
      ++n;
    }
  }
  CHECK(n == 60 * 60000);
  CHECK(bad == 0);
}

TEST_CASE("dsp_requant modes 3 and 4 (SMMLAR of the pre-shifted sum) equal TFLite's conv requantization", "[dsp]") {
  // Mode 3: right shifts r in [0, 23] (r = 0 every other time); mode 4: left
  // shifts s in [0, 23]; sums near zero and at the ends of the proven range
  // |x + bias| < 2^(30 - s), small and large multipliers.
  long bad = 0, n = 0;
  for (int t = 0; t < 72; ++t) {
    const uint64_t s0 = next();
    const int32_t m = t % 3 == 0 ? static_cast<int32_t>(s0 % 5000) : t % 3 == 1 ? static_cast<int32_t>(1073741824 + (s0 >> 3) % 1073741823) : 2147483647;
    const int mode = t % 2 ? 3 : 4;
    const int32_t sh = mode == 4 ? static_cast<int32_t>((s0 >> 40) % 24) : t % 4 == 1 ? 0 : -static_cast<int32_t>((s0 >> 40) % 24);
    const int32_t zp = static_cast<int32_t>((s0 >> 50) % 256) - 128;
    const int32_t lim = (int32_t{1} << (30 - std::max(sh, 0))) - 1;
    const int32_t bias = static_cast<int32_t>((s0 >> 20) % 2001) - 1000;
    const int32_t r = mode == 3 ? -sh : 0;  // p3 is only used in mode 3 (sh <= 0); no shift by a negative amount
    const int32_t p3[4] = {2 * bias, m, static_cast<int32_t>((r > 0 ? int64_t{1} << (r - 1) : 0) + int64_t{zp} * (int64_t{1} << r)), r};
    const int32_t p4[4] = {bias, m, zp, sh + 1};
    const int32_t* p = mode == 3 ? p3 : p4;
    for (int i = 0; i < 50000; ++i) {
      const int32_t v = i < 20001 ? std::clamp(i - 10000, -lim, lim) : i < 20009 ? (i % 2 ? lim : -lim) - (i - 20001) / 2 * (i % 2 ? 1 : -1)
                                               : static_cast<int32_t>(static_cast<int64_t>(next() % (2 * uint64_t(lim) + 1)) - lim);
      const int32_t x = v - bias;
      bad += QG_DSP_REQUANT(x, p, mode, zp, -128, 127) != clamp8(qg_mbqm(v, m, sh) + zp);
      ++n;
    }
  }
  CHECK(n == 72 * 50000);
  CHECK(bad == 0);
}

TEST_CASE("dsp_requant mode -2 (SMMUL) equals TFLite's fully-connected requantization for every int32 sum", "[dsp]") {
  const int32_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30), INT32_MAX - 1, INT32_MIN + 1, 12345, -98765};
  long bad = 0, n = 0;
  for (int i = 0; i < 3000000; ++i) {
    const uint64_t s = next();
    const int32_t x = i < 11 * 23 ? edge[i % 11] : static_cast<int32_t>(s) >> (s >> 59);
    const int32_t m = i % 7 == 0 ? INT32_MAX : static_cast<int32_t>((s >> 20) & 0x7fffffff);
    const int32_t sr = 1 + static_cast<int32_t>(i < 11 * 23 ? i / 11 : (s >> 40) % 23);  // s in [1, 23]
    const int32_t zp = static_cast<int32_t>((s >> 50) & 255) - 128;
    const int32_t p[4] = {0, m, static_cast<int32_t>((int64_t{1} << (sr - 1)) + int64_t{zp} * (int64_t{1} << sr)), sr};
    bad += QG_DSP_REQUANT(x, p, -2, zp, -128, 127) != clamp8(qg_mbqm_single(x, m, -1 - sr) + zp);
    ++n;
  }
  CHECK(n == 3000000);
  CHECK(bad == 0);
}

TEST_CASE("pair-packed int8 rows (hilo) give the int8 dot products (odd and prime K and O)", "[dsp]") {
  for (int block : {4, 2, 1})
  for (int64_t O : {2, 3, 5, 8, 9, 11, 16, 17, 19})
    for (int64_t K : {1, 3, 4, 7, 13, 17, 31, 64, 97, 130}) {
      for (int extreme = 0; extreme < 2; ++extreme) {
        qg::ir::IntLinear il;
        for (int64_t i = 0; i < O * K; ++i)
          il.weight.push_back(extreme ? static_cast<int8_t>(next() % 2 ? 127 : -128) : static_cast<int8_t>(next() % 256));
        // the stored byte w[2p+1][k] - [w[2p][k] < 0] must fit int8
        for (int64_t o = 0; o + 1 < O; o += 2)
          for (int64_t k = 0; k < K; ++k)
            if (il.weight[static_cast<size_t>((o + 1) * K + k)] == -128 && il.weight[static_cast<size_t>(o * K + k)] < 0)
              il.weight[static_cast<size_t>((o + 1) * K + k)] = -127;
        REQUIRE(qg::select::hilo_rows_exact(il.weight, O, K));
        qg::codegen::DspChoice c;
        c.kind = qg::codegen::DspKind::Gemm;
        c.w_bits = 8;
        c.hilo = true;
        c.hilo_block = block;
        c.K = K;
        c.KP = (K + 3) / 4 * 4;
        const std::vector<uint8_t> packed = qg::codegen::dsp_gemm_weights(il, O, c);
        REQUIRE(static_cast<int64_t>(packed.size()) == O * c.KP);
        // two columns of KP inputs (zeros after K, as im2col columns)
        std::vector<int8_t> col(static_cast<size_t>(2 * c.KP), 0);
        for (int64_t k = 0; k < K; ++k) {
          col[static_cast<size_t>(k)] = extreme ? int8_t{-128} : static_cast<int8_t>(next() % 256);
          col[static_cast<size_t>(c.KP + k)] = extreme ? int8_t{127} : static_cast<int8_t>(next() % 256);
        }
        std::vector<int32_t> got(static_cast<size_t>(2 * O));  // [pixel][row]
        int64_t o = 0;
        if (block == 4) {  // the order of templates/conv2d_i8_smlad.c QG_HLFN (one pixel)
          for (; o + 8 <= O; o += 8) qg_dot_hl4(col.data(), packed.data() + o * c.KP, c.KP / 4, got.data() + o);
          for (; o + 2 <= O; o += 2) qg_dot_hl(col.data(), packed.data() + o * c.KP, c.KP / 4, got.data() + o);
          if (o < O) got[static_cast<size_t>(o)] = qg_dot_row(col.data(), packed.data() + o * c.KP, c.KP / 4);
        } else {  // QG_PAIRFN with QG_HILO (two pixels), the odd row through the plain w8 core
          for (; block == 2 && o + 4 <= O; o += 4) {  // blocks of two pairs (QG_QUAD): qg_dot2x4_hl
            int32_t acc[8] = {static_cast<int32_t>(c.KP / 4)};
            qg_dot2x4_hl(col.data(), col.data() + c.KP, packed.data() + o * c.KP, acc);
            for (int64_t j = 0; j < 4; ++j) {
              got[static_cast<size_t>(o + j)] = acc[2 * j];
              got[static_cast<size_t>(O + o + j)] = acc[2 * j + 1];
            }
          }
          for (; o + 2 <= O; o += 2) {
            int32_t acc[4];
            qg_dot2x2_hl(col.data(), c.KP, packed.data() + o * c.KP, c.KP / 4, acc);
            got[static_cast<size_t>(o)] = acc[0];
            got[static_cast<size_t>(o + 1)] = acc[1];
            got[static_cast<size_t>(O + o)] = acc[2];
            got[static_cast<size_t>(O + o + 1)] = acc[3];
          }
          if (o < O) {
            int32_t acc[4];
            qg_dot2x2_w8(col.data(), c.KP, packed.data() + o * c.KP, 0, c.KP / 4, acc);
            got[static_cast<size_t>(o)] = acc[0];
            got[static_cast<size_t>(O + o)] = acc[2];
          }
        }
        for (int64_t px = 0; px < (block == 4 ? 1 : 2); ++px)
          for (int64_t r = 0; r < O; ++r) {
            int32_t want = 0;
            for (int64_t k = 0; k < K; ++k) want += col[static_cast<size_t>(px * c.KP + k)] * il.weight[static_cast<size_t>(r * K + k)];
            INFO("block " << block << " O " << O << " K " << K << " pixel " << px << " row " << r << " extreme " << extreme);
            CHECK(got[static_cast<size_t>(px * O + r)] == want);
          }
      }
    }
}

TEST_CASE("qg_gemm2x4_hl_m2: 1x1 layers in blocks of two pairs give TFLite's int8 outputs (odd pixel counts)", "[dsp]") {
  for (int64_t P : {2, 3, 7, 10})
    for (int64_t O : {4, 12, 20})
      for (int64_t K : {4, 8, 28, 68}) {
        qg::ir::IntLinear il;
        for (int64_t i = 0; i < O * K; ++i) il.weight.push_back(static_cast<int8_t>(next() % 256));
        for (int64_t o = 0; o + 1 < O; o += 2)
          for (int64_t k = 0; k < K; ++k)
            if (il.weight[static_cast<size_t>((o + 1) * K + k)] == -128 && il.weight[static_cast<size_t>(o * K + k)] < 0)
              il.weight[static_cast<size_t>((o + 1) * K + k)] = -127;
        REQUIRE(qg::select::hilo_rows_exact(il.weight, O, K));
        for (int64_t o = 0; o < O; ++o) {
          il.bias.push_back(static_cast<int32_t>(next() % 20001) - 10000);
          il.mult.push_back(static_cast<int32_t>(1073741824 + next() % 1073741823));
          il.shift.push_back(-7 - static_cast<int32_t>(next() % 5));
        }
        const int32_t zp_in = 3, zp_out = -11;
        const qg::codegen::DspRequant rq = qg::codegen::dsp_requant(il, O, zp_in, zp_out);
        REQUIRE(rq.mode == 2);
        qg::codegen::DspChoice c;
        c.kind = qg::codegen::DspKind::Gemm;
        c.w_bits = 8;
        c.hilo = true;
        c.hilo_block = 2;
        c.K = K;
        c.KP = K;
        const std::vector<uint8_t> packed = qg::codegen::dsp_gemm_weights(il, O, c);
        std::vector<int8_t> x(static_cast<size_t>(P * K));
        for (auto& v : x) v = static_cast<int8_t>(next() % 256);
        std::vector<int8_t> y(static_cast<size_t>(P * O), 0);
        const qg_hl2x4_shape shape = {static_cast<int32_t>(K / 4), static_cast<int32_t>(O), static_cast<int32_t>(K), static_cast<int32_t>(P)};
        qg_gemm2x4_hl_m2(x.data(), y.data(), packed.data(), rq.params.data(), &shape);
        for (int64_t px = 0; px < P; ++px)
          for (int64_t o = 0; o < O; ++o) {
            int32_t acc = il.bias[static_cast<size_t>(o)];
            for (int64_t k = 0; k < K; ++k)
              acc += (x[static_cast<size_t>(px * K + k)] - zp_in) * il.weight[static_cast<size_t>(o * K + k)];
            const int32_t want = clamp8(qg_mbqm(acc, il.mult[static_cast<size_t>(o)], il.shift[static_cast<size_t>(o)]) + zp_out);
            INFO("P " << P << " O " << O << " K " << K << " pixel " << px << " channel " << o);
            CHECK(y[static_cast<size_t>(px * O + o)] == want);
          }
      }
}

TEST_CASE("hilo_rows_exact: the stored byte and the odd row's sum bound", "[dsp]") {
  std::vector<int8_t> w = {-1, 5, -128, 7};  // O 2, K 2: w[1][0] = -128 under w[0][0] < 0
  CHECK_FALSE(qg::select::hilo_rows_exact(w, 2, 2));
  w = {1, 5, -128, 7};  // w[0][0] >= 0: the byte is -128 itself
  CHECK(qg::select::hilo_rows_exact(w, 2, 2));
  CHECK_FALSE(qg::select::hilo_rows_exact(std::vector<int8_t>{1, 2}, 1, 2));  // one row: no pair
  // 128 * sum |w_odd| < 2^23: sum < 65536
  const int64_t K = 516;  // 516 * 127 = 65532 < 65536
  std::vector<int8_t> big(static_cast<size_t>(2 * K), 127);
  CHECK(qg::select::hilo_rows_exact(big, 2, K));
  std::vector<int8_t> over(static_cast<size_t>(2 * (K + 1)), 127);  // 517 * 127 = 65659
  CHECK_FALSE(qg::select::hilo_rows_exact(over, 2, K + 1));
  // at the bound the kernel is still exact: all inputs -128 against 127s
  const std::vector<int8_t> col(static_cast<size_t>(K), -128);
  qg::ir::IntLinear il;
  il.weight = big;
  qg::codegen::DspChoice c;
  c.kind = qg::codegen::DspKind::Gemm;
  c.hilo = true;
  c.hilo_block = 1;
  c.K = c.KP = K;
  const std::vector<uint8_t> packed = qg::codegen::dsp_gemm_weights(il, 2, c);
  int32_t acc[2];
  qg_dot_hl(col.data(), packed.data(), K / 4, acc);
  CHECK(acc[0] == -128 * 127 * K);
  CHECK(acc[1] == -128 * 127 * K);
}

// templates/add_i8_dsp.c with its default parameters (QG_N 16, input 1
// unshifted, input 2 right-shifted, clamped): the same element arithmetic as
// add_i8.c / the interpreter (qg_mbqm chain), on every pair of int8 inputs.
#include "templates/add_i8_dsp.c"
#include "quant/int8.h"

TEST_CASE("add_i8_dsp.c equals TFLite's int8 add on every input pair", "[dsp]") {
  int sets = 0;
  for (int iter = 0; iter < 400 && sets < 40; ++iter) {
    // scales as quant::params_add sees them: input 1 the larger (shift 0)
    const double s1 = 1e-3 + static_cast<double>(next() % 100000) * 1e-5, s2 = s1 * static_cast<double>(1 + next() % 999) / 1000.0;
    const double so = 2.0 * s1 * static_cast<double>(1 + next() % 4000) / 1000.0;
    const double twice_max = 2.0 * s1;
    qg::ir::IntParams p;
    p.left_shift = 20;
    int sh1, sh2, sho;
    qg::quant::quantize_multiplier(s1 / twice_max, &p.in1_mult, &sh1);
    qg::quant::quantize_multiplier(s2 / twice_max, &p.in2_mult, &sh2);
    qg::quant::quantize_multiplier(twice_max / (static_cast<double>(1 << 20) * so), &p.out_mult, &sho);
    p.in1_shift = sh1;
    p.in2_shift = sh2;
    p.out_shift = sho;
    if (!(sh1 == 0 && sh2 < 0 && sh2 >= -31 && sho <= -1 && sho >= -23)) continue;  // the template's defaults: QG_R1 0, QG_R2 1
    const int32_t zp1 = static_cast<int32_t>(next() % 256) - 128, zp2 = static_cast<int32_t>(next() % 256) - 128,
                  zpo = static_cast<int32_t>(next() % 256) - 128;
    p.act_min = (sets % 2) ? zpo : -128;  // relu-like and full range
    p.act_max = (sets % 3) ? 127 : std::min(127, zpo + 60);
    const std::vector<int32_t> prm = qg::codegen::dsp_add_params(p, zp1, zp2, zpo);
    ++sets;
    int bad = 0;
    for (int a0 = -128; a0 < 128; ++a0)
      for (int b0 = -128; b0 < 128; b0 += 16) {
        int8_t a[16], b[16], y[16];
        for (int j = 0; j < 16; ++j) {
          a[j] = static_cast<int8_t>(a0);
          b[j] = static_cast<int8_t>(b0 + j);
        }
        qg_add_i8_dsp__cortex_m7_example(a, b, y, prm.data());
        for (int j = 0; j < 16; ++j) {
          const int32_t t1 = qg_mbqm((a[j] - zp1) * (1 << 20), p.in1_mult, p.in1_shift);
          const int32_t t2 = qg_mbqm((b[j] - zp2) * (1 << 20), p.in2_mult, p.in2_shift);
          int32_t r = qg_mbqm(t1 + t2, p.out_mult, p.out_shift) + zpo;
          r = std::min(p.act_max, std::max(p.act_min, r));
          bad += y[j] != r;
        }
      }
    INFO("set " << sets << " shifts " << sh1 << " " << sh2 << " " << sho << " zp " << zp1 << " " << zp2 << " " << zpo);
    CHECK(bad == 0);
  }
  CHECK(sets == 40);
}
