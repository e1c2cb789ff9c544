/* qg_runtime.h - all of qgen's runtime: the numeric primitives shared by the
 * reference interpreter and the code it emits. The parts are split by concern
 * (see qg_common.h); kernel templates include only the parts they use, and an
 * emitted model contains only those. The interpreter and tests include this. */
#ifndef QG_RUNTIME_H
#define QG_RUNTIME_H

#include "qg_common.h"
#include "qg_lq.h"
#include "qg_lqp.h"
#include "qg_lqi.h"
#include "qg_fixed.h"
#include "qg_arm_dsp.h"
#include "qg_halide.h"

#endif /* QG_RUNTIME_H */
