/* board.h - qgen Cortex-M7 board support for QEMU's mps2-an500 (C99).
 *
 * Output and exit go through Arm semihosting: run the ELF with
 * targets/cortex-m7/run-qemu.sh, whose exit status is the guest's status.
 * See docs/cortex-m7.md. */
#ifndef QG_BOARD_H
#define QG_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Text output on the runner's stdout (semihosting SYS_WRITE0). No newline added. */
void qg_board_puts(const char *s);
/* Decimal numbers (no printf needed). */
void qg_board_put_i64(long long v);
void qg_board_put_u64(unsigned long long v);
/* "0x" and exactly 8 lower-case hex digits (e.g. float bits). */
void qg_board_put_hex32(uint32_t v);

/* Ends the program: QEMU exits with `status` (semihosting SYS_EXIT_EXTENDED;
 * the shell sees status & 0xff). Returning n from main() does the same. */
void qg_board_exit(int status) __attribute__((noreturn));

/* Instruction counter (CMSDK dual timer 1 at 0x40002000, 25 MHz).
 * Exact only under `-icount shift=7` (run-qemu.sh passes it): then it returns
 * the number of Cortex-M7 *instructions* (not cycles) executed between the
 * two calls. The calls' own overhead is measured once and subtracted, so
 * `qg_icount_start(); n = qg_icount_stop();` gives n == 0. Wraps after about
 * 1.3e9 instructions. Regions do not nest (one global start point). */
void qg_icount_start(void);
uint32_t qg_icount_stop(void);

/* Bytes of the stack ever used since reset (highest point reached), found by
 * scanning for the pattern painted at reset. Equal to qg_board_stack_size()
 * when the whole stack was used (possibly overflowed). */
uint32_t qg_board_stack_high_water(void);
/* Size of the stack in bytes (__stack_size at link time, default 16 KiB). */
uint32_t qg_board_stack_size(void);

/* The command line given to the runner (run-qemu.sh ELF ARGS...): the ELF's
 * name and ARGS joined by single spaces, NUL-terminated in buf. Returns its
 * length, or -1 if it does not fit in len bytes or semihosting failed. */
int qg_board_cmdline(char *buf, int len);

#ifdef __cplusplus
}
#endif

#endif /* QG_BOARD_H */
