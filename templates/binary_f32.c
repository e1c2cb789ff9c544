/* qg_<op>_f32__c for mul, sub, div, minimum, maximum: y = QG_BINOP(a, b)
 * elementwise with broadcasting. The output is QG_D0 x QG_D1 x QG_D2 (the
 * internal shape padded with leading 1s); input a's element of output index
 * (i, j, k) is a[i * QG_A0 + j * QG_A1 + k * QG_A2] (stride 0 along a
 * broadcast dimension), b's likewise with QG_B0..2. QG_BINOP is the op's
 * macro below (select stage: "QG_" + the op's name in capitals); the
 * expressions are the interpreter's f_mul ... f_max (compiler/interp/kernels.cpp). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_mul_f32__c_example
#define QG_BINOP QG_MUL
#define QG_D0 2
#define QG_D1 3
#define QG_D2 4
#define QG_A0 12
#define QG_A1 4
#define QG_A2 1
#define QG_B0 0
#define QG_B1 0
#define QG_B2 1
/* QG_TEMPLATE_DEFAULTS_END */
#define QG_MUL(x, y) ((x) * (y))
#define QG_SUB(x, y) ((x) - (y))
#define QG_DIV(x, y) ((x) / (y))
#define QG_MINIMUM(x, y) ((x) < (y) ? (x) : (y))
#define QG_MAXIMUM(x, y) ((x) > (y) ? (x) : (y))
static void QG_FN(const float *a, const float *b, float *y) {
  long i, j, k, o = 0;
  for (i = 0; i < QG_D0; ++i)
    for (j = 0; j < QG_D1; ++j)
      for (k = 0; k < QG_D2; ++k, ++o) {
        const float u = a[i * QG_A0 + j * QG_A1 + k * QG_A2], v = b[i * QG_B0 + j * QG_B1 + k * QG_B2];
        y[o] = QG_BINOP(u, v);
      }
}
#undef QG_MUL
#undef QG_SUB
#undef QG_DIV
#undef QG_MINIMUM
#undef QG_MAXIMUM
