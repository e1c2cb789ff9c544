#!/usr/bin/env bash
# lq_kernel.sh QGEN WORKDIR [KEY...]: Cortex-M7 instructions (QEMU -icount) of
# one whole fmnist_vgg inference (examples/fashion-mnist/fmnist_vgg.onnx, test
# image 0, pixel / 255) under
#   int8       scheme int8, calibrated on the first 64 training images
#   lq8_kernel LQ 8/8-bit, "kernel" weight and activation regions (per-patch
#              activation quantization: templates/conv2d_lq.c)
#   lq8_r16    LQ 8/8-bit, R = 16 (per-patch quantization where 16 does not
#              divide a layer's channels or the producer path is not used)
# (default: int8 lq8_kernel). For each key: the firmware of bench/m7/main.c
# built with targets/cortex-m7/build-elf.sh, its output checked bit for bit
# against `qgen run` on the same input, the whole run counted without hooks and
# each layer counted with the QG_LAYER hooks (bench/m7/prof.h). Prints
#   m7 KEY layer I OP KERNEL INSTRUCTIONS
#   m7 KEY whole INSTRUCTIONS arena ARENA_BYTES
# and, when int8 is among the keys, "ratio KEY/int8 R" lines.
# Needs the Fashion-MNIST files in ${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}.
set -euo pipefail
qgen=$1 work=$2
shift 2
keys=("$@")
[[ ${#keys[@]} -gt 0 ]] || keys=(int8 lq8_kernel)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
board=$root/targets/cortex-m7
m7bench=$root/bench/m7
net=$root/examples/fashion-mnist/fmnist_vgg.onnx
fm=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
[[ -r $fm/t10k-images-idx3-ubyte.gz ]] || { echo "lq_kernel.sh: Fashion-MNIST not found in $fm" >&2; exit 77; }
mkdir -p "$work"
python3 - "$fm" "$work" <<'P'
import gzip, struct, sys
d, w = sys.argv[1], sys.argv[2]
def imgs(f, n):
    b = gzip.open(d + "/" + f).read()[16:16 + 784 * n]
    return struct.pack("<%df" % len(b), *[v / 255.0 for v in b])
open(w + "/calib.f32", "wb").write(imgs("train-images-idx3-ubyte.gz", 64))
open(w + "/input.f32", "wb").write(imgs("t10k-images-idx3-ubyte.gz", 1))
P
python3 "$m7bench/bench.py" carray "$work/input.f32" "$work/input.c" float
declare -A whole
for key in "${keys[@]}"; do
  case $key in
    int8) cfg='{"default": {"scheme": "int8"}}' ;;
    lq8_kernel) cfg='{"default": {"w_bits": 8, "a_bits": 8, "w_region": "kernel", "a_region": "kernel"}}' ;;
    lq8_r16) cfg='{"default": {"w_bits": 8, "a_bits": 8, "w_region": 16, "a_region": 16}}' ;;
    *) echo "lq_kernel.sh: unknown key $key" >&2; exit 2 ;;
  esac
  d=$work/$key
  rm -rf "$d"
  mkdir -p "$d"
  echo "$cfg" >"$d/q.json"
  extra=()
  [[ $key == int8 ]] && extra=(--calibrate "$work/calib.f32")
  "$qgen" compile "$net" --config "$d/q.json" "${extra[@]}" --target cortex-m7 --name m -q -o "$d/out"
  grep -q '^#define M_INPUT_SCALE ' "$d/out/m.h" && { echo "lq_kernel.sh: $key takes int8 input; not supported here" >&2; exit 1; }
  "$qgen" run "$net" --config "$d/q.json" "${extra[@]}" -i "$work/input.f32" -o "$d/ref.out" >/dev/null
  srcs=("$m7bench/main.c" "$work/input.c" "$d/out/m.c" "$d/out/m_weights.c")
  cf=(-I"$d/out" '-DQGB_HEADER="m.h"' -DQGB_PREFIX=m -DQGB_UPPER=M -DQGB_IN_T=float -DQGB_OUT_T=float)
  bash "$board/build-elf.sh" "$d/whole.elf" "${srcs[@]}" -- "${cf[@]}" -Wl,--defsym=__flash_size=4M
  bash "$board/build-elf.sh" "$d/prof.elf" "${srcs[@]}" -- "${cf[@]}" -DQGB_PROFILE=1 -include "$m7bench/prof.h" \
    "-DQG_LAYER_BEGIN(i)=qg_prof_begin(i)" "-DQG_LAYER_END(i)=qg_prof_end(i)" -Wl,--defsym=__flash_size=4M
  bash "$board/run-qemu.sh" "$d/whole.elf" >"$d/whole.txt"
  bash "$board/run-qemu.sh" "$d/prof.elf" >"$d/prof.txt"
  want=$(python3 "$m7bench/bench.py" fnv "$d/ref.out")
  for f in whole prof; do
    got=$(sed -n 's/^qgb: output_fnv1a=//p' "$d/$f.txt")
    [[ $got == "$want" ]] || { echo "lq_kernel.sh: $key ($f) output $got differs from qgen run $want" >&2; exit 1; }
  done
  python3 - "$d/out/report.json" "$d/prof.txt" "$key" <<'P'
import json, sys
layers = json.load(open(sys.argv[1]))["layers"]
for line in open(sys.argv[2]):
    p = line.split()
    if len(p) == 5 and p[0] == "qgb:" and p[1] == "layer":
        l = layers[int(p[2]) - 1]
        print("m7 %s layer %s %s %s %s" % (sys.argv[3], p[2], l["op"], l.get("kernel", "-"), p[3]))
P
  n=$(sed -n 's/^qgb: instructions=//p' "$d/whole.txt")
  arena=$(sed -n 's/^qgb: arena_bytes=//p' "$d/whole.txt")
  whole[$key]=$n
  echo "m7 $key whole $n arena $arena"
done
if [[ -n ${whole[int8]:-} ]]; then
  for key in "${keys[@]}"; do
    [[ $key == int8 ]] && continue
    python3 -c "import sys; print('ratio %s/int8 %.3f' % (sys.argv[1], int(sys.argv[2]) / int(sys.argv[3])))" "$key" "${whole[$key]}" "${whole[int8]}"
  done
fi
