/* qg_<op>_<f32|i8>__c for pad, transpose and strided_slice: one strided copy
 * over the output (ir::copy_map; the interpreter's k_strided_copy in
 * compiler/interp/kernels.cpp). Output element (i, j, k) of a
 * QG_O0 x QG_O1 x QG_O2 tensor reads a_d = index_d - QG_LO<d>; when some a_d
 * is outside [0, QG_LEN<d>) or not a multiple of QG_P<d> (pad's interior
 * padding, the zero insertion of a transposed convolution) it is QG_PADV (0,
 * or the int8 output's zero point: TFLite's PAD), else
 * x[QG_OFF + a_0 / QG_P0 * QG_S0 + a_1 / QG_P1 * QG_S1 + a_2 / QG_P2 * QG_S2].
 * QG_T is the element type. All compile-time; nothing passed per layer. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_pad_i8__c_example
#define QG_T int8_t
#define QG_PADV -3
#define QG_O0 5
#define QG_O1 6
#define QG_O2 2
#define QG_LO0 1
#define QG_LO1 2
#define QG_LO2 0
#define QG_LEN0 2
#define QG_LEN1 3
#define QG_LEN2 2
#define QG_S0 6
#define QG_S1 2
#define QG_S2 1
#define QG_P0 1
#define QG_P1 1
#define QG_P2 1
#define QG_OFF 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *x, QG_T *y) {
  long i, j, k, o = 0;
  for (i = 0; i < QG_O0; ++i)
    for (j = 0; j < QG_O1; ++j)
      for (k = 0; k < QG_O2; ++k, ++o) {
        const long u = i - QG_LO0, v = j - QG_LO1, w = k - QG_LO2;
        if (u >= 0 && u < QG_LEN0 && v >= 0 && v < QG_LEN1 && w >= 0 && w < QG_LEN2 && u % QG_P0 == 0 && v % QG_P1 == 0 &&
            w % QG_P2 == 0)
          y[o] = x[QG_OFF + u / QG_P0 * QG_S0 + v / QG_P1 * QG_S1 + w / QG_P2 * QG_S2];
        else
          y[o] = (QG_T)(QG_PADV);
      }
}
