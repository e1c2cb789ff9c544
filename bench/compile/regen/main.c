/* bench/compile/regen: one KWS inference on zeros (the benchmark times the
 * build, not this program). */
#include <stdint.h>

#include "kws.h"

static uint8_t arena[KWS_ARENA_BYTES] __attribute__((aligned(16)));
static float input[KWS_INPUT_SIZE];

int main(void) {
  float output[KWS_OUTPUT_SIZE];
  return kws_run(input, output, arena) == KWS_OK ? 0 : 1;
}
