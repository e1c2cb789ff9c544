/* m7 faults: "fault.elf KIND" triggers one; each must end the run with a
 * "qg: <Fault>" line and status 3 (stack overflows: "stack overflow"). */
#include <stdint.h>

#include "board.h"

volatile int sink;

__attribute__((noinline)) static int recurse(int d) {
  volatile char pad[256];
  pad[0] = (char)d;
  pad[255] = 1;
  return d == 0 ? pad[0] : recurse(d - 1) + pad[255];
}

/* a 32 KiB local array in a 16 KiB stack: written top-down, the writes
 * reach the guard below the stack */
__attribute__((noinline)) static int big_frame(int seed) {
  volatile unsigned char buf[32768];
  int i;
  for (i = 32767; i >= 0; i -= 256) buf[i] = (unsigned char)(seed + i);
  return buf[0] + buf[32767];
}

int main(void) {
  char cmd[64];
  const char *k = cmd;
  if (qg_board_cmdline(cmd, (int)sizeof cmd) < 0) return 100;
  while (*k && *k != ' ') ++k;
  while (*k == ' ') ++k;
  qg_board_puts("fault test: ");
  qg_board_puts(k);
  qg_board_puts("\n");
  switch (k[0]) {
    case 'u': /* undefined instruction */
      __asm__ volatile("udf #0");
      break;
    case 'b': /* load from an unmapped address */
      sink = *(volatile int *)0x90000000u;
      break;
    case 'x': /* jump to a non-executable address */
      ((void (*)(void))0x90000001u)();
      break;
    case 'd': { /* integer division by zero (DIV_0_TRP is set at reset) */
      volatile int z = 0;
      sink = 10 / z;
      break;
    }
    case 's': /* stack overflow: 1000 x ~264 bytes in a 16 KiB stack */
      sink = recurse(1000);
      break;
    case 'a': /* stack overflow by one big frame */
      sink = big_frame(1);
      break;
    default:
      return 100;
  }
  qg_board_puts("no fault\n");
  return 0;
}
