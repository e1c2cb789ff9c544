#include "select/select.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/format.h"
#include "quant/lq_int.h"
#include "quant/lut.h"

namespace qg::select {

namespace {

using ir::Op;

std::string str(int64_t v) { return std::to_string(v); }

// The target's name as it appears in kernel names: [A-Za-z0-9_].
std::string tag(const Target& t) {
  std::string s = t.name;
  for (char& c : s) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

std::string op_name(const ir::Node& n) { return ir::op_info(n.op).name; }

std::string region_tag(const ir::Region& r) {
  return r.kind == ir::RegionKind::Layer ? "rl" : r.kind == ir::RegionKind::Kernel ? "rk" : "r" + str(r.block);
}

bool fits(const std::vector<int8_t>& w, int bits) {
  const int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  return std::all_of(w.begin(), w.end(), [&](int8_t v) { return v >= lo && v <= hi; });
}

int64_t round4(int64_t v) { return (v + 3) / 4 * 4; }

Data data_of(const ir::Graph& g, const ir::Node& n) {
  if (n.lq) return Data::LQ;
  if (n.il) return Data::Int8;
  if (ir::op_info(n.op).quantizable) return Data::Float;
  return g.out(n).dtype == ir::DType::I8 ? Data::Int8 : Data::Float;
}

// Appends a part at the next offset aligned to `align`.
void part(KernelChoice& c, const char* name, int64_t bytes, int64_t align = 1) {
  const int64_t end = c.scratch_bytes();
  c.scratch.push_back({name, (end + align - 1) / align * align, bytes});
}

// templates/dwconv2d_i8_smlad.c keeps the border's table of tap offsets
// (2 KH KW entries, 8 bytes reserved each) in the output bytes of the paired
// interior's first row, written only after the border, when they span it
// (plus 7 bytes to align it: QG_TAB_IN_Y); else in scratch (this many bytes).
// The same interior rectangle and pairing as the template's QG_IY0..QG_PX1
// (a mismatch is a compile error there: the scratch size is checked).
int64_t dw_tab_scratch(const ir::Graph& g, const ir::Node& n) {
  const ir::Window& w = n.attrs.win;
  const std::vector<int64_t>& in = g.in(n).shape;
  const std::vector<int64_t>& out = g.out(n).shape;
  const int64_t H = in[0], W = in[1], C = in[2], OH = out[0], OW = out[1];
  const int64_t iy0 = (w.pt + w.sh - 1) / w.sh, ix0 = (w.pl + w.sw - 1) / w.sw;
  const int64_t iye = H - 1 + w.pt - (w.kh - 1) * w.dh, ixe = W - 1 + w.pl - (w.kw - 1) * w.dw;
  const int64_t iy1 = iye < 0 ? 0 : std::min(iye / w.sh + 1, OH), ix1 = ixe < 0 ? 0 : std::min(ixe / w.sw + 1, OW);
  const int64_t ih = std::max<int64_t>(iy1 - iy0, 0), iw = std::max<int64_t>(ix1 - ix0, 0);
  const bool pair_y = iw * (ih / 2) > ih * (iw / 2);
  const int64_t py1 = pair_y ? iy0 + ih / 2 * 2 : iy1, px1 = pair_y ? ix1 : ix0 + iw / 2 * 2;
  const int64_t bytes = 2 * w.kh * w.kw * 8;
  return py1 > iy0 && (px1 - ix0) * C >= bytes + 7 ? 0 : bytes;
}

// Scratch budget of the depthwise block path for packed activations (patch
// plus output row): 32 KiB.
constexpr int64_t kDwSubScratch = 32768;

// ---- fill functions of the rows ----

void fill_halide(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  c.halide = true;
  c.kernel = "qg_" + op_name(n) + "_i8_halide__" + tag(t);
  if (n.op == Op::Conv2d || n.op == Op::Dense) c.defines = {{"QG_IBITS", "8"}, {"QG_OBITS", "8"}};  // templates/halide_linear_i8.c
  const int64_t bytes = halide_scratch_bytes(g, n);
  if (bytes > 0) part(c, "PADDED", bytes);
}
// A conv / dense layer with a packed 4- or 2-bit input and/or output on the
// Halide int8 pipeline (templates/halide_linear_i8.c, QG_IBITS / QG_OBITS):
// the glue unpacks the input codes into the padded buffer (PADDED, as for
// int8: a code c is the int8 value c, the zero point pads); a packed output
// is written by the pipeline as one code per byte into OUT (its clamp is
// inside [0, 2^bits - 1]) and packed into the arena tensor.
void fill_halide_sub(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  const int ib = g.in(n).q.bits, ob = g.out(n).q.bits;
  c.halide = true;
  c.kernel = "qg_" + op_name(n) + "_a" + str(ib) + "o" + str(ob) + "_i8_halide__" + tag(t);
  c.defines = {{"QG_IBITS", str(ib)}, {"QG_OBITS", str(ob)}};
  part(c, "PADDED", halide_scratch_bytes(g, n));
  if (g.out(n).sub_byte()) part(c, "OUT", g.out(n).numel(), 16);  // aligned like an arena tensor (the pipeline's vector stores)
}

void fill_dsp(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  c.dsp = dsp_choice(g, n, t);
  const DspChoice& d = c.dsp;
  if (d.kind == DspKind::Depthwise) {
    c.kernel = "qg_dwconv2d_a8w8_smlad__" + tag(t);
    part(c, "ZP", d.scratch);
    if (d.dw_tab) part(c, "TAB", d.dw_tab, 8);
    c.defines = {{"QG_IBITS", "8"}, {"QG_OBITS", "8"}};
    return;
  }
  c.kernel = "qg_" + op_name(n) + "_a8w" + str(d.w_bits) + (d.w_bits == 8 ? "_smlad__" : "_packed__") + tag(t);
  c.defines = {{"QG_K", str(d.K)}, {"QG_KP", str(d.KP)}, {"QG_WBITS", str(d.w_bits)}, {"QG_DIRECT", d.direct ? "1" : "0"},
               {"QG_HILO", d.hilo ? "1" : "0"}};
  part(c, "COLS", d.scratch);
}

bool packed_codes(const Target& t, const ir::Node& n) {
  const int b = n.lq->w_bits;
  return t.has_kernel("packed") && !n.lq->lut_g && (b == 4 || b == 2 || b == 1);
}

// templates/conv2d_lq.c: patch (K floats), region lo and s (R floats each),
// Σq per segment (8-byte aligned), the patch's codes (K bytes).
void fill_lq_mac(KernelChoice& c, const Target& t, const ir::Graph&, const ir::Node& n) {
  const ir::LinearQuant& q = *n.lq;
  c.w_pack = packed_codes(t, n) ? q.w_bits : 8;
  const std::string base = "qg_" + op_name(n) + "_a" + str(q.a_bits) + "w" + str(q.w_bits) + region_tag(q.a_region);
  c.kernel = c.w_pack != 8 ? base + "_packed__" + tag(t) : base + "_mac__c";
  c.defines = {{"QG_WPACK", str(c.w_pack)}, {"QG_DOT_U8", c.w_pack == 8 && !q.acc64 && t.has_kernel("mac_dsp") ? "1" : "0"}};
  const int64_t R = q.aregions();
  part(c, "PATCH", 4 * q.K);
  part(c, "RLO", 4 * R);
  part(c, "RS", 4 * R);
  part(c, "SQ", q.segments() * (q.acc64 ? 8 : 4), 8);
  part(c, "CODES", q.K);
}

void add(Defines& d, const Defines& more) { d.insert(d.end(), more.begin(), more.end()); }

// The packed-activation defines of an LQ layer's templates (conv2d_lqp.c,
// conv2d_lqp_x86.c, conv2d_lqi.c): input and output packed or not, region,
// code bits, output code maximum; in_r: QG_IN_R of a float input.
Defines packed_io_defines(const ir::Tensor& in, const ir::Tensor& out, int64_t in_r) {
  return {{"QG_IN_PACKED", in.pack.on() ? "1" : "0"},
          {"QG_IN_R", str(in.pack.on() ? in.pack.region : in_r)},
          {"QG_IN_CB", str(in.pack.on() ? in.pack.code_bits() : 8)},
          {"QG_OUT_PACKED", out.pack.on() ? "1" : "0"},
          {"QG_OUT_R", str(out.pack.on() ? out.pack.region : 1)},
          {"QG_OUT_CB", str(out.pack.on() ? out.pack.code_bits() : 8)},
          {"QG_OUT_LA", str(out.pack.on() ? quant::format_for_bits(out.pack.a_bits).levels : 255)}};
}

// A max pool fused into the conv before it (fuse_lq_pools): its window and
// output size (out: the pool's output), or QG_POOL 0.
Defines pool_defines(const ir::Node* pool, const ir::Tensor& out) {
  const ir::Window w = pool ? pool->attrs.win : ir::Window{};
  return {{"QG_POOL", pool ? "1" : "0"},       {"QG_POH", str(pool ? out.shape.at(0) : 1)}, {"QG_POW", str(pool ? out.shape.at(1) : 1)},
          {"QG_PKH", str(w.kh)},                {"QG_PKW", str(w.kw)},                         {"QG_PSH", str(w.sh)},
          {"QG_PSW", str(w.sw)},                {"QG_PPT", str(w.pt)},                         {"QG_PPL", str(w.pl)}};
}

// templates/conv2d_lqi.c ("scheme": "lq_int", docs/quantization.md §12):
// grid patch (K int16), region lo and step d (R int32 each), Σq per segment
// (8-byte aligned), the patch's codes (K bytes). Weight codes one per byte.
// QG_PIX: integer regions inside one input pixel (Cg % R == 0): the codes
// and (lo, d) of every input region once per layer (H*W*C bytes and 4 bytes
// per region), copied per tap.
// QG_LQI_FAST (DSP targets, QG_PIX, every segment one activation region of
// QG_RB values, and d·Σp·q < 2^31 for the largest step d of the code range):
// no per-patch copies; per input region also d·Σq (int32, ALLDSQ), padding
// taps skipped, four output channels per pass, the combination by 32×32→64
// multiply-adds (docs/quantization.md §12, "M7 kernel"). QG_LQI_D32 (any
// path): the same 32×32→64 combination when d·Σp·q < 2^31 for the longest segment.
// Row lqi_packed (quant::choose_storage, docs/quantization.md §12 "Packed
// storage"): an input stored in the lq_int packed form replaces the ALL*
// parts (0 bytes: the producer computed the codes and (lo, d)); a packed
// output adds YG (O int16: one position's output grid values) and YQ
// (QG_OUT_R bytes: one region's codes before they are packed).
// With `pool` (fuse_lq_pools, below): the kernel also max-pools its output
// with that node's window and writes the pool's lq_int-packed output; PACC
// holds the running maximum (O int32).
void fill_lqi_pool(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n, const ir::Node* pool) {
  const ir::LinearQuant& q = *n.lq;
  const bool dot = !q.acc64 && t.has_kernel("mac_dsp");
  const ir::Tensor& in = g.in(n);
  const int64_t cg = n.op == Op::Conv2d ? in.shape.at(2) / n.attrs.groups : in.numel();
  const int64_t rb = q.a_region.kind == ir::RegionKind::Block ? q.a_region.block : 0;
  const bool pix = rb > 0 && cg % rb == 0 && q.aregions() * rb == q.K;
  bool fast = dot && pix;
  for (int64_t k = 0; k < q.segments() && fast; ++k)
    fast = q.seg_begin[static_cast<size_t>(k + 1)] - q.seg_begin[static_cast<size_t>(k)] == rb && q.seg_areg[static_cast<size_t>(k)] == k;
  const int64_t La = quant::format_for_bits(q.a_bits).levels, Lw = quant::format_for_bits(q.w_bits).levels;
  int64_t longest = 0;
  for (int64_t k = 0; k < q.segments(); ++k)
    longest = std::max(longest, q.seg_begin[static_cast<size_t>(k + 1)] - q.seg_begin[static_cast<size_t>(k)]);
  // d·Σp·q (and d·Σq) < 2^31 for every step d of the code range
  const bool d32 = !q.acc64 && static_cast<int64_t>(quant::lqi_max_step(static_cast<int>(La))) * longest * La * Lw < (int64_t{1} << 31);
  fast = fast && d32;
  const ir::Tensor& out = g.out(pool ? *pool : n);
  QG_CHECK(!in.pack.on() || (in.pack.lqi && pix && in.pack.region == rb), "fill_lqi: a packed input not in this layer's lq_int form");
  QG_CHECK(!out.pack.on() || out.pack.lqi, "fill_lqi: a packed output not in the lq_int form");
  c.kernel = "qg_" + op_name(n) + "_a" + str(q.a_bits) + "w" + str(q.w_bits) + region_tag(q.a_region) + (pix ? "x" : "") + (fast ? "f" : "") +
             (in.pack.on() ? "p" : "") + "_lqi" + (pool ? "_mp" : "") + (out.pack.on() ? "_po" : "") + "__" + (dot ? tag(t) : "c");
  c.defines = {{"QG_DOT_U8", dot ? "1" : "0"},
               {"QG_PIX", pix ? "1" : "0"},
               {"QG_RB", str(pix ? rb : 1)},
               {"QG_LQI_FAST", fast ? "1" : "0"},
               {"QG_LQI_D32", d32 ? "1" : "0"}};
  add(c.defines, packed_io_defines(in, out, 1));
  add(c.defines, pool_defines(pool, out));
  const int64_t R = q.aregions();
  part(c, "G", 2 * q.K);
  part(c, "RLO", 4 * R, 4);
  part(c, "RD", 4 * R);
  part(c, "SQ", q.segments() * (q.acc64 ? 8 : 4), 8);
  part(c, "CODES", q.K);
  if (pix) {
    const int64_t nall = in.pack.on() ? 0 : in.numel();  // the input values the layer quantizes itself
    part(c, "ALLQ", nall);
    part(c, "ALLLO", 2 * (nall / rb), 2);
    part(c, "ALLD", 2 * (nall / rb), 2);
    if (fast) {
      part(c, "ALLDSQ", 4 * (nall / rb), 4);
      part(c, "SEGV", 24 * q.segments(), 4);  // a position's valid segments: 6 int32 each
    }
  }
  part(c, "YG", out.pack.on() ? 2 * out.shape.back() : 0, 2);
  part(c, "YQ", out.pack.on() ? out.pack.region : 0);
  part(c, "PACC", pool ? 4 * out.shape.back() : 0, 4);
}
void fill_lqi(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) { fill_lqi_pool(c, t, g, n, nullptr); }

// The common length of q's segments when segment s is activation region s
// and all have one length; 0 otherwise.
int64_t uniform_seglen(const ir::LinearQuant& q) {
  int64_t seglen = q.segments() > 0 ? q.seg_begin[1] - q.seg_begin[0] : 0;
  for (int64_t k = 0; k < q.segments() && seglen > 0; ++k)
    if (q.seg_begin[static_cast<size_t>(k + 1)] - q.seg_begin[static_cast<size_t>(k)] != seglen || q.seg_areg[static_cast<size_t>(k)] != k)
      seglen = 0;
  return seglen;
}
// templates/conv2d_lqp.c (an input and/or output stored LQ-packed,
// quant::choose_storage): no float patch when the input is packed, a row of
// O floats (YPIX) when the output is; otherwise the parts of conv2d_lq.c.
// With `pool` (fuse_lq_pools, below): the kernel also max-pools its output
// with that node's window and writes the pool's packed output; YPIX holds one
// conv position, PACC the pool window's running maximum (O floats each).
void fill_lqp_pool(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n, const ir::Node* pool) {
  const ir::LinearQuant& q = *n.lq;
  const ir::Tensor &in = g.in(n), &out = pool ? g.out(*pool) : g.out(n);
  c.w_pack = packed_codes(t, n) ? q.w_bits : 8;
  const bool dot = c.w_pack == 8 && !q.acc64 && t.has_kernel("mac_dsp");
  const std::string base = "qg_" + op_name(n) + "_a" + str(q.a_bits) + "w" + str(q.w_bits) + region_tag(q.a_region) +
                           (in.pack.on() ? "p" : "") + "_mac" + (pool ? "_mp" : "") + (out.pack.on() ? "_po" : "");
  c.kernel = base + "__" + (dot || c.w_pack != 8 ? tag(t) : "c");
  const int64_t O = out.shape.back();
  // Uniform segments (segment s = activation region s, all of one length): compile-time bounds.
  const int64_t seglen = uniform_seglen(q);
  c.defines = {{"QG_WPACK", str(c.w_pack)},
               {"QG_DOT_U8", dot ? "1" : "0"},
               {"QG_SEGLEN", str(dot ? seglen : 0)}};
  add(c.defines, packed_io_defines(in, out, 1));
  add(c.defines, pool_defines(pool, out));
  // QG_LQP_PAIR (the DSP path of a packed input whose segments are its
  // regions, one group, an even channel count): two output positions at a
  // time, their codes widened to 16-bit lanes once (QW: 2 K uint16), their
  // regions' lo, s and (float)Σq (PP: 2 x 3 S floats), the second position's
  // outputs in Y2 (O floats; YPIX holds the first even for a float output;
  // with a fused pool neither: the outputs go straight into PACC).
  const ir::Tensor& conv_out = g.out(n);
  const int cb = in.pack.on() ? in.pack.code_bits() : 0;
  const bool pair = dot && in.pack.on() && seglen > 0 && seglen % 4 == 0 && seglen <= 256 && seglen == in.pack.region &&
                    (cb == 8 || cb == 4 || cb == 2) && (n.op != Op::Conv2d || n.attrs.groups == 1) && conv_out.shape.size() == 3 &&
                    conv_out.shape.at(1) >= 2 && O % 2 == 0;
  c.defines.push_back({"QG_LQP_PAIR", pair ? "1" : "0"});
  const int64_t R = q.aregions();
  part(c, "PATCH", in.pack.on() ? 0 : 4 * q.K);
  part(c, "RLO", pair ? 0 : 4 * R);  // the pair path keeps its own (QW, PP)
  part(c, "RS", pair ? 0 : 4 * R);
  part(c, "SQ", pair ? 0 : q.segments() * (q.acc64 ? 8 : 4), 8);
  part(c, "CODES", pair ? 0 : q.K);
  part(c, "YPIX", (pair ? !pool : out.pack.on()) ? 4 * O : 0, 4);
  part(c, "PACC", pool ? 4 * O : 0, 4);
  part(c, "QW", pair ? 4 * q.K : 0, 8);
  part(c, "PP", pair ? 24 * q.segments() : 0, 4);
  part(c, "Y2", pair && !pool ? 4 * O : 0, 4);
}
void fill_lqp(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) { fill_lqp_pool(c, t, g, n, nullptr); }

// templates/conv2d_lqp_x86.c (x86-64, AVX2): a packed input whose segments
// are its regions (one group, QG_SEGLEN = the input's R, a multiple of 4).
// 8-bit codes are split into nibbles (vpmaddubsw takes at most 127 on the
// unsigned side without overflow); the 16-bit sums of one segment stay in
// vpmaddubsw's range when SEGLEN * L * 64 <= 32767 (QG_I16).
// Or a float input quantized per position (QG_IN_PACKED 0) whose patch is
// one activation region and one segment ("kernel" regions), or whose
// segments are its regions, of one length, a multiple of 4.
bool when_lqp_x86(const Target& t, const ir::Graph& g, const ir::Node& n) {
  const ir::LinearQuant& q = *n.lq;
  if (!t.has_kernel("lq_x86") || q.lqi || q.lut_g || q.acc64 || packed_codes(t, n) || q.w_bits > 8) return false;
  if (n.op == Op::Conv2d && n.attrs.groups != 1) return false;
  const int64_t seglen = uniform_seglen(q);
  if (!g.in(n).pack.on()) return !q.a_whole_tensor && ((q.aregions() == 1 && q.segments() == 1) || (seglen > 0 && seglen % 4 == 0));
  return seglen > 0 && seglen % 4 == 0 && seglen == g.in(n).pack.region;
}
void fill_lqp_x86(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  const ir::LinearQuant& q = *n.lq;
  const ir::Tensor &in = g.in(n), &out = g.out(n);
  c.w_pack = 8;
  c.kernel = "qg_" + op_name(n) + "_a" + str(q.a_bits) + "w" + str(q.w_bits) + region_tag(q.a_region) + (in.pack.on() ? "p" : "") + "_mac" + (out.pack.on() ? "_po" : "") +
             "__" + tag(t);
  const int64_t K4 = (q.K + 3) / 4 * 4, levels = quant::format_for_bits(q.a_bits).levels, seglen = in.pack.on() ? in.pack.region : q.segments() == 1 ? K4 : uniform_seglen(q);
  // With AVX512-VNNI (QG_VNNI) vpdpbusd sums 4 products u8 x s8 in int32:
  // no split and no 16-bit sums.
  const bool vnni = t.has("x86_avx512_vnni");
  const bool split = !vnni && levels > 127;
  const int64_t lmax = split ? 15 : levels;
  c.defines = {{"QG_VNNI", vnni ? "1" : "0"},
               {"QG_SEGLEN", str(seglen)},
               {"QG_K4", str(K4)},
               {"QG_SPLIT", split ? "1" : "0"},
               {"QG_I16", !vnni && seglen * lmax * 64 <= 32767 ? "1" : "0"}};
  add(c.defines, packed_io_defines(in, out, seglen));
  const int64_t n_in = in.numel(), O = out.shape.back();
  if (in.pack.on()) {
    part(c, "PATCH", 0);
    part(c, "XQ", n_in);
    part(c, "XQH", split ? n_in : 0);
    part(c, "XSQ", 4 * (n_in / in.pack.region), 4);
    part(c, "RLO", 0, 4);
    part(c, "RS", 0, 4);
  } else {
    part(c, "PATCH", 4 * q.K);
    part(c, "XQ", K4);
    part(c, "XQH", split ? K4 : 0);
    part(c, "XSQ", 4 * q.segments(), 4);
    part(c, "RLO", 4 * q.segments(), 4);
    part(c, "RS", 4 * q.segments(), 4);
  }
  // YPIX: with a packed output one row of positions (packed in one call), else one position.
  const int64_t row = out.pack.on() && out.shape.size() >= 2 ? out.shape[out.shape.size() - 2] : 1;
  part(c, "YPIX", 4 * 8 * ((O + 7) / 8) * row, 4);
}

// Float producers whose output is stored LQ-packed (quant::choose_storage):
// pool2d_lqp.c quantizes one output position (QG_C floats in YPIX), act_lqp.c
// and add_lqp.c one region (QG_OUT_R floats) at a time.
// pool2d_lqp.c also writes the lq_int form (QG_OUT_LQI, kernel "..._pi";
// the emitter adds the grid step QG_OUT_STEP): YG (C int16 grid values) and
// YQ (one region's codes) after YPIX.
void fill_po(KernelChoice& c, const Target&, const ir::Graph& g, const ir::Node& n) {
  const ir::Tensor& out = g.out(n);
  QG_CHECK(!out.pack.lqi || c.tmpl == "pool2d_lqp.c", "fill_po: the lq_int packed form only from pool2d_lqp.c");
  c.kernel = "qg_" + op_name(n) + "_f32_" + (out.pack.lqi ? "pi" : "po") + "__c";
  c.defines = {{"QG_OUT_R", str(out.pack.region)},
               {"QG_OUT_CB", str(out.pack.code_bits())},
               {"QG_OUT_LA", str(quant::format_for_bits(out.pack.a_bits).levels)}};
  part(c, "YPIX", 4 * (c.tmpl == "pool2d_lqp.c" || c.tmpl == "pool2d_lqp_x86.c" ? out.shape.back() : out.pack.region));
  if (c.tmpl == "pool2d_lqp.c") c.defines.push_back({"QG_OUT_LQI", out.pack.lqi ? "1" : "0"});
  if (!out.pack.lqi) return;
  part(c, "YG", 2 * out.shape.back(), 2);
  part(c, "YQ", out.pack.region);
}

// templates/pool2d_lqp_x86.c: pool2d_lqp.c with AVX2 (targets listing lq_x86).
bool when_pool_lqp_x86(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return t.has_kernel("lq_x86") && g.out(n).pack.on() && !g.out(n).pack.lqi;
}
void fill_po_x86(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  fill_po(c, t, g, n);
  // pool2d_lqp_x86.c: YPIX holds one row of positions (packed in one call)
  if (c.tmpl == "pool2d_lqp_x86.c") c.scratch.back().bytes *= g.out(n).shape.at(1);
  c.kernel = "qg_" + op_name(n) + "_f32_po__" + tag(t);
}

// templates/conv2d_lq_lut.c picks one of three layouts by its parameters and
// the compiler flags (pshufb width), so it gets one region for the largest
// (quant::lut_scratch_bytes) and checks that the layout it uses fits.
void fill_lut(KernelChoice& c, const Target& t, const ir::Graph&, const ir::Node& n) {
  const ir::LinearQuant& q = *n.lq;
  // DSP targets: rows of uint16 entries over the output channels, two per
  // word, for UADD16 (templates/conv2d_lq_lut.c, QG_ROW16).
  c.row16 = t.has_kernel("mac_dsp") && !q.lut_shuf && !q.acc64 && n.attrs.groups == 1;
  c.kernel = "qg_" + op_name(n) + "_a" + str(q.a_bits) + "w" + str(q.w_bits) + region_tag(q.a_region) + "_lut" + str(q.lut_g) + "__" +
             (c.row16 ? tag(t) : "c");
  c.defines = {{"QG_ROW16", c.row16 ? "1" : "0"}};
  part(c, "WORK", quant::lut_scratch_bytes(q));
}

// templates/add_i8_dsp.c: the layer's constants within its exactness
// argument (left shift 20, non-negative multipliers, input shifts in [-31, 0],
// output shift in [-23, -1]); else add_i8.c.
bool when_dsp_add(const Target& t, const ir::Graph& g, const ir::Node& n) {
  if (!t.has("arm_dsp") || g.out(n).dtype != ir::DType::I8 || n.inputs.size() != 2) return false;
  const ir::IntParams& p = n.ip;
  auto in_ok = [](int32_t m, int32_t s) { return m >= 0 && s <= 0 && s >= -31; };
  return p.left_shift == 20 && in_ok(p.in1_mult, p.in1_shift) && in_ok(p.in2_mult, p.in2_shift) && p.out_mult >= 0 && p.out_shift <= -1 &&
         p.out_shift >= -23;
}
void fill_dsp_add(KernelChoice& c, const Target& t, const ir::Graph&, const ir::Node& n) {
  c.kernel = "qg_add_i8_dsp__" + tag(t);
  c.defines = {{"QG_R1", n.ip.in1_shift < 0 ? "1" : "0"},
               {"QG_R2", n.ip.in2_shift < 0 ? "1" : "0"},
               {"QG_CLAMP", n.ip.act_min == -128 && n.ip.act_max == 127 ? "0" : "1"}};
}

// templates/avgpool2d_i8_dsp.c: every window inside the image (the count is
// KH * KW everywhere) and the sums fit a 16-bit lane; else pool2d_i8.c.
bool when_dsp_avgpool(const Target& t, const ir::Graph& g, const ir::Node& n) {
  if (!t.has("arm_dsp") || g.out(n).dtype != ir::DType::I8 || g.in(n).dtype != ir::DType::I8) return false;
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  return is.size() == 3 && os.size() == 3 && w.pt == 0 && w.pl == 0 && (os[0] - 1) * w.sh + w.kh <= is[0] &&
         (os[1] - 1) * w.sw + w.kw <= is[1] && w.kh * w.kw <= 255;
}
void fill_dsp_avgpool(KernelChoice& c, const Target& t, const ir::Graph&, const ir::Node&) { c.kernel = "qg_avgpool2d_i8_dsp__" + tag(t); }

// Packed sub-byte activations (TensorQuant::bits 4 or 2) in or out of an
// int8 layer: templates/conv2d_i8_sub.c reads / writes the packed codes.
bool when_sub_linear(const Target&, const ir::Graph& g, const ir::Node& n) { return n.il && (g.in(n).sub_byte() || g.out(n).sub_byte()); }
void fill_sub_linear(KernelChoice& c, const Target&, const ir::Graph& g, const ir::Node& n) {
  const int ib = g.in(n).q.bits, ob = g.out(n).q.bits;
  c.kernel = "qg_" + op_name(n) + "_a" + str(ib) + "o" + str(ob) + "_sub__c";
  c.defines = {{"QG_IBITS", str(ib)}, {"QG_OBITS", str(ob)}};
}
// The same with the DSP extension: the GEMM of conv2d_i8_smlad.c with the
// input unpacked into its im2col column, or (dsp_choice's sub_bx) into a
// patch of input rows read in place with pair-packed rows
// (templates/conv2d_sub_smlad.c).
bool when_dsp_sub(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return when_sub_linear(t, g, n) && dsp_choice(g, n, t).kind == DspKind::Gemm;
}
void fill_dsp_sub(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  fill_dsp(c, t, g, n);
  const int ib = g.in(n).q.bits, ob = g.out(n).q.bits;
  c.kernel = "qg_" + op_name(n) + "_a" + str(ib) + "o" + str(ob) + "w" + str(c.dsp.w_bits) + "_smlad__" + tag(t);
  c.defines.push_back({"QG_IBITS", str(ib)});
  c.defines.push_back({"QG_OBITS", str(ob)});
  c.defines.push_back({"QG_SUB_BX", str(c.dsp.sub_bx)});
}
// Depthwise layers with packed activations in or out on the DSP extension:
// the block path of templates/dwconv2d_i8_smlad.c (dsp_choice decides; int8
// weights [KH][KW][C] whatever w_bits, as for the int8 row). Kernel name
// a<in>o<out>w8: the stored weight width.
bool when_dsp_depthwise_sub(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return when_sub_linear(t, g, n) && dsp_choice(g, n, t).kind == DspKind::Depthwise;
}
void fill_dsp_depthwise_sub(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n) {
  c.dsp = dsp_choice(g, n, t);
  const int ib = g.in(n).q.bits, ob = g.out(n).q.bits;
  c.kernel = "qg_dwconv2d_a" + str(ib) + "o" + str(ob) + "w8_smlad__" + tag(t);
  part(c, "PATCH", c.dsp.dw_patch);
  part(c, "ROW", c.dsp.dw_row);
  c.defines = {{"QG_IBITS", str(ib)}, {"QG_OBITS", str(ob)}, {"QG_SUB_BX", str(c.dsp.sub_bx)}};
}
// Max pooling on packed sub-byte codes, output packed alike (quant::to_int8
// keeps a max pool's sub-byte input packed; templates/pool2d_sub.c).
bool when_sub_pool(const Target&, const ir::Graph& g, const ir::Node& n) { return g.in(n).sub_byte(); }
void fill_sub_pool(KernelChoice& c, const Target&, const ir::Graph& g, const ir::Node& n) {
  c.kernel = "qg_" + op_name(n) + "_a" + str(g.in(n).q.bits) + "__c";
  c.defines = {{"QG_IBITS", str(g.in(n).q.bits)}};
}
// A quantize node with an int8 input unpacks a packed tensor (quant::to_int8).
bool when_unpack(const Target&, const ir::Graph& g, const ir::Node& n) { return g.in(n).sub_byte(); }
void fill_unpack(KernelChoice& c, const Target&, const ir::Graph& g, const ir::Node& n) {
  c.kernel = "qg_unpack_a" + str(g.in(n).q.bits) + "__c";
  c.defines = {{"QG_IBITS", str(g.in(n).q.bits)}};
}

// An int8 -> int8 quantize with new (scale, zero point): TFLite's requantize,
// tabulated by quant::lower_int8 (table_i8.c).
bool when_requantize(const Target&, const ir::Graph&, const ir::Node& n) { return !n.ip.table_i8.empty(); }
void fill_requantize(KernelChoice& c, const Target&, const ir::Graph&, const ir::Node& n) { c.kernel = "qg_" + op_name(n) + "_table_i8__c"; }

bool when_halide(const Target& t, const ir::Graph& g, const ir::Node& n) { return halide_handles(t, g, n); }
bool when_halide_sub(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return (g.in(n).sub_byte() || g.out(n).sub_byte()) && halide_handles(t, g, n);
}
bool when_dsp_depthwise(const Target& t, const ir::Graph& g, const ir::Node& n) { return dsp_choice(g, n, t).kind == DspKind::Depthwise; }
bool when_dsp_gemm(const Target& t, const ir::Graph& g, const ir::Node& n) { return dsp_choice(g, n, t).kind == DspKind::Gemm; }
bool when_packed(const Target& t, const ir::Graph&, const ir::Node& n) { return packed_codes(t, n); }
bool when_lut(const Target&, const ir::Graph&, const ir::Node& n) { return n.lq->lut_g != 0; }
bool when_lqi(const Target&, const ir::Graph&, const ir::Node& n) { return n.lq->lqi; }
bool when_lqi_packed(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return when_lqi(t, g, n) && (g.in(n).pack.on() || g.out(n).pack.on());
}
bool when_out_packed(const Target&, const ir::Graph& g, const ir::Node& n) { return g.out(n).pack.on(); }
bool when_lqp(const Target&, const ir::Graph& g, const ir::Node& n) { return !n.lq->lut_g && (g.in(n).pack.on() || g.out(n).pack.on()); }
bool when_lqp_dsp(const Target& t, const ir::Graph& g, const ir::Node& n) {
  return when_lqp(t, g, n) && t.has_kernel("mac_dsp") && !packed_codes(t, n) && !n.lq->acc64;
}

// templates/binary_f32.c: the op's macro there is QG_ + its name in capitals.
void fill_binary(KernelChoice& c, const Target&, const ir::Graph& g, const ir::Node& n) {
  c.kernel = "qg_" + op_name(n) + (g.out(n).dtype == ir::DType::I8 ? "_i8__c" : "_f32__c");
  std::string m = "QG_" + op_name(n);
  for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  c.defines = {{"QG_BINOP", m}};
}

// The ops whose int8 kernel is a table (ir::OpInfo::int8_lut): one row serves them all.
std::vector<Op> table_ops() {
  std::vector<Op> r;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i)
    if (ir::op_info(static_cast<Op>(i)).int8_lut) r.push_back(static_cast<Op>(i));
  return r;
}

// 16x8 (int16 activations, TFLite's int16 kernels): portable C rows on every
// target, ahead of the int8 rows (no int8 kernel reads int16 codes).
bool when_i16(const Target&, const ir::Graph& g, const ir::Node& n) { return g.out(n).i16(); }

// Priority order: the first matching row wins.
const std::vector<Row>& table() {
  static const std::vector<Row> kRows = {
      // row, ops, data, template, kernel variant (qg_<op>_<variant>__c) or fill (kernel name, scratch layout, defines), predicate
      {"linear_i16", {Op::Conv2d, Op::Dense}, Data::Int8, "conv2d_i16.c", "i16", when_i16, nullptr},
      {"pool_i16", {Op::MaxPool2d, Op::AvgPool2d}, Data::Int8, "pool2d_i8.c", "i16", when_i16, nullptr},
      {"add_i16", {Op::Add}, Data::Int8, "add_i8.c", "i16", when_i16, nullptr},
      {"relayout_i16", {Op::Flatten, Op::Reshape}, Data::Int8, "relayout_f32.c", "i16", when_i16, nullptr},
      {"lut_i16", {Op::Sigmoid, Op::Tanh}, Data::Int8, "lut_i16.c", "i16", when_i16, nullptr},
      {"softmax_i16", {Op::Softmax}, Data::Int8, "softmax_i16.c", "i16", when_i16, nullptr},
      // 16x8 TRANSPOSE_CONV's zero insertion (the importer's pad; zero point 0).
      {"strided_copy_i16", {Op::Pad}, Data::Int8, "strided_copy.c", "i16", when_i16, nullptr},
      {"dsp_gemm_sub", {Op::Conv2d, Op::Dense}, Data::Int8, "conv2d_sub_smlad.c", nullptr, when_dsp_sub, fill_dsp_sub},
      {"halide_linear_sub", {Op::Conv2d, Op::Dense}, Data::Int8, "halide_linear_i8.c", nullptr, when_halide_sub, fill_halide_sub},
      {"dsp_depthwise_sub", {Op::Conv2d}, Data::Int8, "dwconv2d_i8_smlad.c", nullptr, when_dsp_depthwise_sub, fill_dsp_depthwise_sub},
      {"int8_sub", {Op::Conv2d, Op::Dense}, Data::Int8, "conv2d_i8_sub.c", nullptr, when_sub_linear, fill_sub_linear},
      {"unpack_sub", {Op::Quantize}, Data::Int8, "unpack_sub.c", nullptr, when_unpack, fill_unpack},
      {"maxpool_sub", {Op::MaxPool2d}, Data::Int8, "pool2d_sub.c", nullptr, when_sub_pool, fill_sub_pool},
      {"requantize_i8", {Op::Quantize}, Data::Int8, "table_i8.c", nullptr, when_requantize, fill_requantize},
      {"halide_linear", {Op::Conv2d, Op::Dense}, Data::Int8, "halide_linear_i8.c", nullptr, when_halide, fill_halide},
      {"halide_maxpool", {Op::MaxPool2d}, Data::Int8, "halide_pool_i8.c", nullptr, when_halide, fill_halide},
      {"halide_avgpool", {Op::AvgPool2d}, Data::Int8, "halide_pool_i8.c", nullptr, when_halide, fill_halide},
      {"halide_add", {Op::Add}, Data::Int8, "halide_add_i8.c", nullptr, when_halide, fill_halide},
      {"dsp_depthwise", {Op::Conv2d}, Data::Int8, "dwconv2d_i8_smlad.c", nullptr, when_dsp_depthwise, fill_dsp},
      {"dsp_gemm", {Op::Conv2d, Op::Dense}, Data::Int8, "conv2d_i8_smlad.c", nullptr, when_dsp_gemm, fill_dsp},
      {"lqi_packed", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lqi.c", nullptr, when_lqi_packed, fill_lqi},
      {"lqi", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lqi.c", nullptr, when_lqi, fill_lqi},
      {"lqp_x86", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lqp_x86.c", nullptr, when_lqp_x86, fill_lqp_x86},
      {"lqp_dsp", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lqp.c", nullptr, when_lqp_dsp, fill_lqp},
      {"lqp_mac", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lqp.c", nullptr, when_lqp, fill_lqp},
      {"lq_packed", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lq.c", nullptr, when_packed, fill_lq_mac},
      {"lq_lut", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lq_lut.c", nullptr, when_lut, fill_lut},
      {"lq_mac", {Op::Conv2d, Op::Dense}, Data::LQ, "conv2d_lq.c", nullptr, nullptr, fill_lq_mac},
      {"int8_mac", {Op::Conv2d, Op::Dense}, Data::Int8, "conv2d_i8.c", "i8_mac", nullptr, nullptr},
      {"f32", {Op::Conv2d, Op::Dense}, Data::Float, "conv2d_f32.c", "f32", nullptr, nullptr},
      {"dsp_avgpool", {Op::AvgPool2d}, Data::Int8, "avgpool2d_i8_dsp.c", nullptr, when_dsp_avgpool, fill_dsp_avgpool},
      {"pool_i8", {Op::MaxPool2d, Op::AvgPool2d}, Data::Int8, "pool2d_i8.c", "i8", nullptr, nullptr},
      {"pool_lqp_x86", {Op::MaxPool2d, Op::AvgPool2d}, Data::Float, "pool2d_lqp_x86.c", nullptr, when_pool_lqp_x86, fill_po_x86},
      {"pool_lqp", {Op::MaxPool2d, Op::AvgPool2d}, Data::Float, "pool2d_lqp.c", nullptr, when_out_packed, fill_po},
      {"pool_f32", {Op::MaxPool2d, Op::AvgPool2d}, Data::Float, "pool2d_f32.c", "f32", nullptr, nullptr},
      {"act_lqp", {Op::Relu, Op::Relu6}, Data::Any, "act_lqp.c", nullptr, when_out_packed, fill_po},
      {"act_i8", {Op::Relu, Op::Relu6}, Data::Int8, "act_i8.c", "i8", nullptr, nullptr},
      {"act_f32", {Op::Relu, Op::Relu6}, Data::Any, "act_f32.c", "f32", nullptr, nullptr},
      {"mean_i8", {Op::Mean, Op::GlobalAvgPool}, Data::Int8, "mean_i8.c", "i8", nullptr, nullptr},
      {"global_avgpool_f32", {Op::GlobalAvgPool, Op::Mean}, Data::Any, "global_avgpool_f32.c", "f32", nullptr, nullptr},
      {"dsp_add", {Op::Add}, Data::Int8, "add_i8_dsp.c", nullptr, when_dsp_add, fill_dsp_add},
      {"add_i8", {Op::Add}, Data::Int8, "add_i8.c", "i8", nullptr, nullptr},
      {"add_lqp", {Op::Add}, Data::Float, "add_lqp.c", nullptr, when_out_packed, fill_po},
      {"add_f32", {Op::Add}, Data::Float, "add_f32.c", "f32", nullptr, nullptr},
      {"concat_i8", {Op::Concat}, Data::Int8, "concat_f32.c", "i8", nullptr, nullptr},
      {"concat_f32", {Op::Concat}, Data::Float, "concat_f32.c", "f32", nullptr, nullptr},
      {"batchnorm_f32", {Op::BatchNorm}, Data::Any, "batchnorm_f32.c", "f32", nullptr, nullptr},
      {"relayout_i8", {Op::Flatten, Op::Reshape}, Data::Int8, "relayout_f32.c", "i8", nullptr, nullptr},
      {"relayout_f32", {Op::Flatten, Op::Reshape}, Data::Float, "relayout_f32.c", "f32", nullptr, nullptr},
      {"softmax_i8", {Op::Softmax}, Data::Int8, "softmax_i8.c", "i8", nullptr, nullptr},
      {"softmax_f32", {Op::Softmax}, Data::Float, "softmax_f32.c", "f32", nullptr, nullptr},
      {"sigmoid_f32", {Op::Sigmoid}, Data::Float, "sigmoid_f32.c", "f32", nullptr, nullptr},
      {"tanh_f32", {Op::Tanh}, Data::Float, "tanh_f32.c", "f32", nullptr, nullptr},
      {"hardsigmoid_f32", {Op::HardSigmoid}, Data::Float, "hardsigmoid_f32.c", "f32", nullptr, nullptr},
      {"hardswish_f32", {Op::HardSwish}, Data::Float, "hardswish_f32.c", "f32", nullptr, nullptr},
      {"leaky_relu_f32", {Op::LeakyRelu}, Data::Float, "leaky_relu_f32.c", "f32", nullptr, nullptr},
      {"binary_i8", {Op::Mul, Op::Sub, Op::Div, Op::Minimum, Op::Maximum}, Data::Int8, "binary_i8.c", nullptr, nullptr, fill_binary},
      {"binary_f32", {Op::Mul, Op::Sub, Op::Div, Op::Minimum, Op::Maximum}, Data::Float, "binary_f32.c", nullptr, nullptr, fill_binary},
      {"slice_i8", {Op::Slice}, Data::Int8, "slice_f32.c", "i8", nullptr, nullptr},
      {"slice_f32", {Op::Slice}, Data::Float, "slice_f32.c", "f32", nullptr, nullptr},
      {"channel_shuffle_i8", {Op::ChannelShuffle}, Data::Int8, "channel_shuffle_f32.c", "i8", nullptr, nullptr},
      {"channel_shuffle_f32", {Op::ChannelShuffle}, Data::Float, "channel_shuffle_f32.c", "f32", nullptr, nullptr},
      {"strided_copy_i8", {Op::Pad, Op::Transpose, Op::StridedSlice}, Data::Int8, "strided_copy.c", "i8", nullptr, nullptr},
      {"strided_copy_f32", {Op::Pad, Op::Transpose, Op::StridedSlice}, Data::Float, "strided_copy.c", "f32", nullptr, nullptr},
      {"quantize_i8", {Op::Quantize, Op::Dequantize}, Data::Any, "quantize_i8.c", "i8", nullptr, nullptr},
      {"table_i8", table_ops(), Data::Int8, "table_i8.c", "table_i8", nullptr, nullptr},
  };
  return kRows;
}

}  // namespace

Defines KernelChoice::scratch_defines() const {
  Defines d{{"QG_SCRATCH_BYTES", str(scratch_bytes())}};
  for (const ScratchPart& p : scratch) d.push_back({"QG_SCR_" + p.name, str(p.offset)});
  return d;
}

DspChoice dsp_choice(const ir::Graph& g, const ir::Node& n, const Target& t) {
  DspChoice c;
  if (!t.has("arm_dsp") || !n.il || (n.op != Op::Conv2d && n.op != Op::Dense)) return c;
  for (int32_t m : n.il->mult)
    if (m < 0) return c;  // qg_mbqm_fast needs a non-negative multiplier
  if (n.op == Op::Conv2d) {
    const int64_t C = g.in(n).shape[2];
    const ir::Window& w = n.attrs.win;
    if (ir::is_depthwise(g, n)) {
      if (g.in(n).sub_byte() || g.out(n).sub_byte()) {
        // Packed sub-byte activations: the block path of templates/dwconv2d_i8_smlad.c
        // (QG_SUB_BX output pixels of a row per block; per block, KH input
        // rows of PW = (BX - 1) SW + KW pixels unpacked into a patch of
        // int8 codes read as an image of width PW; the outputs through an
        // int8 row of OW + 1 pixels when packed, else two pixels for a lone
        // last one). BX: the largest even number up to 16 (and up to OW
        // rounded up to even) whose patch fits kDwSubScratch and, for a 3x3
        // window, keeps the pair step's tap offsets within LDR's 12-bit
        // immediate ((2 PW + 2 + SW) C + 3 <= 4095, the template's
        // QG_ASM3X3) when some BX does; vertical dilation 1 only; else the
        // portable templates/conv2d_i8_sub.c.
        const int64_t OW = g.out(n).shape[1];
        const int64_t row = (g.out(n).sub_byte() ? OW + 1 : 2) * C;
        const int64_t cap = std::min<int64_t>(16, (OW + 1) / 2 * 2);
        auto pw_of = [&](int64_t bx) { return (bx - 1) * w.sw + w.kw; };
        auto asm_ok = [&](int64_t bx) { return w.kh == 3 && w.kw == 3 && 8 * C + 3 <= 4095 && (2 * pw_of(bx) + 2 + w.sw) * C + 3 <= 4095; };
        const bool any_asm = asm_ok(2);
        int64_t bx = 0;
        for (int64_t b = cap; b >= 2 && !bx; b -= 2)
          if (w.kh * pw_of(b) * C + row <= kDwSubScratch && (!any_asm || asm_ok(b))) bx = b;
        if (w.dh != 1 || !bx) return c;
        c.kind = DspKind::Depthwise;
        c.sub_bx = bx;
        c.dw_patch = w.kh * pw_of(bx) * C;
        c.dw_row = row;
        return c;
      }
      c.kind = DspKind::Depthwise;
      c.scratch = (C + 3) / 4 * 4;
      c.dw_tab = dw_tab_scratch(g, n);
      return c;
    }
    if (n.attrs.groups != 1) return c;
    c.K = w.kh * w.kw * C;
    c.direct = w.kh == 1 && w.kw == 1 && w.sh == 1 && w.sw == 1 && !w.padded();
  } else {
    c.K = g.in(n).shape[0];
    c.direct = true;
  }
  c.kind = DspKind::Gemm;
  c.w_bits = 8;
  // Packed sub-byte rows when every weight fits (scheme int8 with w_bits 4 or
  // 2); the scaled sums (x16, x64) must stay inside int32.
  for (int bits : {2, 4}) {
    if (n.il->w_bits <= bits && fits(n.il->weight, bits) && c.K < (int64_t{1} << 16)) {
      c.w_bits = bits;
      break;
    }
  }
  // int8 rows of an im2col layer: K rounded up to 4, zero-padded (whole
  // words: no tail loop); a direct layer reads its input in place (KP = K).
  const int64_t group = c.w_bits == 4 ? 8 : c.w_bits == 2 ? 16 : c.direct ? 1 : 4;
  c.KP = (c.K + group - 1) / group * group;
  if (c.KP != c.K) c.direct = false;  // packed columns are zero-padded copies
  if (g.in(n).sub_byte()) c.direct = false;  // packed input codes are unpacked into the column
  // Pair-packed int8 rows when exact (hilo_rows_exact). Layers with one
  // output pixel (dense) run eight output channels per pass over the column
  // (blocks of four pairs), only for whole blocks of eight rows: a lone pair
  // or odd row would link two more dot functions, more flash than the
  // two-pixel kernel for a small layer. Layers with more pixels run two
  // pixels; with O % 4 == 0 in blocks of two pairs (four channels per pass,
  // qg_dot2x4_hl; the window-in-place path QG_ROWS reads the same blocks a
  // pair at a time; the template's QG_HLB2 is the same condition), else one
  // pair at a time (QG_HL2_STEP, pair-major). For packed sub-byte
  // activations only with the patch path below (pair-major, blocks of one pair)
  const auto& os = g.out(n).shape;
  int64_t pixels = 1;
  for (size_t i = 0; i + 1 < os.size(); ++i) pixels *= os[i];
  const int64_t O = n.weight.shape[0];
  c.hilo = c.w_bits == 8 && c.KP % 4 == 0 && (pixels > 1 || O % 8 == 0) && !g.in(n).sub_byte() && !g.out(n).sub_byte() &&
           hilo_rows_exact(n.il->weight, O, c.K);
  c.hilo_block = pixels == 1 ? 4 : O % 4 == 0 ? 2 : 1;
  c.scratch = c.direct ? 0 : (c.hilo && pixels == 1 ? 1 : 2) * c.KP;
  // Packed sub-byte activations in or out of a conv with 8-bit pair-packable
  // rows: the patch path of templates/conv2d_sub_smlad.c (QG_SUB_BX output
  // pixels of a row per block; per block, the KH input rows its windows read
  // unpacked once into a patch of KH * ((BX - 1) * SW + KW) * C bytes). BX:
  // the largest even number up to 16 (and up to OW rounded up to even; 2 when
  // KW <= SW) whose patch fits max(2 KP, 1024) bytes (two im2col columns, or
  // 1 KiB for small layers); none fits: the im2col path.
  if ((g.in(n).sub_byte() || g.out(n).sub_byte()) && n.op == Op::Conv2d && !c.direct && c.w_bits == 8 && pixels > 1) {
    const ir::Window& w = n.attrs.win;
    const int64_t C = g.in(n).shape[2], OW = os[1];
    // windows that do not overlap along x (KW <= SW, e.g. 1x1) share no input: blocks of one pair
    const int64_t budget = std::max<int64_t>(2 * c.KP, 1024), cap = w.kw <= w.sw ? 2 : std::min<int64_t>(16, (OW + 1) / 2 * 2);
    if ((w.kw * C) % 4 == 0 && c.KP == c.K && w.dh == 1 && w.dw == 1 && hilo_rows_exact(n.il->weight, O, c.K)) {
      for (int64_t bx = cap; bx >= 2; bx -= 2)
        if (w.kh * ((bx - 1) * w.sw + w.kw) * C <= budget) {
          c.sub_bx = bx;
          c.hilo = true;
          c.hilo_block = 1;  // the patch path steps one pair at a time (QG_HL2_STEP)
          c.scratch = w.kh * ((bx - 1) * w.sw + w.kw) * C;
          break;
        }
    }
  }
  return c;
}

bool hilo_rows_exact(const std::vector<int8_t>& w, int64_t O, int64_t K) {
  if (O < 2 || static_cast<int64_t>(w.size()) != O * K) return false;
  for (int64_t p = 0; p + 1 < O; p += 2) {
    const int8_t *r = w.data() + p * K, *s = r + K;
    int64_t sum = 0;
    for (int64_t k = 0; k < K; ++k) {
      if (s[k] == -128 && r[k] < 0) return false;
      sum += std::abs(int64_t{s[k]});
    }
    if (128 * sum >= (int64_t{1} << 23)) return false;
  }
  return true;
}

bool halide_enabled(const Target& t) { return t.has_kernel("halide"); }

bool halide_handles(const Target& t, const ir::Graph& g, const ir::Node& n) {
  if (!halide_enabled(t)) return false;
  if (n.op == Op::MaxPool2d) return g.in(n).dtype == ir::DType::I8 && g.out(n).dtype == ir::DType::I8;
  if (n.op == Op::AvgPool2d) {  // full-byte int8 codes, every window inside the image (the count is KH·KW)
    const ir::Tensor &in = g.in(n), &out = g.out(n);
    if (in.dtype != ir::DType::I8 || out.dtype != ir::DType::I8 || in.sub_byte() || out.sub_byte()) return false;
    if (in.shape.size() != 3 || out.shape.size() != 3) return false;
    const ir::Window& w = n.attrs.win;
    return w.pt == 0 && w.pl == 0 && (out.shape[0] - 1) * w.sh + w.kh <= in.shape[0] && (out.shape[1] - 1) * w.sw + w.kw <= in.shape[1];
  }
  if (n.op == Op::Add) {  // two int8 tensors of the output's size (no broadcasting), full-byte codes
    if (n.inputs.size() != 2 || g.out(n).dtype != ir::DType::I8 || g.out(n).sub_byte()) return false;
    for (size_t k = 0; k < 2; ++k)
      if (g.in(n, k).dtype != ir::DType::I8 || g.in(n, k).sub_byte() || g.in(n, k).numel() != g.out(n).numel()) return false;
    return true;
  }
  if (!n.il) return false;
  if (n.op != Op::Conv2d && n.op != Op::Dense) return false;
  // Depthwise (one channel per group) in Halide; other grouped convs: portable C.
  if (n.op == Op::Conv2d && n.attrs.groups != 1 && !ir::is_depthwise(g, n)) return false;
  // Packed 4/2-bit input or output (row halide_linear_sub): unpacked and
  // packed by the glue around the same int8 pipeline.
  if (g.in(n).dtype != ir::DType::I8 || g.out(n).dtype != ir::DType::I8) return false;
  if (n.weight.shape[0] % 4 != 0) return false;  // whole vectors of output channels; else portable C
  // avx512_vnni_evex: a dense layer narrower than 16 lanes would put the whole
  // model on the non-VNNI target (docs/halide.md); at most C_in x O MACs, it
  // costs less in C.
  if (n.op == Op::Dense && t.has("halide_evex_only") && n.weight.shape[0] % 16 != 0) return false;
  return halide_accumulator_fits(*n.il, g.in(n).q.zero_point);
}

bool halide_accumulator_fits(const ir::IntLinear& il, int64_t in_zp) {
  // Halide's int32 arithmetic must not overflow (Halide, like C, leaves it
  // undefined: Type::can_overflow_int() is true only up to 16 bits). The
  // pipeline's accumulator starts at bias' = bias - (in_zp + off)·Σw and adds
  // products w·in with in in [0, 255] (off = 128, x86) or [-128, 127]
  // (off = 0, Arm); every partial sum, in any order, is within
  // |bias'| + max|in|·Σ|w|. Layers beyond int32 for either offset run the
  // portable C kernel, whose sums wrap through uint32 (docs/halide.md).
  const size_t O = il.bias.size();
  if (O == 0 || il.weight.size() % O != 0) return false;
  const size_t per = il.weight.size() / O;
  for (size_t o = 0; o < O; ++o) {
    int64_t wsum = 0, wabs = 0;
    for (size_t i = 0; i < per; ++i) {
      const int64_t v = il.weight[o * per + i];
      wsum += v;
      wabs += v < 0 ? -v : v;
    }
    for (const int64_t off : {int64_t{0}, int64_t{128}}) {
      const int64_t b = int64_t{il.bias[o]} - (in_zp + off) * wsum;
      const int64_t bound = (b < 0 ? -b : b) + (off ? 255 : 128) * wabs;
      if (bound > INT32_MAX) return false;
    }
  }
  return true;
}

int64_t halide_scratch_bytes(const ir::Graph& g, const ir::Node& n) {
  if (n.op == Op::MaxPool2d || n.op == Op::AvgPool2d || n.op == Op::Add) return 0;
  if (n.op == Op::Dense) return round4(g.in(n).shape[0]);
  const auto& os = g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  const int64_t hp = (os[0] - 1) * w.sh + (w.kh - 1) * w.dh + 1, wp = (os[1] - 1) * w.sw + (w.kw - 1) * w.dw + 1;
  return hp * wp * round4(g.in(n).shape[2]);
}

const std::vector<Row>& rows() { return table(); }

KernelChoice choose(const Target& t, const ir::Graph& g, const ir::Node& n) {
  const Data d = data_of(g, n);
  for (const Row& r : table()) {
    if (std::find(r.ops.begin(), r.ops.end(), n.op) == r.ops.end()) continue;
    if (r.data != Data::Any && r.data != d) continue;
    if (r.when && !r.when(t, g, n)) continue;
    KernelChoice c;
    c.row = r.name;
    c.tmpl = r.tmpl;
    if (r.fill) r.fill(c, t, g, n);
    else c.kernel = "qg_" + op_name(n) + "_" + r.variant + "__c";
    return c;
  }
  internal_error(__FILE__, __LINE__, "no kernel row for " + std::string(ir::op_info(n.op).name) + " node '" + message_name(n.name) + "'");
}

double mac_cost(const quant::LayerOps& o, const target::LutCosts& c) {
  return static_cast<double>(o.mac_dot.mul) * (c.mul + c.weight_load) + static_cast<double>(o.mac_dot.add) * c.add;
}

double lut_cost(const quant::LayerOps& o, const target::LutCosts& c) {
  return static_cast<double>(o.lut_dot.lookup) * c.lookup + static_cast<double>(o.lut_dot.add) * c.add +
         static_cast<double>(o.lut_dot.index_ops) * c.index_op;
}

ir::Graph resolve_auto(ir::Graph g, const Target& t) {
  const target::LutCosts& c = t.lut_costs;
  struct Cand {
    size_t node;
    double per_byte;
    int64_t bytes;
  };
  std::vector<Cand> cands;
  int64_t used = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    ir::Node& n = g.nodes[i];
    if (n.quant.scheme != ir::Scheme::LQ) continue;
    if (n.quant.kernel == ir::KernelKind::Lut) used += quant::count_layer_ops(g, n).lut_table_bytes;
    if (n.quant.kernel != ir::KernelKind::Auto) continue;
    n.quant.kernel = ir::KernelKind::Mac;
    const quant::LayerOps ops = quant::count_layer_ops(g, n);
    if (!ops.lut_ok) continue;
    const double saved = mac_cost(ops, c) - lut_cost(ops, c);
    if (saved <= 0) continue;
    const int64_t extra = std::max<int64_t>(1, ops.lut_table_bytes - ops.mac_table_bytes);
    cands.push_back({i, saved / static_cast<double>(extra), ops.lut_table_bytes});
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.per_byte > b.per_byte; });
  for (const Cand& cd : cands) {
    if (used + cd.bytes > c.lut_flash_budget) continue;
    used += cd.bytes;
    ir::Node& n = g.nodes[cd.node];
    n.quant.kernel = ir::KernelKind::Lut;
    if (n.lq && !n.lq->lut_g) {  // already quantized: the table of the chosen kernel
      auto lq = std::make_shared<ir::LinearQuant>(*n.lq);
      quant::build_lut(*lq, n.quant.lut_group ? n.quant.lut_group : quant::default_lut_group(n.quant.a_bits));
      n.lq = std::move(lq);
    }
  }
  return g;
}

// Max pool fused into the LQ convolution before it (docs/quantization.md
// §11; lq_int: conv2d_lqi.c, §12 "Packed storage", the same conditions with
// the pool's output in the lq_int form):
// a conv2d_lqp.c (or per-patch conv2d_lq.c) conv whose float output (not the model's output) is
// read only by a max pool with a pool2d_lqp.c choice (packed output). The
// conv's kernel computes the conv outputs of each pool window, takes their
// maximum in the pool's order and packs it; the conv's float output is never
// stored (the planner gives it no bytes) and the pool has no call. The
// interpreter still runs both layers: the same floats, the same maximum, the
// same qg_lqp_pack, so the same bytes.
namespace {
void fuse_lq_pools(Selection& s, const ir::Graph& g, const Target& t) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    // conv2d_lqp.c, or a per-patch conv2d_lq.c conv (float input and output),
    // which conv2d_lqp.c also computes (QG_IN_PACKED 0)
    const bool lqp = s[i].tmpl == "conv2d_lqp.c", lq = s[i].tmpl == "conv2d_lq.c" && n.lq && !n.lq->lut_g && !n.lq->lqi;
    const bool lqi = s[i].tmpl == "conv2d_lqi.c";  // lq_int (docs/quantization.md §12): the pool's output in the lq_int form
    if (n.op != Op::Conv2d || !(lqp || lq || lqi) || g.output_index(n.output) >= 0 || g.out(n).pack.on()) continue;
    const std::vector<int> cons = g.consumers(n.output);
    if (cons.size() != 1) continue;
    const size_t j = static_cast<size_t>(cons[0]);
    const ir::Node& p = g.nodes[j];
    // (conv2d_lqp.c packs the float-combination form, conv2d_lqi.c lq_int's)
    if (p.op != Op::MaxPool2d || s[j].tmpl != "pool2d_lqp.c" || g.out(p).pack.lqi != lqi || j <= i || p.inputs.size() != 1) continue;
    KernelChoice c;
    if (lqi) {
      c.row = "lqi_packed";
      c.tmpl = "conv2d_lqi.c";
      fill_lqi_pool(c, t, g, n, &p);
    } else {
      c.row = lqp ? s[i].row : t.has_kernel("mac_dsp") && !packed_codes(t, n) && !n.lq->acc64 ? "lqp_dsp" : "lqp_mac";
      c.tmpl = "conv2d_lqp.c";
      fill_lqp_pool(c, t, g, n, &p);
    }
    c.pool_node = static_cast<int>(j);
    s[i] = c;
    s[j].fused_into = static_cast<int>(i);
    s[j].row = "fused";
    s[j].kernel = c.kernel;
    s[j].scratch.clear();
  }
}
}  // namespace

Selection select_kernels(const ir::Graph& g, const Target& t) {
  Selection s;
  s.reserve(g.nodes.size());
  for (const ir::Node& n : g.nodes) s.push_back(choose(t, g, n));
  fuse_lq_pools(s, g, t);
  return s;
}

std::string print_selection(const ir::Graph& g, const Selection& s) {
  std::ostringstream os;
  os << "selection " << g.name << "\n";
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    const KernelChoice& c = s.at(i);
    os << "  %" << printable_name(n.name) << " " << ir::op_info(n.op).name << ": " << c.row << " " << c.kernel << " templates/" << c.tmpl;
    if (!c.scratch.empty()) {
      os << " scratch=" << c.scratch_bytes() << " {";
      for (size_t k = 0; k < c.scratch.size(); ++k) os << (k ? ", " : "") << c.scratch[k].name << "@" << c.scratch[k].offset;
      os << "}";
    }
    for (const auto& [k, v] : c.defines) os << " " << k << "=" << v;
    os << "\n";
  }
  return os.str();
}

}  // namespace qg::select
