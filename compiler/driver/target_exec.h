// Builds the code qgen emitted for a target into a program, runs it on given
// inputs and reads back its outputs (and, for `qgen diff`, every layer's
// output tensor). Used by `qgen diff` and `qgen validate`.
//
// Host targets (c, x86-64) are built with the host C compiler and run
// directly; cortex-a with aarch64-linux-gnu-gcc under qemu-aarch64; cortex-m7
// with arm-none-eabi-gcc and the board files of targets/cortex-m7 (embedded in
// qgen; build-elf.sh and run-qemu.sh, written to the temporary folder) under
// qemu-system-arm's mps2-an500, the results coming back through semihosting.
//
// The program is a generated driver plus the emitted package, all in a
// temporary folder that is removed afterwards. Layer dumps use the emitted
// code's QG_LAYER_END(i) hook: the driver's header, force-included, defines it
// as a call that reads layer i's output tensor from where the memory plan put
// it (the arena `A`, or the caller's input / output buffer: the hook expands
// inside <prefix>_run, where those three names are in scope). Everything the
// program reports travels as text lines on its standard output (semihosting
// on the Cortex-M7), so host and board runs share one reader.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "driver/pipeline.h"

namespace qg::driver {

struct ExecOptions {
  std::string target = "c";  // c, x86-64, cortex-a, cortex-m7
  std::string cc;            // "" = the target's default compiler
  std::string cflags;        // the user's flags, after the defaults
  bool dump_layers = false;  // also read every layer's output tensor
  bool keep_temp = false;    // keep the temporary folder (its path is printed on stderr)
};

struct ExecResult {
  // Per input: the model outputs back to back in model order (as
  // interp::run gives them), one float per element (int8 / int16 codes as floats).
  std::vector<std::vector<float>> outputs;
  // With dump_layers, per input and layer (graph node order): the layer's
  // output tensor in the internal layout, as the interpreter's
  // run_all_tensors gives it.
  std::vector<std::vector<std::vector<float>>> layers;
  std::string toolchain;  // e.g. "gcc -std=c99 -O2 -ffp-contract=off" or "arm-none-eabi-gcc ... under qemu-system-arm"
};

// Flags of `cflags` known to break bit-exactness with the interpreter
// (-ffast-math, -Ofast, -ffp-contract=fast, ...), each with the reason.
struct BadFlag {
  std::string flag, why;
};
std::vector<BadFlag> exactness_breaking_flags(const std::string& cflags);

// Builds and runs the emitted code of `s` (a full pipeline run for
// o.target) on `inputs` (model layout; int8 / int16 codes as floats for an
// integer input; a model with several inputs: each sample holds them back to
// back in model order, as interp::run takes them). `progress(done)` is called as inputs complete. Throws UserError on
// a missing tool, a refused flag (one that defines __FAST_MATH__: the emitted
// header refuses it), a build failure (with the compiler's first messages)
// or a program that fails.
ExecResult run_emitted(const PipelineState& s, const std::vector<std::vector<float>>& inputs, const ExecOptions& o,
                       const std::function<void(size_t done)>& progress = nullptr);

// Reads the files of model inputs, one per model input in model order
// (`qgen run --input`): float32, int8 codes or int16 codes (little-endian) as
// the input is typed, N samples back to back, the same N in every file.
// Returns N samples, each the model's inputs back to back. One UserError if
// the number of files or a size does not fit the model.
std::vector<std::vector<float>> read_model_inputs(const std::vector<std::string>& paths, const ir::Graph& g);

}  // namespace qg::driver
