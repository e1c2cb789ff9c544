/* startup.c - qgen Cortex-M7 startup for QEMU's mps2-an500 (C99).
 *
 * Vector table, Reset_Handler (FPU on, fault exceptions on, .data copy, .bss
 * zero, stack paint, C/C++ constructors, main(), exit with main's value) and
 * fault handlers that print "qg: <Fault> ..." and exit with status 3.
 * Linker symbols come from mps2_an500.ld. See docs/cortex-m7.md. */
#include <stdint.h>

#include "board.h"

extern int main(void);

extern uint32_t __stack_bottom[];
extern uint32_t __stack_top[];
extern uint32_t __data_load[];
extern uint32_t __data_start[];
extern uint32_t __data_end[];
extern uint32_t __bss_start[];
extern uint32_t __bss_end[];
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

#define QG_STACK_PAINT 0xDEADBEEFu /* same as board.c */
#define QG_FAULT_STATUS 3

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

void Reset_Handler(void) __attribute__((noreturn));
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void Default_Handler(void);
void qg_fault_report(const uint32_t *frame, uint32_t kind) __attribute__((noreturn, used));

/* Empty hooks for newlib (-nostartfiles still leaves references to them). */
__attribute__((weak)) void _init(void) {}
__attribute__((weak)) void _fini(void) {}
/* abort() and exit() from newlib end here. */
__attribute__((weak, noreturn)) void _exit(int status) { qg_board_exit(status); }

void Reset_Handler(void) {
  uint32_t *dst;
  const uint32_t *src;
  uintptr_t sp;
  int rc;
  /* FPU first (CP10/CP11 full access): GCC may use VFP registers anywhere. */
  SCB_CPACR |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  /* MemManage, BusFault and UsageFault get their own handlers (else HardFault). */
  SCB_SHCSR |= 7u << 16;
  /* Integer division by zero traps (UsageFault), as it does on the host,
   * instead of silently giving 0. */
  SCB_CCR |= 1u << 4; /* DIV_0_TRP */
  /* Stack guard: the stack grows down towards 0x20000000, and below it QEMU's
   * mps2-an500 reads zeros and ignores writes (no fault). One MPU region
   * makes 0x10000000-0x1FFFFFFF no-access, so an overflow faults
   * (MemManage) instead of silently losing data. Privileged default map
   * elsewhere; the MPU is off in HardFault/NMI. */
  MPU_RNR = 0u;
  MPU_RBAR = 0x10000000u;
  MPU_RASR = (1u << 28) | (0u << 24) | (27u << 1) | 1u; /* XN, no access, 2^28 bytes, enable */
  MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA, ENABLE */
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  /* volatile stores: keep GCC from turning the loops into memcpy/memset calls */
  for (src = __data_load, dst = __data_start; dst < __data_end; ++src, ++dst) *(volatile uint32_t *)dst = *src;
  for (dst = __bss_start; dst < __bss_end; ++dst) *(volatile uint32_t *)dst = 0u;

  /* Paint the unused stack (keep 64 bytes below the current SP for this frame). */
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (dst = __stack_bottom; (uintptr_t)dst < sp - 64u; ++dst) *(volatile uint32_t *)dst = QG_STACK_PAINT;

  {
    long i, n = __preinit_array_end - __preinit_array_start;
    for (i = 0; i < n; ++i) __preinit_array_start[i]();
    n = __init_array_end - __init_array_start;
    for (i = 0; i < n; ++i) __init_array_start[i]();
  }

  rc = main();
  qg_board_exit(rc);
}

static const char *const qg_fault_names[] = {"NMI", "HardFault", "MemManage", "BusFault", "UsageFault", "unexpected exception"};

/* frame: the exception stack frame (r0-r3, r12, lr, pc, xpsr). */
void qg_fault_report(const uint32_t *frame, uint32_t kind) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  if (kind > 5u) kind = 5u;
  qg_board_puts("qg: ");
  qg_board_puts(qg_fault_names[kind]);
  qg_board_puts(" (exception ");
  qg_board_put_u64(ipsr & 0x1ffu);
  qg_board_puts(")");
  if ((uintptr_t)frame < (uintptr_t)__stack_bottom || (uintptr_t)frame > (uintptr_t)__stack_top) {
    qg_board_puts(" stack overflow: sp=");
    qg_board_put_hex32((uint32_t)(uintptr_t)frame);
    qg_board_puts(" is outside the stack (raise __stack_size, e.g. -Wl,--defsym=__stack_size=64K)");
  } else {
    qg_board_puts(" pc=");
    qg_board_put_hex32(frame[6]);
    qg_board_puts(" lr=");
    qg_board_put_hex32(frame[5]);
  }
  qg_board_puts(" cfsr=");
  qg_board_put_hex32(SCB_CFSR);
  qg_board_puts(" hfsr=");
  qg_board_put_hex32(SCB_HFSR);
  if (SCB_CFSR & 0x80u) {
    qg_board_puts(" mmfar=");
    qg_board_put_hex32(SCB_MMFAR);
  }
  if (SCB_CFSR & 0x8000u) {
    qg_board_puts(" bfar=");
    qg_board_put_hex32(SCB_BFAR);
  }
  qg_board_puts("\n");
  qg_board_exit(QG_FAULT_STATUS);
}

/* Stubs: pass the stacked frame (MSP or PSP, from EXC_RETURN bit 2) and the
 * kind. After a stack overflow the frame lies below the stack: the report
 * then runs on the top of the stack (nothing returns from here). */
#define QG_FAULT_STUB(name, kind)                \
  __attribute__((naked)) void name(void) {       \
    __asm__ volatile("tst lr, #4\n\t"            \
                     "ite eq\n\t"                \
                     "mrseq r0, msp\n\t"         \
                     "mrsne r0, psp\n\t"         \
                     "movs r1, #" #kind "\n\t"   \
                     "movw r2, #:lower16:__stack_bottom\n\t" \
                     "movt r2, #:upper16:__stack_bottom\n\t" \
                     "cmp r0, r2\n\t"            \
                     "bhs 1f\n\t"                \
                     "movw r2, #:lower16:__stack_top\n\t" \
                     "movt r2, #:upper16:__stack_top\n\t" \
                     "mov sp, r2\n"               \
                     "1:\tb qg_fault_report\n\t"); \
  }

QG_FAULT_STUB(NMI_Handler, 0)
QG_FAULT_STUB(HardFault_Handler, 1)
QG_FAULT_STUB(MemManage_Handler, 2)
QG_FAULT_STUB(BusFault_Handler, 3)
QG_FAULT_STUB(UsageFault_Handler, 4)
QG_FAULT_STUB(Default_Handler, 5)

typedef void (*qg_vector)(void);

/* 16 system exceptions + 32 external interrupts (none used). */
__attribute__((section(".vectors"), used)) const qg_vector qg_vector_table[48] = {
    (qg_vector)(uintptr_t)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler};
