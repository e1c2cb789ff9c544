/* examples/cmake-app: runs the network qgen_add_network(fmnist ...) emitted on
 * a fixed synthetic image and prints each output's float bits as
 *   qg-out <i> 0x<8 hex digits>
 * on the host (printf) or the Cortex-M7 (semihosting), then "app: ok".
 * On the host, `app INPUT.f32` also writes the input for `qgen run`. */
#include <stdint.h>
#include <string.h>

#include "fmnist.h"

#if defined(APP_CORTEX_M7)
#include "board.h"
static void put_line(int i, uint32_t bits) {
  qg_board_puts("qg-out ");
  qg_board_put_i64(i);
  qg_board_puts(" ");
  qg_board_put_hex32(bits);
  qg_board_puts("\n");
}
static void put_text(const char *s) { qg_board_puts(s); }
#else
#include <stdio.h>
static void put_line(int i, uint32_t bits) { printf("qg-out %d 0x%08x\n", i, (unsigned)bits); }
static void put_text(const char *s) { fputs(s, stdout); }
#endif

static uint8_t arena[FMNIST_ARENA_BYTES] __attribute__((aligned(16)));

int main(int argc, char **argv) {
  static float input[FMNIST_INPUT_SIZE];
  float output[FMNIST_OUTPUT_SIZE];
  int i;
  /* A fixed, image-like pattern in [0, 1] (the same on every build). */
  for (i = 0; i < FMNIST_INPUT_SIZE; ++i) input[i] = (float)((i * 37 + (i / 28) * 11) % 256) / 255.0f;
#if !defined(APP_CORTEX_M7)
  if (argc > 1) {
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(input, sizeof(float), FMNIST_INPUT_SIZE, f) != FMNIST_INPUT_SIZE || fclose(f) != 0) {
      fprintf(stderr, "app: cannot write %s\n", argv[1]);
      return 1;
    }
  }
#else
  (void)argc;
  (void)argv;
#endif
  if (fmnist_run(input, output, arena) != FMNIST_OK) {
    put_text("app: fmnist_run failed\n");
    return 1;
  }
  for (i = 0; i < FMNIST_OUTPUT_SIZE; ++i) {
    uint32_t bits;
    memcpy(&bits, &output[i], sizeof bits);
    put_line(i, bits);
  }
  put_text("app: ok\n");
  return 0;
}
