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
# The firmware of bench/m7 (bench/m7/main.c, per-layer counts with prof.h);
# the input: 16x32x32 floats of a fixed pattern, as raw bytes -> C array.
m7bench="$root/bench/m7"
python3 - "$work/input.bin" <<'P'
import struct, sys
vals = [((i * 37) % 255) / 255.0 - 0.3 for i in range(16 * 32 * 32)]
open(sys.argv[1], "wb").write(struct.pack("<%df" % len(vals), *vals))
P
python3 "$m7bench/bench.py" carray "$work/input.bin" "$work/input.c" float
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
  bash "$board/build-elf.sh" "$work/$key.elf" "$m7bench/main.c" "$work/input.c" "$work/out_$key/m.c" "$work/out_$key/m_weights.c" -- \
    -I"$work/out_$key" '-DQGB_HEADER="m.h"' -DQGB_PREFIX=m -DQGB_UPPER=M -DQGB_IN_T=float -DQGB_OUT_T=float \
    -DQGB_PROFILE=1 -include "$m7bench/prof.h" "-DQG_LAYER_BEGIN(i)=qg_prof_begin(i)" "-DQG_LAYER_END(i)=qg_prof_end(i)" \
    -Wl,--defsym=__flash_size=4M
  local n bytes
  n=$(bash "$board/run-qemu.sh" "$work/$key.elf" | awk -v l="$layer" '$1 == "qgb:" && $2 == "layer" && $3 == l { print $4 }')
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "m7_layer: no count for layer $layer of $key" >&2; exit 1; }
  bytes=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print([l for l in r['layers'] if l['op']=='conv2d'][0]['weight_bytes'])" "$work/out_$key/report.json")
  echo "m7 $key $n $bytes"
}
base='"w_bits": 8, "w_region": "kernel", "a_region": "kernel"'
run_case lut_a2 "{\"default\": {$base, \"a_bits\": 2, \"kernel\": \"lut\"}}" 1
run_case lut_a1 "{\"default\": {$base, \"a_bits\": 1, \"kernel\": \"lut\"}}" 1
run_case mac_a8 "{\"default\": {$base, \"a_bits\": 8, \"kernel\": \"mac\"}}" 1
run_case mac_a2 "{\"default\": {$base, \"a_bits\": 2, \"kernel\": \"mac\"}}" 1
run_case int8 '{"default": {"scheme": "int8"}}' 2
