#include "codegen/c_emitter.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "codegen/kernels_dsp.h"
#include "codegen/halide/halide_backend.h"
#include "codegen/templates.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "quant/format.h"
#include "quant/lut.h"
#include "select/select.h"

namespace qg::codegen {

const char* const kGeneratorVersion = "qgen 0.1.0";

namespace {

using ir::Node;
using ir::Op;

std::string str(int64_t v) { return std::to_string(v); }

// A constant that is not finite has no C literal (D3 of issue #18: "inff"
// would not compile). Thrown by hexfloat() / table_f32(), turned into a user
// error naming the layer by emit_c().
struct NonFiniteConstant {
  std::string what;
  float value;
};

std::string hexfloat(float f, const char* what = "constant") {
  if (!std::isfinite(f)) throw NonFiniteConstant{what, f};
  if (f == 0.0f) return std::signbit(f) ? "-0.0f" : "0.0f";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%af", static_cast<double>(f));
  return buf;
}

// One kernel call a layer needs. The body is the template instantiated with
// `defs` (compile-time: shapes, modes); layers whose template and defs are
// equal share one body (Emitter::run). Per-layer tables and scalar constants
// (zero points, clamps, requantization parameters) are `args`, passed at the
// call in the order of the template's QG_FN parameters after (inputs...,
// output[, scratch]).
struct Instance {
  std::string tmpl;
  std::string kernel;
  Defines defs;
  std::vector<int> inputs;  // positions in node.inputs passed as arguments
  bool scratch = false;
  std::vector<std::string> args;  // run-time arguments (C expressions)
};

class Emitter;
using EmitFn = std::vector<Instance> (*)(Emitter& e, const ir::Graph& g, const Node& n, int idx);

// Constant tables go to <prefix>_weights.c (or binary blobs); small index
// tables stay static in <prefix>.c.
class Emitter {
 public:
  Emitter(const ir::Graph& g, const plan::MemoryPlan& p, const select::Selection& sel, const EmitOptions& opt)
      : g_(g), p_(p), sel_(sel), opt_(opt), target_(codegen::target(opt.target)) {
    QG_CHECK(sel.size() == g.nodes.size(), "kernel selection does not cover the graph");
    prefix_ = c_identifier(opt.name.empty() ? g.name : opt.name);
    upper_ = prefix_;
    for (char& c : upper_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int64_t bytes = 0;
    size_t u8_bound = 0, f32_bound = 0;  // upper bounds of the blob sizes, padding included
    for (const Node& n : g.nodes) {
      const size_t O = n.weight.shape.empty() ? 0 : static_cast<size_t>(n.weight.shape[0]);
      if (n.il) {
        bytes += static_cast<int64_t>(n.il->weight.size());
        u8_bound += n.il->weight.size() + 15;
      } else if (n.lq) {
        bytes += static_cast<int64_t>(n.lq->codes.size() + n.lq->lut.size()) + 12 * static_cast<int64_t>(n.lq->E.size());
        u8_bound += n.lq->codes.size() + n.lq->lut.size() + 15;  // LUT layers emit the table instead of the codes
        f32_bound += 12 * n.lq->E.size();
      } else {
        bytes += 4 * static_cast<int64_t>(n.weight.data.size());
        f32_bound += 4 * n.weight.data.size();
      }
      bytes += 4 * static_cast<int64_t>(n.bias.data.size());
      f32_bound += 4 * std::max(n.bias.data.size(), O) + 4 * 15 + 4 * n.ip.softmax_table.size();
    }
    if (!opt.weights_section.empty()) tattr_ = " QG_TABLE_ATTR";
    if (select::halide_enabled(target_)) halide_ = std::make_unique<halide::Backend>(target_, opt.target_features, prefix_);
    blob_ = opt.weights == WeightsFormat::Blob || (opt.weights == WeightsFormat::Auto && bytes > opt.blob_threshold);
    // Reserved up front (pages are only touched when written), so the tables
    // are built in place without regrowth copies. As C text a code takes at
    // most 4 chars (+ a newline per 32), a float at most 18 (+ indent per 8).
    if (blob_) {
      blob_u8_.reserve(u8_bound);
      blob_f32_.reserve(f32_bound);
    } else {
      weights_.reserve(4 * u8_bound + u8_bound / 32 + f32_bound / 4 * 19 + 512 * g.nodes.size() + 4096);
    }
  }

  const std::string& prefix() const { return prefix_; }
  const Target& target() const { return target_; }
  // The select stage's choice for node `n` of the graph being emitted.
  const select::KernelChoice& choice(const Node& n) const { return sel_.at(static_cast<size_t>(&n - g_.nodes.data())); }

  std::string table_u8(const std::string& tag, const std::vector<uint8_t>& v) {
    table_bytes_ += static_cast<int64_t>(v.size());
    layer_bytes_ += static_cast<int64_t>(v.size());
    if (blob_) {
      blob_u8_.resize((blob_u8_.size() + 15) / 16 * 16, '\0');
      const size_t off = blob_u8_.size();
      blob_u8_.append(reinterpret_cast<const char*>(v.data()), v.size());
      return "(" + prefix_ + "__blob_u8 + " + str(static_cast<int64_t>(off)) + ")";
    }
    const std::string sym = prefix_ + "__" + tag;
    decls_ += "extern const uint8_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "];\n";
    weights_ += "const uint8_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    append_u8(weights_, v);
    weights_ += "};\n";
    return sym;
  }

  std::string table_f32(const std::string& tag, const std::vector<float>& v) {
    for (size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i])) throw NonFiniteConstant{"table " + tag + "[" + str(static_cast<int64_t>(i)) + "]", v[i]};
    table_bytes_ += 4 * static_cast<int64_t>(v.size());
    layer_bytes_ += 4 * static_cast<int64_t>(v.size());
    if (blob_) {
      // Little-endian float32, 16-byte aligned; the offset is in floats.
      blob_f32_.resize((blob_f32_.size() + 15) / 16 * 16, '\0');
      const size_t off = blob_f32_.size() / 4;
      const size_t at = blob_f32_.size();
      blob_f32_.resize(at + 4 * v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        uint32_t u;
        std::memcpy(&u, &v[i], 4);
        for (size_t b = 0; b < 4; ++b) blob_f32_[at + 4 * i + b] = static_cast<char>((u >> (8 * b)) & 0xff);
      }
      return "(" + prefix_ + "__blob_f32 + " + str(static_cast<int64_t>(off)) + ")";
    }
    const std::string sym = prefix_ + "__" + tag;
    decls_ += "extern const float " + sym + "[" + str(static_cast<int64_t>(v.size())) + "];\n";
    weights_ += "const float " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i % 8 == 0) weights_ += "\n  ";
      weights_ += hexfloat(v[i]);
      weights_ += ",";
    }
    weights_ += "\n};\n";
    return sym;
  }

  std::string table_i8(const std::string& tag, const std::vector<int8_t>& v) {
    std::vector<uint8_t> u(v.size());
    std::memcpy(u.data(), v.data(), v.size());
    return "((const int8_t *)" + table_u8(tag, u) + ")";
  }

  // int32 tables (bias, requantization) stay C text even in blob mode.
  std::string table_i32(const std::string& tag, const std::vector<int32_t>& v) {
    table_bytes_ += 4 * static_cast<int64_t>(v.size());
    layer_bytes_ += 4 * static_cast<int64_t>(v.size());
    const std::string sym = prefix_ + "__" + tag;
    decls_ += "extern const int32_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "];\n";
    i32_text_ += "const int32_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i % 8 == 0) i32_text_ += "\n  ";
      i32_text_ += str(v[i]) + ",";
    }
    i32_text_ += "\n};\n";
    return sym;
  }

  // int64 tables (the bias of a 16x8 layer), C text like table_i32.
  std::string table_i64(const std::string& tag, const std::vector<int64_t>& v) {
    table_bytes_ += 8 * static_cast<int64_t>(v.size());
    layer_bytes_ += 8 * static_cast<int64_t>(v.size());
    const std::string sym = prefix_ + "__" + tag;
    decls_ += "extern const int64_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "];\n";
    i32_text_ += "const int64_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i % 8 == 0) i32_text_ += "\n  ";
      // INT64_MIN has no literal; |bias| < 2^40 (frontend/tflite.cpp)
      i32_text_ += "INT64_C(" + str(v[i]) + "),";
    }
    i32_text_ += "\n};\n";
    return sym;
  }

  // int16 tables (16x8 softmax), C text like table_i32.
  std::string table_i16(const std::string& tag, const std::vector<int16_t>& v) {
    table_bytes_ += 2 * static_cast<int64_t>(v.size());
    layer_bytes_ += 2 * static_cast<int64_t>(v.size());
    const std::string sym = prefix_ + "__" + tag;
    decls_ += "extern const int16_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "];\n";
    i32_text_ += "const int16_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i % 8 == 0) i32_text_ += "\n  ";
      i32_text_ += str(v[i]) + ",";
    }
    i32_text_ += "\n};\n";
    return sym;
  }

  // Small static index table inside <prefix>.c.
  std::string local_i32(const std::string& tag, const std::vector<int64_t>& v) {
    const std::string sym = "qg_" + tag;
    layer_bytes_ += 4 * static_cast<int64_t>(v.size());
    table_bytes_ += 4 * static_cast<int64_t>(v.size());
    locals_ += "static const int32_t " + sym + "[" + str(static_cast<int64_t>(v.size())) + "]" + tattr_ + " = {";
    for (size_t i = 0; i < v.size(); ++i) locals_ += (i ? "," : "") + str(v[i]);
    locals_ += "};\n";
    return sym;
  }

  Emitted run();
  const Node* current_node() const { return cur_node_; }

 private:
  const Node* cur_node_ = nullptr;  // the layer being emitted (messages)
  const ir::Graph& g_;
  const plan::MemoryPlan& p_;
  const select::Selection& sel_;
  const EmitOptions& opt_;
  const Target& target_;
  std::string prefix_, upper_;
  std::string tattr_;  // " QG_TABLE_ATTR" with --weights-section, else empty
  bool blob_ = false;
  std::string decls_, weights_, locals_, i32_text_;
  std::string elem_ = "float";
  std::string blob_u8_, blob_f32_;  // file contents of the two blobs
  int64_t table_bytes_ = 0, layer_bytes_ = 0;
  std::unique_ptr<halide::Backend> halide_;  // targets with Halide kernels

  // A layer compiled by Halide (its weights live in <prefix>_halide.o): the C glue instance.
  std::vector<Instance> halide_instance(const Node& n, int idx) {
    const select::KernelChoice& c = choice(n);
    const int64_t bytes = n.il ? static_cast<int64_t>(n.il->weight.size() + 12 * n.il->bias.size()) : 0;
    layer_bytes_ += bytes;
    table_bytes_ += bytes;
    const std::vector<int> inputs = n.op == ir::Op::Add ? std::vector<int>{0, 1} : std::vector<int>{0};
    Defines defs = halide_->add_layer(g_, n, prefix_ + "_hl_L" + str(idx));
    defs.insert(defs.end(), c.defines.begin(), c.defines.end());  // QG_IBITS, QG_OBITS (packed sub-byte activations)
    return {{c.tmpl, c.kernel, defs, inputs, c.scratch_bytes() > 0, {}}};
  }

  static void append_u8(std::string& s, const std::vector<uint8_t>& v) {
    // "\n" before every 32nd value, "N," per value, "\n" at the end; written
    // through a pointer into space sized for the longest case (4 chars a value).
    const size_t at = s.size();
    s.resize(at + 4 * v.size() + v.size() / 32 + 2);
    char* p = &s[at];
    for (size_t i = 0; i < v.size(); ++i) {
      if (i % 32 == 0) *p++ = '\n';
      const unsigned x = v[i];
      if (x >= 100) *p++ = static_cast<char>('0' + x / 100);
      if (x >= 10) *p++ = static_cast<char>('0' + x / 10 % 10);
      *p++ = static_cast<char>('0' + x % 10);
      *p++ = ',';
    }
    *p++ = '\n';
    s.resize(static_cast<size_t>(p - s.data()));
  }

  std::string ptr(int tensor, bool is_const) const {
    const plan::Buffer& b = p_.tensors.at(static_cast<size_t>(tensor));
    if (b.place == plan::Place::Input) return io_param(true, b.io);
    if (b.place == plan::Place::Output) return io_param(false, b.io);
    const ir::Tensor& T = g_.tensor(tensor);
    const std::string t = T.pack.on() ? "uint8_t" : T.i16() ? "int16_t" : T.dtype == ir::DType::I8 ? "int8_t" : "float";  // packed: codes, lo, s
    return "(" + std::string(is_const ? "const " : "") + t + " *)(A + " + str(b.offset) + ")";
  }

  // The run function's parameter of graph input / output k: `input` and
  // `output` for a model with one of each, else `input0`, `input1`, ...,
  // `output0`, ... in model order (names from the model go into comments
  // and the *_NAME macros only, never into identifiers).
  std::string io_param(bool in, int k) const {
    return std::string(in ? "input" : "output") + (g_.multi_io() ? str(static_cast<int64_t>(k)) : "");
  }
  // The header's macro stem of graph input / output k: <MODEL>_INPUT (one of
  // each) or <MODEL>_INPUT0, <MODEL>_INPUT1, ...
  std::string io_macro(bool in, int k) const {
    return upper_ + (in ? "_INPUT" : "_OUTPUT") + (g_.multi_io() ? str(static_cast<int64_t>(k)) : "");
  }

  std::string shape_comment(int tensor) const {
    return ir::shape_str(ir::logical_shape(g_.tensor(tensor).shape, g_.layout));
  }

  std::string relayout_instance(const std::string& fn, const std::vector<int64_t>& in_shape, bool in_chw,
                                const std::vector<int64_t>& out_shape, bool out_chw, int64_t n) const {
    auto hw = [](const std::vector<int64_t>& s) { return s.size() == 3 ? s[0] * s[1] : 1; };
    auto ch = [](const std::vector<int64_t>& s) { return s.size() == 3 ? s[2] : 1; };
    return instantiate("relayout_f32.c", {{"QG_FN", fn},
                                          {"QG_T", elem_},
                                          {"QG_N", str(n)},
                                          {"QG_IN_CHW", in_chw ? "1" : "0"},
                                          {"QG_IN_HW", str(hw(in_shape))},
                                          {"QG_IN_C", str(ch(in_shape))},
                                          {"QG_OUT_CHW", out_chw ? "1" : "0"},
                                          {"QG_OUT_HW", str(hw(out_shape))},
                                          {"QG_OUT_C", str(ch(out_shape))}});
  }

  friend std::vector<Instance> emit_linear(Emitter&, const ir::Graph&, const Node&, int);
};

// ---- per-op emitters (one table row each, below) ----

Defines geometry(const ir::Graph& g, const Node& n) {
  if (n.op == Op::Dense) {  // a dense layer is a 1x1 convolution over a 1x1 image
    const int64_t I = g.in(n).shape[0], O = g.out(n).shape[0];
    return {{"QG_H", "1"}, {"QG_W", "1"}, {"QG_C", str(I)}, {"QG_OH", "1"}, {"QG_OW", "1"}, {"QG_O", str(O)},
            {"QG_KH", "1"}, {"QG_KW", "1"}, {"QG_SH", "1"}, {"QG_SW", "1"}, {"QG_DH", "1"}, {"QG_DW", "1"},
            {"QG_PT", "0"}, {"QG_PL", "0"}, {"QG_G", "1"}};
  }
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  return {{"QG_H", str(is[0])}, {"QG_W", str(is[1])}, {"QG_C", str(is[2])}, {"QG_OH", str(os[0])},
          {"QG_OW", str(os[1])}, {"QG_O", str(os[2])}, {"QG_KH", str(w.kh)}, {"QG_KW", str(w.kw)},
          {"QG_SH", str(w.sh)}, {"QG_SW", str(w.sw)}, {"QG_DH", str(w.dh)}, {"QG_DW", str(w.dw)},
          {"QG_PT", str(w.pt)}, {"QG_PL", str(w.pl)}, {"QG_G", str(n.attrs.groups)}};
}

bool i8(const ir::Graph& g, int t) { return g.tensor(t).dtype == ir::DType::I8; }
// C element type of a tensor: int16_t for 16x8 (int16 codes), int8_t, float.
std::string elem_type(const ir::Tensor& t) { return t.i16() ? "int16_t" : t.dtype == ir::DType::I8 ? "int8_t" : "float"; }
std::string elem(const ir::Graph& g, int t) { return elem_type(g.tensor(t)); }
std::string act_value(ir::Activation a) { return a == ir::Activation::None ? "0" : a == ir::Activation::Relu ? "1" : "2"; }

// The integer value of the choice's define `name`; 0 when it has none.
int64_t define_value(const select::KernelChoice& c, const std::string& name) {
  for (const auto& d : c.defines)
    if (d.first == name) return std::stoll(d.second);
  return 0;
}

// templates/conv2d_lqi.c with QG_LQI_FAST: weight codes ([O][K], one per
// byte) widened to little-endian 16-bit values; in every segment of rb codes
// each group of 4 codes is stored as w0 w2 w1 w3 (its two words are UXTB16 of
// the byte word and of it rotated by 8), the last rb % 4 codes in order.
std::vector<uint8_t> lqi_wide_codes(const std::vector<uint8_t>& c, int64_t K, int64_t rb) {
  static const int64_t kPos[4] = {0, 2, 1, 3};
  std::vector<uint8_t> w(2 * c.size(), 0);
  for (size_t i = 0; i < c.size(); ++i) {
    const int64_t k = static_cast<int64_t>(i) % K, j = k % rb, g = j / 4 * 4;
    const int64_t at = static_cast<int64_t>(i) - j + (g + 4 <= rb / 4 * 4 ? g + kPos[j % 4] : j);
    w[static_cast<size_t>(2 * at)] = c[i];
  }
  return w;
}

// templates/conv2d_lqp_x86.c's tables: weight codes minus 128 as int8 in the
// layout [O8/8][K4/4][8][4] (O8 = O rounded up to 8, K4 = K rounded up to 4,
// padding 0), and
// E, B, D transposed to [S][O8] and the bias to O8 entries (padding 0).
struct LqX86Tables {
  std::vector<uint8_t> codes;
  std::vector<float> E, B, D, bias;
};
LqX86Tables lq_x86_tables(const ir::LinearQuant& q, int64_t O, const std::vector<float>& bias) {
  const int64_t K = q.K, K4 = (K + 3) / 4 * 4, S = q.segments(), O8 = (O + 7) / 8 * 8;
  QG_CHECK(static_cast<int64_t>(q.codes.size()) == O * K && static_cast<int64_t>(q.E.size()) == O * S,
           "conv2d_lqp_x86.c: unexpected LQ table sizes");
  LqX86Tables t;
  t.codes.assign(static_cast<size_t>(O8 * K4), 0);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t k = 0; k < K; ++k)
      t.codes[static_cast<size_t>((o / 8) * K4 * 8 + (k / 4) * 32 + (o % 8) * 4 + k % 4)] =
          static_cast<uint8_t>(static_cast<int>(q.codes[static_cast<size_t>(o * K + k)]) - 128);
  t.E.assign(static_cast<size_t>(S * O8), 0.0f);
  t.B = t.E;
  t.D = t.E;
  for (int64_t o = 0; o < O; ++o)
    for (int64_t s = 0; s < S; ++s) {
      const size_t from = static_cast<size_t>(o * S + s), to = static_cast<size_t>(s * O8 + o);
      t.E[to] = q.E[from];
      t.B[to] = q.B[from];
      t.D[to] = q.D[from];
    }
  t.bias.assign(static_cast<size_t>(O8), 0.0f);
  std::copy(bias.begin(), bias.end(), t.bias.begin());
  return t;
}

// Codes of `bits` bits each, packed little-end first (templates/conv2d_lq.c).
std::vector<uint8_t> pack_codes(const std::vector<uint8_t>& codes, int bits) {
  const size_t per = static_cast<size_t>(8 / bits);
  std::vector<uint8_t> out((codes.size() + per - 1) / per, 0);
  for (size_t i = 0; i < codes.size(); ++i) {
    QG_CHECK(codes[i] < (1u << bits), "weight code does not fit its bit width");
    out[i / per] = static_cast<uint8_t>(out[i / per] | (codes[i] << ((i % per) * static_cast<size_t>(bits))));
  }
  return out;
}

// Estimated machine code of one kernel body, by template, and of one call.
// Least-squares fit of .text sizes of <prefix>.c (arm-none-eabi-gcc 12.2
// -mcpu=cortex-m7 -O2, and x86-64 gcc 12.2 -O2) over the MLPerf Tiny KWS,
// ResNet-8, VWW and AD models (int8 and float, targets cortex-m7 and c):
// 54.5 KB measured, 55.9 KB estimated in total, within 7 % on the larger
// models. GCC inlines bodies called once into the run function, so only the
// sum is meaningful. The LQ templates keep the earlier 512-byte figure
// (measured on the fmnist-small LQ model, x86-64 and Thumb-2). Re-measure:
// compile each model, `size -A <prefix>.o`, sum the .text* sections.
// dwconv2d_i8_smlad.c re-fitted for its pixel-pair form (two 3x3 asm
// blocks per body: interior and border; bench/m7/run text_bytes): KWS
// (one body) 4,144 B measured / 4,520 estimated, VWW (nine bodies) 22,628 /
// 22,632 (the 1,110 before was low by about 720 per body).
constexpr int64_t kCallBytes = 24, kRunBytes = 128;
int64_t kernel_body_bytes(const std::string& tmpl) {
  static const std::map<std::string, int64_t> bytes = {
      {"dwconv2d_i8_smlad.c", 1830}, {"conv2d_i8_smlad.c", 380}, {"conv2d_i8.c", 430}, {"conv2d_f32.c", 40},
      {"conv2d_lq.c", 512},          {"conv2d_lq_lut.c", 512}, {"conv2d_lqp.c", 512}, {"conv2d_lqi.c", 512},  // lqp: conv2d_lq.c's figure, not measured
      // 16x8: the body with its 512-byte sigmoid table (runtime/qg_fixed.h), and softmax_i16.c
      // (arm-none-eabi-gcc -mcpu=cortex-m7 -O2, .text + .rodata of the template alone: 140 / 144 + 512, 552)
      {"lut_i16.c", 660}, {"softmax_i16.c", 552}};
  auto it = bytes.find(tmpl);
  return it == bytes.end() ? 370 : it->second;  // pooling, softmax, add, relayout, glue, ...
}

// Integer-only conv / dense on a core with the DSP extension
// (templates/conv2d_i8_smlad.c, templates/dwconv2d_i8_smlad.c).
std::vector<Instance> emit_linear_dsp(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const std::string L = "L" + str(idx);
  const ir::IntLinear& il = *n.il;
  const select::KernelChoice& ch = e.choice(n);
  const DspChoice& c = ch.dsp;
  const int64_t O = n.weight.shape[0];
  const int32_t zp_in = g.in(n).q.zero_point;
  Instance in;
  in.tmpl = ch.tmpl;
  in.kernel = ch.kernel;
  in.inputs = {0};
  in.scratch = true;  // the templates take a scratch pointer (unused when c.scratch == 0)
  in.defs = geometry(g, n);
  in.defs.erase(std::remove_if(in.defs.begin(), in.defs.end(), [](const auto& d) { return d.first == "QG_G"; }), in.defs.end());
  // Per-layer arguments after the tables: zero points and the clamp (only read when QG_CLAMP).
  const std::vector<std::string> scalars = {str(zp_in), str(g.out(n).q.zero_point), str(n.ip.act_min), str(n.ip.act_max)};
  in.defs.push_back({"QG_CLAMP", n.ip.act_min == -128 && n.ip.act_max == 127 ? "0" : "1"});
  if (c.kind == DspKind::Depthwise) {
    const int64_t taps = n.attrs.win.kh * n.attrs.win.kw;
    in.defs.erase(std::remove_if(in.defs.begin(), in.defs.end(), [](const auto& d) { return d.first == "QG_O"; }), in.defs.end());
    in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_IBITS, QG_OBITS
    in.args.push_back(e.table_i8(L + "_w", dsp_depthwise_weights(il, O, taps)));
  } else {
    in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_K, QG_KP, QG_WBITS, QG_DIRECT
    in.args.push_back(e.table_u8(L + "_w", dsp_gemm_weights(il, O, c)));
  }
  const DspRequant rq = dsp_requant(il, O, zp_in, g.out(n).q.zero_point);
  in.defs.push_back({"QG_RQ_MODE", str(rq.mode)});
  in.args.push_back(e.table_i32(L + "_rq", rq.params));
  in.args.insert(in.args.end(), scalars.begin(), scalars.end());
  return {in};
}

// The LUT kernel of an LQ layer (templates/conv2d_lq_lut.c, quant/lut.h);
// `in` already holds the geometry, the activation and the input.
Instance lut_instance(Emitter& e, const Node& n, int idx, Instance in, const std::vector<float>& bias) {
  const ir::LinearQuant& q = *n.lq;
  const std::string L = "L" + str(idx);
  auto i64 = [](const auto& v) { return std::vector<int64_t>(v.begin(), v.end()); };
  const select::KernelChoice& ch = e.choice(n);
  in.tmpl = ch.tmpl;
  in.kernel = ch.kernel;
  const bool row16 = ch.row16;  // rows of uint16 entries for UADD16 (QG_ROW16)
  in.scratch = true;
  const bool padded = n.op == Op::Conv2d && n.attrs.win.padded();
  in.defs.insert(in.defs.end(), {{"QG_K", str(q.K)}, {"QG_LA", str(quant::format_for_bits(q.a_bits).levels)}, {"QG_AB", str(q.a_bits)}, {"QG_LG", str(q.lut_g)},
                                 {"QG_R", str(q.aregions())}, {"QG_S", str(q.segments())}, {"QG_NG", str(q.lut_groups())},
                                 {"QG_T", str(q.lut_T)}, {"QG_SHUF", q.lut_shuf ? "1" : "0"},
                                 {"QG_A_WHOLE", q.a_whole_tensor ? "1" : "0"}, {"QG_PADDED", padded ? "1" : "0"},
                                 {"QG_ACC_T", q.acc64 ? "int64_t" : "int32_t"}, {"QG_ACC64", q.acc64 ? "1" : "0"}});
  in.defs.push_back({"QG_AREG", e.local_i32(L + "_areg", q.areg_begin)});
  in.defs.push_back({"QG_SEG", e.local_i32(L + "_seg", q.seg_begin)});
  in.defs.push_back({"QG_SEG_AREG", e.local_i32(L + "_seg_areg", i64(q.seg_areg))});
  in.defs.push_back({"QG_GRP", e.local_i32(L + "_grp", q.grp_begin)});
  in.defs.push_back({"QG_SEG_GRP", e.local_i32(L + "_seg_grp", q.seg_grp)});

  in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_ROW16
  bool uniform = q.lut_groups() * q.lut_g == q.K;
  for (int64_t k = 0; uniform && k < q.lut_groups(); ++k)
    uniform = q.grp_begin[static_cast<size_t>(k)] == k * q.lut_g && q.grp_off[static_cast<size_t>(k)] == k * (int64_t{1} << (q.a_bits * q.lut_g));
  in.defs.push_back({"QG_UNIFORM", uniform ? "1" : "0"});
  if (!uniform || q.lut_shuf) in.defs.push_back({"QG_GOFF", e.local_i32(L + "_goff", q.grp_off)});
  if (row16) {
    const DspLutRows rows = dsp_lut_rows(q);
    in.defs.push_back({"QG_O2", str(rows.O2)});
    in.defs.push_back({"QG_FLUSH", str(rows.flush)});
    in.defs.push_back({"QG_LUT32", "((const uint32_t *)" + e.table_i32(L + "_lut", rows.words) + ")"});
  } else {
    in.defs.push_back({"QG_LUT", e.table_u8(L + "_lut", q.lut)});
  }
  in.defs.push_back({"QG_E", e.table_f32(L + "_e", q.E)});
  in.defs.push_back({"QG_B", e.table_f32(L + "_lo", q.B)});
  in.defs.push_back({"QG_D", e.table_f32(L + "_s", q.D)});
  in.defs.push_back({"QG_BIAS", e.table_f32(L + "_b", bias)});
  return in;
}

std::vector<Instance> emit_linear(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const std::string L = "L" + str(idx);
  Instance in;
  in.inputs = {0};
  in.defs = geometry(g, n);
  in.defs.push_back({"QG_ACT", act_value(n.act)});
  const int64_t O = n.weight.shape[0];
  std::vector<float> bias = n.bias.empty() ? std::vector<float>(static_cast<size_t>(O), 0.0f) : n.bias.data;
  const select::KernelChoice& ch = e.choice(n);
  if (ch.dsp.kind != DspKind::None) return emit_linear_dsp(e, g, n, idx);
  in.tmpl = ch.tmpl;
  in.kernel = ch.kernel;
  if (ch.tmpl == "conv2d_i16.c") {  // 16x8 (TFLite's int16 kernels): int64 bias, zero points 0
    const ir::IntLinear& il = *n.il;
    in.defs.erase(std::remove_if(in.defs.begin(), in.defs.end(), [](const auto& d) { return d.first == "QG_ACT"; }), in.defs.end());
    in.defs.push_back({"QG_REQUANT", il.single_rounding ? "qg_mbqm64_single" : "qg_mbqm64"});
    in.args = {e.table_i8(L + "_w", il.weight), e.table_i64(L + "_b", il.bias64), e.table_i32(L + "_mult", il.mult),
               e.table_i32(L + "_shift", il.shift), str(n.ip.act_min), str(n.ip.act_max)};
    return {in};
  }
  if (ch.tmpl == "conv2d_i8.c" || ch.tmpl == "conv2d_i8_sub.c") {  // integer-only (TFLite int8 semantics; _sub: packed activations)
    const ir::IntLinear& il = *n.il;
    in.defs.erase(std::remove_if(in.defs.begin(), in.defs.end(), [](const auto& d) { return d.first == "QG_ACT"; }), in.defs.end());
    in.defs.push_back({"QG_REQUANT", il.single_rounding ? "qg_mbqm_single" : "qg_mbqm"});
    in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_IBITS, QG_OBITS (conv2d_i8_sub.c)
    in.args = {e.table_i8(L + "_w", il.weight), e.table_i32(L + "_b", il.bias), e.table_i32(L + "_mult", il.mult),
               e.table_i32(L + "_shift", il.shift), str(g.in(n).q.zero_point), str(g.out(n).q.zero_point),
               str(n.ip.act_min), str(n.ip.act_max)};
    return {in};
  }
  if (ch.tmpl == "conv2d_f32.c") {
    in.args = {e.table_f32(L + "_w", n.weight.data), e.table_f32(L + "_b", bias)};
    return {in};
  }
  const ir::LinearQuant& q = *n.lq;
  if (ch.tmpl == "conv2d_lq_lut.c") return {lut_instance(e, n, idx, std::move(in), bias)};
  if (ch.tmpl == "conv2d_lqi.c") {  // integer-only LQ (docs/quantization.md §12)
    in.scratch = true;
    in.defs.erase(std::remove_if(in.defs.begin(), in.defs.end(), [](const auto& d) { return d.first == "QG_ACT"; }), in.defs.end());
    in.defs.insert(in.defs.end(), {{"QG_K", str(q.K)},
                                   {"QG_LA", str(quant::format_for_bits(q.a_bits).levels)},
                                   {"QG_R", str(q.aregions())},
                                   {"QG_S", str(q.segments())},
                                   {"QG_ACC_T", q.acc64 ? "int64_t" : "int32_t"}});
    in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_DOT_U8
    in.args.push_back(e.local_i32(L + "_areg", q.areg_begin));
    in.args.push_back(e.local_i32(L + "_seg", q.seg_begin));
    in.args.push_back(e.local_i32(L + "_seg_areg", std::vector<int64_t>(q.seg_areg.begin(), q.seg_areg.end())));
    // QG_LQI_FAST: the widened weight layout of templates/conv2d_lqi.c
    const int64_t wide_rb = define_value(ch, "QG_LQI_FAST") == 1 ? define_value(ch, "QG_RB") : 0;
    in.args.push_back(e.table_u8(L + "_codes", wide_rb ? lqi_wide_codes(q.codes, q.K, wide_rb) : q.codes));
    if (wide_rb) {  // QG_LQI_FAST: (Em, Bm, Dm) interleaved as [O][S][3] in the em argument; bm, dm unused
      std::vector<int32_t> ebd;
      ebd.reserve(3 * q.Em.size());
      for (size_t i = 0; i < q.Em.size(); ++i) ebd.insert(ebd.end(), {q.Em[i], q.Bm[i], q.Dm[i]});
      in.args.push_back(e.table_i32(L + "_ebd", ebd));
      in.args.push_back("0");
      in.args.push_back("0");
    } else {
      in.args.push_back(e.table_i32(L + "_em", q.Em));
      in.args.push_back(e.table_i32(L + "_bm", q.Bm));
      in.args.push_back(e.table_i32(L + "_dm", q.Dm));
    }
    std::vector<int32_t> rq;
    for (int64_t o = 0; o < q.O; ++o)
      for (const std::vector<int32_t>* v : {&q.rq_r, &q.rq_m, &q.rq_n, &q.bias_g}) rq.push_back((*v)[static_cast<size_t>(o)]);
    in.args.push_back(e.table_i32(L + "_rq", rq));
    std::vector<float> st = {q.S_in, q.S_out};  // and with a fused max pool (QG_POOL) the pool output's grid step
    if (ch.pool_node >= 0) st.push_back(g.tensor(g.nodes.at(static_cast<size_t>(ch.pool_node)).output).pack.step);
    in.args.push_back(e.table_f32(L + "_st", st));
    in.args.push_back(str(q.act_min));
    in.args.push_back(str(q.act_max));
    return {in};
  }
  QG_CHECK(ch.tmpl == "conv2d_lq.c" || ch.tmpl == "conv2d_lqp.c" || ch.tmpl == "conv2d_lqp_x86.c",
           "emit_linear: no tables for template " + ch.tmpl);
  in.scratch = true;
  const bool padded = n.op == Op::Conv2d && n.attrs.win.padded();
  in.defs.insert(in.defs.end(), {{"QG_K", str(q.K)},
                                 {"QG_LA", str(quant::format_for_bits(q.a_bits).levels)},
                                 {"QG_R", str(q.aregions())},
                                 {"QG_S", str(q.segments())},
                                 {"QG_A_WHOLE", q.a_whole_tensor ? "1" : "0"},
                                 {"QG_PADDED", padded ? "1" : "0"},
                                 {"QG_ACC_T", q.acc64 ? "int64_t" : "int32_t"}});
  std::vector<int32_t> seg_areg(q.seg_areg.begin(), q.seg_areg.end());
  in.args.push_back(e.local_i32(L + "_areg", q.areg_begin));
  in.args.push_back(e.local_i32(L + "_seg", q.seg_begin));
  in.args.push_back(e.local_i32(L + "_seg_areg", std::vector<int64_t>(seg_areg.begin(), seg_areg.end())));
  // Targets with packed kernels store 4/2/1-bit weight codes packed (flash =
  // bits/8 bytes per weight).
  const int pack = ch.w_pack;
  in.defs.insert(in.defs.end(), ch.defines.begin(), ch.defines.end());  // QG_WPACK, QG_DOT_U8
  if (ch.tmpl == "conv2d_lqp_x86.c") {  // the AVX2 layouts (templates/conv2d_lqp_x86.c)
    const LqX86Tables t = lq_x86_tables(q, O, bias);
    in.args.push_back(e.table_u8(L + "_codes", t.codes));
    in.args.push_back(e.table_f32(L + "_e", t.E));
    in.args.push_back(e.table_f32(L + "_lo", t.B));
    in.args.push_back(e.table_f32(L + "_s", t.D));
    in.args.push_back(e.table_f32(L + "_b", t.bias));
    return {in};
  }
  // QG_LQP_PAIR (templates/conv2d_lqp.c): the weight codes widened as
  // conv2d_lqi.c's fast path takes them, segments of QG_SEGLEN codes.
  const int64_t pair_seglen = define_value(ch, "QG_LQP_PAIR") == 1 ? define_value(ch, "QG_SEGLEN") : 0;
  in.args.push_back(e.table_u8(L + "_codes", pair_seglen > 0 ? lqi_wide_codes(q.codes, q.K, pair_seglen)
                                             : pack == 8                         ? q.codes
                                                                                 : pack_codes(q.codes, pack)));
  in.args.push_back(e.table_f32(L + "_e", q.E));
  in.args.push_back(e.table_f32(L + "_lo", q.B));
  in.args.push_back(e.table_f32(L + "_s", q.D));
  in.args.push_back(e.table_f32(L + "_b", bias));
  return {in};
}

// The choice's defines and scratch (the rows whose output is LQ-packed,
// select.cpp fill_po: QG_OUT_R, QG_OUT_CB, QG_OUT_LA and a YPIX row).
Instance with_choice(Instance in, const select::KernelChoice& c) {
  in.defs.insert(in.defs.end(), c.defines.begin(), c.defines.end());
  in.scratch = !c.scratch.empty();
  return in;
}

std::vector<Instance> emit_act(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  if (i8(g, n.output))  // templates/act_i8.c: the clamp
    return {{c.tmpl, c.kernel, {{"QG_N", str(g.out(n).numel())}}, {0}, false, {str(n.ip.act_min), str(n.ip.act_max)}}};
  return {with_choice({c.tmpl, c.kernel,
                       {{"QG_N", str(g.out(n).numel())}, {"QG_ACT", act_value(ir::op_info(n.op).activation)}}, {0}, false, {}}, c)};
}

std::vector<Instance> emit_pool(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  const bool mx = n.op == Op::MaxPool2d;
  if (c.tmpl == std::string("pool2d_sub.c"))  // max pool on packed sub-byte codes (QG_IBITS from the choice)
    return {with_choice({c.tmpl, c.kernel,
                         {{"QG_H", str(is[0])}, {"QG_W", str(is[1])}, {"QG_C", str(is[2])}, {"QG_OH", str(os[0])}, {"QG_OW", str(os[1])},
                          {"QG_KH", str(w.kh)}, {"QG_KW", str(w.kw)}, {"QG_SH", str(w.sh)}, {"QG_SW", str(w.sw)}, {"QG_PT", str(w.pt)},
                          {"QG_PL", str(w.pl)}},
                         {0}, false, {str(n.ip.act_min), str(n.ip.act_max)}},
                        c)};
  if (i8(g, n.output))
    return {{c.tmpl, c.kernel,
             {{"QG_MAX", mx ? "1" : "0"}, {"QG_H", str(is[0])}, {"QG_W", str(is[1])}, {"QG_C", str(is[2])},
              {"QG_OH", str(os[0])}, {"QG_OW", str(os[1])}, {"QG_KH", str(w.kh)}, {"QG_KW", str(w.kw)},
              {"QG_SH", str(w.sh)}, {"QG_SW", str(w.sw)}, {"QG_PT", str(w.pt)}, {"QG_PL", str(w.pl)},
              {"QG_COUNT_PAD", n.attrs.count_include_pad ? "1" : "0"}, {"QG_T", elem(g, n.output)},
              {"QG_TMIN", g.out(n).i16() ? "(-32768)" : "(-128)"}},
             {0}, false, {str(n.ip.act_min), str(n.ip.act_max)}}};
  Instance in = with_choice({c.tmpl, c.kernel,
                             {{"QG_MAX", mx ? "1" : "0"}, {"QG_H", str(is[0])}, {"QG_W", str(is[1])}, {"QG_C", str(is[2])},
                              {"QG_OH", str(os[0])}, {"QG_OW", str(os[1])}, {"QG_KH", str(w.kh)}, {"QG_KW", str(w.kw)},
                              {"QG_SH", str(w.sh)}, {"QG_SW", str(w.sw)}, {"QG_PT", str(w.pt)}, {"QG_PL", str(w.pl)},
                              {"QG_COUNT_PAD", n.attrs.count_include_pad ? "1" : "0"}},
                             {0}, false, {}},
                            c);
  // the lq_int packed form (pool2d_lqp.c QG_OUT_LQI): the grid step of the output
  if (g.out(n).pack.lqi) in.defs.push_back({"QG_OUT_STEP", hexfloat(g.out(n).pack.step, "grid step")});
  return {in};
}

std::vector<Instance> emit_gap(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const auto& is = g.in(n).shape;
  const select::KernelChoice& c = e.choice(n);
  return {{c.tmpl, c.kernel, {{"QG_HW", str(is[0] * is[1])}, {"QG_C", str(is[2])}}, {0}, false, {}}};
}

std::vector<Instance> emit_add(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const select::KernelChoice& c = e.choice(n);
  if (i8(g, n.output) && c.tmpl == std::string("add_i8_dsp.c")) {
    select::Defines defs = {{"QG_N", str(g.out(n).numel())}};
    defs.insert(defs.end(), c.defines.begin(), c.defines.end());  // QG_R1, QG_R2, QG_CLAMP
    const std::vector<int32_t> v = dsp_add_params(n.ip, g.in(n, 0).q.zero_point, g.in(n, 1).q.zero_point, g.out(n).q.zero_point);
    return {{c.tmpl, c.kernel, defs, {0, 1}, false, {e.local_i32("L" + str(idx) + "_add", std::vector<int64_t>(v.begin(), v.end()))}}};
  }
  if (i8(g, n.output)) {
    const ir::IntParams& p = n.ip;
    return {{c.tmpl, c.kernel, {{"QG_N", str(g.out(n).numel())}, {"QG_T", elem(g, n.output)}}, {0, 1}, false,
             {e.local_i32("L" + str(idx) + "_add",
                          {g.in(n, 0).q.zero_point, g.in(n, 1).q.zero_point, g.out(n).q.zero_point, p.left_shift, p.in1_mult,
                           p.in1_shift, p.in2_mult, p.in2_shift, p.out_mult, p.out_shift, p.act_min, p.act_max})}}};
  }
  return {with_choice({c.tmpl, c.kernel, {{"QG_N", str(g.out(n).numel())}}, {0, 1}, false, {}}, c)};
}

std::vector<Instance> emit_concat(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const auto& os = g.out(n).shape;
  const int64_t ax = n.attrs.axis;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < ax; ++d) outer *= os[static_cast<size_t>(d)];
  for (int64_t d = ax + 1; d < static_cast<int64_t>(os.size()); ++d) inner *= os[static_cast<size_t>(d)];
  std::vector<Instance> r;
  int64_t off = 0;
  for (size_t t = 0; t < n.inputs.size(); ++t) {
    const int64_t row = g.in(n, t).shape[static_cast<size_t>(ax)] * inner;
    r.push_back({c.tmpl, c.kernel,
                 {{"QG_T", elem(g, n.output)}, {"QG_OUTER", str(outer)}, {"QG_ROW", str(row)}, {"QG_OUT_ROW", str(os[static_cast<size_t>(ax)] * inner)}, {"QG_OFF", str(off)}},
                 {static_cast<int>(t)}, false, {}});
    off += row;
  }
  return r;
}

std::vector<Instance> emit_batchnorm(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const std::string L = "L" + str(idx);
  const select::KernelChoice& c = e.choice(n);
  return {{c.tmpl, c.kernel,
           {{"QG_N", str(g.out(n).numel())}, {"QG_C", str(static_cast<int64_t>(n.weight.data.size()))}},
           {0}, false, {e.table_f32(L + "_scale", n.weight.data), e.table_f32(L + "_shift", n.bias.data)}}};
}

std::vector<Instance> emit_relayout(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const bool chw = g.layout == ir::Layout::CHW;
  auto hw = [](const std::vector<int64_t>& s) { return s.size() == 3 ? s[0] * s[1] : 1; };
  auto ch = [](const std::vector<int64_t>& s) { return s.size() == 3 ? s[2] : 1; };
  return {{c.tmpl, c.kernel,
           {{"QG_T", elem(g, n.output)},
            {"QG_N", str(g.out(n).numel())},
            {"QG_IN_CHW", chw && is.size() == 3 ? "1" : "0"},
            {"QG_IN_HW", str(hw(is))},
            {"QG_IN_C", str(ch(is))},
            {"QG_OUT_CHW", chw && os.size() == 3 ? "1" : "0"},
            {"QG_OUT_HW", str(hw(os))},
            {"QG_OUT_C", str(ch(os))}},
           {0}, false, {}}};
}

std::vector<Instance> emit_softmax(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const auto& s = g.out(n).shape;
  const select::KernelChoice& c = e.choice(n);
  if (g.out(n).i16())  // templates/softmax_i16.c: the exp and 1 / (1 + x) tables, the input multiplier
    return {{c.tmpl, c.kernel, {{"QG_ROWS", str(g.out(n).numel() / s.back())}, {"QG_C", str(s.back())}}, {0}, false,
             {e.table_i16("L" + str(idx) + "_lut", n.ip.lut16), str(n.ip.in16_mult), str(n.ip.in16_shift)}}};
  if (i8(g, n.output))
    return {{c.tmpl, c.kernel,
             {{"QG_ROWS", str(g.out(n).numel() / s.back())}, {"QG_C", str(s.back())}},
             {0}, false, {e.table_f32("L" + str(idx) + "_exp", n.ip.softmax_table), hexfloat(g.out(n).q.scale, "output scale"), str(g.out(n).q.zero_point)}}};
  return {{c.tmpl, c.kernel, {{"QG_ROWS", str(g.out(n).numel() / s.back())}, {"QG_C", str(s.back())}}, {0}, false, {}}};
}

std::vector<Instance> emit_elementwise(Emitter& e, const ir::Graph& g, const Node& n, int idx);

std::vector<Instance> emit_quantize(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const select::KernelChoice& c = e.choice(n);
  if (c.tmpl == "table_i8.c") return emit_elementwise(e, g, n, idx);  // int8 -> int8 requantize (its table)
  if (c.tmpl == "unpack_sub.c") {  // packed sub-byte codes -> int8 codes (QG_IBITS)
    Defines d{{"QG_N", str(g.out(n).numel())}};
    d.insert(d.end(), c.defines.begin(), c.defines.end());
    return {{c.tmpl, c.kernel, d, {0}, false, {}}};
  }
  const bool deq = ir::op_info(n.op).int8 == ir::Int8Rule::Dequantize;
  const ir::TensorQuant& q = deq ? g.in(n).q : g.out(n).q;
  return {{c.tmpl, c.kernel,
           {{"QG_DEQUANT", deq ? "1" : "0"}, {"QG_N", str(g.out(n).numel())}, {"QG_IN_T", elem(g, n.inputs[0])},
            {"QG_OUT_T", elem(g, n.output)}},
           {0}, false, {hexfloat(q.scale, "scale"), str(q.zero_point)}}};
}

// Binary ops with broadcasting (templates/binary_f32.c, binary_i8.c): the
// output shape padded to rank 3 and each input's strides (0 where it is
// broadcast); int8: a table of the layer's constants as the argument.
std::vector<Instance> emit_binary(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const select::KernelChoice& c = e.choice(n);
  const auto& os = g.out(n).shape;
  const size_t off = 3 - os.size();
  Defines d;
  int64_t dims[3] = {1, 1, 1};
  for (size_t k = 0; k < os.size(); ++k) dims[k + off] = os[k];
  for (int k = 0; k < 3; ++k) d.push_back({"QG_D" + str(k), str(dims[k])});
  for (size_t t = 0; t < 2; ++t) {
    const auto& is = g.in(n, t).shape;
    int64_t st[3] = {0, 0, 0}, s = 1;
    for (size_t k = os.size(); k-- > 0;) {
      st[k + off] = is[k] == 1 ? 0 : s;
      s *= is[k];
    }
    for (int k = 0; k < 3; ++k) d.push_back({std::string(t ? "QG_B" : "QG_A") + str(k), str(st[k])});
  }
  d.insert(d.end(), c.defines.begin(), c.defines.end());  // QG_BINOP
  if (!i8(g, n.output)) return {{c.tmpl, c.kernel, d, {0, 1}, false, {}}};
  const ir::IntParams& p = n.ip;  // templates/binary_i8.c's table
  return {{c.tmpl, c.kernel, d, {0, 1}, false,
           {e.local_i32("L" + str(idx) + "_bin",
                        {g.in(n, 0).q.zero_point, g.in(n, 1).q.zero_point, g.out(n).q.zero_point, p.left_shift, p.in1_mult,
                         p.in1_shift, p.in2_mult, p.in2_shift, p.out_mult, p.out_shift, p.act_min, p.act_max})}}};
}

std::vector<Instance> emit_slice(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const auto& is = g.in(n).shape;
  const int64_t ax = n.attrs.axis, len = n.attrs.end - n.attrs.begin;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < ax; ++k) outer *= is[static_cast<size_t>(k)];
  for (int64_t k = ax + 1; k < static_cast<int64_t>(is.size()); ++k) inner *= is[static_cast<size_t>(k)];
  return {{c.tmpl, c.kernel,
           {{"QG_T", elem(g, n.output)}, {"QG_OUTER", str(outer)}, {"QG_ROW", str(len * inner)},
            {"QG_IN_ROW", str(is[static_cast<size_t>(ax)] * inner)}, {"QG_OFF", str(n.attrs.begin * inner)}},
           {0}, false, {}}};
}

// pad, transpose, strided_slice: templates/strided_copy.c over ir::copy_map.
std::vector<Instance> emit_strided_copy(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const ir::CopyMap m = ir::copy_map(g, n);
  Defines d = {{"QG_T", elem(g, n.output)}, {"QG_PADV", str(i8(g, n.output) ? g.out(n).q.zero_point : 0)}, {"QG_OFF", str(m.off)}};
  for (int k = 0; k < 3; ++k) {
    d.push_back({"QG_O" + str(k), str(m.out[k])});
    d.push_back({"QG_LO" + str(k), str(m.lo[k])});
    d.push_back({"QG_LEN" + str(k), str(m.len[k])});
    d.push_back({"QG_S" + str(k), str(m.stride[k])});
    d.push_back({"QG_P" + str(k), str(m.step[k])});
  }
  return {{c.tmpl, c.kernel, d, {0}, false, {}}};
}

// mean, global_avgpool: float templates/global_avgpool_f32.c; int8 templates/mean_i8.c with {zp_in, zp_out, m, s}.
std::vector<Instance> emit_mean(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  if (!i8(g, n.output)) return emit_gap(e, g, n, idx);
  const select::KernelChoice& c = e.choice(n);
  const auto& is = g.in(n).shape;
  return {{c.tmpl, c.kernel, {{"QG_HW", str(is[0] * is[1])}, {"QG_C", str(is[2])}}, {0}, false,
           {e.local_i32("L" + str(idx) + "_mean", {g.in(n).q.zero_point, g.out(n).q.zero_point, n.ip.out_mult, n.ip.out_shift})}}};
}

std::vector<Instance> emit_channel_shuffle(Emitter& e, const ir::Graph& g, const Node& n, int) {
  const select::KernelChoice& c = e.choice(n);
  const auto& s = g.in(n).shape;
  return {{c.tmpl, c.kernel,
           {{"QG_T", elem(g, n.output)}, {"QG_HW", str(s[0] * s[1])}, {"QG_C", str(s[2])}, {"QG_G", str(n.attrs.groups)}},
           {0}, false, {}}};
}

// Elementwise one-input ops (sigmoid, ...): QG_N, and the int8 table of an
// Int8Rule::Table op (ir::OpInfo::int8_table) as the kernel's argument. Ops
// with other parameters have their own row below.
std::vector<Instance> emit_elementwise(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  const select::KernelChoice& c = e.choice(n);
  QG_CHECK(n.inputs.size() == 1 && g.in(n).numel() == g.out(n).numel(),
           std::string("no emitter row for ") + ir::op_info(n.op).name + " and it is not elementwise");
  if (g.out(n).i16()) {  // 16x8 LOGISTIC / TANH (ir::OpInfo::int16_lut), templates/lut_i16.c
    const bool tanh = ir::op_info(n.op).int16_lut == ir::Int16Lut::Tanh;
    return {{c.tmpl, c.kernel, {{"QG_N", str(g.out(n).numel())}, {"QG_TANH", tanh ? "1" : "0"}}, {0}, false,
             {str(n.ip.in16_mult), str(n.ip.in16_shift)}}};
  }
  std::vector<std::string> args;
  if (i8(g, n.output)) args.push_back(e.table_i8("L" + str(idx) + "_table", n.ip.table_i8));
  return {{c.tmpl, c.kernel, {{"QG_N", str(g.out(n).numel())}}, {0}, false, args}};
}

// leaky_relu: the table in int8 (emit_elementwise); the slope in float.
std::vector<Instance> emit_leaky_relu(Emitter& e, const ir::Graph& g, const Node& n, int idx) {
  std::vector<Instance> r = emit_elementwise(e, g, n, idx);
  if (!i8(g, n.output)) r[0].defs.push_back({"QG_ALPHA", hexfloat(n.attrs.alpha, "leaky_relu alpha")});
  return r;
}

// The ops whose kernels need more than emit_elementwise gives them.
const std::pair<Op, EmitFn> kEmitters[] = {
    {Op::Conv2d, emit_linear},
    {Op::Dense, emit_linear},
    {Op::Relu, emit_act},
    {Op::Relu6, emit_act},
    {Op::MaxPool2d, emit_pool},
    {Op::AvgPool2d, emit_pool},
    {Op::GlobalAvgPool, emit_mean},
    {Op::Add, emit_add},
    {Op::Concat, emit_concat},
    {Op::BatchNorm, emit_batchnorm},
    {Op::Flatten, emit_relayout},
    {Op::Reshape, emit_relayout},
    {Op::Softmax, emit_softmax},
    {Op::Mul, emit_binary},
    {Op::Sub, emit_binary},
    {Op::Div, emit_binary},
    {Op::Minimum, emit_binary},
    {Op::Maximum, emit_binary},
    {Op::LeakyRelu, emit_leaky_relu},
    {Op::Slice, emit_slice},
    {Op::ChannelShuffle, emit_channel_shuffle},
    {Op::Pad, emit_strided_copy},
    {Op::Transpose, emit_strided_copy},
    {Op::StridedSlice, emit_strided_copy},
    {Op::Mean, emit_mean},
    {Op::Quantize, emit_quantize},
    {Op::Dequantize, emit_quantize},
};

EmitFn emitter_for(Op op) {
  for (const auto& [o, fn] : kEmitters)
    if (o == op) return fn;
  return emit_elementwise;
}

Emitted Emitter::run() {
  Emitted out;
  out.prefix = prefix_;
  out.code_bytes = kRunBytes;
  out.blob = blob_;
  const std::string src = opt_.source.empty() ? g_.file : opt_.source;  // base name only: output must not depend on the folder
  const std::string banner = "/* Generated by " + std::string(kGeneratorVersion) + " (target " + target_.name + ") from " +
                             printable_name(src.substr(src.find_last_of('/') + 1)) + ". Do not edit. */\n";
  const ir::Tensor& tin = g_.tensor(g_.input);
  const ir::Tensor& tout = g_.tensor(g_.output);
  const int64_t arena = std::max<int64_t>(p_.arena_bytes, plan::MemoryPlan::kAlign);

  // Layers. One body per distinct (template, defines), named after the first
  // layer that uses it; every layer calls it with its own tables.
  struct Body {
    std::string fn, tmpl, kernel;
    Defines defs;
    std::vector<std::string> users;  // "layer N 'name'"
  };
  std::vector<Body> bodies;
  std::map<std::string, size_t> body_of;  // template + defines -> index in bodies
  std::string kernels, body;
  const std::vector<int> ins = g_.inputs(), outs = g_.outputs();
  for (size_t k = 0; k < ins.size(); ++k) {
    if (!p_.input_relayout[k]) continue;
    const ir::Tensor& ti = g_.tensor(ins[k]);
    const std::string fn = "qg_" + io_param(true, static_cast<int>(k)) + "_relayout";
    elem_ = elem_type(ti);
    ++out.kernel_instances;
    ++out.kernel_calls;
    out.code_bytes += kernel_body_bytes("relayout_f32.c") + kCallBytes;
    kernels += relayout_instance(fn, {ti.numel()}, false, ti.shape, true, ti.numel());
    body += "  /* caller " + io_param(true, static_cast<int>(k)) + " " + shape_comment(ins[k]) + " " + ir::layout_name(g_.layout) + " -> internal HWC */\n";
    body += "  " + fn + "(" + io_param(true, static_cast<int>(k)) + ", " + ptr(ins[k], false) + ");\n";
  }
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    const int idx = static_cast<int>(i) + 1;
    layer_bytes_ = 0;
    cur_node_ = &n;
    const select::KernelChoice& choice = sel_[i];
    // A max pool fused into the LQ conv before it (select::fuse_lq_pools) has
    // no call: that conv's kernel writes its output.
    std::vector<Instance> insts = choice.fused_into >= 0 ? std::vector<Instance>{}
                                  : choice.halide        ? halide_instance(n, idx)
                                                         : emitter_for(n.op)(*this, g_, n, idx);
    const int out_tensor = choice.pool_node >= 0 ? g_.nodes.at(static_cast<size_t>(choice.pool_node)).output : n.output;
    LayerReport rep;
    rep.node = static_cast<int>(i);
    body += "  /* layer " + str(idx) + " '" + printable_name(n.name) + "': " + ir::op_info(n.op).name + " -> " +
            shape_comment(n.output) + " */\n";
    body += "  QG_LAYER_BEGIN(" + str(idx) + ");\n";
    if (choice.fused_into >= 0) body += "  /* computed by layer " + str(choice.fused_into + 1) + " (max pool fused into its kernel) */\n";
    for (size_t k = 0; k < insts.size(); ++k) {
      Instance& in = insts[k];
      if (in.scratch) {  // the layout the select stage gave the planner (select::ScratchPart); part of the body key
        const select::Defines sd = choice.scratch_defines();
        in.defs.insert(in.defs.end(), sd.begin(), sd.end());
      }
      std::string key = in.tmpl + "\n" + (in.scratch ? "scratch\n" : "") + str(static_cast<int64_t>(in.inputs.size())) + "\n";
      for (const auto& [name, value] : in.defs) key += name + " " + value + "\n";
      auto [it, fresh] = body_of.emplace(key, bodies.size());
      if (fresh)
        bodies.push_back({in.kernel + "_L" + str(idx) + (insts.size() > 1 ? "_" + str(static_cast<int64_t>(k)) : ""), in.tmpl,
                          in.kernel, in.defs, {}});
      Body& b = bodies[it->second];
      b.users.push_back("layer " + str(idx) + " '" + printable_name(n.name) + "'");
      std::string call = "  " + b.fn + "(";
      for (int a : in.inputs) call += ptr(n.inputs[static_cast<size_t>(a)], true) + ", ";
      call += ptr(out_tensor, false);
      if (in.scratch) call += ", A + " + str(p_.scratch[i].offset);
      for (const std::string& a : in.args) call += ", " + a;
      body += call + ");\n";
      ++out.kernel_calls;
      out.code_bytes += kCallBytes;
      rep.function += (rep.function.empty() ? "" : ",") + b.fn;
    }
    body += "  QG_LAYER_END(" + str(idx) + ");\n";
    rep.kernel = choice.kernel;
    rep.table_bytes = layer_bytes_;
    out.layers.push_back(rep);
  }
  cur_node_ = nullptr;
  for (Body& b : bodies) {
    kernels += "/* " + b.fn + ": " + b.kernel + ", called by ";
    for (size_t u = 0; u < b.users.size(); ++u) kernels += (u ? ", " : "") + b.users[u];
    kernels += " */\n";
    b.defs.insert(b.defs.begin(), {"QG_FN", b.fn});
    kernels += instantiate(b.tmpl, b.defs);
    ++out.kernel_instances;
    out.code_bytes += kernel_body_bytes(b.tmpl);
  }
  for (size_t k = 0; k < outs.size(); ++k) {
    if (!p_.output_relayout[k]) continue;
    const ir::Tensor& to = g_.tensor(outs[k]);
    const std::string fn = "qg_" + io_param(false, static_cast<int>(k)) + "_relayout";
    elem_ = elem_type(to);
    ++out.kernel_instances;
    ++out.kernel_calls;
    out.code_bytes += kernel_body_bytes("relayout_f32.c") + kCallBytes;
    kernels += relayout_instance(fn, to.shape, true, {to.numel()}, false, to.numel());
    body += "  /* internal HWC -> caller " + io_param(false, static_cast<int>(k)) + " " + shape_comment(outs[k]) + " " + ir::layout_name(g_.layout) + " */\n";
    body += "  " + fn + "(" + ptr(outs[k], true) + ", " + io_param(false, static_cast<int>(k)) + ");\n";
  }

  auto dims = [](const std::vector<int64_t>& s) {
    std::string r = "{";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + str(s[i]);
    return r + "}";
  };
  const std::string guard = upper_ + "_H_";
  std::string h = banner;
  h += "#ifndef " + guard + "\n#define " + guard + "\n\n#include <stdint.h>\n\n";
  h += "#ifdef __FAST_MATH__\n#error \"" + prefix_ + ": build without -ffast-math (results must match the reference interpreter)\"\n#endif\n\n";
  h += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  h += "/* Caller-provided working memory: " + upper_ + "_ARENA_BYTES bytes, aligned to " + upper_ + "_ARENA_ALIGN. */\n";
  h += "#define " + upper_ + "_ARENA_BYTES " + str(arena) + "\n";
  h += "#define " + upper_ + "_ARENA_ALIGN 16\n";
  // The run function takes the model's inputs, then its outputs, in model
  // order (ir::Graph::inputs(), outputs()); each has its size macros.
  std::string signature;
  for (size_t k = 0; k < ins.size(); ++k) signature += "const " + elem(g_, ins[k]) + " *" + io_param(true, static_cast<int>(k)) + ", ";
  for (size_t k = 0; k < outs.size(); ++k) signature += elem(g_, outs[k]) + " *" + io_param(false, static_cast<int>(k)) + ", ";
  signature += "void *arena";
  auto io_macros = [&](bool in, int k, int id) {  // several inputs or outputs: <MODEL>_INPUT<k>_*, <MODEL>_OUTPUT<k>_*
    const ir::Tensor& t = g_.tensor(id);
    const std::string m = io_macro(in, k);
    const bool i8 = t.dtype == ir::DType::I8;
    h += "/* " + std::string(in ? "Input " : "Output ") + str(static_cast<int64_t>(k)) + " '" + printable_name(t.name) + "' (" + io_param(in, k) +
         "): " + std::string(t.i16() ? "int16 codes (16x8)" : i8 ? "int8 codes" : "float32") + ", layout " +
         (t.shape.size() == 1 ? "C" : ir::layout_name(g_.layout)) + ", shape without batch. */\n";
    if (i8) {
      h += "#define " + m + "_SCALE " + hexfloat(t.q.scale, in ? "input scale" : "output scale") + " /* real = scale * (q - zero_point) */\n";
      h += "#define " + m + "_ZERO_POINT " + str(t.q.zero_point) + "\n";
    }
    h += "#define " + m + "_NAME \"" + printable_name(t.name) + "\"\n";
    h += "#define " + m + "_SIZE " + str(t.numel()) + "\n";
    h += "#define " + m + "_RANK " + str(static_cast<int64_t>(t.shape.size())) + "\n";
    h += "#define " + m + "_SHAPE " + dims(ir::logical_shape(t.shape, g_.layout)) + "\n";
    h += "#define " + m + "_LAYOUT \"" + (t.shape.size() == 1 ? "C" : ir::layout_name(g_.layout)) + "\"\n";
  };
  if (g_.multi_io()) {
    h += "/* " + str(static_cast<int64_t>(ins.size())) + " inputs and " + str(static_cast<int64_t>(outs.size())) +
         " outputs, in model order: the parameters of " + prefix_ + "_run. */\n";
    h += "#define " + upper_ + "_NUM_INPUTS " + str(static_cast<int64_t>(ins.size())) + "\n";
    h += "#define " + upper_ + "_NUM_OUTPUTS " + str(static_cast<int64_t>(outs.size())) + "\n";
  }
  if (g_.multi_io()) {
    for (size_t k = 0; k < ins.size(); ++k) io_macros(true, static_cast<int>(k), ins[k]);
    for (size_t k = 0; k < outs.size(); ++k) io_macros(false, static_cast<int>(k), outs[k]);
  } else {  // the single-input form, as before: scales first, then sizes
    const bool in_i8 = tin.dtype == ir::DType::I8, out_i8 = tout.dtype == ir::DType::I8;
    h += "/* Input: " + std::string(tin.i16() ? "int16 codes (16x8)" : in_i8 ? "int8 codes" : "float32") + ", layout " + std::string(ir::layout_name(g_.layout)) +
         ", shape without batch. */\n";
    if (in_i8) {
      h += "#define " + upper_ + "_INPUT_SCALE " + hexfloat(tin.q.scale, "input scale") + " /* real = scale * (q - zero_point) */\n";
      h += "#define " + upper_ + "_INPUT_ZERO_POINT " + str(tin.q.zero_point) + "\n";
    }
    if (out_i8) {
      h += "#define " + upper_ + "_OUTPUT_SCALE " + hexfloat(tout.q.scale, "output scale") + "\n";
      h += "#define " + upper_ + "_OUTPUT_ZERO_POINT " + str(tout.q.zero_point) + "\n";
    }
    h += "#define " + upper_ + "_INPUT_SIZE " + str(tin.numel()) + "\n";
    h += "#define " + upper_ + "_INPUT_RANK " + str(static_cast<int64_t>(tin.shape.size())) + "\n";
    h += "#define " + upper_ + "_INPUT_SHAPE " + dims(ir::logical_shape(tin.shape, g_.layout)) + "\n";
    h += "#define " + upper_ + "_INPUT_LAYOUT \"" + (tin.shape.size() == 1 ? "C" : ir::layout_name(g_.layout)) + "\"\n";
    h += "/* Output: " + std::string(tout.i16() ? "int16 codes (16x8)" : out_i8 ? "int8 codes" : "float32") + ", same layout convention. */\n";
    h += "#define " + upper_ + "_OUTPUT_SIZE " + str(tout.numel()) + "\n";
    h += "#define " + upper_ + "_OUTPUT_RANK " + str(static_cast<int64_t>(tout.shape.size())) + "\n";
    h += "#define " + upper_ + "_OUTPUT_SHAPE " + dims(ir::logical_shape(tout.shape, g_.layout)) + "\n";
  }
  h += "/* Constant tables (flash), bytes. */\n";
  h += "#define " + upper_ + "_WEIGHT_BYTES " + str(table_bytes_) + "\n\n";
  h += "/* Status codes of " + prefix_ + "_run. */\n";
  h += "#define " + upper_ + "_OK 0\n#define " + upper_ + "_ERR_NULL (-1)\n#define " + upper_ + "_ERR_ALIGN (-2)\n\n";
  if (g_.multi_io())
    h += "/* Runs one inference. `inputK` holds " + upper_ + "_INPUTK_SIZE values, `outputK`\n"
         " * receives " + upper_ + "_OUTPUTK_SIZE values (K in model order, from 0), `arena` is\n"
         " * " + upper_ + "_ARENA_BYTES bytes aligned to 16. No global state: reentrant given separate\n"
         " * arenas. Returns " + upper_ + "_OK. */\n";
  else
    h += "/* Runs one inference. `input` holds " + upper_ + "_INPUT_SIZE values, `output`\n"
         " * receives " + upper_ + "_OUTPUT_SIZE values, `arena` is " + upper_ + "_ARENA_BYTES bytes aligned\n"
         " * to 16. No global state: reentrant given separate arenas. Returns " + upper_ + "_OK. */\n";
  h += "int " + prefix_ + "_run(" + signature + ");\n\n";
  h += "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " + guard + " */\n";

  std::string c = banner;
  c += "#include <math.h>\n#include <stdint.h>\n#include <string.h>\n\n#include \"" + prefix_ + ".h\"\n\n";
  // The runtime headers the emitted kernels include, and nothing else.
  std::vector<std::string> used_templates;
  if (p_.any_relayout()) used_templates.push_back("relayout_f32.c");
  for (const Body& b : bodies) used_templates.push_back(b.tmpl);
  for (const std::string& part : runtime_parts(used_templates)) c += "/* ---- " + part + " ---- */\n" + runtime_text(part) + "\n";
  std::string table_attr;  // the definition of QG_TABLE_ATTR (--weights-section)
  if (!tattr_.empty())
    table_attr = "/* --weights-section: every constant table in section \"" + opt_.weights_section + "\", aligned to " +
                 str(kTableAlign) + " bytes. */\n#if !defined(__GNUC__) && !defined(__clang__)\n#error \"" + prefix_ +
                 ": --weights-section needs GCC or Clang (section attribute)\"\n#endif\n#define QG_TABLE_ATTR __attribute__((section(\"" +
                 opt_.weights_section + "\"), aligned(" + str(kTableAlign) + ")))\n\n";
  c += table_attr;
  if (blob_) {
    c += "extern const uint8_t " + prefix_ + "__blob_u8[];\n";
    c += "extern const float " + prefix_ + "__blob_f32[];\n";
  }
  c += "/* Per-layer hooks (e.g. profiling): build with -DQG_LAYER_BEGIN(i)=... and\n"
       " * -DQG_LAYER_END(i)=...; i is the layer number of report.md. Empty by default. */\n"
       "#ifndef QG_LAYER_BEGIN\n#define QG_LAYER_BEGIN(i) ((void)0)\n#endif\n"
       "#ifndef QG_LAYER_END\n#define QG_LAYER_END(i) ((void)0)\n#endif\n\n";
  c += decls_ + "\n" + locals_ + "\n" + kernels + "\n";
  c += "int " + prefix_ + "_run(" + signature + ") {\n";
  // `qgen diff` (driver/target_exec.cpp, docs/diff.md) defines QG_LAYER_END to read
  // each layer's output through the names A, input and output: keep them.
  c += "  unsigned char *A = (unsigned char *)arena;\n";
  std::string null_check;
  for (size_t k = 0; k < ins.size(); ++k) null_check += "!" + io_param(true, static_cast<int>(k)) + " || ";
  for (size_t k = 0; k < outs.size(); ++k) null_check += "!" + io_param(false, static_cast<int>(k)) + " || ";
  c += "  if (" + null_check + "!arena) return " + upper_ + "_ERR_NULL;\n";
  c += "  if (((uintptr_t)A & 15u) != 0) return " + upper_ + "_ERR_ALIGN;\n";
  c += body;
  c += "  return " + upper_ + "_OK;\n}\n";

  std::string w = banner;
  w += "#include <stdint.h>\n" + table_attr;
  if (blob_) {
    w += "/* The constant tables are in " + prefix_ + "_weights_u8.bin and " + prefix_ + "_weights_f32.bin\n"
         " * (little-endian), pulled in by the assembler: compile this file with\n"
         " * -Wa,-I<this directory> (GCC or Clang, ELF targets). */\n";
    w += "#if !defined(__GNUC__)\n#error \"blob weights need GCC or Clang; recompile the model with --weights-format c\"\n#endif\n";
    for (const char* kind : {"u8", "f32"}) {
      const std::string sym = prefix_ + "__blob_" + kind;
      const std::string section = tattr_.empty() ? ".rodata" : opt_.weights_section + ",\\\"a\\\"";
      w += "__asm__(\".section " + section + "\\n.balign 16\\n.globl " + sym + "\\n" + sym + ":\\n.incbin \\\"" + prefix_ +
           "_weights_" + kind + ".bin\\\"\\n.byte 0\\n.previous\\n\");\n";
    }
    w += i32_text_;
  } else {
    weights_ += i32_text_;
    // The tables can be hundreds of MB: put the header in front of them in
    // place (reserved slack) rather than concatenating copies.
    w += "\n";
    weights_.insert(0, w);
    w = std::move(weights_);
  }
  out.files.push_back({prefix_ + ".h", std::move(h)});
  out.files.push_back({prefix_ + ".c", std::move(c)});
  out.files.push_back({prefix_ + "_weights.c", std::move(w)});
  if (blob_) {
    out.files.push_back({prefix_ + "_weights_u8.bin", std::move(blob_u8_)});
    out.files.push_back({prefix_ + "_weights_f32.bin", std::move(blob_f32_)});
  }
  if (halide_ && halide_->layers()) {
    out.files.push_back({prefix_ + "_halide.o", halide_->compile_object()});
    out.halide_target = halide_->target_string();
    out.halide_compile_seconds = halide_->compile_seconds();
  }
  out.table_bytes = table_bytes_;
  return out;
}

}  // namespace

int64_t scratch_bytes(const ir::Graph& g, const ir::Node& n) { return select::choose(target("c"), g, n).scratch_bytes(); }

Emitted emit_c(const ir::Graph& g, const plan::MemoryPlan& p, const select::Selection& kernels, const EmitOptions& opt) {
  Emitter e(g, p, kernels, opt);
  try {
    return e.run();
  } catch (const NonFiniteConstant& c) {
    char v[32];
    std::snprintf(v, sizeof v, "%g", static_cast<double>(c.value));
    const Node* n = e.current_node();
    user_error(g.file, n ? "layer '" + message_name(n->name) + "'" : std::string("model input / output"),
               "constant " + c.what + " is " + v +
                   ": computing it from the model's parameters overflows float32 (emitted constants must be finite)");
  }
}

std::string c_identifier(const std::string& s) {
  static const std::set<std::string> kReserved = {
      "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
      "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
      "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "asm",
      "bool", "true", "false", "main", "errno", "math", "stdint"};
  std::string r;
  for (unsigned char c : s) r += std::isalnum(c) ? static_cast<char>(c) : '_';
  while (!r.empty() && r[0] == '_') r.erase(0, 1);
  if (r.size() > 48) r.resize(48);
  if (r.empty()) r = "model";
  if (std::isdigit(static_cast<unsigned char>(r[0]))) r = "m" + r;
  if (kReserved.count(r) || r.rfind("qg_", 0) == 0) r = "m_" + r;
  return r;
}

}  // namespace qg::codegen
