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

// True when `t` compiles some layers with Halide ("halide" in its kernels).
bool enabled(const Target& t);

// True when layer `n` runs as a Halide pipeline on target `t`.
bool handles(const Target& t, const ir::Graph& g, const ir::Node& n);

// Arena scratch of a Halide layer: conv / dense: the input re-laid out with
// its padding (channels rounded up to 4, values offset for the target's dot
// product); max pool: none.
int64_t scratch_bytes(const ir::Graph& g, const ir::Node& n);

// The Halide target string for qgen target `t` and a user feature list
// ("" = the descriptor's default: the host's features on x86-64). Throws a
// user error for an unknown feature.
std::string halide_target_string(const Target& t, const std::string& features);

// Checks a --target-features value before any work: a user error when the
// target has no Halide kernels or does not know the feature set.
void check_features(const Target& t, const std::string& features);

// Collects the layers of one model and compiles them into one object.
class Backend {
 public:
  Backend(const Target& t, const std::string& features, const std::string& prefix);
  ~Backend();
  // Builds the pipeline of layer `n` as C function `fn`; returns the
  // #defines of its glue instance (template glue_template(n)).
  Defines add_layer(const ir::Graph& g, const ir::Node& n, const std::string& fn);
  static const char* glue_template(const ir::Node& n) {
    return n.op == ir::Op::MaxPool2d ? "halide_pool_i8.c" : "halide_linear_i8.c";
  }
  // Compiles every added layer: the bytes of <prefix>_halide.o.
  std::string compile_object();
  const std::string& target_string() const { return target_; }
  double compile_seconds() const { return seconds_; }
  size_t layers() const;

 private:
  Defines add_pool(const ir::Graph& g, const ir::Node& n, const std::string& fn);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string target_;
  double seconds_ = 0;
};

}  // namespace qg::codegen::halide
