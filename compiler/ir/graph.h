// The IR: a graph of ops over tensors. Activations are stored channel-last
// (HWC) internally; `layout` remembers how the user's model orders them
// (shapes in messages and reshape/flatten/concat semantics follow it).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qg::ir {

// Every op, in the order of compiler/ir/ops.def (its one declaration).
enum class Op : uint8_t {
#define QG_OP(id, row) id,
#include "ir/ops.def"
#undef QG_OP
  kCount
};

// Element type of a tensor. Int8 tensors hold TFLite-style asymmetric codes:
// real = scale * (q - zero_point).
enum class DType : uint8_t { F32, I8 };
const char* dtype_name(DType t);

struct TensorQuant {
  float scale = 0.0f;  // 0: none
  int32_t zero_point = 0;
  // I8 tensors: code width. 8 = signed int8 codes, one per byte (TFLite);
  // 4 or 2 = unsigned codes 0..2^bits-1 packed 8/bits per byte, little end
  // first (docs/integer-only.md, "Sub-byte activations"); 16 = signed int16
  // codes, two bytes each, zero point 0 (TFLite's 16x8 quantization: int16
  // activations with int8 weights, docs/integer-only.md "16x8").
  int bits = 8;
};

enum class Layout : uint8_t { Vector, CHW, HWC };
const char* layout_name(Layout l);

enum class Activation : uint8_t { None, Relu, Relu6 };
const char* activation_name(Activation a);

// Storage form of an F32 tensor that only LQ layers read (quant::choose_storage,
// docs/quantization.md §11): a_bits == 0 is plain float32. Otherwise the tensor
// is stored quantized, once, by its producer: the values in HWC order cut into
// regions of `region` consecutive values (region divides the channel count, so
// a region never straddles a pixel), each with its (lo, s) and codes. Bytes:
// the codes, a_bits each (6-bit codes: one per byte), little-end first within a byte (value i at bit
// (i * a_bits) % 8 of byte i * a_bits / 8), padded to 4 bytes; then lo[NR],
// then s[NR] (float32), NR = numel / region.
//
// lqi (docs/quantization.md §12, "Packed storage"): the integer-only form read
// by "lq_int" layers. The values are first put on the tensor's int16 grid of
// step `step` (qg_lqi_grid: the consumers' S_in), each region holds
// (lo, d) of those grid values (qg_lqi_region) and their codes (qg_lqi_code).
// Bytes: the codes as above, then lo[NR] (int16), then one step byte per
// region, k | x << 4 for d = k * 2^x (runtime/qg_lqi.h), padded to 4.
struct LqPacked {
  int a_bits = 0;
  int64_t region = 0;
  bool lqi = false;   // the lq_int form above
  float step = 0.0f;  // lqi: the grid step S of the tensor
  bool on() const { return a_bits != 0; }
  // Bits a code occupies: a_bits, except 6-bit codes which take a byte.
  int code_bits() const { return a_bits == 6 ? 8 : a_bits; }
  // Whether two forms store the same bytes (same a_bits, region, kind, step).
  bool same(const LqPacked& o) const { return a_bits == o.a_bits && region == o.region && lqi == o.lqi && step == o.step; }
};

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;  // internal order: rank 3 = {H, W, C}, rank 1 = {C}
  DType dtype = DType::F32;
  TensorQuant q;               // for I8
  LqPacked pack;               // F32 tensors: stored LQ-packed when pack.on()
  int64_t numel() const;
  // LQ-packed form (quant::choose_storage): bytes of the codes (padded to 4)
  // and number of regions.
  int64_t packed_code_bytes() const { return (numel() * pack.code_bits() + 31) / 32 * 4; }
  int64_t packed_regions() const { return pack.on() ? numel() / pack.region : 0; }
  // Bytes of the region parameters: (lo, s) float32 each, or for the lqi
  // form lo int16 + one step byte, padded to 4.
  int64_t packed_param_bytes() const { return pack.lqi ? (3 * packed_regions() + 3) / 4 * 4 : 8 * packed_regions(); }
  // Bytes in the arena: LQ-packed codes + region parameters; int8-scheme
  // tensors exactly ceil(numel * bits / 8) (sub-byte codes packed); float32.
  int64_t bytes() const {
    if (pack.on()) return packed_code_bytes() + packed_param_bytes();
    return dtype == DType::I8 ? (numel() * q.bits + 7) / 8 : numel() * 4;
  }
  // An int8-scheme tensor of 4- or 2-bit codes, packed (docs/integer-only.md).
  bool sub_byte() const { return dtype == DType::I8 && q.bits < 8; }
  // An integer tensor of int16 codes (TFLite 16x8).
  bool i16() const { return dtype == DType::I8 && q.bits == 16; }
};

struct Window {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  bool padded() const { return pt || pl || pb || pr; }
};

struct Attrs {
  Window win;
  int64_t groups = 1;
  int64_t axis = 0;                   // concat: internal axis
  bool count_include_pad = false;     // avgpool2d
  float epsilon = 1e-5f;              // batchnorm (already applied at import)
  std::vector<int64_t> target_shape;  // reshape: logical shape as written
  float beta = 1.0f;                  // softmax (TFLite models)
  int64_t begin = 0, end = 0;         // slice: [begin, end) along `axis`
  float alpha = 0.01f;                // leaky_relu: the slope below 0
  // pad: per internal axis the elements added before (pads[d]) and after
  // (pads[rank + d]) and, when `steps` is not empty, steps[d] - 1 pad values
  // between neighbouring input elements (interior padding: the zero insertion
  // of a transposed convolution); transpose: output axis d is input axis perm[d];
  // strided_slice: per internal axis begin, end (exclusive), step (>= 1).
  std::vector<int64_t> pads, perm, starts, ends, steps;
};

// A float parameter tensor. Conv weights are stored OHWI ({O, kh, kw, C/groups}),
// so each output channel's weights are its reduction vector in (ky, kx, c)
// order; dense weights are {O, I}.
struct Param {
  std::vector<int64_t> shape;
  std::vector<float> data;
  bool empty() const { return data.empty(); }
};

// ---- quantization choice and result (filled by the quant stage) ----
enum class RegionKind : uint8_t { Layer, Kernel, Block };
struct Region {
  RegionKind kind = RegionKind::Kernel;
  int64_t block = 0;  // for Block
};
std::string region_name(const Region& r);

enum class Scheme : uint8_t { Float, LQ, Int8 };

// Kernel of an LQ layer: multiply-accumulate, table look-up (Yang et al.
// section V, quant/lut.h), or chosen by the cost model (select::resolve_auto).
enum class KernelKind : uint8_t { Mac, Lut, Auto };

struct QuantChoice {
  Scheme scheme = Scheme::Float;
  int w_bits = 8, a_bits = 8;
  Region w_region, a_region;
  KernelKind kernel = KernelKind::Mac;
  int lut_group = 0;   // "lut_group": activation codes per look-up; 0 = compiler's choice
  // "hls": {"parallelism": N}: output channels the --target hls layer computes
  // in parallel (multipliers); 0 = the HLS emitter's default (docs/hls.md).
  int64_t hls_parallelism = 0;
  std::string hls_origin;  // JSON path of the parallelism, for messages
  std::string origin;  // JSON path the choice came from, for messages
  // A "default" block size larger than the layer's reduction length K is
  // clamped to K (w_region / a_region then hold K); these keep the size asked
  // for, 0 when not clamped (quant::resolve_choices; report.json).
  int64_t w_region_requested = 0, a_region_requested = 0;
  // "scheme": "lq_int" (docs/quantization.md §12): scheme is LQ (same regions,
  // weight codes and E, B, D) with the integer-only combination.
  bool lq_int = false;
};

// The quantized form of a conv2d / dense layer (see docs/quantization.md).
// The reduction axis [0, K) of every output channel is cut into segments at the
// boundaries of both the weight regions and the activation regions; segment
// boundaries are the same for every output channel.
struct LinearQuant {
  int64_t K = 0, O = 0;
  int w_bits = 8, a_bits = 8;
  Region w_region, a_region;
  bool a_whole_tensor = false;         // activation region = the whole input (DQ)
  std::vector<int64_t> areg_begin;     // activation regions within a patch, size n+1
  std::vector<int64_t> seg_begin;      // segments, size S+1
  std::vector<int32_t> seg_areg;       // activation region of each segment
  std::vector<int32_t> seg_wreg;       // weight region (within the channel) of each segment
  int64_t n_wreg = 1;                  // weight regions per output channel (1 for layer/kernel)
  std::vector<uint8_t> codes;          // O*K weight codes, 0..2^w_bits-1
  std::vector<float> w_lo, w_s;        // per weight region: [O][n_wreg], or [1] for "layer"
  std::vector<int64_t> P;              // [O][S]: sum of weight codes in the segment
  std::vector<float> B, D, E;          // [O][S]: lo_w, s_w, lo_w*n + s_w*P (see docs)
  bool acc64 = false;                  // Σp·q needs a 64-bit accumulator
  int64_t acc_bound = 0;               // largest possible Σp·q of one segment
  // LUT kernel (quant/lut.h, docs/quantization.md "LUT kernel"); lut_g == 0: MAC.
  // Groups of up to lut_g consecutive codes, cut at segment ends; a group's codes
  // form the index v = Σ_t q[b+t] << (a_bits·t) into its table of Σ p·q.
  int lut_g = 0;
  bool lut_shuf = false;               // every group table padded to 16 entries (pshufb layout)
  std::vector<int64_t> grp_begin;      // groups within a patch, size NG+1
  std::vector<int64_t> seg_grp;        // first group of each segment, size S+1
  std::vector<int64_t> grp_off;        // entry offset of each group's table within a channel, size NG
  int64_t lut_T = 0;                   // entries per output channel
  std::vector<uint8_t> lut;            // uint16 entries as low / high byte planes: [O][2][lut_T] (lut_shuf) or [2][lut_T][O] (quant::lut_entry)
  // Integer-only LQ ("lq_int", docs/quantization.md §12; quant::lower_lq_int):
  // grid steps of the input and output tensors, per output channel and segment
  // the constants E, B, D as integers of at most `mbits` bits scaled by 2^f[o],
  // and the output requantization (qg_lqi_requant) per output channel.
  bool lqi = false;
  float S_in = 1.0f, S_out = 1.0f;
  int mbits = 0;
  std::vector<int32_t> Em, Bm, Dm;              // [O][S]
  std::vector<int32_t> f, rq_r, rq_m, rq_n;     // [O]: 2^f scale, pre-shift, multiplier, shift
  std::vector<int32_t> bias_g;                  // [O]: bias on the output grid
  int32_t act_min = -32768, act_max = 32767;    // fused activation on the output grid
  double T_bound = 0;                           // largest |T| the compiler proved (report)
  int64_t lut_groups() const { return static_cast<int64_t>(grp_begin.size()) - 1; }
  int64_t segments() const { return static_cast<int64_t>(seg_begin.size()) - 1; }
  int64_t aregions() const { return static_cast<int64_t>(areg_begin.size()) - 1; }
};

// Integer-only conv2d / dense (Rusci et al.; TFLite int8 semantics): symmetric
// per-channel weights, int32 bias and accumulation, requantization by a 32-bit
// fixed-point multiplier and shift per output channel (docs/integer-only.md).
struct IntLinear {
  int w_bits = 8;
  std::vector<int8_t> weight;       // same layout as Node::weight (OHWI / [O][I]), zero point 0
  std::vector<float> w_scale;       // per output channel (size O)
  std::vector<int32_t> bias;        // [O], scale = input scale * w_scale[o]
  std::vector<int64_t> bias64;      // 16x8 layers (int16 input): the int64 bias instead, [O]
  std::vector<int32_t> mult, shift; // [O]: set by quant::lower_int8
  // TFLite's FULLY_CONNECTED requantizes with one rounding (qg_mbqm_single),
  // CONV_2D / DEPTHWISE_CONV_2D with two (qg_mbqm): set by quant::lower_int8.
  bool single_rounding = false;
};

// Fixed-point parameters of the other int8 ops (set by quant::lower_int8).
struct IntParams {
  int32_t act_min = -128, act_max = 127;  // clamp of the output codes (fused activation)
  // add: inputs scaled by (mult, shift) after a left shift, output requantized.
  int32_t left_shift = 0, in1_mult = 0, in1_shift = 0, in2_mult = 0, in2_shift = 0, out_mult = 0, out_shift = 0;
  // softmax (TFLite int8 kernel: a float exp table)
  std::vector<float> softmax_table;
  // Int8Rule::Table ops (ir::OpInfo::int8_table): output code of input code v at [v + 128], 256 entries
  std::vector<int8_t> table_i8;
  // 16x8 (int16 codes). LOGISTIC / TANH (ir::OpInfo::int16_lut): the input
  // code rescaled as (x * in16_mult + round) >> in16_shift (qg_lut16_in);
  // softmax: the input difference's TFLite multiplier (qg_mbqm).
  int32_t in16_mult = 0, in16_shift = 0;
  // 16x8 softmax: TFLite's exp table over [-10, 0] (513 entries), then its
  // 1 / (1 + x) table over [0, 1] (513), read by qg_lut16.
  std::vector<int16_t> lut16;
};

struct Node {
  std::string name;
  Op op = Op::Relu;
  std::vector<int> inputs;  // tensor ids
  int output = -1;          // tensor id
  Attrs attrs;
  Activation act = Activation::None;  // fused activation (conv2d, dense)
  Param weight, bias;                 // conv/dense; batchnorm: per-channel scale, shift
  QuantChoice quant;
  std::shared_ptr<const LinearQuant> lq;  // set when quant.scheme == LQ
  std::shared_ptr<IntLinear> il;          // set when quant.scheme == Int8 (conv2d, dense)
  IntParams ip;                           // int8 ops
  std::string src;                        // "layers[3]": where it came from
};

struct Graph {
  std::string name;  // model name as given
  std::string file;  // source file, for messages
  Layout layout = Layout::CHW;
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;
  // The model's inputs and outputs in model order (the order of the emitted
  // C API, of `qgen run --input/--output`, and of the interpreter's
  // back-to-back vectors): `input` / `output` are the first, `more_inputs` /
  // `more_outputs` the rest (empty for a model with one input and one output).
  int input = -1, output = -1;
  std::vector<int> more_inputs, more_outputs;
  std::vector<int> inputs() const;
  std::vector<int> outputs() const;
  bool multi_io() const { return !more_inputs.empty() || !more_outputs.empty(); }
  // Index of tensor t among inputs() / outputs(), -1 when it is not one.
  int input_index(int t) const;
  int output_index(int t) const;

  const Tensor& tensor(int id) const { return tensors.at(static_cast<size_t>(id)); }
  Tensor& tensor(int id) { return tensors.at(static_cast<size_t>(id)); }
  const Tensor& in(const Node& n, size_t i = 0) const { return tensor(n.inputs.at(i)); }
  const Tensor& out(const Node& n) const { return tensor(n.output); }
  // Nodes reading tensor t, in execution order.
  std::vector<int> consumers(int t) const;
};

// Removes the nodes whose `drop` flag is set, keeping the order of the rest.
void remove_nodes(Graph& g, const std::vector<bool>& drop);

// Logical (declared-layout) shape of an internal shape, for messages and I/O.
std::vector<int64_t> logical_shape(const std::vector<int64_t>& internal, Layout l);
std::vector<int64_t> internal_shape(const std::vector<int64_t>& logical, Layout l);
// Index of element `internal_index` of a tensor in declared-layout order.
int64_t logical_index(const std::vector<int64_t>& internal_shape, Layout l, int64_t internal_index);
std::string shape_str(const std::vector<int64_t>& s);

// Length of the reduction axis (im2col patch) of conv2d / dense.
int64_t reduction_length(const Graph& g, const Node& n);
// Multiply-accumulates of one inference of the node (0 for ops without).
int64_t node_macs(const Graph& g, const Node& n);

// Importers of binary formats call this last: every model, tensor and node
// name must be UTF-8 (report.json and `qgen import` write them as JSON), else
// a user error naming the file and the name (non-printable bytes as '_').
void check_names_utf8(const Graph& g, const std::string& label);

}  // namespace qg::ir
