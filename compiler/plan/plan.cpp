#include "plan/plan.h"

#include <algorithm>
#include <sstream>

#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::plan {
namespace {

int64_t align_up(int64_t x) { return (x + MemoryPlan::kAlign - 1) / MemoryPlan::kAlign * MemoryPlan::kAlign; }

bool needs_relayout(const ir::Graph& g, int t) { return g.layout == ir::Layout::CHW && g.tensor(t).shape.size() == 3; }

// Places buffers in `order`, each at the lowest aligned offset that does not
// overlap an already placed buffer alive at the same time. Returns the arena.
int64_t place_in_order(const std::vector<Buffer*>& order) {
  std::vector<Buffer*> placed;
  int64_t arena = 0;
  for (Buffer* b : order) {
    std::vector<std::pair<int64_t, int64_t>> busy;  // [begin, end) of conflicting buffers
    for (const Buffer* p : placed)
      if (p->first <= b->last && b->first <= p->last) busy.push_back({p->offset, p->offset + p->bytes});
    std::sort(busy.begin(), busy.end());
    int64_t off = 0;
    for (auto [s, e] : busy) {
      if (off + b->bytes <= s) break;
      off = std::max(off, align_up(e));
    }
    b->offset = off;
    arena = std::max(arena, off + b->bytes);
    placed.push_back(b);
  }
  return arena;
}

// Inputs (positions) an op can overwrite with its output (OpInfo::in_place).
std::vector<int> in_place_inputs(const ir::Graph& g, const ir::Node& n) {
  const ir::OpInfo& info = ir::op_info(n.op);
  // A relayout keeps positions only when no CHW <-> HWC reordering happens.
  if (info.relayout && g.layout == ir::Layout::CHW && (g.in(n).shape.size() == 3 || g.out(n).shape.size() == 3)) return {};
  std::vector<int> r;
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (info.in_place >> i & 1u) r.push_back(static_cast<int>(i));
  return r;
}

using Order = bool (*)(const Buffer*, const Buffer*);

// The orders a planner tries; "greedy-by-size" is the first alone.
const std::vector<std::pair<const char*, Order>>& orders() {
  static const std::vector<std::pair<const char*, Order>> kOrders = {
      {"size", [](const Buffer* a, const Buffer* b) { return a->bytes != b->bytes ? a->bytes > b->bytes : a->first < b->first; }},
      {"start", [](const Buffer* a, const Buffer* b) { return a->first != b->first ? a->first < b->first : a->bytes > b->bytes; }},
      {"area",
       [](const Buffer* a, const Buffer* b) {
         const int64_t x = a->bytes * (a->last - a->first + 1), y = b->bytes * (b->last - b->first + 1);
         return x != y ? x > y : a->first < b->first;
       }},
  };
  return kOrders;
}

// Greedy placement in each order; keeps the smallest arena (ties: the first).
void plan_buffers(std::vector<Buffer*>& bufs, bool best_of) {
  std::vector<int64_t> best_offsets;
  int64_t best = -1;
  for (const auto& [name, cmp] : orders()) {
    std::vector<Buffer*> order = bufs;
    std::stable_sort(order.begin(), order.end(), cmp);
    const int64_t arena = place_in_order(order);
    if (best < 0 || arena < best) {
      best = arena;
      best_offsets.clear();
      for (const Buffer* b : bufs) best_offsets.push_back(b->offset);
    }
    if (!best_of) break;
  }
  // A few deterministic perturbations of the first order (random adjacent
  // swaps) often close the last gap to the lower bound on chains.
  if (best_of && bufs.size() > 2) {
    uint64_t state = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return state >> 33;
    };
    std::vector<Buffer*> base = bufs;
    std::stable_sort(base.begin(), base.end(), orders().front().second);
    for (int round = 0; round < 48; ++round) {
      std::vector<Buffer*> order = base;
      for (size_t k = 0; k < order.size(); ++k) {
        const size_t i = static_cast<size_t>(next() % (order.size() - 1));
        std::swap(order[i], order[i + 1]);
      }
      const int64_t arena = place_in_order(order);
      if (arena < best) {
        best = arena;
        for (size_t i = 0; i < bufs.size(); ++i) best_offsets[i] = bufs[i]->offset;
      }
    }
  }
  for (size_t i = 0; i < bufs.size(); ++i) bufs[i]->offset = best_offsets[i];
}

}  // namespace

MemoryPlan plan_memory(const ir::Graph& g, const ScratchFn& scratch, const std::string& algorithm, const std::vector<int>& fused) {
  if (algorithm != "greedy-by-size" && algorithm != "greedy-best-of")
    user_error("", "--plan", "unknown memory planner '" + algorithm + "' (known: greedy-best-of, greedy-by-size)");
  MemoryPlan p;
  p.algorithm = algorithm;
  const int N = static_cast<int>(g.nodes.size());
  p.tensors.resize(g.tensors.size());
  p.scratch.resize(g.nodes.size());
  const std::vector<int> ins = g.inputs(), outs = g.outputs();
  for (int t : ins) p.input_relayout.push_back(needs_relayout(g, t));
  for (int t : outs) p.output_relayout.push_back(needs_relayout(g, t));
  auto is_input = [&](int t) { return g.input_index(t) >= 0; };
  auto is_output = [&](int t) { return g.output_index(t) >= 0; };

  // Lifetimes.
  std::vector<int> def(g.tensors.size(), -1), last(g.tensors.size(), -1);
  for (int t : ins) def[static_cast<size_t>(t)] = 0;  // every input is live from the prologue on
  for (int i = 0; i < N; ++i) {
    const ir::Node& n = g.nodes[static_cast<size_t>(i)];
    def[static_cast<size_t>(n.output)] = i + 1;
    for (int t : n.inputs) last[static_cast<size_t>(t)] = i + 1;
  }
  for (int t : outs) last[static_cast<size_t>(t)] = N + 1;  // and every output until the epilogue
  // Fused pairs: the first node's output is not stored; the second's output
  // is written from the first node's step on.
  std::vector<bool> elided(g.tensors.size(), false);
  for (size_t i = 0; i < fused.size() && i < static_cast<size_t>(N); ++i) {
    if (fused[i] < 0) continue;
    const ir::Node& n = g.nodes[i];
    const ir::Node& m = g.nodes.at(static_cast<size_t>(fused[i]));
    QG_CHECK(fused[i] > static_cast<int>(i) && !is_output(n.output) && !is_output(m.output), "plan_memory: bad fused pair");
    elided[static_cast<size_t>(n.output)] = true;
    def[static_cast<size_t>(m.output)] = std::min(def[static_cast<size_t>(m.output)], static_cast<int>(i) + 1);
  }

  // In place: an elementwise op may write over an input that dies at that
  // op (same size, arena-placed). The output then shares the input's buffer.
  std::vector<int> alias(g.tensors.size(), -1);
  auto root = [&](int t) { return alias[static_cast<size_t>(t)] >= 0 ? alias[static_cast<size_t>(t)] : t; };
  for (int i = 0; i < N; ++i) {
    const ir::Node& n = g.nodes[static_cast<size_t>(i)];
    if (is_output(n.output)) continue;
    for (int k : in_place_inputs(g, n)) {
      const int t = n.inputs[static_cast<size_t>(k)], r = root(t);
      if (is_input(t) || is_input(r) || last[static_cast<size_t>(t)] != i + 1 || elided[static_cast<size_t>(t)] ||
          elided[static_cast<size_t>(n.output)])
        continue;
      if (g.tensor(t).bytes() != g.tensor(n.output).bytes()) continue;
      alias[static_cast<size_t>(n.output)] = r;
      last[static_cast<size_t>(r)] = std::max(last[static_cast<size_t>(r)], last[static_cast<size_t>(n.output)]);
      break;
    }
  }

  std::vector<Buffer*> arena;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    Buffer& b = p.tensors[t];
    b.what = g.tensors[t].name;
    b.bytes = g.tensors[t].bytes();
    b.first = def[t];
    b.last = std::max(last[t], def[t]);
    if (def[t] < 0 || elided[t]) {  // not produced by anything (cannot happen for a valid graph), or never stored (fused)
      b.bytes = 0;
      continue;
    }
    const int ii = g.input_index(static_cast<int>(t)), oi = g.output_index(static_cast<int>(t));
    if (ii >= 0 && !p.input_relayout[static_cast<size_t>(ii)]) {
      b.place = Place::Input;
      b.io = ii;
    } else if (oi >= 0 && !p.output_relayout[static_cast<size_t>(oi)]) {
      b.place = Place::Output;
      b.io = oi;
    }
    if (b.place == Place::Arena && alias[t] < 0) arena.push_back(&b);
  }
  for (int i = 0; i < N; ++i) {
    Buffer& b = p.scratch[static_cast<size_t>(i)];
    b.bytes = scratch(g, g.nodes[static_cast<size_t>(i)]);
    b.first = b.last = i + 1;
    b.what = "scratch of " + g.nodes[static_cast<size_t>(i)].name;
    if (b.bytes > 0) arena.push_back(&b);
  }
  for (Buffer* b : arena) b->bytes = align_up(b->bytes);
  plan_buffers(arena, algorithm == "greedy-best-of");

  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (alias[t] >= 0) {
      const Buffer& r = p.tensors[static_cast<size_t>(alias[t])];
      p.tensors[t].offset = r.offset;
      p.tensors[t].bytes = r.bytes;
      p.tensors[t].in_place_of = alias[t];
    }
  for (const Buffer* b : arena) p.arena_bytes = std::max(p.arena_bytes, b->offset + b->bytes);
  for (int s = 0; s <= N + 1; ++s) {
    int64_t live = 0;
    for (const Buffer* b : arena)
      if (b->first <= s && s <= b->last) live += b->bytes;
    p.lower_bound = std::max(p.lower_bound, live);
  }
  // Self-check: no two buffers alive at the same step overlap.
  for (size_t i = 0; i < arena.size(); ++i)
    for (size_t j = i + 1; j < arena.size(); ++j) {
      const Buffer *a = arena[i], *b = arena[j];
      if (a->first <= b->last && b->first <= a->last && a->offset < b->offset + b->bytes && b->offset < a->offset + a->bytes)
        internal_error(__FILE__, __LINE__, "memory plan overlaps " + a->what + " and " + b->what);
    }
  return p;
}

std::string print_plan(const ir::Graph& g, const MemoryPlan& p) {
  std::ostringstream os;
  os << "plan " << p.algorithm << " arena=" << p.arena_bytes << " lower_bound=" << p.lower_bound << "\n";
  auto line = [&](const Buffer& b) {
    os << "  " << printable_name(b.what) << " steps " << b.first << ".." << b.last << " ";
    if (b.place == Place::Input) os << "caller input" << (g.multi_io() ? " " + std::to_string(b.io) : "");
    else if (b.place == Place::Output) os << "caller output" << (g.multi_io() ? " " + std::to_string(b.io) : "");
    else os << "arena[" << b.offset << ", " << b.offset + b.bytes << ")";
    if (b.in_place_of >= 0) os << " in place of " << printable_name(g.tensor(b.in_place_of).name);
    os << "\n";
  };
  for (size_t t = 0; t < p.tensors.size(); ++t)
    if (p.tensors[t].bytes > 0 || p.tensors[t].place != Place::Arena) line(p.tensors[t]);
  for (const Buffer& b : p.scratch)
    if (b.bytes > 0) line(b);
  return os.str();
}

}  // namespace qg::plan
