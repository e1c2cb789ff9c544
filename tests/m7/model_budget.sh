#!/usr/bin/env bash
# model_budget.sh QGEN MODELS_DIR WORKDIR
# An emitted model that does not fit the flash budget fails at link time with
# the budget message (and no ELF); with the budget raised it links and runs.
# $QGEN_MODELS_DIR overrides MODELS_DIR. A missing model skips (77), and fails
# under QGEN_REQUIRE_MODELS=1; missing board tools skip.
set -u
qgen=$1 models=${QGEN_MODELS_DIR:-$2} work=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
board="$here/../../targets/cortex-m7"
model="$models/mlperf-tiny/vww_96_int8.tflite"
if [ ! -r "$model" ]; then
  [ "${QGEN_REQUIRE_MODELS:-}" = 1 ] && { echo "FAIL: $model not found (QGEN_REQUIRE_MODELS=1: missing inputs fail)"; exit 1; }
  echo "SKIP: $model not found"; exit 77
fi
command -v arm-none-eabi-gcc >/dev/null || { echo "SKIP: arm-none-eabi-gcc not installed"; exit 77; }
command -v qemu-system-arm >/dev/null || { echo "SKIP: qemu-system-arm not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" || exit 2
"$qgen" compile "$model" --target cortex-m7 --name vww -o "$work/out" >/dev/null || { echo "FAIL: qgen compile"; exit 1; }
cat > "$work/main.c" <<'C'
#include "board.h"
#include "vww.h"
static unsigned char arena[VWW_ARENA_BYTES] __attribute__((aligned(16)));
static int8_t in[VWW_INPUT_SIZE], out[VWW_OUTPUT_SIZE];
int main(void) { return vww_run(in, out, arena) == VWW_OK ? 0 : 1; }
C
srcs=("$work/main.c" "$work/out/vww.c" "$work/out/vww_weights.c")
# 256 KiB of flash cannot hold VWW's ~300 KB of weights.
if out=$(bash "$board/build-elf.sh" "$work/small.elf" "${srcs[@]}" -- -I"$work/out" -Wl,--defsym=__flash_size=256K 2>&1); then
  echo "FAIL: linked into a 256 KiB flash budget"; exit 1
fi
grep -q "qgen cortex-m7: flash budget exceeded" <<<"$out" || { echo "FAIL: no budget message in:"; echo "$out" | tail -5; exit 1; }
[ ! -e "$work/small.elf" ] || { echo "FAIL: an ELF was left behind"; exit 1; }
# The default 2 MiB budget holds it, and it runs.
bash "$board/build-elf.sh" "$work/ok.elf" "${srcs[@]}" -- -I"$work/out" || { echo "FAIL: does not link in 2 MiB"; exit 1; }
bash "$board/run-qemu.sh" "$work/ok.elf" || { echo "FAIL: run"; exit 1; }
echo "ok: over-budget model rejected at link time; fits the default budget"
