#include "plan/aware.h"

#include <algorithm>

#include "ir/diag.h"

namespace qg::plan {
namespace {

int lower(int bits) { return bits == 8 ? 4 : 2; }

int64_t over(int64_t used, int64_t budget) { return budget > 0 ? std::max<int64_t>(0, used - budget) : 0; }

}  // namespace

AwarePlan greedy_aware(const std::vector<Knob>& knobs, const MemoryFn& mem, const BitBudget& budget, const MeasureFn& measure, int verify) {
  AwarePlan p;
  p.bits.assign(knobs.size(), 8);
  p.before = mem(p.bits);
  Memory m = p.before;
  while (over(m.flash, budget.flash) > 0 || over(m.ram, budget.ram) > 0) {
    const int64_t of = over(m.flash, budget.flash), orr = over(m.ram, budget.ram);
    struct Cand {
      AwareStep step;
      double ratio;
    };
    std::vector<Cand> cands;
    for (size_t k = 0; k < knobs.size(); ++k) {
      if (p.bits[k] <= 2) continue;
      std::vector<int> nb = p.bits;
      nb[k] = lower(p.bits[k]);
      const Memory n = mem(nb);
      const int64_t saved = std::min(of, std::max<int64_t>(0, m.flash - n.flash)) + std::min(orr, std::max<int64_t>(0, m.ram - n.ram));
      if (saved <= 0) continue;
      const double cost = std::max(0.0, knobs[k].loss(nb[k]) - knobs[k].loss(p.bits[k]));
      cands.push_back({{k, p.bits[k], nb[k], cost, saved, n, nb}, cost / static_cast<double>(saved)});
    }
    if (cands.empty()) {
      std::string what;
      if (of > 0) what = "flash " + std::to_string(m.flash) + " bytes, " + std::to_string(of) + " over the budget of " + std::to_string(budget.flash);
      if (orr > 0)
        what += (what.empty() ? "" : "; ") + std::string("RAM ") + std::to_string(m.ram) + " bytes, " + std::to_string(orr) +
                " over the budget of " + std::to_string(budget.ram);
      user_error("", of > 0 ? "--flash" : "--ram", "no further cut to 4 or 2 bits reduces what is over the budget: " + what);
    }
    auto better = [](const Cand& x, const Cand& y) {
      if (x.ratio != y.ratio) return x.ratio < y.ratio;
      if (x.step.saved != y.step.saved) return x.step.saved > y.step.saved;
      return x.step.knob < y.step.knob;
    };
    std::stable_sort(cands.begin(), cands.end(), better);
    if (measure && verify > 0) {
      cands.resize(std::min(cands.size(), static_cast<size_t>(verify)));
      const double now = measure(p.bits);
      for (Cand& c : cands) {
        c.step.loss_added = std::max(0.0, now - measure(c.step.bits));
        c.ratio = c.step.loss_added / static_cast<double>(c.step.saved);
      }
      std::stable_sort(cands.begin(), cands.end(), better);
    }
    AwareStep& best = cands.front().step;
    p.bits = best.bits;
    p.predicted_loss += best.loss_added;
    m = best.after;
    p.steps.push_back(std::move(best));
  }
  p.after = m;
  return p;
}

bool fits(const Memory& m, const BitBudget& budget) { return over(m.flash, budget.flash) == 0 && over(m.ram, budget.ram) == 0; }

Refined refine_aware(const std::vector<Knob>& knobs, const MemoryFn& mem, const BitBudget& budget, const MeasureFn& measure,
                     const std::vector<int>& start, int width, int max_rounds) {
  Refined r;
  r.bits = start;
  r.after = mem(start);
  QG_CHECK(fits(r.after, budget), "refine_aware: the start config does not fit the budgets");
  r.top1_start = r.top1 = measure(start);
  r.measured = 1;
  auto raise = [](int b) { return b == 2 ? 4 : 8; };
  for (int round = 0; round < max_rounds; ++round) {
    struct Move {
      RefineStep s;
      double gain;
    };
    std::vector<Move> moves;
    for (size_t k = 0; k < knobs.size(); ++k) {
      if (r.bits[k] >= 8) continue;
      const int to = raise(r.bits[k]);
      const double g_up = knobs[k].loss(r.bits[k]) - knobs[k].loss(to);
      RefineStep up;
      up.up = k, up.up_from = r.bits[k], up.up_to = to;
      moves.push_back({up, g_up});
      for (size_t j = 0; j < knobs.size(); ++j) {
        if (j == k || r.bits[j] <= 2) continue;
        RefineStep s = up;
        s.lowered = true, s.down = j, s.down_from = r.bits[j], s.down_to = lower(r.bits[j]);
        moves.push_back({s, g_up - std::max(0.0, knobs[j].loss(s.down_to) - knobs[j].loss(s.down_from))});
      }
    }
    std::stable_sort(moves.begin(), moves.end(), [](const Move& x, const Move& y) {
      if (x.gain != y.gain) return x.gain > y.gain;
      return !x.s.lowered && y.s.lowered;
    });
    std::vector<RefineStep> tried;
    int checks = 0;
    for (Move& mv : moves) {
      if (mv.gain <= 0 || static_cast<int>(tried.size()) >= width) break;
      if (mv.s.lowered && checks >= 8 * width) continue;
      std::vector<int> nb = r.bits;
      nb[mv.s.up] = mv.s.up_to;
      if (mv.s.lowered) nb[mv.s.down] = mv.s.down_to, ++checks;
      const Memory m = mem(nb);
      if (!fits(m, budget)) continue;
      mv.s.after = m;
      mv.s.bits = nb;
      mv.s.top1 = measure(nb);
      ++r.measured;
      tried.push_back(mv.s);
    }
    const RefineStep* best = nullptr;
    for (const RefineStep& s : tried)
      if (s.top1 > r.top1 && (!best || s.top1 > best->top1)) best = &s;
    if (!best) break;
    r.bits = best->bits;
    r.top1 = best->top1;
    r.after = best->after;
    r.steps.push_back(*best);
  }
  return r;
}

std::vector<size_t> pareto_front(const std::vector<std::pair<int64_t, double>>& pts) {
  std::vector<size_t> r;
  for (size_t i = 0; i < pts.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < pts.size() && !dominated; ++j)
      dominated = j != i && pts[j].first <= pts[i].first && pts[j].second >= pts[i].second &&
                  (pts[j].first < pts[i].first || pts[j].second > pts[i].second);
    if (!dominated) r.push_back(i);
  }
  std::sort(r.begin(), r.end(), [&](size_t a, size_t b) { return pts[a].first != pts[b].first ? pts[a].first < pts[b].first : a < b; });
  return r;
}

}  // namespace qg::plan
