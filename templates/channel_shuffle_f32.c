/* qg_channel_shuffle_f32__c: ShuffleNet's channel shuffle of an HWC image of
 * QG_HW pixels x QG_C channels in QG_G groups: output channel c is input
 * channel (c % QG_G) * (QG_C / QG_G) + c / QG_G. QG_T is the element type. */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_channel_shuffle_f32__c_example
#define QG_HW 4
#define QG_C 6
#define QG_G 2
#define QG_T float
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *x, QG_T *y) {
  long p, c;
  for (p = 0; p < QG_HW; ++p)
    for (c = 0; c < QG_C; ++c) y[p * QG_C + c] = x[p * QG_C + (c % QG_G) * (QG_C / QG_G) + c / QG_G];
}
