/* Runs the emitted fmnist_small model on one Fashion-MNIST image.
 *   fmnist_demo IMAGE.u8 [INPUT.f32]
 * IMAGE.u8: 784 raw pixels (extract_image.sh). The float input (pixel / 255)
 * is also written to INPUT.f32 so `qgen run` can be fed the same values. */
#include <stdio.h>
#include <stdint.h>

#include "fmnist_small.h"

static const char *const kClasses[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

int main(int argc, char **argv) {
  static uint8_t arena[FMNIST_SMALL_ARENA_BYTES] __attribute__((aligned(16)));
  unsigned char pixels[FMNIST_SMALL_INPUT_SIZE];
  float input[FMNIST_SMALL_INPUT_SIZE], output[FMNIST_SMALL_OUTPUT_SIZE];
  FILE *f;
  int i, best = 0, rc;
  if (argc < 2) {
    fprintf(stderr, "usage: %s IMAGE.u8 [INPUT.f32]\n", argv[0]);
    return 2;
  }
  f = fopen(argv[1], "rb");
  if (!f || fread(pixels, 1, sizeof pixels, f) != sizeof pixels) {
    fprintf(stderr, "cannot read %d pixels from %s\n", FMNIST_SMALL_INPUT_SIZE, argv[1]);
    return 1;
  }
  fclose(f);
  for (i = 0; i < FMNIST_SMALL_INPUT_SIZE; ++i) input[i] = (float)pixels[i] / 255.0f;
  if (argc > 2) {
    f = fopen(argv[2], "wb");
    if (!f || fwrite(input, sizeof(float), FMNIST_SMALL_INPUT_SIZE, f) != FMNIST_SMALL_INPUT_SIZE) return 1;
    fclose(f);
  }
  rc = fmnist_small_run(input, output, arena);
  if (rc != FMNIST_SMALL_OK) {
    fprintf(stderr, "fmnist_small_run failed: %d\n", rc);
    return 1;
  }
  for (i = 1; i < FMNIST_SMALL_OUTPUT_SIZE; ++i)
    if (output[i] > output[best]) best = i;
  printf("emitted C:   argmax %d:", best);
  for (i = 0; i < FMNIST_SMALL_OUTPUT_SIZE; ++i) printf(" %.9g", (double)output[i]);
  printf("\nclass: %s\n", kClasses[best]);
  return 0;
}
