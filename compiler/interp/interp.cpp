#include "interp/interp.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "interp/kernels.h"
#include "ir/diag.h"
#include "quant/format.h"
#include "runtime/qg_runtime.h"

namespace qg::interp {

std::vector<std::vector<float>> run_all_tensors(const ir::Graph& g, const std::vector<float>& input, Mode mode) {
  std::vector<std::vector<float>> t(g.tensors.size());
  // The inputs back to back in model order, each in the declared layout ->
  // internal (HWC).
  int64_t expect = 0;
  for (int id : g.inputs()) expect += g.tensor(id).numel();
  if (static_cast<int64_t>(input.size()) != expect)
    user_error("", "", "input has " + std::to_string(input.size()) + " values, the model expects " + std::to_string(expect) +
                           (g.more_inputs.empty() ? "" : " (its " + std::to_string(g.inputs().size()) + " inputs back to back)"));
  size_t at = 0;
  for (int id : g.inputs()) {
    const ir::Tensor& tin = g.tensor(id);
    auto& x = t[static_cast<size_t>(id)];
    x.resize(static_cast<size_t>(tin.numel()));
    for (int64_t i = 0; i < tin.numel(); ++i) x[static_cast<size_t>(i)] = input[at + static_cast<size_t>(ir::logical_index(tin.shape, g.layout, i))];
    at += static_cast<size_t>(tin.numel());
  }
  std::vector<float> values;
  for (const ir::Node& n : g.nodes) {
    std::vector<float>& out = t[static_cast<size_t>(n.output)];
    const ir::Tensor& to = g.out(n);
    const bool pack = to.pack.on() && mode == Mode::AsCompiled;
    std::vector<float>& y = pack ? values : out;
    y.assign(static_cast<size_t>(to.numel()), 0.0f);
    KernelArgs a{g, n, {}, y, mode == Mode::AsCompiled};
    for (int i : n.inputs) a.in.push_back(&t[static_cast<size_t>(i)]);
    kernel_for(g, n)(a);
    if (pack) {  // the producer's output stage: quantized once, stored packed (runtime/qg_lqp.h, qg_lqi.h)
      out.assign(static_cast<size_t>(to.bytes() / 4), 0.0f);
      uint8_t* codes = reinterpret_cast<uint8_t*>(out.data());
      const long count = static_cast<long>(to.numel()), R = static_cast<long>(to.pack.region);
      const int levels = quant::format_for_bits(to.pack.a_bits).levels;
      if (to.pack.lqi) {  // lq_int: the values on the tensor's grid, then regions of grid values (docs/quantization.md §12)
        std::vector<int16_t> gv(static_cast<size_t>(count));
        std::vector<uint8_t> q(static_cast<size_t>(R));
        for (long i = 0; i < count; ++i) gv[static_cast<size_t>(i)] = static_cast<int16_t>(qg_lqi_grid(values[static_cast<size_t>(i)], to.pack.step));
        int16_t* lo = reinterpret_cast<int16_t*>(codes + to.packed_code_bytes());
        qg_lqi_pack(gv.data(), count, R, to.pack.code_bits(), levels, 0, codes, lo, reinterpret_cast<uint8_t*>(lo + to.packed_regions()), q.data());
      } else {
        float* lo = out.data() + to.packed_code_bytes() / 4;
        qg_lqp_pack(values.data(), count, R, to.pack.code_bits(), levels, 0, codes, lo, lo + to.packed_regions());
      }
    }
  }
  return t;
}

std::vector<TensorRange> tensor_ranges(const ir::Graph& g, const std::vector<std::vector<float>>& inputs) {
  std::vector<TensorRange> r(g.tensors.size());
  std::vector<bool> seen(g.tensors.size(), false);
  for (const auto& in : inputs) {
    const std::vector<std::vector<float>> t = run_all_tensors(g, in, Mode::Float);
    for (size_t i = 0; i < t.size(); ++i)
      for (float v : t[i]) {
        if (!std::isfinite(v)) continue;
        if (!seen[i]) r[i] = {v, v};
        seen[i] = true;
        r[i].lo = std::min(r[i].lo, v);
        r[i].hi = std::max(r[i].hi, v);
      }
  }
  return r;
}

std::vector<float> run(const ir::Graph& g, const std::vector<float>& input, Mode mode) {
  std::vector<std::vector<float>> t = run_all_tensors(g, input, mode);
  std::vector<float> r;
  for (int id : g.outputs()) {  // back to back in model order, each in the declared layout
    const ir::Tensor& to = g.tensor(id);
    const std::vector<float>& y = t[static_cast<size_t>(id)];
    const size_t at = r.size();
    r.resize(at + static_cast<size_t>(to.numel()));
    for (int64_t i = 0; i < to.numel(); ++i) r[at + static_cast<size_t>(ir::logical_index(to.shape, g.layout, i))] = y[static_cast<size_t>(i)];
  }
  return r;
}

std::vector<std::vector<float>> run_batch(const ir::Graph& g, const std::vector<std::vector<float>>& inputs, Mode mode,
                                          unsigned threads) {
  std::vector<std::vector<float>> out(inputs.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(1, inputs.size())));
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  for (unsigned w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      try {
        for (size_t i = w; i < inputs.size(); i += threads) out[i] = run(g, inputs[i], mode);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

}  // namespace qg::interp
