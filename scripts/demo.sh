#!/usr/bin/env bash
# The main job, end to end: install dependencies, build qgen, compile the
# trained Fashion-MNIST example network to portable C with 8-bit LQ
# quantization, build that C into a program, run it on a real test image and
# print its result next to the reference interpreter's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
EX=$ROOT/examples/fmnist-small
CONFIG=${1:-$EX/lq8.json}

bash "$ROOT/scripts/install-deps.sh" --with-data
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target qgen

WORK=$BUILD/demo
rm -rf "$WORK" && mkdir -p "$WORK"
echo
echo "== qgen compile $(basename "$EX")/fmnist_small.json --config $(basename "$CONFIG") --target c"
"$BUILD/qgen" compile "$EX/fmnist_small.json" --config "$CONFIG" --target c -o "$WORK/out"

echo
echo "== building the emitted C with the example app (gcc -std=c99 -O2 -ffp-contract=off)"
cc -std=c99 -O2 -Wall -Wextra -Werror -ffp-contract=off -I"$WORK/out" "$EX/main.c" "$WORK"/out/*.c -o "$WORK/fmnist_demo" -lm

DATA=/usr/share/datasets/fashion-mnist
N=${IMAGE_INDEX:-0}
sh "$EX/extract_image.sh" "$DATA/t10k-images-idx3-ubyte.gz" "$N" "$WORK/image.u8"
LABEL=$(sh "$EX/extract_label.sh" "$DATA/t10k-labels-idx1-ubyte.gz" "$N")
echo
echo "== Fashion-MNIST test image $N (true label $LABEL)"
"$WORK/fmnist_demo" "$WORK/image.u8" "$WORK/image.f32" | tee "$WORK/c.txt"
"$BUILD/qgen" run "$EX/fmnist_small.json" --config "$CONFIG" --input "$WORK/image.f32" | sed 's/^sample 0: /interpreter: /' | tee "$WORK/interp.txt"
"$BUILD/qgen" run "$EX/fmnist_small.json" --float --input "$WORK/image.f32" | sed 's/^sample 0: /float model (unquantized, for reference): /'
c=$(sed -n 's/^emitted C: *//p' "$WORK/c.txt")
i=$(sed -n 's/^interpreter: //p' "$WORK/interp.txt")
if [ "$c" = "$i" ]; then
  echo "bit-exact: yes (emitted C and reference interpreter print identical values)"
else
  echo "bit-exact: NO" >&2
  exit 1
fi
