/* m7 budgets: -DBIG_FLASH adds a 3 MiB const array (over the 2 MiB flash
 * budget), -DBIG_RAM a 1 MiB .bss array (over 512 KiB), -DBIG_PSRAM a 5 MiB
 * array in .psram (outside the budgets). */
#include <stdint.h>

#include "board.h"

#ifdef BIG_FLASH
const unsigned char big_flash[3u << 20] = {1, 2, 3};
#endif
#ifdef BIG_RAM
unsigned char big_ram[1u << 20];
#endif
#ifdef BIG_PSRAM
__attribute__((section(".psram.weights"))) const unsigned char big_psram[5u << 20] = {4, 5, 6};
#endif

int main(void) {
  unsigned sum = 0;
#ifdef BIG_FLASH
  sum += ((volatile const unsigned char *)big_flash)[2] + ((volatile const unsigned char *)big_flash)[(3u << 20) - 1];
#endif
#ifdef BIG_RAM
  ((volatile unsigned char *)big_ram)[(1u << 20) - 1] = 7;
  sum += ((volatile unsigned char *)big_ram)[(1u << 20) - 1];
#endif
#ifdef BIG_PSRAM
  if ((uintptr_t)big_psram != 0x60000000u) return 50;
  sum += ((volatile const unsigned char *)big_psram)[2];
#endif
  qg_board_puts("budget sum: ");
  qg_board_put_u64(sum);
  qg_board_puts("\n");
  return 0;
}
