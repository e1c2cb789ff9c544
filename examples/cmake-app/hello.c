/* examples/cmake-app: the int8 hello_world model compiled for x86-64 (its
 * dense layers are a Halide object in the `hello` library). Runs every int8
 * input code -128..127 and prints "qg-hello <code> <output code>"; with an
 * argument, also writes the 256 inputs (int8, back to back) for `qgen run`. */
#include <stdint.h>
#include <stdio.h>

#include "hello.h"

static uint8_t arena[HELLO_ARENA_BYTES] __attribute__((aligned(16)));

int main(int argc, char **argv) {
  int8_t in[256][HELLO_INPUT_SIZE], out[HELLO_OUTPUT_SIZE];
  int c, k;
  FILE *f = argc > 1 ? fopen(argv[1], "wb") : NULL;
  if (argc > 1 && !f) return 1;
  for (c = 0; c < 256; ++c) {
    for (k = 0; k < HELLO_INPUT_SIZE; ++k) in[c][k] = (int8_t)(c - 128);
    if (hello_run(in[c], out, arena) != HELLO_OK) {
      fprintf(stderr, "hello_run failed\n");
      return 1;
    }
    for (k = 0; k < HELLO_OUTPUT_SIZE; ++k) printf("qg-hello %d %d\n", c - 128, out[k]);
    if (f && fwrite(in[c], 1, HELLO_INPUT_SIZE, f) != HELLO_INPUT_SIZE) return 1;
  }
  if (f && fclose(f) != 0) return 1;
  printf("hello: ok\n");
  return 0;
}
