// Static memory plan: every intermediate tensor and every kernel scratch
// buffer gets a lifetime (in execution steps) and an offset in one arena.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::plan {

enum class Place : uint8_t { Arena, Input, Output };

struct Buffer {
  Place place = Place::Arena;
  int64_t offset = 0, bytes = 0;
  int first = 0, last = 0;  // live steps, inclusive
  std::string what;         // for reports: tensor name or "scratch of <layer>"
  int in_place_of = -1;     // tensor whose buffer this one reuses (in-place op)
  int io = 0;               // Place::Input / Output: which graph input / output (model order)
};

// Steps: 0 = prologue (caller's input to internal layout, if needed),
// 1..N = graph nodes, N+1 = epilogue (internal to caller's output layout).
struct MemoryPlan {
  std::string algorithm;
  std::vector<Buffer> tensors;  // indexed by tensor id
  std::vector<Buffer> scratch;  // indexed by node
  // Per graph input / output (ir::Graph::inputs(), outputs()): the caller's
  // buffer is in another layout, copied in the prologue / out in the epilogue.
  std::vector<bool> input_relayout, output_relayout;
  bool any_relayout() const {
    for (bool b : input_relayout) if (b) return true;
    for (bool b : output_relayout) if (b) return true;
    return false;
  }
  int64_t arena_bytes = 0;
  int64_t lower_bound = 0;  // max over steps of the live bytes
  static constexpr int64_t kAlign = 16;
};

// Scratch bytes a node's kernel needs (given by the code generator).
using ScratchFn = std::function<int64_t(const ir::Graph&, const ir::Node&)>;

// Planners: "greedy-by-size" places the largest buffer first, each at the
// lowest aligned offset that does not overlap a placed buffer with an
// overlapping lifetime; "greedy-best-of" (default) runs that greedy placement
// in three orders (by size, by first use, by size x lifetime) and keeps the
// smallest arena.
// `fused` (optional, one entry per node): fused[i] = j when node i's kernel
// also computes node j and writes j's output (a max pool fused into an LQ
// convolution, select::KernelChoice::pool_node): node i's own output is never
// stored (no bytes) and j's output is live from node i on.
MemoryPlan plan_memory(const ir::Graph& g, const ScratchFn& scratch, const std::string& algorithm = "greedy-best-of",
                       const std::vector<int>& fused = {});

std::string print_plan(const ir::Graph& g, const MemoryPlan& p);

}  // namespace qg::plan
