/* Accuracy of an emitted model over a raw image set, to check that the
 * emitted C classifies exactly like `qgen eval` (the reference interpreter).
 *   eval_c IMAGES.raw LABELS.raw N [PRED.out]
 * IMAGES.raw: N x MODEL_INPUT_SIZE uint8 pixels (an IDX file without its
 * 16-byte header), LABELS.raw: N uint8 labels. Input = pixel / 255.0f. The
 * model is compiled with `--name model`. Prints top-1 and top-5. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(int argc, char **argv) {
  static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
  static unsigned char px[MODEL_INPUT_SIZE];
  static float in[MODEL_INPUT_SIZE], out[MODEL_OUTPUT_SIZE];
  FILE *fi, *fl, *fp = NULL;
  long n, k, top1 = 0, top5 = 0;
  int i, j;
  if (argc < 4) {
    fprintf(stderr, "usage: %s IMAGES.raw LABELS.raw N [PRED.out]\n", argv[0]);
    return 2;
  }
  fi = fopen(argv[1], "rb");
  fl = fopen(argv[2], "rb");
  n = atol(argv[3]);
  if (argc > 4) fp = fopen(argv[4], "wb");
  if (!fi || !fl) return 2;
  for (k = 0; k < n; ++k) {
    int label = fgetc(fl), rank = 0;
    if (label < 0 || fread(px, 1, sizeof px, fi) != sizeof px) return 3;
    for (i = 0; i < MODEL_INPUT_SIZE; ++i) in[i] = (float)px[i] / 255.0f;
    if (model_run(in, out, arena) != MODEL_OK) return 4;
    /* rank of the true class: outputs strictly greater, ties broken by index */
    for (j = 0; j < MODEL_OUTPUT_SIZE; ++j)
      if (out[j] > out[label] || (out[j] == out[label] && j < label)) ++rank;
    top1 += rank == 0;
    top5 += rank < 5;
    if (fp) {
      int best = 0;
      for (j = 1; j < MODEL_OUTPUT_SIZE; ++j)
        if (out[j] > out[best]) best = j;
      fputc(best, fp);
    }
  }
  printf("top-1: %.2f%%\ntop-5: %.2f%%\n", 100.0 * top1 / n, 100.0 * top5 / n);
  return 0;
}
