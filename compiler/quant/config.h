// quant.json: per-layer precision choices.
//   {"default": {...}, "layers": {"<layer name>": {...}}}
// each object with scheme ("lq" | "lq_int" | "int8" | "float"), w_bits / a_bits (8, 6, 4, 2, 1),
// w_region / a_region ("layer" = DQ, "kernel", or an integer block size R),
// kernel ("mac" | "lut" | "auto"), lut_group (codes per look-up, quant/lut.h)
// and hls ({"parallelism": N}: output channels computed in parallel by the
// --target hls layer, docs/hls.md; other targets ignore it).
#pragma once
#include <map>
#include <optional>
#include <string>

#include "ir/graph.h"

namespace qg::quant {

struct LayerChoice {  // every field optional; layer entries override default
  std::optional<ir::Scheme> scheme;
  bool lq_int = false;  // "scheme": "lq_int" (scheme is then LQ)
  std::optional<int> w_bits, a_bits;
  std::optional<ir::Region> w_region, a_region;
  std::optional<ir::KernelKind> kernel;  // "mac" | "lut" | "auto"
  std::optional<int> lut_group;          // activation codes per table look-up
  std::optional<int64_t> hls_parallelism;  // "hls": {"parallelism": N}
  std::map<std::string, std::string> path_of;  // field -> JSON path, for messages
};

struct QuantConfig {
  std::string file;  // for messages; empty = no config (everything float)
  bool has_default = false;
  LayerChoice default_choice;
  std::map<std::string, LayerChoice> layers;
  std::map<std::string, std::string> layer_path;  // layer name -> JSON path
};

QuantConfig load_quant_config(const std::string& path);
QuantConfig parse_quant_config(const std::string& text, const std::string& label);

// Checks that every layer named in the config exists in `imported` (the graph
// as read, before any pass) and is a conv2d or dense.
void check_layer_names(const QuantConfig& cfg, const ir::Graph& imported);

// Sets node.quant of every conv2d / dense from the config. No config: float.
// A block region size from "default" larger than a layer's reduction length K
// is clamped to K (QuantChoice::*_region_requested keeps the size asked for);
// the same size given under "layers" for that layer is a user error.
ir::Graph resolve_choices(ir::Graph g, const QuantConfig& cfg);

// One line for stderr naming the layers whose default region size was clamped
// (at most four by name), or "" when none was.
std::string region_clamp_note(const ir::Graph& g, const QuantConfig& cfg);

}  // namespace qg::quant
