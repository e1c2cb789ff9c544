// Every op is described once, here: its net.json name, arity, which attribute
// groups and parameters it accepts, shape inference, its MAC count, and its
// capabilities (what the passes, the quant stage, the planner and the net.json
// writer need to know about it). Stages read these fields rather than test for
// particular ops; where a stage needs per-op code (interpreter kernels,
// emitters, the int8 parameters of add / softmax) it keeps one table keyed by
// ir::Op, never a switch over ops. tests/unit/test_op_tables.cpp fails when
// a table lacks a row.
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::ir {

enum AttrGroup : unsigned {
  kAttrWindow = 1u << 0,    // kernel, stride, padding, dilation
  kAttrKernelReq = 1u << 1, // `kernel` is required and the stride defaults to it (pools);
                            // without it (conv) the kernel comes from the weight and the stride is 1
  kAttrGroups = 1u << 2,
  kAttrAxis = 1u << 3,
  kAttrShape = 1u << 4,
  kAttrCountPad = 1u << 5,
  kAttrEpsilon = 1u << 6,
  kAttrDilation = 1u << 7,
  kAttrRange = 1u << 8,     // begin, end along `axis` (slice)
  kAttrAlpha = 1u << 9,     // alpha (leaky_relu)
};

// How an op's parameters are written in net.json and held in Node::weight / bias.
enum class ParamForm : uint8_t {
  None,
  Matrix,     // `weight` [O, I] and optional `bias` [O], stored as written (dense)
  ConvOIHW,   // `weight` [O, C/groups, kh, kw] in net.json, stored OHWI; optional `bias` [O] (conv2d)
  BatchNorm,  // `scale`, `bias`, `mean`, `var` in net.json; stored folded: weight = per-channel scale, bias = shift
};

// How quant::to_int8 and quant::lower_int8 treat an op (docs/integer-only.md).
enum class Int8Rule : uint8_t {
  FloatOnly,   // no int8 kernel: int8 inputs are dequantized before it
  Linear,      // runs in int8 when its choice is scheme int8: integer weights, per-channel requantization
  Requantize,  // runs in int8 when fed int8; own output quantization (calibration or model); op-specific
               // parameters (quant/int8.cpp's table)
  KeepQuant,   // runs in int8 when fed int8; the output keeps the input's (scale, zero point); an op with
               // several inputs runs in int8 only when they all have the same (quant::to_int8)
  FixedQuant,  // runs in int8 when fed int8; the output quantization is OpInfo::int8_out; op-specific
               // parameters (quant/int8.cpp's table)
  Table,       // runs in int8 when fed int8; the output quantization is OpInfo::int8_out; the kernel is a
               // 256-entry table of OpInfo::int8_table over the input codes (TFLite's LUTPopulate; built
               // by quant::lower_int8 into IntParams::table_i8, read by one interpreter kernel and one template)
  Quantize,    // float -> int8 (inserted by to_int8 / importers)
  Dequantize,  // int8 -> float
};

// 16x8 (int16 codes): TFLite's int16 LOGISTIC / TANH kernels, which read one
// sigmoid table with linear interpolation (runtime/qg_fixed.h
// qg_logistic_i16 / qg_tanh_i16; input rescale from quant::lower_int8).
enum class Int16Lut : uint8_t { None, Logistic, Tanh };

// Shape of a conv2d or dense layer as one convolution over HWC: a dense layer
// is a 1x1 convolution over a 1x1 image.
struct ConvGeom {
  int64_t H = 1, W = 1, C = 1, OH = 1, OW = 1, O = 1, G = 1;
  Window win;
  int64_t reduction() const { return win.kh * win.kw * (C / G); }  // im2col patch length
};

struct OpInfo {
  Op op;
  const char* name;
  int min_inputs, max_inputs;  // max -1: unbounded
  unsigned attrs;              // AttrGroup bits
  std::vector<const char*> params;  // parameter keys in net.json
  bool quantizable;            // has a reduction over weights and takes a precision choice (quant.json)
  int rank_in;                 // required input rank (0: any)
  // Sets the output tensor's shape; reports bad shapes as user errors.
  void (*infer)(Graph& g, Node& n);
  int64_t (*macs)(const Graph& g, const Node& n);
  bool internal = false;       // made by passes/importers, not written in net.json

  // ---- capabilities ----
  ParamForm param_form = ParamForm::None;
  // Non-null for the linear ops (weights per output channel, bias, a reduction).
  ConvGeom (*geom)(const Graph& g, const Node& n) = nullptr;
  // The float kernels apply a fused activation (Node::act), so fuse_activations
  // may fold a following relu / relu6 into it.
  bool fused_act = false;
  // The op is this activation function on its own (relu, relu6).
  Activation activation = Activation::None;
  // Bit i: the op's kernels may write the output over input i (elementwise
  // kernels that read x[i] before writing y[i] and nothing else).
  unsigned in_place = 0;
  // Copies elements to their declared-layout positions (flatten, reshape): in
  // place only when no CHW <-> HWC reordering happens.
  bool relayout = false;
  Int8Rule int8 = Int8Rule::FloatOnly;
  TensorQuant int8_out;        // Int8Rule::FixedQuant / Table: the output's quantization
  // Int8Rule::Table: the float function the table samples, as TFLite's int8
  // kernel computes it (e.g. 1.0f / (1.0f + std::exp(-x)) for LOGISTIC).
  float (*int8_table)(float) = nullptr;
  // Int8Rule::Linear: TFLite requantizes with one rounding (FULLY_CONNECTED,
  // qg_mbqm_single) instead of two (CONV_2D, DEPTHWISE_CONV_2D, qg_mbqm).
  bool int8_single_rounding = false;
  // The int8 kernel is y = IntParams::table_i8[x + 128] (interp::k_table_i8,
  // templates/table_i8.c): every Int8Rule::Table op, and elementwise
  // Int8Rule::Requantize ops whose parameters function computes the table
  // with TFLite's integer arithmetic (leaky_relu, hardswish).
  bool int8_lut = false;
  // Int8Rule::Table ops with a 16x8 kernel (int16 input and output).
  Int16Lut int16_lut = Int16Lut::None;
  // A several-input Int8Rule::KeepQuant op that runs in int8 even when its
  // inputs' quantizations differ: quant::to_int8 gives the output its own
  // calibrated quantization and requantizes every input that differs
  // (concat: what the TFLite converter does for CONCATENATION).
  bool int8_requantize_inputs = false;
};

const OpInfo& op_info(Op op);
const OpInfo* find_op(const std::string& name);  // net.json ops only; nullptr if unknown
std::string known_op_names();                    // "conv2d, dense, ..." for messages
// Names of the ops whose rows satisfy `pred`, in table order, for messages:
// "a, b" + last_sep + "c".
std::string op_names_where(bool (*pred)(const OpInfo&), const char* last_sep = ", ");
// The op that is activation `a` on its own (Op::Relu for Activation::Relu).
Op activation_op(Activation a);
// The op may produce an int8 output (it has an int8 kernel).
inline bool int8_output(const OpInfo& i) { return i.int8 != Int8Rule::FloatOnly && i.int8 != Int8Rule::Dequantize; }
// The op may produce a float output (it has a float kernel).
inline bool float_output(const OpInfo& i) { return i.int8 != Int8Rule::Quantize; }
// Computes int8 from int8 inputs (not the float <-> int8 conversions).
inline bool int8_compute(const OpInfo& i) { return int8_output(i) && i.int8 != Int8Rule::Quantize; }

// ---- node helpers (the only op tests outside the table) ----
inline bool is_linear(const Node& n) { return op_info(n.op).geom != nullptr; }
// A linear node as a convolution (QG_CHECKs that it is linear).
ConvGeom conv_geom(const Graph& g, const Node& n);
// A conv2d with one input and one output channel per group and more than one
// channel (TFLite's DEPTHWISE_CONV_2D with depth multiplier 1).
bool is_depthwise(const Graph& g, const Node& n);

// pad, transpose and strided_slice as one strided copy over the output,
// both shapes padded to rank 3 with leading 1s: output element (i0, i1, i2)
// reads a_d = i_d - lo[d]; when some a_d is outside [0, len[d]) or not a
// multiple of step[d] (pad's interior padding) it is the pad value (zero;
// int8: the zero point), else x[off + sum_d (a_d / step[d]) * stride[d]].
struct CopyMap {
  int64_t out[3] = {1, 1, 1}, lo[3] = {0, 0, 0}, len[3] = {1, 1, 1}, stride[3] = {0, 0, 0}, step[3] = {1, 1, 1};
  int64_t off = 0;
};
CopyMap copy_map(const Graph& g, const Node& n);

// Output size of a sliding window along one axis; 0 when it does not fit.
int64_t window_out(int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t pad_lo, int64_t pad_hi);

}  // namespace qg::ir
