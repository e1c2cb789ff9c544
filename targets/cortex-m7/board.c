/* board.c - qgen Cortex-M7 board support for QEMU's mps2-an500 (C99).
 * See board.h and docs/cortex-m7.md. */
#include "board.h"

#include <stdint.h>

/* ---- Arm semihosting (bkpt 0xAB; QEMU: -semihosting-config enable=on) ---- */
#define SYS_WRITE0 0x04
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026

static int qg_semihost(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void qg_board_puts(const char *s) { qg_semihost(SYS_WRITE0, (void *)(uintptr_t)s); }

void qg_board_put_u64(unsigned long long v) {
  char buf[24];
  int i = (int)sizeof buf - 1;
  buf[i] = '\0';
  do {
    buf[--i] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u);
  qg_board_puts(&buf[i]);
}

void qg_board_put_i64(long long v) {
  if (v < 0) {
    qg_board_puts("-");
    /* negate in unsigned arithmetic: also right for LLONG_MIN */
    qg_board_put_u64(0ull - (unsigned long long)v);
  } else {
    qg_board_put_u64((unsigned long long)v);
  }
}

void qg_board_put_hex32(uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  char buf[11];
  int i;
  buf[0] = '0';
  buf[1] = 'x';
  for (i = 0; i < 8; ++i) buf[2 + i] = digits[(v >> (28 - 4 * i)) & 0xfu];
  buf[10] = '\0';
  qg_board_puts(buf);
}

void qg_board_exit(int status) {
  volatile uint32_t block[2];
  block[0] = ADP_Stopped_ApplicationExit;
  block[1] = (uint32_t)status;
  for (;;) qg_semihost(SYS_EXIT_EXTENDED, (void *)block);
}

int qg_board_cmdline(char *buf, int len) {
  volatile uint32_t block[2];
  int i;
  if (buf == 0 || len <= 0) return -1;
  block[0] = (uint32_t)(uintptr_t)buf;
  block[1] = (uint32_t)len;
  if (qg_semihost(SYS_GET_CMDLINE, (void *)block) != 0) {
    buf[0] = '\0';
    return -1;
  }
  /* block[1] holds the length without the NUL; be defensive anyway */
  for (i = 0; i < len && buf[i] != '\0'; ++i) {
  }
  if (i >= len) {
    buf[len - 1] = '\0';
    return -1;
  }
  return i;
}

/* ---- Instruction counter: CMSDK dual timer, timer 1 ----
 * Under -icount shift=7 one instruction takes 128 ns of virtual time and the
 * 25 MHz timer ticks every 40 ns: instructions = round(ticks * 5 / 16), exact
 * because each reading is off by less than one tick (0.3125 instructions). */
#define DUALTIMER1_LOAD (*(volatile uint32_t *)0x40002000u)
#define DUALTIMER1_VALUE (*(volatile uint32_t *)0x40002004u)
#define DUALTIMER1_CTRL (*(volatile uint32_t *)0x40002008u)

static uint32_t qg_icount_t0;
static uint32_t qg_icount_overhead;
static int qg_icount_ready;

static void qg_icount_calibrate(void);

/* noipa: the calls keep the plain ABI, so the overhead measured by
 * qg_icount_calibrate() is the one every caller sees. */
__attribute__((noipa)) void qg_icount_start(void) {
  if (!qg_icount_ready) {
    qg_icount_ready = 1;
    DUALTIMER1_CTRL = 0u;
    DUALTIMER1_LOAD = 0xFFFFFFFFu;
    DUALTIMER1_CTRL = 0x82u; /* enable, 32-bit, free-running, no prescale, no IRQ */
    qg_icount_calibrate();
  }
  qg_icount_t0 = DUALTIMER1_VALUE; /* last instruction of interest */
}

__attribute__((noipa)) uint32_t qg_icount_stop(void) {
  uint32_t t1 = DUALTIMER1_VALUE; /* first instruction of interest */
  uint32_t ticks = qg_icount_t0 - t1; /* counts down; modular */
  uint32_t n = (uint32_t)(((uint64_t)ticks * 5u + 8u) / 16u);
  return n - qg_icount_overhead;
}

/* Measures an empty region with the public functions: that count (the
 * instructions between the two timer reads) is subtracted from then on. */
__attribute__((noipa)) static void qg_icount_calibrate(void) {
  qg_icount_overhead = 0u;
  qg_icount_start();
  qg_icount_overhead = qg_icount_stop();
}

/* ---- Stack high-water (the stack is painted by Reset_Handler) ---- */
extern uint32_t __stack_bottom[];
extern uint32_t __stack_top[];
#define QG_STACK_PAINT 0xDEADBEEFu

uint32_t qg_board_stack_high_water(void) {
  const volatile uint32_t *p = __stack_bottom;
  while (p < (const volatile uint32_t *)__stack_top && *p == QG_STACK_PAINT) ++p;
  return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

uint32_t qg_board_stack_size(void) { return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom); }
