/* prof.h - per-layer instruction counts for bench/m7 (force-included with
 * -include into every source of the profiling build, together with
 *   -D'QG_LAYER_BEGIN(i)=qg_prof_begin(i)' -D'QG_LAYER_END(i)=qg_prof_end(i)').
 * Each layer of the emitted <model>_run is one qg_icount_start/stop region
 * (regions do not nest; the counter subtracts its own overhead, so a layer's
 * count is its kernel call(s) plus 1-3 instructions of argument set-up).
 * qg_prof_counts[i] / qg_prof_calls[i] are defined in bench/m7/main.c. */
#ifndef QGB_PROF_H
#define QGB_PROF_H
#include <stdint.h>
#include "board.h"

#define QGB_PROF_MAX_LAYERS 512
extern volatile uint32_t qg_prof_counts[QGB_PROF_MAX_LAYERS + 1];
extern volatile uint32_t qg_prof_calls[QGB_PROF_MAX_LAYERS + 1];
extern volatile uint32_t qg_prof_errors;

static inline void qg_prof_begin(int i) {
  (void)i;
  qg_icount_start();
}

static inline void qg_prof_end(int i) {
  uint32_t n = qg_icount_stop();
  if (i >= 1 && i <= QGB_PROF_MAX_LAYERS) {
    qg_prof_counts[i] += n;
    qg_prof_calls[i] += 1;
  } else {
    qg_prof_errors += 1;
  }
}
#endif /* QGB_PROF_H */
