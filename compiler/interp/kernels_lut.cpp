// The interpreter's LUT path (quant/lut.h): Σp·q of each segment from table
// look-ups instead of multiplies. Same integers as the MAC path (the tables
// hold exact partial sums), so the float combination that follows is
// unchanged and the results are bit-identical.
#include "interp/kernels.h"
#include "quant/lut.h"

namespace qg::interp {

void lut_indices(const ir::LinearQuant& lq, const int16_t* q, int64_t* index) {
  const int64_t NG = lq.lut_groups();
  for (int64_t k = 0; k < NG; ++k) {
    const int64_t b = lq.grp_begin[static_cast<size_t>(k)], e = lq.grp_begin[static_cast<size_t>(k + 1)];
    int64_t v = 0;
    for (int64_t j = e - 1; j >= b; --j) v = (v << lq.a_bits) | q[j];
    index[k] = v;
  }
}

void lut_spq(const ir::LinearQuant& lq, int64_t o, const int64_t* index, int64_t* spq) {
  const int64_t S = lq.segments();
  for (int64_t s = 0; s < S; ++s) {
    int64_t sum = 0;
    for (int64_t k = lq.seg_grp[static_cast<size_t>(s)]; k < lq.seg_grp[static_cast<size_t>(s + 1)]; ++k)
      sum += quant::lut_entry(lq, o, k, index[k]);
    spq[s] = sum;
  }
}

}  // namespace qg::interp
