#!/usr/bin/env bash
# m7_layer.sh QGEN WORKDIR: Cortex-M7 instructions (QEMU) of one LQ layer,
# 3x3 conv 32x32x16 -> 16, 8-bit weights, per-kernel-patch regions, with
#   - the LUT kernel at 2-bit (g = 3) and 1-bit (g = 6) activations, and
#   - the MAC kernel at 8-bit and 2-bit activations,
# counted around the layer (QG_LAYER hooks); also the int8 SMLAD kernel of the
# same shape for context. Prints "m7 <key> <instructions> <table bytes>" lines.
set -euo pipefail
qgen=$1 work=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
board="$root/targets/cortex-m7"
mkdir -p "$work"
cat >"$work/net.json" <<'J'
{"format": "qgen-net", "version": 1, "name": "conv",
 "input": {"name": "x", "shape": [16, 32, 32], "layout": "CHW"},
 "layers": [{"name": "conv", "op": "conv2d", "weight": {"shape": [16, 16, 3, 3], "random": 5},
             "bias": {"shape": [16], "random": 6}, "padding": 1}]}
J
cat >"$work/main.c" <<'C'
#include <stdint.h>
#include "board.h"
#include "m.h"
static unsigned char arena[M_ARENA_BYTES] __attribute__((aligned(16)));
static float in[M_INPUT_SIZE];
static M_OUT_T out[M_OUTPUT_SIZE];
static uint32_t cnt;
static int depth;
void qg_prof_begin(int i) { if (i == M_LAYER) qg_icount_start(); depth = i; }
void qg_prof_end(int i) { if (i == M_LAYER) cnt = qg_icount_stop(); (void)depth; }
int main(void) {
  long i;
  for (i = 0; i < M_INPUT_SIZE; ++i) in[i] = (float)((i * 37) % 255) / 255.0f - 0.3f;
  if (m_run(in, out, arena) != M_OK) return 1;
  qg_board_puts("instructions ");
  qg_board_put_u64(cnt);
  qg_board_puts("\n");
  return 0;
}
C
printf 'void qg_prof_begin(int i);\nvoid qg_prof_end(int i);\n' >"$work/prof.h"
# float -> int8 calibration data for the int8 case: 4 inputs of the same pattern family
python3 - "$work/calib.f32" <<'P'
import struct, sys
vals = []
for k in range(4):
    vals += [((i * (37 + k)) % 255) / 255.0 - 0.3 for i in range(16 * 32 * 32)]
open(sys.argv[1], "wb").write(struct.pack("<%df" % len(vals), *vals))
P
run_case() {  # key config-json layer
  local key=$1 cfg=$2 layer=$3 extra=()
  echo "$cfg" >"$work/$key.json"
  [[ "$cfg" == *int8* ]] && extra=(--calibrate "$work/calib.f32")
  rm -rf "$work/out_$key"
  "$qgen" compile "$work/net.json" --config "$work/$key.json" "${extra[@]}" --target cortex-m7 --name m -o "$work/out_$key" >/dev/null
  bash "$board/build-elf.sh" "$work/$key.elf" "$work/main.c" "$work/out_$key/m.c" "$work/out_$key/m_weights.c" -- \
    -I"$work/out_$key" -I"$work" -DM_LAYER="$layer" -DM_OUT_T=float -std=gnu99 -include "$work/prof.h" \
    "-DQG_LAYER_BEGIN(i)=qg_prof_begin(i)" "-DQG_LAYER_END(i)=qg_prof_end(i)" -Wl,--defsym=__flash_size=4M
  local n bytes
  n=$(bash "$board/run-qemu.sh" "$work/$key.elf" | sed -n 's/^instructions //p')
  bytes=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print([l for l in r['layers'] if l['op']=='conv2d'][0]['weight_bytes'])" "$work/out_$key/report.json")
  echo "m7 $key $n $bytes"
}
base='"w_bits": 8, "w_region": "kernel", "a_region": "kernel"'
run_case lut_a2 "{\"default\": {$base, \"a_bits\": 2, \"kernel\": \"lut\"}}" 1
run_case lut_a1 "{\"default\": {$base, \"a_bits\": 1, \"kernel\": \"lut\"}}" 1
run_case mac_a8 "{\"default\": {$base, \"a_bits\": 8, \"kernel\": \"mac\"}}" 1
run_case mac_a2 "{\"default\": {$base, \"a_bits\": 2, \"kernel\": \"mac\"}}" 1
run_case int8 '{"default": {"scheme": "int8"}}' 2
