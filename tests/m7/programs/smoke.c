/* m7 smoke: output, .data/.bss/constructors/FPU after reset, and the
 * instruction counter: an empty region reads 0, 100 nops read 100, and a loop
 * of 2 instructions per iteration scales exactly. Exit 0 when all hold. */
#include <stdint.h>

#include "board.h"

static int data_value = 1234; /* .data, copied at reset */
static int bss_value;         /* .bss, zeroed at reset */
static int ctor_ran;
__attribute__((constructor)) static void ctor(void) { ctor_ran = 1; }

/* 2 instructions per iteration (subs, bne). noinline + volatile argument:
 * the caller cannot move other work into the measured region. */
__attribute__((noinline)) static void spin(uint32_t n) {
  if (n == 0) return;
  __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

/* Stored to a volatile after qg_icount_stop(): no tail call, so nothing of
 * the caller's epilogue lands between the two calls. */
static volatile uint32_t counted;

__attribute__((noinline)) static uint32_t measure(uint32_t n) {
  qg_icount_start();
  spin(n);
  counted = qg_icount_stop();
  return counted;
}

__attribute__((noinline)) static uint32_t measure_empty(void) {
  qg_icount_start();
  counted = qg_icount_stop();
  return counted;
}

__attribute__((noinline)) static uint32_t measure_nops(void) {
  qg_icount_start();
  __asm__ volatile(".rept 100\n\tnop\n\t.endr" ::: "memory");
  counted = qg_icount_stop();
  return counted;
}

static int check(const char *what, long long got, long long want) {
  qg_board_puts(what);
  qg_board_puts(" = ");
  qg_board_put_i64(got);
  if (got != want) {
    qg_board_puts(" FAIL, expected ");
    qg_board_put_i64(want);
    qg_board_puts("\n");
    return 1;
  }
  qg_board_puts(" ok\n");
  return 0;
}

int main(void) {
  static volatile uint32_t n_base = 1000; /* opaque to the compiler */
  volatile float f = 1.5f;
  uint32_t n = n_base, c0, c1, c2, c4, big;
  int bad = 0;

  qg_board_puts("qg-m7 smoke: hello from the Cortex-M7\n");
  bad |= check("data_value", data_value, 1234);
  bad |= check("bss_value", bss_value, 0);
  bad |= check("constructor", ctor_ran, 1);
  f = f * 3.0f + 0.25f;
  bad |= check("float 1.5*3+0.25 (x4)", (long long)(f * 4.0f), 19);

  bad |= check("empty region", measure_empty(), 0);
  bad |= check("100 nops", measure_nops(), 100);
  c0 = measure(0);
  c1 = measure(n);
  c2 = measure(2 * n);
  c4 = measure(4 * n);
  qg_board_puts("count(0) = ");
  qg_board_put_u64(c0);
  qg_board_puts("\n");
  bad |= check("count(N) - count(0), N=1000", (long long)c1 - c0, 2 * (long long)n);
  bad |= check("count(2N) - count(N)", (long long)c2 - c1, (long long)c1 - c0);
  bad |= check("count(4N) - count(2N)", (long long)c4 - c2, 2 * ((long long)c2 - c1));
  big = measure(5000000u); /* 1e7 instructions: 3.2e7 timer ticks */
  bad |= check("count(5e6) - count(0)", (long long)big - c0, 10000000);
  /* repeatable within one run */
  bad |= check("count(N) again", measure(n), c1);

  qg_board_puts(bad ? "qg-m7 smoke: FAIL\n" : "qg-m7 smoke: PASS\n");
  return bad;
}
