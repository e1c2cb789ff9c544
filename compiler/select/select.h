// The select_kernels stage (after quantization, before planning): which
// kernel runs every node on a target. One priority-ordered table of rows
// (select.cpp, kRows): Halide -> Arm DSP -> packed -> LUT -> LQ -> int8 ->
// float, then the portable kernels of the other ops. The first row whose op,
// data and predicate match a node gives its KernelChoice: template, kernel
// name, scratch layout and the #defines the choice fixes. The planner sizes
// scratch from it, the emitter instantiates it, the reports print it; nothing
// else decides. Pure functions of the IR and the target descriptor.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "quant/lut.h"
#include "target/target.h"

namespace qg::select {

using target::Target;
using Defines = std::vector<std::pair<std::string, std::string>>;

// ---- Armv7E-M DSP kernels (templates/conv2d_i8_smlad.c, dwconv2d_i8_smlad.c) ----
enum class DspKind { None, Gemm, Depthwise };

struct DspChoice {
  DspKind kind = DspKind::None;
  int w_bits = 8;         // 8, or 4 / 2 packed (Gemm only)
  bool direct = false;    // Gemm: columns are input pixels (no im2col)
  int64_t K = 0, KP = 0;  // Gemm: taps per output channel; K padded for packing
  // Gemm, w_bits 8: rows stored in pairs, two weights per halfword
  // (templates/conv2d_i8_smlad.c QG_HILO; hilo_rows_exact gives the condition).
  bool hilo = false;
  int hilo_block = 1;  // pairs per block whose words are interleaved: 4 (one-pixel layers), 2 (more pixels, O % 4 == 0) or 1
  // Packed sub-byte activations (templates/conv2d_sub_smlad.c QG_SUB_BX):
  // output pixels per block of the patch path (even; 0: the im2col path);
  // depthwise: of the block path (templates/dwconv2d_i8_smlad.c QG_SUB_BX).
  int64_t sub_bx = 0;
  int64_t scratch = 0;    // bytes of scratch the kernel needs
  // Depthwise: bytes of scratch for the border's table of tap offsets, 0 when
  // it fits the output (templates/dwconv2d_i8_smlad.c QG_TAB_IN_Y).
  int64_t dw_tab = 0;
  // Depthwise with packed sub-byte activations (the block path of
  // templates/dwconv2d_i8_smlad.c, sub_bx output pixels per block): bytes of
  // the input patch (KH ((sub_bx - 1) SW + KW) C) and of the int8 output
  // row ((OW + 1) C when packed afterwards; 2 C for an 8-bit output).
  int64_t dw_patch = 0, dw_row = 0;
};

// True when the pair-packed rows of runtime/qg_arm_dsp.h (QG_HL_PAIR) give
// exact sums for these int8 weights [O][K]: O >= 2 and, for every pair of rows
// (2p, 2p+1), no w[2p+1][k] == -128 where w[2p][k] < 0 (the stored byte
// w[2p+1][k] - 1 fits int8) and 128 * sum_k |w[2p+1][k]| < 2^23 (the odd
// row's sum is recovered from the upper 24 bits).
bool hilo_rows_exact(const std::vector<int8_t>& w, int64_t O, int64_t K);

// Which DSP kernel (if any) runs integer-only node `n` on target `t`.
DspChoice dsp_choice(const ir::Graph& g, const ir::Node& n, const Target& t);

// ---- Halide (x86-64, cortex-a: "halide" among the target's kernel families) ----
bool halide_enabled(const Target& t);
// True when layer `n` runs as a Halide pipeline on target `t`: integer-only
// conv (groups 1 or depthwise), dense with a multiple of 4 output channels
// (also with a packed 4/2-bit input or output: row halide_linear_sub, whose
// glue unpacks and packs), int8 max pool.
bool halide_handles(const Target& t, const ir::Graph& g, const ir::Node& n);
// True when no int32 partial sum of the Halide conv / dense pipeline can
// overflow for this layer (integer weights and biases, input zero point), on
// either Halide target; else the layer runs the portable C kernel.
bool halide_accumulator_fits(const ir::IntLinear& il, int64_t in_zp);
// Arena scratch of a Halide layer: conv / dense: the input re-laid out with
// its padding (channels rounded up to 4); max pool: none.
int64_t halide_scratch_bytes(const ir::Graph& g, const ir::Node& n);

// ---- the choice of one node ----
// A named part of a layer's scratch buffer: the template receives its offset
// as QG_SCR_<NAME> and the total as QG_SCRATCH_BYTES, and checks at compile
// time that the layout holds what it needs.
struct ScratchPart {
  std::string name;  // upper case: "COLS", "PATCH", ...
  int64_t offset = 0, bytes = 0;
};

struct KernelChoice {
  std::string row;     // the table row that matched (--dump-after=select)
  std::string tmpl;    // templates/<tmpl>
  std::string kernel;  // qg_<op>_<variant>__<target> (templates/README.md)
  std::vector<ScratchPart> scratch;  // in offset order
  Defines defines;     // compile-time parameters fixed by the choice (QG_WBITS, QG_WPACK, ...)
  bool halide = false; // the layer is a Halide pipeline (the template is its C glue)
  int w_pack = 8;      // LQ MAC: weight code bits per stored code (8: one per byte)
  bool row16 = false;  // LUT: UADD16 rows of uint16 entries (QG_ROW16)
  DspChoice dsp;       // Arm DSP rows
  // Max pool fused into an LQ convolution (fuse_lq_pools, docs/quantization.md
  // §11): on the conv2d_lqp.c choice, the max pool node whose packed output
  // the conv's kernel writes (the conv's own float output is never stored);
  // on that pool's choice, the conv node that computes it (no call of its own).
  int pool_node = -1;
  int fused_into = -1;
  int64_t scratch_bytes() const { return scratch.empty() ? 0 : scratch.back().offset + scratch.back().bytes; }
  // QG_SCRATCH_BYTES and QG_SCR_<NAME> of the layout.
  Defines scratch_defines() const;
};

// One KernelChoice per node, in node order.
using Selection = std::vector<KernelChoice>;

// Which data a node carries, for the table's `data` column.
enum class Data { Float, Int8, LQ, Any };

struct Row {
  const char* name;
  std::vector<ir::Op> ops;
  Data data;
  const char* tmpl;
  const char* variant;  // rows without fill: the kernel is qg_<op>_<variant>__c
  // nullptr: always (for matching op and data).
  bool (*when)(const Target& t, const ir::Graph& g, const ir::Node& n);
  // Kernel name, scratch layout and defines of a matching node.
  void (*fill)(KernelChoice& c, const Target& t, const ir::Graph& g, const ir::Node& n);
};

// The table, in priority order (for tests and docs).
const std::vector<Row>& rows();

// The choice of node `n` on target `t`: the first matching row.
KernelChoice choose(const Target& t, const ir::Graph& g, const ir::Node& n);

// Costs of one layer's Σp·q by multiply-accumulate / by table look-up under
// a target's cost row (the op counts of quant::count_layer_ops).
double mac_cost(const quant::LayerOps& ops, const target::LutCosts& c);
double lut_cost(const quant::LayerOps& ops, const target::LutCosts& c);

// The cost model of "kernel": "auto" (the target's "lut_costs" row).
// Turns every LQ layer's "auto" into mac or lut: LUT where it is cheaper,
// greedily by cost saved per extra flash byte, while all LUT tables (explicit
// "lut" layers included) stay within the target's lut_flash_budget; a table
// that does not fit is never picked. Layers already quantized (n.lq) that get
// the LUT have their table built (quant::build_lut). Used by the select stage
// and by `qgen report` (on the unquantized graph).
ir::Graph resolve_auto(ir::Graph g, const Target& t);

// One choice per node (the select stage runs resolve_auto first).
Selection select_kernels(const ir::Graph& g, const Target& t);

// Text form for --dump-after=select: one line per node.
std::string print_selection(const ir::Graph& g, const Selection& s);

}  // namespace qg::select
