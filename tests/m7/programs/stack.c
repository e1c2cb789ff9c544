/* m7 stack high-water: small before, >= 4 KiB after a call with a 4 KiB
 * local array, and not much more. "stack.elf SIZE" also checks
 * qg_board_stack_size() == SIZE (the __stack_size the ELF was linked with). */
#include <stdint.h>

#include "board.h"

__attribute__((noinline)) static int use_4k(int seed) {
  volatile unsigned char buf[4096];
  int i, sum = 0;
  for (i = 0; i < 4096; ++i) buf[i] = (unsigned char)(seed + i);
  for (i = 0; i < 4096; i += 64) sum += buf[i];
  return sum;
}

static void show(const char *what, uint32_t v) {
  qg_board_puts(what);
  qg_board_put_u64(v);
  qg_board_puts("\n");
}

int main(void) {
  char cmd[64];
  const char *p = cmd;
  uint32_t want_size = 0, before, after;
  int bad = 0;
  if (qg_board_cmdline(cmd, (int)sizeof cmd) < 0) return 100;
  while (*p && *p != ' ') ++p;
  while (*p == ' ') ++p;
  while (*p >= '0' && *p <= '9') want_size = want_size * 10u + (uint32_t)(*p++ - '0');

  before = qg_board_stack_high_water();
  show("stack size: ", qg_board_stack_size());
  show("high-water before: ", before);
  if (use_4k(3) != 6336) bad = 1; /* 16 x (3 + 67 + 131 + 195) */
  after = qg_board_stack_high_water();
  show("high-water after a 4 KiB local array: ", after);

  if (want_size != 0 && qg_board_stack_size() != want_size) bad = 1;
  if (before == 0 || before > 1024) bad = 1;
  if (after < 4096 || after > 4096 + 1024) bad = 1;
  /* it only grows */
  if (qg_board_stack_high_water() != after) bad = 1;
  qg_board_puts(bad ? "qg-m7 stack: FAIL\n" : "qg-m7 stack: PASS\n");
  return bad;
}
