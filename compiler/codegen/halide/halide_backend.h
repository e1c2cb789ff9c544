// Halide backend of the x86-64 and cortex-a targets: int8 (TFLite-semantics)
// convolutions and dense layers become ahead-of-time compiled Halide
// pipelines, one per layer, every shape and constant fixed, linked into one
// object file <prefix>_halide.o. The emitter calls each through a small C
// glue instance (templates/halide_linear_i8.c); every other layer keeps its
// portable C kernel. Only this header is seen by the emitter: Halide.h stays
// inside compiler/codegen/halide/.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "codegen/target.h"
#include "codegen/templates.h"
#include "ir/graph.h"

namespace qg::codegen::halide {

// Which layers run as Halide pipelines, and their scratch, is decided by the
// select stage (select::halide_handles, select::halide_scratch_bytes).

// The Halide target string for qgen target `t` and a user feature list
// ("" = the descriptor's default: the host's features on x86-64). Throws a
// user error for an unknown feature.
std::string halide_target_string(const Target& t, const std::string& features);

// True when the feature set is one of the descriptor's "evex_only" sets
// (x86-64 avx512_vnni_evex): its VNNI target is used only if every Halide
// conv / dense layer has a multiple of 16 output channels; the select stage
// then gives dense layers with other output counts to the portable C kernel
// (feature "halide_evex_only"), and the backend falls back to the narrow
// target if a convolution is not that wide.
bool evex_only(const Target& t, const std::string& features);

// Checks a --target-features value before any work: a user error when the
// target has no Halide kernels or does not know the feature set.
void check_features(const Target& t, const std::string& features);

// Collects the layers of one model and compiles them into one object.
class Backend {
 public:
  Backend(const Target& t, const std::string& features, const std::string& prefix);
  ~Backend();
  // Builds the pipeline of layer `n` as C function `fn`; returns the
  // #defines of its glue instance (the template of its select row).
  Defines add_layer(const ir::Graph& g, const ir::Node& n, const std::string& fn);
  // Compiles every added layer: the bytes of <prefix>_halide.o.
  std::string compile_object();
  const std::string& target_string() const { return target_; }
  double compile_seconds() const { return seconds_; }
  size_t layers() const;

 private:
  Defines add_pool(const ir::Graph& g, const ir::Node& n, const std::string& fn);
  Defines add_add(const ir::Graph& g, const ir::Node& n, const std::string& fn);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string target_;
  double seconds_ = 0;
};

}  // namespace qg::codegen::halide
