// Accuracy-aware planner (plan/aware.h): the greedy choice on hand-made
// sensitivity tables and memory functions, where the right answer is worked
// out by hand in the comments.
#include <catch2/catch.hpp>

#include "ir/diag.h"
#include "plan/aware.h"

using namespace qg;
using plan::Knob;
using plan::Memory;

namespace {

// Flash = sum of each weight knob's 8-bit bytes * bits / 8; RAM = 0.
plan::MemoryFn flash_of(const std::vector<int64_t>& bytes8) {
  return [bytes8](const std::vector<int>& bits) {
    Memory m;
    for (size_t k = 0; k < bits.size(); ++k) m.flash += bytes8[k] * bits[k] / 8;
    return m;
  };
}

Knob w(const std::string& name, double l4, double l2) { return {name, true, l4, l2}; }
Knob a(const std::string& name, double l4, double l2) { return {name, false, l4, l2}; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("aware plan: cuts where the loss per byte saved is smallest, not the largest layer", "[plan][aware]") {
  // A, B: 1000 bytes each, C: 200; total 2200, budget 1700 (500 over).
  //  step 1: A->4 costs 2.0/500, B->4 0.5/500, C->4 0.0/100 -> C (ratio 0).
  //  step 2 (400 over): A 2.0/400, B 0.5/400, C->2 (1.0 - 0.0)/50 -> B.
  //  now 2200 - 100 - 500 = 1600 <= 1700: done. Rusci's rule would cut A or B first.
  const std::vector<Knob> knobs{w("A", 2.0, 9.0), w("B", 0.5, 4.0), w("C", 0.0, 1.0)};
  const plan::AwarePlan p = plan::greedy_aware(knobs, flash_of({1000, 1000, 200}), {1700, 0});
  CHECK(p.bits == std::vector<int>{8, 4, 4});
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].knob == 2);
  CHECK(p.steps[0].saved == 100);
  CHECK(p.steps[0].loss_added == 0.0);
  CHECK(p.steps[1].knob == 1);
  CHECK(p.steps[1].from == 8);
  CHECK(p.steps[1].to == 4);
  CHECK(p.steps[1].saved == 400);  // capped at what was over
  CHECK(p.before.flash == 2200);
  CHECK(p.after.flash == 1600);
  CHECK(p.predicted_loss == Approx(0.5));
}

TEST_CASE("aware plan: a step's value is capped at the excess, so a small cheap cut beats a big one", "[plan][aware]") {
  // X: 2000 bytes (saves 1000 at 4 bits, loss 1.0); Y: 200 bytes (saves 100, loss 0.15). Budget 2100: 100 over.
  // Uncapped X would score 1.0/1000 = 0.001 < Y's 0.0015; capped X scores 1.0/100 = 0.01 > Y.
  const std::vector<Knob> knobs{w("X", 1.0, 5.0), w("Y", 0.15, 3.0)};
  const plan::AwarePlan p = plan::greedy_aware(knobs, flash_of({2000, 200}), {2100, 0});
  CHECK(p.bits == std::vector<int>{8, 4});
}

TEST_CASE("aware plan: 4 -> 2 costs the extra loss, equal ratios prefer the larger saving", "[plan][aware]") {
  // P: 800 bytes, loss 0.1 at 4, 0.3 at 2; Q: 800 bytes, loss 1.0 at 4. Budget 300 (1300 over).
  //  step 1: P->4 0.1/400 vs Q->4 1.0/400 -> P (P at 400, total 1200, 900 over)
  //  step 2: P->2 (0.3-0.1)/200 = 0.001 vs Q->4 1.0/400 = 0.0025 -> P (total 1000, 700 over)
  //  step 3: Q->4 (total 600), step 4: Q->2 (total 400) still 100 over -> error.
  const std::vector<Knob> knobs{w("P", 0.1, 0.3), w("Q", 1.0, 2.0)};
  const std::string e = error_of([&] { plan::greedy_aware(knobs, flash_of({800, 800}), {300, 0}); });
  CHECK_THAT(e, Catch::Contains("--flash"));
  CHECK_THAT(e, Catch::Contains("flash 400 bytes, 100 over the budget of 300"));
  const plan::AwarePlan p = plan::greedy_aware(knobs, flash_of({800, 800}), {1000, 0});
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].knob == 0);
  CHECK(p.steps[1].knob == 0);
  CHECK(p.steps[1].loss_added == Approx(0.2));
  CHECK(p.bits == std::vector<int>{2, 8});
  // Equal ratios (no loss anywhere): the larger saving first.
  const std::vector<Knob> free{w("S", 0, 0), w("L", 0, 0)};
  const plan::AwarePlan f = plan::greedy_aware(free, flash_of({100, 1000}), {700, 0});
  CHECK(f.bits == std::vector<int>{8, 4});
}

TEST_CASE("aware plan: RAM at the peak, cuts that save nothing on the peak are never taken", "[plan][aware]") {
  // A chain x -> t0 -> t1 -> t2 (x: 100 bytes, int8 always); RAM = max over layers of in + out bytes.
  // 8-bit sizes t0 400, t1 400, t2 100; layers: x+t0 = 500, t0+t1 = 800, t1+t2 = 500. Budget 600.
  // t2 is free to cut (loss 0) but is not on the peak: never cut. t0 loss 1.0, t1 loss 0.2 -> t1 -> 4:
  // t0+t1 = 600, t1+t2 = 300: fits.
  const std::vector<int64_t> size8{400, 400, 100};
  auto ram = [&](const std::vector<int>& bits) {
    std::vector<int64_t> b(3);
    for (size_t k = 0; k < 3; ++k) b[k] = size8[k] * bits[k] / 8;
    Memory m;
    m.ram = std::max({100 + b[0], b[0] + b[1], b[1] + b[2]});
    return m;
  };
  const std::vector<Knob> knobs{a("t0", 1.0, 3.0), a("t1", 0.2, 6.0), a("t2", 0.0, 0.0)};
  const plan::AwarePlan p = plan::greedy_aware(knobs, ram, {0, 600});
  CHECK(p.bits == std::vector<int>{8, 4, 8});
  CHECK(p.after.ram == 600);
  // Budget 550: after t1 -> 4 (600, 50 over): t0 -> 4 saves 200 (capped 50) at 1.0; t1 -> 2 saves 100
  // (capped 50) at 5.8 -> t0: max(100+200, 200+200, 200+100) = 400.
  const plan::AwarePlan q = plan::greedy_aware(knobs, ram, {0, 550});
  CHECK(q.bits == std::vector<int>{4, 4, 8});
  CHECK(q.after.ram == 400);
  // Nothing left to cut that helps: x + t0 >= 100 + 100 at 2 bits.
  CHECK_THAT(error_of([&] { plan::greedy_aware(knobs, ram, {0, 150}); }), Catch::Contains("--ram"));
  // A budget of 0 is no limit; a net that fits is not touched.
  CHECK(plan::greedy_aware(knobs, ram, {0, 0}).steps.empty());
  CHECK(plan::greedy_aware(knobs, ram, {0, 800}).bits == std::vector<int>{8, 8, 8});
}

TEST_CASE("aware plan: both budgets at once, the weights and activations compete", "[plan][aware]") {
  // flash = W's bytes (1000 at 8 bits); RAM = T's bytes (1000 at 8 bits). Budgets 600 / 600: both 400 over.
  // W -> 4 saves 400 (capped) at 0.4; T -> 4 saves 400 at 0.1: T first; then W.
  const std::vector<Knob> knobs{w("W", 0.4, 1.0), a("T", 0.1, 1.0)};
  auto mem = [](const std::vector<int>& bits) { return Memory{1000 * bits[0] / 8, 1000 * bits[1] / 8}; };
  const plan::AwarePlan p = plan::greedy_aware(knobs, mem, {600, 600});
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].knob == 1);
  CHECK(p.steps[1].knob == 0);
  CHECK(p.after.flash == 500);
  CHECK(p.after.ram == 500);
}

TEST_CASE("pareto front: fewer bytes or more accuracy, sorted by bytes", "[plan][aware]") {
  //        0          1          2          3           4          5 (= 1)
  const std::vector<std::pair<int64_t, double>> pts{{100, 80.0}, {200, 85.0}, {150, 79.0}, {300, 84.0}, {400, 90.0}, {200, 85.0}};
  CHECK(plan::pareto_front(pts) == std::vector<size_t>{0, 1, 5, 4});
}

TEST_CASE("aware plan: with a measure, the shortlisted cuts are judged in context", "[plan][aware]") {
  // A, B, C: 1000 bytes each; budget 2000 (1000 over): two 8 -> 4 cuts needed.
  // The table says A and B cost 0.1 each, C 0.5; but A and B together lose 5 points more.
  //  step 1: shortlist (2) A, B; measured 0.1 each -> A (the earlier knob).
  //  step 2: shortlist B (0.1/500), C (0.5/500); measured B 5.1, C 0.5 -> C.
  // Without the measure the table alone takes B.
  const std::vector<Knob> knobs{w("A", 0.1, 3.0), w("B", 0.1, 3.0), w("C", 0.5, 3.0)};
  int calls = 0;
  const plan::MeasureFn measure = [&](const std::vector<int>& b) {
    ++calls;
    double acc = 90.0;
    if (b[0] == 4) acc -= 0.1;
    if (b[1] == 4) acc -= 0.1;
    if (b[0] == 4 && b[1] == 4) acc -= 5.0;
    if (b[2] == 4) acc -= 0.5;
    return acc;
  };
  const plan::AwarePlan p = plan::greedy_aware(knobs, flash_of({1000, 1000, 1000}), {2000, 0}, measure, 2);
  CHECK(p.bits == std::vector<int>{4, 8, 4});
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[1].loss_added == Approx(0.5));
  CHECK(p.predicted_loss == Approx(0.6));
  CHECK(calls == 6);  // (now + 2 candidates) per step
  CHECK(plan::greedy_aware(knobs, flash_of({1000, 1000, 1000}), {2000, 0}).bits == std::vector<int>{4, 4, 8});
}

TEST_CASE("aware refine: raises widths where bytes are left, swaps where they are not, only on a measured gain", "[plan][aware]") {
  // A, B: 1000 bytes at 8 bits each; flash budget 1500. Measured top-1 = 90 - loss(A) - loss(B) (the table holds).
  //  start {A 2, B 8}: 250 + 1000 = 1250 bytes, top-1 80.
  //  round 1: raise A 2 -> 4 alone (1500, fits, predicted +9, measured 89) vs raise A + lower B to 4
  //           (1000, predicted 8.5, measured 88.5) -> raise A alone.
  //  round 2: A 4 -> 8 alone needs 2000 (no); A up + B 8 -> 4: 1500 fits, predicted 1 - 0.5 > 0, measured 89.5 > 89.
  //  round 3: B up + A down: predicted 0.5 - 1 < 0: no move left -> stop at {8, 4}.
  const std::vector<Knob> knobs{w("A", 1.0, 10.0), w("B", 0.5, 3.0)};
  int calls = 0;
  const plan::MeasureFn measure = [&](const std::vector<int>& b) {
    ++calls;
    return 90.0 - knobs[0].loss(b[0]) - knobs[1].loss(b[1]);
  };
  const plan::Refined r = plan::refine_aware(knobs, flash_of({1000, 1000}), {1500, 0}, measure, {2, 8});
  CHECK(r.top1_start == Approx(80.0));
  CHECK(r.bits == std::vector<int>{8, 4});
  CHECK(r.top1 == Approx(89.5));
  CHECK(r.after.flash == 1500);
  REQUIRE(r.steps.size() == 2);
  CHECK(r.steps[0].up == 0);
  CHECK(!r.steps[0].lowered);
  CHECK(r.steps[0].up_to == 4);
  CHECK(r.steps[1].lowered);
  CHECK(r.steps[1].down == 1);
  CHECK(r.steps[1].down_to == 4);
  CHECK(r.measured == calls);
  CHECK(calls == 4);  // start + 2 moves in round 1 + 1 in round 2 (round 3 has no move with a predicted gain)
}

TEST_CASE("aware refine: a move the table likes but that measures worse is not taken; the start is kept", "[plan][aware]") {
  // Same sizes; in context A at 4 bits breaks the net (measured 70), although the table says A 2 -> 4 gains 9.
  const std::vector<Knob> knobs{w("A", 1.0, 10.0), w("B", 0.5, 3.0)};
  const plan::MeasureFn measure = [&](const std::vector<int>& b) { return b[0] == 4 ? 70.0 : 80.0; };
  const plan::Refined r = plan::refine_aware(knobs, flash_of({1000, 1000}), {1500, 0}, measure, {2, 8});
  CHECK(r.bits == std::vector<int>{2, 8});
  CHECK(r.top1 == 80.0);
  CHECK(r.steps.empty());
  CHECK(r.measured == 3);
  // Equal top-1 is no gain either.
  const plan::Refined e = plan::refine_aware(knobs, flash_of({1000, 1000}), {1500, 0}, [](const std::vector<int>&) { return 80.0; }, {2, 8});
  CHECK(e.bits == std::vector<int>{2, 8});
  // Width 1: only the best-predicted fitting move is measured per round.
  const plan::Refined one = plan::refine_aware(knobs, flash_of({1000, 1000}), {1500, 0}, measure, {2, 8}, 1);
  CHECK(one.measured == 2);
}

TEST_CASE("aware refine: never leaves the budgets (RAM at the peak), and a start that does not fit is an internal error", "[plan][aware]") {
  // RAM = t0 + t1 bytes (400 each at 8 bits); budget 500. Start {2, 4}: 100 + 200 = 300.
  //  t0 2 -> 4 alone: 400 fits (predicted 5 - 1 = 4); t1 4 -> 8 alone: 500 fits (predicted 2).
  //  (t0 up + t1 down: predicted 4 - 4 = 0, not a gain.) Measured = 90 - losses: start 83, t0 up 87, t1 up 85 -> t0 up.
  //  Round 2 at {4, 4} (400): either raise alone needs 600; raise one + lower the other predicts 1 - 4 or 2 - 4 < 0: stop.
  const std::vector<Knob> knobs{a("t0", 1.0, 5.0), a("t1", 2.0, 6.0)};
  auto ram = [](const std::vector<int>& bits) { return Memory{0, 50 * bits[0] + 50 * bits[1]}; };
  const plan::MeasureFn measure = [&](const std::vector<int>& b) { return 90.0 - knobs[0].loss(b[0]) - knobs[1].loss(b[1]); };
  const plan::Refined r = plan::refine_aware(knobs, ram, {0, 500}, measure, {2, 4});
  CHECK(r.bits == std::vector<int>{4, 4});
  CHECK(r.after.ram == 400);
  CHECK(r.top1 == Approx(87.0));
  CHECK_THROWS_AS(plan::refine_aware(knobs, ram, {0, 500}, measure, {8, 8}), InternalError);
}
