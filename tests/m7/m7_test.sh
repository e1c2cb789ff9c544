#!/usr/bin/env bash
# m7_test.sh CASE WORKDIR - one Cortex-M7 board-support test (tests/m7).
# Builds programs/*.c with targets/cortex-m7/build-elf.sh and runs them with
# targets/cortex-m7/run-qemu.sh. Exit 0 pass, 1 fail, 77 skip (toolchain or
# QEMU missing).
set -u
case_name=${1:?case}
work=${2:?workdir}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
m7=$(cd "$here/../../targets/cortex-m7" && pwd)
progs=$here/programs
BUILD=$m7/build-elf.sh
RUN=$m7/run-qemu.sh
export QG_QEMU_TIMEOUT=${QG_QEMU_TIMEOUT:-60}

for tool in arm-none-eabi-gcc qemu-system-arm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (scripts/install-deps.sh installs it)"
    exit 77
  fi
done
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# build OUT SRC [EXTRA...]: must succeed
build() {
  local out=$1 src=$2
  shift 2
  if ! "$BUILD" "$out" "$progs/$src" -- "$@" 2>"$out.build.txt"; then
    fail "build of $src ($*) failed: $(head -c 2000 "$out.build.txt")"
    return 1
  fi
}

# run_expect STATUS NEEDLE ELF ARGS...: exit status and a line on stdout
run_expect() {
  local want=$1 needle=$2
  shift 2
  "$RUN" "$@" >run.out 2>run.err
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$* exited $rc, expected $want; stdout: $(head -c 1500 run.out) stderr: $(head -c 500 run.err)"
    return 1
  fi
  if ! grep -qF -- "$needle" run.out; then
    fail "$*: no '$needle' in the output: $(head -c 1500 run.out)"
    return 1
  fi
  ok "$* -> status $rc, '$needle'"
}

case $case_name in
  smoke)
    build smoke.elf smoke.c || exit 1
    run_expect 0 "qg-m7 smoke: PASS" smoke.elf
    cat run.out
    grep -q "^qg-m7 smoke: hello from the Cortex-M7$" run.out || fail "greeting line missing"
    cp run.out first.out
    # deterministic: the same counts on a second run
    "$RUN" smoke.elf >second.out 2>&1
    if cmp -s first.out second.out; then ok "second run identical"; else fail "second run differs: $(diff first.out second.out | head -20)"; fi
    ;;

  exit_status)
    build exit_status.elf exit_status.c || exit 1
    run_expect 7 "cmdline(21): exit_status.elf ret 7" exit_status.elf ret 7
    run_expect 0 "exit_status.elf ret 0" exit_status.elf ret 0
    run_expect 42 "exit_status.elf exit 42" exit_status.elf exit 42
    run_expect 255 "exit_status.elf ret 255" exit_status.elf ret 255
    # commas survive QEMU's option parsing
    run_expect 9 "exit_status.elf exit 9 a,b" exit_status.elf exit 9 a,b
    ;;

  dsp)
    build dsp.elf dsp.c || exit 1
    run_expect 0 "qg-m7 dsp: PASS" dsp.elf
    cat run.out
    # the intrinsics really became DSP instructions
    if arm-none-eabi-objdump -d dsp.elf | grep -q "smlad" && arm-none-eabi-objdump -d dsp.elf | grep -q "sxtb16"; then
      ok "smlad and sxtb16 in the code"
    else
      fail "no smlad/sxtb16 in the disassembly"
    fi
    ;;

  budget)
    # over the 2 MiB flash budget: fails with the message, no ELF left behind
    if "$BUILD" big.elf "$progs/budget.c" -- -DBIG_FLASH >flash.out 2>&1; then
      fail "3 MiB of const data linked under the default flash budget"
    elif ! grep -q "qgen cortex-m7: flash budget exceeded" flash.out; then
      fail "no flash budget message: $(head -c 1000 flash.out)"
    elif [ -e big.elf ]; then
      fail "a failed link left big.elf"
    else
      ok "3 MiB const array: $(grep -o 'qgen cortex-m7: flash budget exceeded[^)]*)' flash.out)"
    fi
    build big.elf budget.c -DBIG_FLASH -Wl,--defsym=__flash_size=4M && run_expect 0 "budget sum: 3" big.elf
    # over the 512 KiB RAM budget
    if "$BUILD" bigram.elf "$progs/budget.c" -- -DBIG_RAM >ram.out 2>&1; then
      fail "1 MiB of .bss linked under the default RAM budget"
    elif ! grep -q "qgen cortex-m7: RAM budget exceeded" ram.out; then
      fail "no RAM budget message: $(head -c 1000 ram.out)"
    else
      ok "1 MiB .bss: $(grep -o 'qgen cortex-m7: RAM budget exceeded[^)]*)' ram.out)"
    fi
    build bigram.elf budget.c -DBIG_RAM -Wl,--defsym=__ram_size=2M && run_expect 0 "budget sum: 7" bigram.elf
    # the stack counts against the RAM budget
    if "$BUILD" bigstack.elf "$progs/budget.c" -- -Wl,--defsym=__stack_size=600K >stack.out 2>&1; then
      fail "a 600 KiB stack linked under the 512 KiB RAM budget"
    else
      if grep -q "RAM budget exceeded" stack.out; then ok "600 KiB stack: RAM budget exceeded"; else fail "no RAM message for a big stack"; fi
    fi
    # --size reports the usage
    sz=$("$BUILD" --size small.elf "$progs/budget.c" 2>&1)
    if [[ "$sz" =~ ^qg-size:\ flash=[0-9]+\ ram=([0-9]+)\ stack=16384\ psram=0$ ]] && [ "${BASH_REMATCH[1]}" -ge 16384 ]; then
      ok "$sz"
    else
      fail "unexpected --size line: $sz"
    fi
    # PSRAM: 5 MiB of weights outside the budgets
    build psram.elf budget.c -DBIG_PSRAM && run_expect 0 "budget sum: 6" psram.elf
    ;;

  fault)
    build fault.elf fault.c || exit 1
    run_expect 3 "qg: UsageFault" fault.elf undefined
    run_expect 3 "qg: BusFault" fault.elf bad-load
    run_expect 3 "bfar=0x90000000" fault.elf bad-load
    run_expect 3 "qg: BusFault" fault.elf xjump
    run_expect 3 "qg: UsageFault" fault.elf div0
    run_expect 3 "stack overflow" fault.elf s-recursion
    run_expect 3 "stack overflow" fault.elf a-big-frame
    ;;

  stack)
    build stack.elf stack.c || exit 1
    run_expect 0 "qg-m7 stack: PASS" stack.elf 16384
    cat run.out
    build stack32.elf stack.c -Wl,--defsym=__stack_size=32K && run_expect 0 "stack size: 32768" stack32.elf 32768
    ;;

  build_elf)
    # errors: non-zero status, the compiler's message, no ELF
    printf 'int main(void) { return undeclared_thing; }\n' >bad.c
    if "$BUILD" bad.elf bad.c >bad.out 2>&1 || [ -e bad.elf ]; then
      fail "a compile error did not fail the build"
    else
      if grep -q "undeclared_thing" bad.out; then ok "compile error reported"; else fail "compiler message missing: $(cat bad.out)"; fi
    fi
    printf 'int main(void) { int unused; return 0; }\n' >warn.c
    if "$BUILD" warn.elf warn.c >warn.out 2>&1; then fail "a warning was not an error"; else ok "warnings are errors"; fi
    printf 'int f(void);\nint main(void) { return f(); }\n' >undef.c
    if "$BUILD" undef.elf undef.c >undef.out 2>&1; then fail "an undefined symbol linked"; else
      if grep -q "undefined reference to .f'" undef.out; then ok "link error reported"; else fail "linker message missing: $(cat undef.out)"; fi
    fi
    # paths with spaces, several sources, extra flags
    mkdir -p "dir with space"
    printf '#include "board.h"\nint twice(int);\nint main(void) { qg_board_puts("two sources\\n"); return twice(VALUE); }\n' >"dir with space/a main.c"
    printf 'int twice(int x);\nint twice(int x) { return 2 * x; }\n' >"dir with space/b.c"
    if "$BUILD" "dir with space/out.elf" "dir with space/a main.c" "dir with space/b.c" -- -DVALUE=6 2>spc.err; then
      run_expect 12 "two sources" "dir with space/out.elf"
    else
      fail "build with spaces in paths failed: $(cat spc.err)"
    fi
    # usage error
    if "$BUILD" only.elf >/dev/null 2>&1; then fail "no sources accepted"; else ok "usage error without sources"; fi
    # runner: missing ELF
    if "$RUN" does-not-exist.elf >/dev/null 2>&1; then fail "runner accepted a missing ELF"; else ok "runner rejects a missing ELF"; fi
    ;;

  toolchain_cmake)
    command -v cmake >/dev/null || { echo "SKIP: no cmake"; exit 77; }
    if cmake -S "$here/cmake_project" -B build -DCMAKE_TOOLCHAIN_FILE="$m7/toolchain.cmake" -DCMAKE_BUILD_TYPE=Release \
        -DQG_M7_TEST_PROGRAMS="$progs" >configure.out 2>&1 &&
      cmake --build build -v >build.out 2>&1; then
      ok "configured and built with toolchain.cmake"
      grep -q -- "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16 -O2 -ffp-contract=off -ffunction-sections -fdata-sections" build.out ||
        fail "the target.json flags are not on the compile line"
      if grep -E -- "-O3|-Os|-O0" build.out; then fail "an extra -O level crept in"; fi
      if (cd build && ctest --output-on-failure >ctest.out 2>&1); then ok "ctest under run-qemu.sh"; else fail "ctest: $(tail -30 build/ctest.out)"; fi
    else
      fail "cmake: $(tail -30 configure.out; tail -30 build.out 2>/dev/null)"
    fi
    ;;

  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac

if [ "$fails" -ne 0 ]; then
  echo "m7 $case_name: $fails failure(s)"
  exit 1
fi
echo "m7 $case_name: all passed"
exit 0
