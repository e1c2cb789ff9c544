// The compiler pipeline as a readable list of stages. Each stage is a free
// function IR -> IR (or IR -> plan / code); --dump-after=STAGE prints the text
// form of what a stage produced.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "codegen/c_emitter.h"
#include "ir/graph.h"
#include "plan/plan.h"
#include "quant/config.h"
#include "quant/int8.h"
#include "select/select.h"

namespace qg::driver {

struct PipelineOptions {
  std::string net_path;
  std::string config_path;  // empty: float
  std::string target = "c";
  std::string target_features;  // Halide targets (x86-64, cortex-a): feature set, "" = default
  std::string name;         // C prefix override
  std::string dump_after;   // stage name or empty
  bool stop_after_dump = false;
  codegen::WeightsFormat weights = codegen::WeightsFormat::Auto;
  std::string weights_section;  // --weights-section (empty: the compiler's default .rodata)
  // Calibration inputs for scheme int8 (raw float32 file of N inputs, or given directly).
  std::string calibration_path;
  std::vector<std::vector<float>> calibration;
  // Calibration ranges computed once (calibration_ranges below): when set, the
  // quantize stage uses them instead of running the calibration inputs again
  // (`qgen plan` compiles many configs of one fused graph; its float ranges do
  // not depend on the config).
  std::vector<quant::Range> ranges;
  // false: the quantize stage frees the float weights of quantized layers
  // (only their codes are emitted). `qgen compile` sets this; keep it true when
  // the graph is run by the interpreter afterwards (its float mode needs them).
  bool keep_float_weights = true;
};

struct PipelineState {
  ir::Graph graph;
  quant::QuantConfig config;
  std::optional<select::Selection> kernels;  // the select stage: one choice per node
  std::optional<plan::MemoryPlan> plan;
  std::optional<codegen::Emitted> emitted;
};

// Stage names in order: import, fold_batchnorm, fuse_activations, quantize, select, plan, codegen.
std::vector<std::string> stage_names();

// Runs the pipeline up to and including `last_stage` ("" = all). Prints the
// IR to stdout after opts.dump_after. Throws UserError on bad input.
PipelineState run_pipeline(const PipelineOptions& opts, const std::string& last_stage = "");

// Runs the stages `first` through `last` of the same list on `s` (no dumps):
// `qgen eval --sweep` quantizes copies of one fused graph with the
// quantize .. select stages of `qgen compile`, not a copy of them.
void run_stages(PipelineState& s, const PipelineOptions& opts, const std::string& first, const std::string& last);

// "" when the compiled model fits the target's default flash / RAM budgets
// (targets/<name>/target.json), else what exceeds them.
std::string budget_problem(const PipelineState& s, const PipelineOptions& opts);

// report.json and report.md for a compiled model.
std::string report_json(const PipelineState& s, const PipelineOptions& opts);
std::string report_md(const PipelineState& s, const PipelineOptions& opts);

// The tensor ranges of a fused float graph over opts' calibration inputs
// (what the quantize stage computes for scheme int8).
std::vector<quant::Range> calibration_ranges(const ir::Graph& g, const PipelineOptions& opts);

// Raw little-endian float32 file.
std::vector<float> read_f32_file(const std::string& path);

// Raw model values, `elem` bytes each: 1 int8 codes, 2 int16 codes, 4 float32
// (both little-endian, as qgen run, the host programs and the board store
// them). decode_raw reads the whole values of `bytes` (a trailing partial one
// is ignored: callers check the size first); append_raw writes n values.
std::vector<float> decode_raw(const std::string& bytes, int64_t elem);
void append_raw(std::string& out, const float* v, size_t n, int64_t elem);

// Targets known to this build (from targets/*/target.json).
std::vector<std::string> target_names();

}  // namespace qg::driver
