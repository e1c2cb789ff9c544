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
