// Portable C99 code generator (--target c).
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"
#include "codegen/target.h"
#include "plan/plan.h"
#include "select/select.h"

namespace qg::codegen {

enum class WeightsFormat { Auto, C, Blob };

// Alignment of every constant table under --weights-section: the DSP kernels
// read weights a word at a time, and int32 / float tables need 4 anyway.
constexpr int kTableAlign = 4;

struct EmitOptions {
  std::string name;  // C prefix (sanitized); default: the graph's name
  WeightsFormat weights = WeightsFormat::Auto;
  int64_t blob_threshold = int64_t{8} << 20;  // Auto: blob above this many table bytes
  // Non-empty: every constant table is placed in this linker section, aligned
  // to kTableAlign (GCC / Clang attribute; blobs: the assembler's .section).
  std::string weights_section;
  std::string source;                         // input file; its base name is in the generated banner
  std::string target = "c";                   // targets/<name>/target.json
  std::string target_features;                // Halide targets: feature set ("" = the target's default)
};

struct OutputFile {
  std::string name;
  std::string content;
};

struct LayerReport {
  int node = -1;
  std::string kernel;      // kernel name (select::KernelChoice::kernel)
  std::string function;    // the emitted function(s) it calls (shared with other layers of equal shape)
  int64_t table_bytes = 0; // weight codes / floats + per-layer constants
  // --target hls: accumulator width and bound, parallelism, resource and
  // latency estimates (codegen/hls_emitter.h), in report.json's "hls" object.
  std::vector<std::pair<std::string, int64_t>> hls;
};

struct Emitted {
  std::string prefix;
  std::vector<OutputFile> files;  // .h, .c, _weights.c (+ blobs)
  std::vector<LayerReport> layers;
  int64_t table_bytes = 0;        // all constant tables (flash)
  int64_t kernel_instances = 0;   // kernel bodies (functions) emitted, each shared by the layers of equal shape
  int64_t kernel_calls = 0;       // calls of them in <prefix>_run (one per layer and instance)
  // Rough machine-code size (.text at -O2) of <prefix>.c: per body a size by
  // template, 24 bytes per call, 128 for the rest of the run function
  // (kernel_body_bytes in c_emitter.cpp says where the figures come from).
  int64_t code_bytes = 0;
  int64_t code_bytes_estimate() const { return code_bytes; }
  bool blob = false;
  std::string halide_target;          // Halide targets: the Halide target string used
  double halide_compile_seconds = 0;  // time spent in Halide (lowering + LLVM)
};

// Scratch bytes of the kernel the select stage picks for `n` on the portable
// C target (a plan::ScratchFn for tests).
int64_t scratch_bytes(const ir::Graph& g, const ir::Node& n);

// The files of graph `g` with memory plan `p`; `kernels` = the select stage's
// choice for every node (select::select_kernels).
Emitted emit_c(const ir::Graph& g, const plan::MemoryPlan& p, const select::Selection& kernels, const EmitOptions& opt);

// A C identifier from any string: [A-Za-z0-9_], not starting with a digit,
// no leading underscore, not a C keyword. Empty -> "model".
std::string c_identifier(const std::string& s);

extern const char* const kGeneratorVersion;

}  // namespace qg::codegen
