#include "codegen/hls_emitter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "codegen/templates.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/format.h"
#include "quant/lut.h"

namespace qg::codegen {

namespace {

using ir::Node;
using ir::Op;

std::string str(int64_t v) { return std::to_string(v); }

std::string hexfloat(float f, const Node& n, const char* what) {
  if (!std::isfinite(f)) user_error("", n.name, std::string(what) + " is not finite; it has no C++ literal");
  if (f == 0.0f) return std::signbit(f) ? "-0.0f" : "0.0f";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%af", static_cast<double>(f));
  return buf;
}

int bit_length(int64_t v) {
  int b = 0;
  while (v > 0) {
    ++b;
    v >>= 1;
  }
  return b;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <class T>
std::string int_table(const std::vector<T>& v, size_t per_line = 24) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    s += std::to_string(static_cast<int64_t>(v[i]));
    if (i + 1 < v.size()) s += (i + 1) % per_line ? ", " : ",\n  ";
  }
  return s;
}

// What a layer adds to the emitted design: its configuration struct and
// constant tables (file scope), its call in the top function, and its report.
struct LayerCode {
  std::string decls;
  std::string call;  // with @IN0@, @IN1@, ..., @OUT@ for the stream names
  std::string streams;  // streams of the layer's own (a concat chain), in the top function
  std::string function;
  int64_t table_bytes = 0;
  std::vector<std::pair<std::string, int64_t>> report;
};

struct Ctx {
  const ir::Graph& g;
  const Node& n;
  std::string L;  // "L<i>": the layer's C++ names
  std::string config_file;
};

[[noreturn]] void refuse(const Ctx& c, const std::string& why) {
  user_error(c.g.file, c.n.src.empty() ? c.n.name : c.n.src,
             "layer '" + printable_name(c.n.name) + "' (" + ir::op_info(c.n.op).name + "): " + why +
                 " (--target hls supports the ops and schemes of docs/hls.md \"What is supported\")");
}

bool is_f32(const Ctx& c) { return c.g.out(c.n).dtype == ir::DType::F32; }

void need_f32(const Ctx& c) {
  for (int t : c.n.inputs)
    if (c.g.tensor(t).dtype != ir::DType::F32) refuse(c, "mixes int8 and float inputs");
}

// int8-scheme layers; `sub`: conv / dense / max pool, which also read and
// write sub-byte codes (every other reader gets an unpack, quant::to_int8).
void need_i8(const Ctx& c, bool sub = false) {
  for (int t : c.n.inputs) {
    if (c.g.tensor(t).dtype != ir::DType::I8) refuse(c, "runs in float");
    if (!sub && c.g.tensor(t).sub_byte()) refuse(c, "reads sub-byte codes");
  }
  if (c.g.out(c.n).dtype != ir::DType::I8) refuse(c, "runs in float");
  if (!sub && c.g.out(c.n).sub_byte()) refuse(c, "writes sub-byte codes");
}

// Bits of one element of an int8-scheme tensor in a buffer (line buffers).
int code_bits(const ir::Tensor& t) { return t.sub_byte() ? t.q.bits : 8; }

std::string cfg_head(const Ctx& c) { return "struct " + c.L + "_cfg {\n"; }

// The stream element of a tensor: float, int8 codes (qg_hls::act_t) or the
// unsigned codes of a sub-byte int8-scheme tensor (ap_uint<4> / ap_uint<2>).
std::string elem_type(const ir::Tensor& t) {
  if (t.dtype != ir::DType::I8) return "float";
  return t.sub_byte() ? "ap_uint<" + str(t.q.bits) + ">" : "qg_hls::act_t";
}
// A layer's in_t / out_t typedefs (int8-scheme layers that read or write sub-byte codes).
std::string io_types(const Ctx& c) {
  return "  typedef " + elem_type(c.g.in(c.n)) + " in_t;\n  typedef " + elem_type(c.g.out(c.n)) + " out_t;\n";
}
std::string ci(const char* name, int64_t v) { return std::string("  static constexpr int ") + name + " = " + str(v) + ";\n"; }

// Weight codes packed at their width (targets/hls/qg_hls.h unpack_code):
// 8 / bits codes per byte, rows of K codes padded to whole bytes.
int64_t codes_per_byte(int bits) { return 8 / bits; }
template <class T>
std::vector<int64_t> pack_codes(const std::vector<T>& codes, int64_t O, int64_t K, int bits) {
  const int64_t cpb = codes_per_byte(bits), KB = ceil_div(K, cpb);
  std::vector<int64_t> out(static_cast<size_t>(O * KB), 0);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t k = 0; k < K; ++k) {
      const int64_t v = static_cast<int64_t>(codes[static_cast<size_t>(o * K + k)]) & ((int64_t{1} << bits) - 1);
      out[static_cast<size_t>(o * KB + k / cpb)] |= v << (bits * (k % cpb));
    }
  return out;
}

// The line-buffer constants of a windowed layer (targets/hls/qg_hls.h
// lb_walk): the dilated window extents and the rows the buffer keeps (the
// whole input when `whole`).
int64_t lb_rows(int64_t H, const ir::Window& w, bool whole) { return whole ? H : std::min(H, (w.kh - 1) * w.dh + 1); }
std::string lb_cfg(int64_t H, const ir::Window& w, bool whole) {
  return ci("KH", w.kh) + ci("KHE", (w.kh - 1) * w.dh + 1) + ci("KWE", (w.kw - 1) * w.dw + 1) + ci("RB", lb_rows(H, w, whole));
}

// The shape constants every conv/dense layer's cfg struct starts with
// (targets/hls/qg_hls.h: H, W, CI, OH, OW, O, G, K and the window).
std::string geom_cfg(const ir::ConvGeom& cg) {
  const ir::Window& w = cg.win;
  return ci("H", cg.H) + ci("W", cg.W) + ci("CI", cg.C) + ci("OH", cg.OH) + ci("OW", cg.OW) + ci("O", cg.O) + ci("G", cg.G) +
         ci("K", cg.reduction()) + ci("KW", w.kw) + ci("SH", w.sh) + ci("SW", w.sw) + ci("DH", w.dh) + ci("DW", w.dw) +
         ci("PT", w.pt) + ci("PL", w.pl);
}

std::string float_table(const std::vector<float>& v, const Node& n) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += hexfloat(v[i], n, "a constant") + (i + 1 < v.size() ? ((i + 1) % 6 ? ", " : ",\n  ") : "");
  return s;
}

// BRAM18 of a table of `rows` rows (output channels) of `row_words` words,
// partitioned cyclically by rows into P banks: each bank holds ceil(rows / P)
// rows (docs/hls.md, LQ / DQ layers).
int64_t banked_bram18(int64_t rows, int64_t row_words, int bits, int64_t P) {
  return hls_bram18(ceil_div(rows, P) * P * row_words, bits, P);
}

// BRAM18 blocks one LUT kernel ROM may take: targets/hls/target.json
// "hls": {"lut_rom_budget_bram18": N}.
int64_t lut_rom_budget() {
  const Target& t = target("hls");
  return t.hls.is_object() ? t.hls.value("lut_rom_budget_bram18", int64_t{512}) : 512;
}

// The parallelism quant.json asks of a layer (1 when it asks none).
int64_t requested_parallelism(const Node& n) { return n.quant.hls_parallelism > 0 ? n.quant.hls_parallelism : 1; }

// An LQ / DQ layer computes P channels of one conv group at a time (the
// patch codes belong to a group): P <= O / G. A layer's own value above that
// is a user error; a default above it is clamped (report.json keeps both:
// parallelism, parallelism_requested; docs/hls.md).
int64_t lq_parallelism(const ir::Graph& g, const Node& n, const std::string& config_file) {
  const ir::ConvGeom cg = ir::conv_geom(g, n);
  const int64_t P = hls_parallelism(g, n, config_file), Og = cg.O / cg.G;
  if (P > Og && n.quant.hls_origin.rfind("layers.", 0) == 0)
    user_error(config_file, n.quant.hls_origin,
               "parallelism " + str(P) + " exceeds the " + str(Og) + " output channels per group of LQ layer '" + printable_name(n.name) +
                   "' (" + str(cg.G) + " groups; the LQ kernels compute channels of one group in parallel)");
  return std::min(P, Og);
}

LayerCode emit_linear_lq(const Ctx& c) {
  const Node& n = c.n;
  const ir::LinearQuant& q = *n.lq;
  if (q.lqi) refuse(c, "scheme lq_int (integer-only LQ) is not supported yet");
  need_f32(c);
  const ir::ConvGeom cg = ir::conv_geom(c.g, n);
  const int64_t K = cg.reduction(), O = cg.O, S = q.segments(), R = q.aregions();
  QG_CHECK(q.K == K && q.O == O, "LQ layer shape");
  const ir::Window& w = cg.win;
  const int acc_bits = std::max(1, bit_length(q.acc_bound));
  const bool conv = n.op == Op::Conv2d;
  const int64_t P_req = requested_parallelism(c.n);
  const int64_t P = lq_parallelism(c.g, n, c.config_file);
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c);
  d += geom_cfg(cg);
  d += lb_cfg(cg.H, w, q.a_whole_tensor);
  d += ci("S", S) + ci("R", R) + ci("LA", quant::format_for_bits(q.a_bits).levels) + ci("WB", q.w_bits) + ci("AB", q.a_bits);
  d += ci("P", P);
  d += ci("WHOLE", q.a_whole_tensor ? 1 : 0) + ci("WHOLE_ZERO", conv && w.padded() ? 1 : 0);
  d += std::string("  static constexpr bool MUL_FABRIC = ") + (hls_mul_in_fabric(q.w_bits, q.a_bits) ? "true" : "false") +
       ";  // w_bits x a_bits multipliers bound to LUT fabric (docs/hls.md)\n";
  d += ci("ACT", n.act == ir::Activation::None ? 0 : n.act == ir::Activation::Relu ? 1 : 2);
  d += "  typedef ap_uint<" + str(acc_bits) + "> acc_t;  // sum p*q <= " + str(q.acc_bound) + " (docs/quantization.md section 5)\n};\n";
  const int64_t KB = ceil_div(K, codes_per_byte(q.w_bits));
  d.insert(d.find("};\n"), ci("KB", KB));
  d += "static const uint8_t " + c.L + "_codes[" + str(O) + "][" + str(KB) + "] = {  // " + str(q.w_bits) + "-bit codes, packed\n  " +
       int_table(pack_codes(q.codes, O, K, q.w_bits)) + "};\n";
  for (const auto& [nm, v] : {std::pair<const char*, const std::vector<float>*>{"_e", &q.E}, {"_b", &q.B}, {"_d", &q.D}})
    d += "static const float " + c.L + nm + "[" + str(O) + "][" + str(S) + "] = {\n  " + float_table(*v, n) + "};\n";
  std::vector<float> bias(static_cast<size_t>(O), 0.0f);
  if (!n.bias.empty()) bias = n.bias.data;
  d += "static const float " + c.L + "_bias[" + str(O) + "] = {\n  " + float_table(bias, n) + "};\n";
  d += "static const int32_t " + c.L + "_areg[" + str(R + 1) + "] = {" + int_table(q.areg_begin) + "};\n";
  d += "static const int32_t " + c.L + "_seg[" + str(S + 1) + "] = {" + int_table(q.seg_begin) + "};\n";
  d += "static const int32_t " + c.L + "_seg_areg[" + str(S) + "] = {" + int_table(q.seg_areg) + "};\n";
  const int64_t RB = lb_rows(cg.H, w, q.a_whole_tensor);
  HlsLqShape sh;
  sh.H = cg.H, sh.W = cg.W, sh.CI = cg.C, sh.RB = RB, sh.OH = cg.OH, sh.OW = cg.OW, sh.O = O, sh.G = cg.G, sh.K = K, sh.S = S, sh.P = P;
  sh.whole = q.a_whole_tensor;
  if (!q.lut_g) {
    r.function = "qg_hls::linear_lq";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_codes, " + c.L + "_e, " + c.L + "_b, " + c.L + "_d, " + c.L +
             "_bias, " + c.L + "_areg, " + c.L + "_seg, " + c.L + "_seg_areg);";
    r.table_bytes = O * KB + 12 * O * S + 4 * O;
    const HlsEstimate e = hls_estimate_lq(sh, q.w_bits, q.a_bits, acc_bits);
    r.report = {{"kernel_lut", 0},          {"accumulator_bits", acc_bits},  {"accumulator_bound", q.acc_bound}, {"parallelism", P},
                {"parallelism_requested", P_req},
                {"mul_fabric", hls_mul_in_fabric(q.w_bits, q.a_bits) ? 1 : 0},
                {"line_buffer_rows", RB},   {"dot_dsp", e.dsp - kHlsFloatUnitDsp}, {"dsp", e.dsp},                    {"lut", e.lut},
                {"ff", e.ff},               {"bram18", e.bram18},           {"latency_cycles", e.cycles}};
    return r;
  }
  // LUT kernel: per output channel a ROM of Σp·q for every code combination
  // of every group, tables packed back to back (offsets of our own: the IR's
  // layout may pad every table to 16 entries for pshufb).
  const int64_t NG = q.lut_groups();
  std::vector<int64_t> off(static_cast<size_t>(NG));
  int64_t T = 0;
  for (int64_t k = 0; k < NG; ++k) {
    off[static_cast<size_t>(k)] = T;
    T += int64_t{1} << (q.a_bits * (q.grp_begin[static_cast<size_t>(k + 1)] - q.grp_begin[static_cast<size_t>(k)]));
  }
  std::vector<int64_t> rom(static_cast<size_t>(O * T));
  int64_t emax = 0;
  for (int64_t o = 0; o < O; ++o)
    for (int64_t k = 0; k < NG; ++k) {
      const int64_t nv = int64_t{1} << (q.a_bits * (q.grp_begin[static_cast<size_t>(k + 1)] - q.grp_begin[static_cast<size_t>(k)]));
      for (int64_t v = 0; v < nv; ++v) {
        const int64_t e = quant::lut_entry(q, o, k, v);
        rom[static_cast<size_t>(o * T + off[static_cast<size_t>(k)] + v)] = e;
        emax = std::max(emax, e);
      }
    }
  const int ebits = std::max(1, bit_length(emax));
  const HlsEstimate e = hls_estimate_lut(sh, NG, T, ebits, q.lut_g, q.a_bits, acc_bits);
  const int64_t rom_bram = banked_bram18(O, T, ebits, P);
  const int64_t budget = lut_rom_budget();
  if (rom_bram > budget)
    refuse(c, "the LUT kernel's ROM needs " + str(rom_bram) + " BRAM18 (" + str(O) + " channels x " + str(T) + " entries of " + str(ebits) +
                  " bits" + (P > 1 ? ", in " + str(P) + " banks" : "") + "), over the budget of " + str(budget) +
                  " per layer (\"kernel\": \"mac\", a smaller \"lut_group\" or a smaller parallelism)");
  // The configuration additions of the LUT kernel go into the struct (before its "};").
  d.insert(d.find("};\n"), ci("NG", NG) + ci("T", T) + ci("LG", q.lut_g) + "  typedef ap_uint<" + str(ebits) + "> e_t;  // ROM entries <= " +
                                   str(emax) + "\n");
  // No weight codes: the ROM replaces them.
  const size_t cb = d.find("static const uint8_t " + c.L + "_codes");
  d.erase(cb, d.find("};\n", cb) + 3 - cb);
  d += "static const uint16_t " + c.L + "_rom[" + str(O) + "][" + str(T) + "] = {\n  " + int_table(rom, 16) + "};\n";
  std::vector<int64_t> goff(off), gb(q.grp_begin), sgrp(q.seg_grp);
  d += "static const int32_t " + c.L + "_grp[" + str(NG + 1) + "] = {" + int_table(gb) + "};\n";
  d += "static const int32_t " + c.L + "_grp_off[" + str(NG) + "] = {" + int_table(goff) + "};\n";
  d += "static const int32_t " + c.L + "_seg_grp[" + str(S + 1) + "] = {" + int_table(sgrp) + "};\n";
  r.function = "qg_hls::linear_lut";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_rom, " + c.L + "_e, " + c.L + "_b, " + c.L + "_d, " + c.L + "_bias, " +
           c.L + "_areg, " + c.L + "_seg, " + c.L + "_seg_areg, " + c.L + "_grp, " + c.L + "_grp_off, " + c.L + "_seg_grp);";
  r.table_bytes = ceil_div(O * T * ebits, 8) + 12 * O * S + 4 * O;
  r.report = {{"kernel_lut", 1},           {"accumulator_bits", acc_bits}, {"accumulator_bound", q.acc_bound}, {"parallelism", P},
              {"parallelism_requested", P_req},
              {"line_buffer_rows", RB},    {"lut_group", q.lut_g},        {"rom_entries", O * T},             {"rom_entry_bits", ebits},
              {"rom_bram18", rom_bram},    {"dot_dsp", e.dsp - kHlsFloatUnitDsp}, {"dsp", e.dsp},             {"lut", e.lut},
              {"ff", e.ff},                {"bram18", e.bram18},          {"latency_cycles", e.cycles}};
  return r;
}

// A conv2d / dense layer left in float (docs/hls.md "Float layers").
LayerCode emit_linear_f32(const Ctx& c) {
  const Node& n = c.n;
  need_f32(c);
  if (!is_f32(c)) refuse(c, "reads float and writes int8");
  const ir::ConvGeom cg = ir::conv_geom(c.g, n);
  const int64_t K = cg.reduction(), O = cg.O;
  QG_CHECK(static_cast<int64_t>(n.weight.data.size()) == O * K, "float layer weight size");
  const int64_t P = hls_parallelism(c.g, n, c.config_file);
  const ir::Window& w = cg.win;
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c);
  d += geom_cfg(cg);
  d += lb_cfg(cg.H, w, false) + ci("P", P);
  d += ci("ACT", n.act == ir::Activation::None ? 0 : n.act == ir::Activation::Relu ? 1 : 2) + "};\n";
  d += "static const float " + c.L + "_w[" + str(O) + "][" + str(K) + "] = {\n  " + float_table(n.weight.data, n) + "};\n";
  std::vector<float> bias(static_cast<size_t>(O), 0.0f);  // the interpreter adds 0.0f without a bias: the same bits
  if (!n.bias.empty()) bias = n.bias.data;
  d += "static const float " + c.L + "_bias[" + str(O) + "] = {\n  " + float_table(bias, n) + "};\n";
  r.function = "qg_hls::linear_f32";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_w, " + c.L + "_bias);";
  r.table_bytes = 4 * O * K + 4 * O;
  const int64_t RB = lb_rows(cg.H, w, false);
  const HlsEstimate e = hls_estimate_float(cg.H, cg.W, cg.C, RB, cg.OH, cg.OW, O, K, P);
  r.report = {{"float", 1},        {"parallelism", P}, {"parallelism_requested", requested_parallelism(n)}, {"line_buffer_rows", RB}, {"dsp", e.dsp},
              {"lut", e.lut},      {"ff", e.ff},       {"bram18", e.bram18},     {"latency_cycles", e.cycles}};
  return r;
}

LayerCode emit_linear(const Ctx& c) {
  const Node& n = c.n;
  if (n.lq) return emit_linear_lq(c);
  if (!n.il) return emit_linear_f32(c);
  need_i8(c, true);
  const ir::IntLinear& il = *n.il;
  const ir::ConvGeom cg = ir::conv_geom(c.g, n);
  const int64_t K = cg.reduction(), O = cg.O;
  const HlsAccumulator acc = hls_accumulator(c.g, n);
  const int64_t P = hls_parallelism(c.g, n, c.config_file);
  const ir::Window& w = cg.win;
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c);
  d += geom_cfg(cg);
  d += lb_cfg(cg.H, w, false);
  d += ci("P", P) + ci("IN_OFF", -c.g.in(n).q.zero_point) + ci("OUT_ZP", c.g.out(n).q.zero_point);
  d += ci("ACT_MIN", n.ip.act_min) + ci("ACT_MAX", n.ip.act_max);
  d += std::string("  static constexpr bool SINGLE_ROUNDING = ") + (il.single_rounding ? "true" : "false") + ";\n";
  d += ci("WB", il.w_bits) + ci("KB", ceil_div(K, codes_per_byte(il.w_bits)));
  d += "  typedef ap_int<" + str(il.w_bits) + "> w_t;    // weight codes (stored packed, docs/hls.md)\n";
  d += "  typedef ap_int<" + str(acc.x_bits) + "> x_t;    // x - zp_in\n";
  d += ci("XB", acc.x_bits);
  d += std::string("  static constexpr bool MUL_FABRIC = ") + (hls_mul_in_fabric(il.w_bits, acc.x_bits) ? "true" : "false") +
       ";  // w_bits x x_bits multipliers bound to LUT fabric (docs/hls.md)\n";
  const bool pack = hls_dsp_pack(il.w_bits, acc.x_bits, P, O / cg.G);
  d += std::string("  static constexpr bool DSP_PACK = ") + (pack ? "true" : "false") +
       ";  // two channels' products in one DSP48E2 multiply (docs/hls.md)\n";
  d += "  typedef ap_int<" + str(acc.bits) + "> acc_t;  // |sum| <= " + str(acc.bound) + " (docs/hls.md)\n";
  const HlsRequantWidths rq = hls_requant_widths(c.g, n);
  d += ci("RQ_XB", rq.x_bits) + ci("RQ_MB", rq.m_bits);  // the requantization multiplier's operands, in fabric (docs/hls.md)
  d += io_types(c) + "};\n";
  d += "static const uint8_t " + c.L + "_w[" + str(O) + "][" + str(ceil_div(K, codes_per_byte(il.w_bits))) + "] = {  // " +
       str(il.w_bits) + "-bit codes, packed\n  " + int_table(pack_codes(il.weight, O, K, il.w_bits)) + "};\n";
  d += "static const int32_t " + c.L + "_bias[" + str(O) + "] = {" + int_table(il.bias) + "};\n";
  d += "static const int32_t " + c.L + "_mult[" + str(O) + "] = {" + int_table(il.mult) + "};\n";
  d += "static const int32_t " + c.L + "_shift[" + str(O) + "] = {" + int_table(il.shift) + "};\n";
  r.call = "qg_hls::linear_i8<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_w, " + c.L + "_bias, " + c.L + "_mult, " + c.L + "_shift);";
  r.function = "qg_hls::linear_i8";
  r.table_bytes = O * ceil_div(K, codes_per_byte(il.w_bits)) + 12 * O;
  const int64_t RB = lb_rows(cg.H, w, false);
  const HlsEstimate e =
      hls_estimate_linear(cg.H, cg.W, cg.C, RB, cg.OH, cg.OW, O, K, P, il.w_bits, acc.x_bits, acc.bits, pack, code_bits(c.g.in(n)));
  const HlsEstimate er = hls_estimate_requant(rq.x_bits, rq.m_bits);
  r.report = {{"accumulator_bits", acc.bits}, {"accumulator_bound", acc.bound}, {"parallelism", P},
              {"parallelism_requested", requested_parallelism(n)}, {"line_buffer_rows", RB},
              {"mul_fabric", hls_mul_in_fabric(il.w_bits, acc.x_bits) ? 1 : 0}, {"dsp_pack", pack ? 1 : 0},
              {"requant_x_bits", rq.x_bits},  {"requant_m_bits", rq.m_bits},
              {"dot_dsp", e.dsp},             {"dot_lut", e.lut},                {"requant_dsp", er.dsp}, {"requant_lut", er.lut},
              {"dsp", e.dsp + er.dsp},        {"lut", e.lut + er.lut},           {"ff", e.ff + er.ff},
              {"bram18", e.bram18},           {"latency_cycles", e.cycles}};
  return r;
}

LayerCode emit_pool(const Ctx& c) {
  const bool f32 = is_f32(c);
  if (f32)
    need_f32(c);
  else
    need_i8(c, c.n.op == Op::MaxPool2d);
  const Node& n = c.n;
  const auto& is = c.g.in(n).shape;
  const auto& os = c.g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  const bool mx = n.op == Op::MaxPool2d;
  const int acc_bits = mx ? 8 : 1 + bit_length(128 * w.kh * w.kw);
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c) + ci("H", is[0]) + ci("W", is[1]) + ci("CI", is[2]) + ci("OH", os[0]) + ci("OW", os[1]) + ci("KW", w.kw);
  ir::Window pw = w;  // pools have no dilation (the interpreter's pool_windows)
  pw.dh = pw.dw = 1;
  d += lb_cfg(is[0], pw, false) + ci("DH", 1) + ci("DW", 1);
  d += ci("SH", w.sh) + ci("SW", w.sw) + ci("PT", w.pt) + ci("PL", w.pl) + ci("ACT_MIN", n.ip.act_min) + ci("ACT_MAX", n.ip.act_max);
  d += std::string("  static constexpr bool MAX = ") + (mx ? "true" : "false") + ";\n";
  d += std::string("  static constexpr bool INCLUDE_PAD = ") + (n.attrs.count_include_pad ? "true" : "false") + ";\n";
  d += "  typedef ap_int<" + str(acc_bits) + "> acc_t;\n" + (f32 ? "" : io_types(c)) + "};\n";
  r.function = f32 ? "qg_hls::pool_f32" : "qg_hls::pool_i8";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
  const int64_t cycles = is[0] * is[1] * is[2] + os[0] * os[1] * is[2] * w.kh * w.kw;
  const int64_t RB = lb_rows(is[0], pw, false);
  if (f32)
    r.report = {{"line_buffer_rows", RB}, {"dsp", mx ? 0 : 2}, {"lut", mx ? 100 : 500}, {"ff", mx ? 64 : 500},
                {"bram18", hls_bram18(RB * is[1] * is[2], 32, 1)}, {"latency_cycles", cycles}};
  else
    r.report = {{"accumulator_bits", acc_bits}, {"line_buffer_rows", RB}, {"dsp", 0}, {"lut", 60 + 2 * acc_bits}, {"ff", 40 + acc_bits},
                {"bram18", hls_bram18(RB * is[1] * is[2], code_bits(c.g.in(n)), 1)}, {"latency_cycles", cycles}};
  return r;
}

LayerCode emit_add(const Ctx& c) {
  const Node& n = c.n;
  if (is_f32(c)) {
    need_f32(c);
    LayerCode r;
    r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + "};\n";
    r.function = "qg_hls::add_f32";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @IN1@, @OUT@);";
    r.report = {{"dsp", 2}, {"lut", 400}, {"ff", 400}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
    return r;
  }
  need_i8(c);
  const ir::IntParams& p = n.ip;
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c) + ci("N", c.g.out(n).numel()) + ci("OFF1", -c.g.in(n, 0).q.zero_point) + ci("OFF2", -c.g.in(n, 1).q.zero_point);
  d += ci("LEFT_SHIFT", p.left_shift) + ci("IN1_MULT", p.in1_mult) + ci("IN1_SHIFT", p.in1_shift) + ci("IN2_MULT", p.in2_mult);
  d += ci("IN2_SHIFT", p.in2_shift) + ci("OUT_MULT", p.out_mult) + ci("OUT_SHIFT", p.out_shift) + ci("OUT_ZP", c.g.out(n).q.zero_point);
  d += ci("ACT_MIN", p.act_min) + ci("ACT_MAX", p.act_max) + "};\n";
  r.call = "qg_hls::add_i8<" + c.L + "_cfg>(@IN0@, @IN1@, @OUT@);";
  r.function = "qg_hls::add_i8";
  r.report = {{"dsp", 3}, {"lut", 400}, {"ff", 300}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
  return r;
}

LayerCode emit_softmax(const Ctx& c) {
  const Node& n = c.n;
  const int64_t C = c.g.out(n).shape.back();
  if (is_f32(c)) {
    need_f32(c);
    LayerCode r;
    r.decls = cfg_head(c) + ci("CH", C) + ci("ROWS", c.g.out(n).numel() / C) + "};\n";
    r.function = "qg_hls::softmax_f32";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
    r.report = {{"dsp", 12}, {"lut", 3000}, {"ff", 2500}, {"bram18", 0}, {"latency_cycles", 4 * c.g.out(n).numel()}};
    return r;
  }
  need_i8(c);
  QG_CHECK(n.ip.softmax_table.size() == 256, "int8 softmax without its table");
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c) + ci("CH", C) + ci("ROWS", c.g.out(n).numel() / C) + ci("OUT_ZP", c.g.out(n).q.zero_point);
  d += "  static constexpr float OUT_SCALE = " + hexfloat(c.g.out(n).q.scale, n, "the output scale") + ";\n};\n";
  d += "static const float " + c.L + "_exp[256] = {\n  ";
  for (size_t i = 0; i < 256; ++i) d += hexfloat(n.ip.softmax_table[i], n, "the exp table") + (i + 1 < 256 ? ((i + 1) % 8 ? ", " : ",\n  ") : "");
  d += "};\n";
  r.call = "qg_hls::softmax_i8<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_exp);";
  r.function = "qg_hls::softmax_i8";
  r.table_bytes = 1024;
  r.report = {{"dsp", 5}, {"lut", 1500}, {"ff", 1200}, {"bram18", 1}, {"latency_cycles", 3 * c.g.out(n).numel()}};
  return r;
}

// An int8 op that is a function of the input code: qg_hls::table_i8 over `table`.
LayerCode table_layer(const Ctx& c, const std::vector<int8_t>& table);

LayerCode emit_table(const Ctx& c) {
  const Node& n = c.n;
  if (is_f32(c)) {
    need_f32(c);
    if (n.op != Op::Sigmoid) refuse(c, "has no float HLS kernel");
    LayerCode r;
    r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + "};\n";
    r.function = "qg_hls::sigmoid_f32";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
    r.report = {{"dsp", 8}, {"lut", 2500}, {"ff", 2000}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
    return r;
  }
  QG_CHECK(n.ip.table_i8.size() == 256, "int8 table op without its table");
  return table_layer(c, n.ip.table_i8);
}

LayerCode table_layer(const Ctx& c, const std::vector<int8_t>& table) {
  const Node& n = c.n;
  need_i8(c);
  LayerCode r;
  r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + "};\n";
  r.decls += "static const int8_t " + c.L + "_table[256] = {\n  " + int_table(table) + "};\n";
  r.call = "qg_hls::table_i8<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_table);";
  r.function = "qg_hls::table_i8";
  r.table_bytes = 256;
  r.report = {{"dsp", 0}, {"lut", 64}, {"ff", 32}, {"bram18", 1}, {"latency_cycles", c.g.out(n).numel()}};
  return r;
}


LayerCode emit_relayout(const Ctx& c) {
  const Node& n = c.n;
  if (c.g.in(n).dtype != c.g.out(n).dtype) refuse(c, "changes the element type");
  const auto& is = c.g.in(n).shape;
  const auto& os = c.g.out(n).shape;
  const bool chw = c.g.layout == ir::Layout::CHW;
  const bool in_chw = chw && is.size() == 3, out_chw = chw && os.size() == 3;
  LayerCode r;
  std::string& d = r.decls;
  d += cfg_head(c) + ci("N", c.g.out(n).numel());
  d += std::string("  static constexpr bool IN_CHW = ") + (in_chw ? "true" : "false") + ";\n";
  d += ci("IN_HW", in_chw ? is[0] * is[1] : 1) + ci("IN_C", in_chw ? is[2] : 1);
  d += std::string("  static constexpr bool OUT_CHW = ") + (out_chw ? "true" : "false") + ";\n";
  d += ci("OUT_HW", out_chw ? os[0] * os[1] : 1) + ci("OUT_C", out_chw ? os[2] : 1) + "};\n";
  r.call = "qg_hls::relayout<" + c.L + "_cfg, " + elem_type(c.g.out(n)) + ">(@IN0@, @OUT@);";
  r.function = "qg_hls::relayout";
  const int64_t N = c.g.out(n).numel();
  r.report = {{"dsp", 0}, {"lut", 40}, {"ff", 40}, {"bram18", hls_bram18(N, is_f32(c) ? 32 : 8, 1)}, {"latency_cycles", 2 * N}};
  return r;
}

LayerCode emit_quantize(const Ctx& c) {
  const Node& n = c.n;
  if (c.g.in(n).sub_byte() && c.g.out(n).dtype == ir::DType::I8 && !c.g.out(n).sub_byte() && !c.g.out(n).i16()) {
    // An unpack (docs/integer-only.md "Sub-byte activations"): the same codes, one per int8 word.
    LayerCode r;
    r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + io_types(c) + "};\n";
    r.function = "qg_hls::unpack";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
    r.report = {{"dsp", 0}, {"lut", 8}, {"ff", 16}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
    return r;
  }
  if (!n.ip.table_i8.empty()) return table_layer(c, n.ip.table_i8);  // int8 -> int8 requantize (quant::lower_int8's table)
  if (c.g.in(n).dtype != ir::DType::F32 || c.g.out(n).dtype != ir::DType::I8) refuse(c, "is not float -> int8");
  if (c.g.out(n).sub_byte()) refuse(c, "quantizes float to sub-byte codes");
  const ir::TensorQuant& q = c.g.out(n).q;
  LayerCode r;
  r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + ci("ZP", q.zero_point) +
            "  static constexpr float SCALE = " + hexfloat(q.scale, n, "the scale") + ";\n};\n";
  r.call = "qg_hls::quantize<" + c.L + "_cfg>(@IN0@, @OUT@);";
  r.function = "qg_hls::quantize";
  r.report = {{"dsp", 0}, {"lut", 800}, {"ff", 600}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
  return r;
}

LayerCode emit_dequantize(const Ctx& c) {
  const Node& n = c.n;
  if (c.g.in(n).dtype != ir::DType::I8 || c.g.out(n).dtype != ir::DType::F32) refuse(c, "is not int8 -> float");
  const ir::TensorQuant& q = c.g.in(n).q;
  // A 256-entry ROM indexed by the code: the interpreter's value
  // (float)(scale · (code − zp)) in double, computed here, every bit kept.
  std::vector<float> table(256);
  for (int v = -128; v < 128; ++v)
    table[static_cast<size_t>(v + 128)] =
        static_cast<float>(static_cast<double>(q.scale) * static_cast<double>(static_cast<int32_t>(v) - q.zero_point));
  LayerCode r;
  r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + "};\n";
  r.decls += "static const float " + c.L + "_table[256] = {  // scale " + hexfloat(q.scale, n, "the scale") + " x (code - " +
             str(q.zero_point) + "), codes -128 .. 127\n  " + float_table(table, n) + "};\n";
  r.call = "qg_hls::dequantize<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_table);";
  r.function = "qg_hls::dequantize";
  r.table_bytes = 1024;
  const HlsEstimate e = hls_estimate_dequant_rom(c.g.out(n).numel());
  r.report = {{"dsp", e.dsp}, {"lut", e.lut}, {"ff", e.ff}, {"bram18", e.bram18}, {"latency_cycles", e.cycles}};
  return r;
}

LayerCode emit_activation(const Ctx& c) {
  if (!is_f32(c)) {  // int8 relu / relu6: the clamp to [act_min, act_max] as a table of the code
    std::vector<int8_t> t(256);
    for (int v = -128; v < 128; ++v) t[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::min(std::max(v, c.n.ip.act_min), c.n.ip.act_max));
    return table_layer(c, t);
  }
  need_f32(c);
  LayerCode r;
  r.decls = cfg_head(c) + ci("N", c.g.out(c.n).numel()) + "  static constexpr bool RELU6 = " +
            (ir::op_info(c.n.op).activation == ir::Activation::Relu6 ? "true" : "false") + ";\n};\n";
  r.function = "qg_hls::activation_f32";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
  r.report = {{"dsp", 0}, {"lut", 64}, {"ff", 64}, {"bram18", 0}, {"latency_cycles", c.g.out(c.n).numel()}};
  return r;
}

LayerCode emit_batchnorm(const Ctx& c) {
  need_f32(c);
  const Node& n = c.n;
  const int64_t C = static_cast<int64_t>(n.weight.data.size());
  LayerCode r;
  r.decls = cfg_head(c) + ci("N", c.g.out(n).numel()) + ci("CH", C) + "};\n";
  for (const auto& [name, v] : {std::pair<const char*, const std::vector<float>*>{"_scale", &n.weight.data}, {"_shift", &n.bias.data}}) {
    r.decls += "static const float " + c.L + name + "[" + str(C) + "] = {";
    for (size_t i = 0; i < v->size(); ++i) r.decls += hexfloat((*v)[i], n, "a batchnorm constant") + (i + 1 < v->size() ? ", " : "");
    r.decls += "};\n";
  }
  r.function = "qg_hls::batchnorm_f32";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@, " + c.L + "_scale, " + c.L + "_shift);";
  r.table_bytes = 8 * C;
  r.report = {{"dsp", 5}, {"lut", 700}, {"ff", 700}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
  return r;
}

LayerCode emit_global_avgpool(const Ctx& c) {
  const auto& is = c.g.in(c.n).shape;
  LayerCode r;
  if (!is_f32(c)) {  // int8: TFLite's MEAN (templates/mean_i8.c)
    need_i8(c);
    const Node& n = c.n;
    r.decls = cfg_head(c) + ci("HW", is[0] * is[1]) + ci("CH", is[2]) + ci("ZP_IN", c.g.in(n).q.zero_point) +
              ci("ZP_OUT", c.g.out(n).q.zero_point) + ci("MULT", n.ip.out_mult) + ci("SHIFT", n.ip.out_shift) + "};\n";
    r.function = "qg_hls::mean_i8";
    r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
    r.report = {{"dsp", 4}, {"lut", 400}, {"ff", 400}, {"bram18", 0}, {"latency_cycles", c.g.in(n).numel() + is[2]}};
    return r;
  }
  need_f32(c);
  r.decls = cfg_head(c) + ci("HW", is[0] * is[1]) + ci("CH", is[2]) + "};\n";
  r.function = "qg_hls::global_avgpool_f32";
  r.call = r.function + "<" + c.L + "_cfg>(@IN0@, @OUT@);";
  r.report = {{"dsp", 2}, {"lut", 500}, {"ff", 500}, {"bram18", 0}, {"latency_cycles", c.g.in(c.n).numel() + is[2]}};
  return r;
}

LayerCode emit_concat(const Ctx& c) {
  const Node& n = c.n;
  for (int t : n.inputs)
    if (c.g.tensor(t).dtype != c.g.out(n).dtype) refuse(c, "mixes int8 and float inputs");
  const auto& os = c.g.out(n).shape;
  const int64_t ax = n.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < ax; ++d) outer *= os[static_cast<size_t>(d)];
  for (int64_t d = ax + 1; d < static_cast<int64_t>(os.size()); ++d) inner *= os[static_cast<size_t>(d)];
  const std::string T = elem_type(c.g.out(n));
  LayerCode r;
  r.function = "qg_hls::concat2";
  // A chain: ((in0 ++ in1) ++ in2) ++ ... along the axis.
  std::string cur = "@IN0@";
  int64_t row1 = c.g.in(n, 0).shape[static_cast<size_t>(ax)] * inner;
  for (size_t k = 1; k < n.inputs.size(); ++k) {
    const std::string cfg = c.L + "_c" + str(static_cast<int64_t>(k)) + "_cfg";
    const int64_t row2 = c.g.in(n, k).shape[static_cast<size_t>(ax)] * inner;
    r.decls += "struct " + cfg + " {\n" + ci("OUTER", outer) + ci("ROW1", row1) + ci("ROW2", row2) + "};\n";
    const std::string next = k + 1 == n.inputs.size() ? "@OUT@" : c.L + "_s" + str(static_cast<int64_t>(k));
    if (k + 1 < n.inputs.size())
      r.streams += "  hls::stream<" + T + "> " + next + "(\"" + next + "\");\n#pragma HLS STREAM variable=" + next + " depth=2\n";
    r.call += std::string(k > 1 ? "\n  " : "") + "qg_hls::concat2<" + cfg + ", " + T + ">(" + cur + ", @IN" + str(static_cast<int64_t>(k)) + "@, " + next + ");";
    cur = next;
    row1 += row2;
  }
  r.report = {{"dsp", 0}, {"lut", 40}, {"ff", 40}, {"bram18", 0}, {"latency_cycles", c.g.out(n).numel()}};
  return r;
}

// The one per-op table of this emitter.
using EmitFn = LayerCode (*)(const Ctx&);
const std::map<Op, EmitFn>& emitters() {
  static const std::map<Op, EmitFn> m = {
      {Op::Conv2d, emit_linear},     {Op::Dense, emit_linear},       {Op::MaxPool2d, emit_pool},   {Op::AvgPool2d, emit_pool},
      {Op::Add, emit_add},           {Op::Softmax, emit_softmax},    {Op::Flatten, emit_relayout}, {Op::Reshape, emit_relayout},
      {Op::Quantize, emit_quantize}, {Op::Dequantize, emit_dequantize}, {Op::Relu, emit_activation},  {Op::Relu6, emit_activation},
      {Op::BatchNorm, emit_batchnorm}, {Op::GlobalAvgPool, emit_global_avgpool}, {Op::Concat, emit_concat}, {Op::Sigmoid, emit_table}};
  return m;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

}  // namespace

HlsFeatures parse_hls_features(const Target& t, const std::string& features) {
  HlsFeatures f;
  f.part = t.hls.is_object() ? t.hls.value("default_part", "") : "";
  f.clock_ns = t.hls.is_object() ? t.hls.value("default_clock_ns", 10.0) : 10.0;
  std::stringstream ss(features);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t eq = item.find('=');
    const std::string k = item.substr(0, eq), v = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (eq == std::string::npos || v.empty())
      user_error("", "--target-features", "'" + printable_name(item) + "': expected KEY=VALUE (keys of target hls: part, clock)");
    if (k == "part") {
      for (char ch : v)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
          user_error("", "--target-features", "part '" + printable_name(v) + "': letters, digits, '-', '_' and '.' only");
      f.part = v;
    } else if (k == "clock") {
      std::string num = v;
      if (num.size() > 2 && num.substr(num.size() - 2) == "ns") num = num.substr(0, num.size() - 2);
      char* end = nullptr;
      const double ns = std::strtod(num.c_str(), &end);
      if (num.empty() || end != num.c_str() + num.size() || !(ns >= 0.5 && ns <= 1000.0))
        user_error("", "--target-features", "clock '" + printable_name(v) + "': a period in ns from 0.5 to 1000, e.g. clock=5 or clock=3.33ns");
      f.clock_ns = ns;
    } else {
      user_error("", "--target-features", "unknown key '" + printable_name(k) + "' (keys of target hls: part, clock)");
    }
  }
  return f;
}

HlsAccumulator hls_accumulator(const ir::Graph& g, const ir::Node& n) {
  QG_CHECK(n.il, "hls_accumulator: not an int8 conv2d / dense layer");
  const ir::ConvGeom cg = ir::conv_geom(g, n);
  const int64_t K = cg.reduction();
  const int64_t off = -static_cast<int64_t>(g.in(n).q.zero_point);
  const bool sub = g.in(n).sub_byte();  // unsigned codes 0 .. 2^b - 1 (docs/integer-only.md)
  const int64_t qmin = sub ? 0 : -128, qmax = sub ? (int64_t{1} << g.in(n).q.bits) - 1 : 127;
  const int64_t xmax = std::max(std::abs(qmin + off), std::abs(qmax + off));
  HlsAccumulator a;
  a.x_bits = 1 + bit_length(xmax);
  int64_t wmax = 0;
  for (int64_t o = 0; o < cg.O; ++o) {
    int64_t s = 0;
    for (int64_t k = 0; k < K; ++k) s += std::abs(static_cast<int64_t>(n.il->weight[static_cast<size_t>(o * K + k)]));
    wmax = std::max(wmax, s);
  }
  if (xmax > 0 && wmax > (int64_t{1} << 62) / xmax)
    user_error(g.file, n.name, "the accumulator bound exceeds 2^62 (input zero point " + str(-off) + ")");
  a.bound = wmax * xmax;
  a.bits = 1 + bit_length(a.bound);
  return a;
}

HlsRequantWidths hls_requant_widths(const ir::Graph& g, const ir::Node& n) {
  const ir::IntLinear& il = *n.il;
  const HlsAccumulator acc = hls_accumulator(g, n);
  int64_t bmax = 0, mmax = 0;
  int left = 0;
  for (int32_t b : il.bias) bmax = std::max(bmax, std::abs(static_cast<int64_t>(b)));
  for (int32_t m : il.mult) mmax = std::max(mmax, std::abs(static_cast<int64_t>(m)));
  if (!il.single_rounding)  // qg_mbqm shifts x left by a positive shift first (qg_mbqm_single does not)
    for (int32_t sh : il.shift) left = std::max(left, static_cast<int>(sh));
  HlsRequantWidths r;
  // |sum + bias| <= bound + max|bias|; at 32 bits the int32 value (TFLite wraps) is the operand.
  const int sum_bits = std::min(32, 1 + bit_length(acc.bound + bmax));
  r.x_bits = std::min(32, sum_bits + left);
  r.m_bits = 1 + bit_length(mmax);
  return r;
}

HlsEstimate hls_estimate_requant(int x_bits, int m_bits) {
  HlsEstimate e;
  e.lut = static_cast<int64_t>(x_bits) * m_bits;  // a fabric multiplier, as hls_estimate_linear counts one
  e.ff = x_bits + m_bits;
  return e;  // its cycles are the P per block of hls_estimate_linear
}

HlsEstimate hls_estimate_dequant_rom(int64_t n) {
  HlsEstimate e;
  e.lut = 40, e.ff = 40;  // the index and the output register
  e.bram18 = hls_bram18(256, 32, 1);
  e.cycles = n;
  return e;
}

int64_t hls_parallelism(const ir::Graph& g, const ir::Node& n, const std::string& config_file) {
  const int64_t O = ir::conv_geom(g, n).O;
  const int64_t p = n.quant.hls_parallelism;
  if (p == 0) return 1;
  if (p > O && n.quant.hls_origin.rfind("layers.", 0) == 0)
    user_error(config_file, n.quant.hls_origin,
               "parallelism " + str(p) + " exceeds the " + str(O) + " output channels of layer '" + printable_name(n.name) + "'");
  return std::min(p, O);
}

namespace {
// The part both LQ kernels share: the float line buffer, the shared float
// combination unit, P partial sums y[p] (float) and P segment sums (acc_t),
// and the cycles of one output position: the patch quantization of each
// group, then per block of P channels of a group the dot-product cycles
// `dot` (one code or code group per cycle, P lanes) and S·P combinations
// plus P outputs.
HlsEstimate lq_common(const HlsLqShape& s, int acc_bits, int64_t dot) {
  HlsEstimate e;
  e.dsp = kHlsFloatUnitDsp;
  e.lut = s.P * acc_bits + 150 + kHlsFloatUnitLut;
  e.ff = s.P * (2 * acc_bits + 32) + 100 + kHlsFloatUnitFf;
  e.bram18 = hls_bram18(s.RB * s.W * s.CI, 32, 1);
  const int64_t per_group = kHlsLqPatchCycles * s.K + ceil_div(s.O / s.G, s.P) * (dot + s.S * s.P + s.P);
  e.cycles = s.H * s.W * s.CI * (s.whole ? 2 : 1) + s.OH * s.OW * s.G * per_group;
  return e;
}
}  // namespace

HlsEstimate hls_estimate_lq(const HlsLqShape& s, int w_bits, int a_bits, int acc_bits) {
  HlsEstimate e = lq_common(s, acc_bits, s.K);
  const bool fabric = hls_mul_in_fabric(w_bits, a_bits);
  e.dsp += fabric ? 0 : s.P;
  e.lut += fabric ? s.P * w_bits * a_bits : 0;
  e.bram18 += banked_bram18(s.O, ceil_div(s.K, codes_per_byte(w_bits)), 8, s.P);  // packed codes in P banks
  return e;
}

HlsEstimate hls_estimate_lut(const HlsLqShape& s, int64_t NG, int64_t T, int entry_bits, int lut_group, int a_bits, int acc_bits) {
  HlsEstimate e = lq_common(s, acc_bits, NG);
  const int64_t rom_bram = banked_bram18(s.O, T, entry_bits, s.P);
  const int64_t index_bits = static_cast<int64_t>(lut_group) * a_bits;
  e.lut += index_bits + (rom_bram == 0 ? s.P * ceil_div(ceil_div(s.O, s.P) * T * entry_bits, 64) : 0);  // LUTRAM ROM: LUT6 as 64x1
  e.ff += index_bits;
  e.bram18 += rom_bram;
  e.cycles += s.OH * s.OW * s.G * NG;  // the group indices of each patch
  return e;
}

HlsEstimate hls_estimate_float(int64_t H, int64_t W, int64_t CI, int64_t RB, int64_t OH, int64_t OW, int64_t O, int64_t K, int64_t P) {
  HlsEstimate e;
  e.dsp = P * (kHlsFmulDsp + kHlsFaddDsp) + kHlsFaddDsp;  // P multiply-add lanes + the bias adder
  e.lut = P * 400 + 250 + 150;                            // ~100 LUT per multiplier, ~300 per adder (PG060, full-DSP)
  e.ff = P * 550 + 350 + 100 + 32 * P;                    // the operators' pipeline registers + one partial sum per lane
  e.bram18 = hls_bram18(O * K, 32, P) + hls_bram18(RB * W * CI, 32, 1) + hls_bram18(O, 32, P);  // weights, line buffer, partial sums
  e.cycles = H * W * CI + OH * OW * (K * std::max(ceil_div(O, P), kHlsFaddLatency) + 2 * O);
  return e;
}

int64_t hls_bram18(int64_t words, int bits, int64_t banks) {
  const int64_t per_bank = ceil_div(words, banks) * bits;
  if (per_bank <= 1024) return 0;  // LUTRAM
  return banks * ceil_div(per_bank, 18432);
}

bool hls_dsp_pack(int w_bits, int x_bits, int64_t P, int64_t channels_per_group) {
  return !hls_mul_in_fabric(w_bits, x_bits) && P % 2 == 0 && channels_per_group % 2 == 0 && w_bits <= 9 && w_bits + x_bits <= 17;
}

HlsEstimate hls_estimate_linear(int64_t H, int64_t W, int64_t CI, int64_t RB, int64_t OH, int64_t OW, int64_t O, int64_t K, int64_t P, int w_bits,
                                int x_bits, int acc_bits, bool dsp_pack, int in_bits) {
  HlsEstimate e;
  const bool lut_mul = hls_mul_in_fabric(w_bits, x_bits);
  e.dsp = lut_mul ? 0 : dsp_pack ? P / 2 : P;
  // a packed pair adds the correction of its high product (an adder of w_bits + x_bits bits)
  e.lut = P * (acc_bits + (lut_mul ? w_bits * x_bits : 0)) + (dsp_pack ? P / 2 * (w_bits + x_bits) : 0) + 150;
  e.ff = P * (2 * acc_bits) + 100;
  // weights (packed: 8 / w_bits codes per byte, rows padded to bytes) + the line buffer
  e.bram18 = hls_bram18(O * ceil_div(K, codes_per_byte(w_bits)), 8, P) + hls_bram18(RB * W * CI, in_bits, 1);
  // Two DATAFLOW processes (docs/hls.md "The output stage"): the taps (reading the input, K cycles per block of
  // P channels) and the requantization (one lane per cycle, ceil(O / P) · P per position) run side by side; the
  // layer takes the slower one, plus the last block through the output stage.
  const int64_t taps = H * W * CI + OH * OW * ceil_div(O, P) * K;
  const int64_t outs = OH * OW * ceil_div(O, P) * P;
  e.cycles = std::max(taps, outs) + P;
  e.ff += 32 * P;  // the block word between the two processes
  return e;
}

Emitted emit_hls(const ir::Graph& g, const EmitOptions& opt, const std::string& config_file) {
  const Target& t = target(opt.target);
  if (g.multi_io())  // the dataflow top function has one input and one output stream
    user_error(g.file, "", "--target hls takes a model with one input and one output; this one has " + std::to_string(g.inputs().size()) +
                               " inputs and " + std::to_string(g.outputs().size()) + " outputs (use --target c, x86-64, cortex-a or cortex-m7)");
  const HlsFeatures feat = parse_hls_features(t, opt.target_features);
  Emitted em;
  em.prefix = c_identifier(opt.name.empty() ? g.name : opt.name);
  const std::string& p = em.prefix;
  std::string up = p;
  for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));

  // Readers of every tensor, in execution order: (node, input slot).
  std::vector<std::vector<std::pair<size_t, size_t>>> readers(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (size_t k = 0; k < g.nodes[i].inputs.size(); ++k) readers[static_cast<size_t>(g.nodes[i].inputs[k])].push_back({i, k});
  std::map<std::pair<size_t, size_t>, std::string> read_stream;  // (node, slot) -> stream
  std::string streams;
  std::map<int, std::string> forks;  // tensor -> its fork calls, placed right after its producer (C simulation runs in order)
  auto stream_decl = [&](const std::string& name, const ir::Tensor& tt, int64_t depth) {
    streams += "  hls::stream<" + elem_type(tt) + "> " + name + "(\"" + name + "\");\n";
    streams += "#pragma HLS STREAM variable=" + name + " depth=" + str(depth) + "\n";
  };
  auto source_of = [&](int tid) { return tid == g.input ? std::string("in") : "t" + str(tid); };
  for (size_t tid = 0; tid < g.tensors.size(); ++tid) {
    const ir::Tensor& tt = g.tensors[tid];
    const auto& rs = readers[tid];
    const bool is_out = static_cast<int>(tid) == g.output;
    if (static_cast<int>(tid) != g.input && !is_out && !rs.empty()) stream_decl("t" + str(static_cast<int64_t>(tid)), tt, 2);
    if (is_out && !rs.empty())
      user_error(g.file, tt.name, "--target hls: the network's output is also read by a layer (not supported in this version)");
    if (rs.size() == 1) read_stream[rs[0]] = source_of(static_cast<int>(tid));
    if (rs.size() > 1) {
      // A chain of two-way forks. Their outputs hold a whole tensor: one
      // branch may be read only after the other has been buffered by a layer
      // (a residual add), which would deadlock a shallow FIFO.
      std::string src = source_of(static_cast<int>(tid));
      for (size_t r = 0; r + 1 < rs.size(); ++r) {
        const std::string a = "t" + str(static_cast<int64_t>(tid)) + "_r" + str(static_cast<int64_t>(r));
        const std::string rest = r + 2 < rs.size() ? "t" + str(static_cast<int64_t>(tid)) + "_f" + str(static_cast<int64_t>(r))
                                                   : "t" + str(static_cast<int64_t>(tid)) + "_r" + str(static_cast<int64_t>(r + 1));
        stream_decl(a, tt, tt.numel());
        stream_decl(rest, tt, tt.numel());
        forks[static_cast<int>(tid)] += "  qg_hls::fork2<" + elem_type(tt) + ", " + str(tt.numel()) + ">(" + src + ", " + a + ", " + rest + ");\n";
        read_stream[rs[r]] = a;
        if (r + 2 == rs.size()) read_stream[rs[r + 1]] = rest;
        src = rest;
      }
    }
  }

  std::string decls, calls;
  em.layers.resize(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const Ctx c{g, n, "L" + str(static_cast<int64_t>(i)), config_file};
    for (int ti : n.inputs)
      if (g.tensor(ti).i16() || g.out(n).i16()) refuse(c, "has int16 activations (TFLite 16x8 quantization), which --target hls does not support");
    auto it = emitters().find(n.op);
    EmitFn fn = it != emitters().end() ? it->second : nullptr;
    if (!fn) refuse(c, g.out(n).dtype == ir::DType::I8 ? "has no int8 HLS kernel yet" : "has no float HLS kernel yet");
    LayerCode lc = fn(c);
    decls += "// " + c.L + ": " + printable_name(n.name) + " (" + ir::op_info(n.op).name + ")\n" + lc.decls + "\n";
    for (size_t k = 0; k < n.inputs.size(); ++k) replace_all(lc.call, "@IN" + str(static_cast<int64_t>(k)) + "@", read_stream.at({i, k}));
    replace_all(lc.call, "@OUT@", n.output == g.output ? std::string("out") : "t" + str(n.output));
    streams += lc.streams;
    calls += "  " + lc.call + "  // " + printable_name(n.name) + "\n";
    if (forks.count(n.output)) calls += forks.at(n.output);
    em.layers[i] = {static_cast<int>(i), "hls_" + std::string(ir::op_info(n.op).name), lc.function, lc.table_bytes, lc.report};
    em.table_bytes += lc.table_bytes;
    em.kernel_calls += 1;
  }
  if (g.nodes.empty() || readers[static_cast<size_t>(g.input)].empty())
    user_error(g.file, "", "--target hls needs at least one layer reading the network's input");

  const ir::Tensor& tin = g.tensor(g.input);
  const ir::Tensor& tout = g.tensor(g.output);
  const std::string banner = "// Generated by " + std::string(kGeneratorVersion) + " --target hls from " +
                             printable_name(opt.source.substr(opt.source.find_last_of('/') + 1)) + " (docs/hls.md). Do not edit.\n";
  std::string h = banner;
  h += "#ifndef " + up + "_HLS_H\n#define " + up + "_HLS_H\n\n#include \"qg_hls.h\"\n\n";
  h += "#define " + up + "_INPUT_SIZE " + str(tin.numel()) + "\n#define " + up + "_OUTPUT_SIZE " + str(tout.numel()) + "\n";
  h += "typedef " + elem_type(tin) + " " + p + "_in_t;\ntypedef " + elem_type(tout) + " " + p + "_out_t;\n\n";
  h += "// One inference: " + up + "_INPUT_SIZE values in, " + up +
       "_OUTPUT_SIZE out, both in HWC raster order (channel fastest).\n";
  h += "void " + p + "_top(hls::stream<" + p + "_in_t>& in, hls::stream<" + p + "_out_t>& out);\n\n#endif\n";

  // Configuration structs and tables in a namespace of the model's own: two
  // models linked into one program must not share an L0_cfg.
  std::string cpp = banner + "#include \"" + p + ".h\"\n\nnamespace " + p + "_hls {\n\n" + decls + "}  // namespace " + p + "_hls\n\n";
  cpp += "using namespace " + p + "_hls;\n\n";
  cpp += "void " + p + "_top(hls::stream<" + p + "_in_t>& in, hls::stream<" + p + "_out_t>& out) {\n";
  cpp += "#pragma HLS INTERFACE mode=axis port=in\n#pragma HLS INTERFACE mode=axis port=out\n";
  cpp += "#pragma HLS INTERFACE mode=ap_ctrl_hs port=return\n#pragma HLS DATAFLOW\n";
  cpp += streams + (forks.count(g.input) ? forks.at(g.input) : std::string()) + calls + "}\n";

  // Testbench: the caller's order is the model's declared layout.
  auto logical_expr = [&](const ir::Tensor& tt) {
    if (tt.shape.size() == 3 && g.layout == ir::Layout::CHW)
      return "(j % " + str(tt.shape[2]) + ") * " + str(tt.shape[0] * tt.shape[1]) + " + j / " + str(tt.shape[2]);
    return std::string("j");
  };
  const bool in_i8 = tin.dtype == ir::DType::I8, out_i8 = tout.dtype == ir::DType::I8;
  std::string tb = banner;
  tb += "// C-simulation testbench: " + p + "_tb IN OUT. IN holds N inputs back to back in the model's\n"
        "// declared layout (" + std::string(in_i8 ? "int8 codes" : "float32 little-endian") + "), OUT receives N outputs (" +
        (out_i8 ? "int8 codes" : "float32") + "), as `qgen run --input IN --output OUT`.\n";
  tb += "#include <cstdio>\n#include <cstring>\n#include <vector>\n\n#include \"" + p + ".h\"\n\n";
  tb += "int main(int argc, char** argv) {\n";
  tb += "  if (argc != 3) {\n    std::fprintf(stderr, \"usage: %s IN OUT\\n\", argv[0]);\n    return 2;\n  }\n";
  tb += "  std::FILE* fi = std::fopen(argv[1], \"rb\");\n  if (!fi) {\n    std::perror(argv[1]);\n    return 1;\n  }\n";
  tb += "  std::vector<unsigned char> bytes;\n  unsigned char chunk[4096];\n  size_t got;\n";
  tb += "  while ((got = std::fread(chunk, 1, sizeof chunk, fi)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);\n  std::fclose(fi);\n";
  tb += "  const size_t in_bytes = " + str(tin.numel()) + (in_i8 ? "" : " * 4") + ";\n";
  tb += "  if (bytes.empty() || bytes.size() % in_bytes) {\n    std::fprintf(stderr, \"%s: not a multiple of one input (%zu bytes)\\n\", argv[1], in_bytes);\n    return 1;\n  }\n";
  tb += "  std::FILE* fo = std::fopen(argv[2], \"wb\");\n  if (!fo) {\n    std::perror(argv[2]);\n    return 1;\n  }\n";
  tb += "  for (size_t s = 0; s < bytes.size() / in_bytes; ++s) {\n";
  tb += "    const unsigned char* x = bytes.data() + s * in_bytes;\n";
  tb += "    hls::stream<" + p + "_in_t> in(\"in\");\n    hls::stream<" + p + "_out_t> out(\"out\");\n";
  tb += "    for (int j = 0; j < " + str(tin.numel()) + "; ++j) {\n      const int li = " + logical_expr(tin) + ";\n";
  if (in_i8)
    tb += "      in.write((" + p + "_in_t)(signed char)x[li]);\n";
  else
    tb += "      float v;\n      std::memcpy(&v, x + 4 * li, 4);\n      in.write(v);\n";
  tb += "    }\n    " + p + "_top(in, out);\n";
  tb += "    std::vector<" + std::string(out_i8 ? "signed char" : "float") + "> y(" + str(tout.numel()) + ");\n";
  tb += "    for (int j = 0; j < " + str(tout.numel()) + "; ++j) {\n      const int li = " + logical_expr(tout) + ";\n";
  tb += std::string("      y[li] = ") + (out_i8 ? "(signed char)out.read().to_int()" : "out.read()") + ";\n    }\n";
  tb += "    if (!out.empty() || !in.empty()) {\n      std::fprintf(stderr, \"stream not drained\\n\");\n      return 1;\n    }\n";
  tb += "    std::fwrite(y.data(), sizeof y[0], y.size(), fo);\n  }\n";
  tb += "  return std::fclose(fo) == 0 ? 0 : 1;\n}\n";

  char clock[32];
  std::snprintf(clock, sizeof clock, "%g", feat.clock_ns);
  std::string tcl = "# Generated by " + std::string(kGeneratorVersion) + " --target hls (docs/hls.md): synthesis and co-simulation\n";
  tcl += "# with the vendor tool:  vitis_hls -f run_hls.tcl  (AP_TYPES / hls_stream.h come with the tool).\n";
  tcl += "# Part and clock: qgen compile ... --target hls --target-features part=" + feat.part + ",clock=" + clock + "\n";
  tcl += "open_project -reset " + p + "_prj\nset_top " + p + "_top\n";
  tcl += "add_files " + p + ".cpp -cflags \"-std=c++14\"\nadd_files -tb " + p + "_tb.cpp -cflags \"-std=c++14\"\n";
  tcl += "open_solution -reset solution1 -flow_target vivado\nset_part {" + feat.part + "}\ncreate_clock -period " + clock + " -name default\n";
  tcl += "# C simulation needs an input file: csim_design -argv \"input.bin output.bin\"\n";
  tcl += "csynth_design\n# cosim_design -argv \"input.bin output.bin\"\nexit\n";
  std::string cfg = "# Vitis HLS (v++ -c --mode hls --config hls_config.cfg), generated by " + std::string(kGeneratorVersion) + "\n";
  cfg += "part=" + feat.part + "\n\n[hls]\nflow_target=vivado\npackage.output.format=ip_catalog\nclock=" + clock + "ns\n";
  cfg += "syn.file=" + p + ".cpp\nsyn.top=" + p + "_top\ntb.file=" + p + "_tb.cpp\n";

  em.files.push_back({p + ".h", h});
  em.files.push_back({p + ".cpp", cpp});
  em.files.push_back({p + "_tb.cpp", tb});
  em.files.push_back({"qg_hls.h", embedded_text("targets/hls/qg_hls.h")});
  em.files.push_back({"qg_hls_stream.h", embedded_text("targets/hls/hls_stream.h")});
  em.files.push_back({"qg_fixed.h", embedded_text("runtime/qg_fixed.h")});
  em.files.push_back({"qg_lq.h", embedded_text("runtime/qg_lq.h")});
  em.files.push_back({"qg_common.h", embedded_text("runtime/qg_common.h")});
  em.files.push_back({"run_hls.tcl", tcl});
  em.files.push_back({"hls_config.cfg", cfg});
  em.kernel_instances = em.kernel_calls;
  return em;
}

}  // namespace qg::codegen
