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

struct EmitOptions {
  std::string name;  // C prefix (sanitized); default: the graph's name
  WeightsFormat weights = WeightsFormat::Auto;
  int64_t blob_threshold = int64_t{8} << 20;  // Auto: blob above this many table bytes
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
  int64_t table_bytes = 0; // weight codes / floats + per-layer constants
};

struct Emitted {
  std::string prefix;
  std::vector<OutputFile> files;  // .h, .c, _weights.c (+ blobs)
  std::vector<LayerReport> layers;
  int64_t table_bytes = 0;        // all constant tables (flash)
  int64_t kernel_instances = 0;   // specialized kernel functions emitted
  // Rough code size: ~512 bytes of machine code per kernel instance plus the
  // run function (measured on x86-64 and Thumb-2 at -O2: 430-500 per instance).
  int64_t code_bytes_estimate() const { return 512 * kernel_instances + 256; }
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
