#!/usr/bin/env bash
# examples/fashion-m7/run.sh -- a qgen-compiled Fashion-MNIST CNN on a
# Cortex-M7 (QEMU mps2-an500): accuracy on real test images, instructions per
# inference, flash and RAM.
#
# usage: examples/fashion-m7/run.sh [QGEN] [N] [MODEL] [CONFIG]
#
#   QGEN    the qgen binary (default: build/qgen at the repository top, built
#           or brought up to date first with cmake; QGEN_BUILD_DIR overrides
#           the directory)
#   N       number of test images, the first N of the test set (default 100)
#   MODEL   default examples/fashion-mnist/fmnist_cnn.onnx (any model with a
#           28x28 input and 10 outputs that expects pixel / 255)
#   CONFIG  quant.json (default: {"default": {"scheme": "int8"}})
#   An empty argument ("") takes the default.
#
# Steps: the first 200 training images (pixel / 255, float32) calibrate
# scheme int8; `qgen compile MODEL --config CONFIG --calibrate ... --target
# cortex-m7 --name fmnist`; gen_data.py writes the first N test images in the
# model's input type (float32, or int8 codes with FMNIST_INPUT_SCALE /
# _ZERO_POINT) into a C file; main.c + that file + the emitted sources are
# built with targets/cortex-m7/build-elf.sh (default budgets: 2 MiB flash,
# 512 KiB RAM) and run with run-qemu.sh.
#
# Checks (exit status 1 on any failure): the firmware's prediction for every
# image equals that of qgen's reference interpreter (`qgen run` on the same
# input bytes, and `qgen eval --predictions` on the same images), its accuracy
# equals `qgen eval`'s, and its outputs equal `qgen run`'s bit for bit
# (FNV-1a over all N outputs). Also prints the float model's accuracy on the
# same images.
#
# Exit status 77 (skip) with a message when arm-none-eabi-gcc,
# qemu-system-arm, python3 or the dataset (Debian dataset-fashion-mnist,
# /usr/share/datasets/fashion-mnist; FMNIST_DIR overrides) is missing.
# FM7_KEEP=1 keeps the temporary directory (generated sources, firmware, logs).
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
M7=$REPO/targets/cortex-m7
DATA=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
CALIB_N=200

die() { echo "fashion-m7: error: $*" >&2; exit 1; }
skip() { echo "fashion-m7: SKIP: $*" >&2; exit 77; }

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"
    exit 0
fi
[[ $# -le 4 ]] || die "too many arguments (usage: run.sh [QGEN] [N] [MODEL] [CONFIG])"
QGEN=${1:-}
N=${2:-100}
MODEL=${3:-$HERE/../fashion-mnist/fmnist_cnn.onnx}
CONFIG=${4:-}
[[ "$N" =~ ^[1-9][0-9]*$ && "$N" -le 10000 ]] || die "N must be 1..10000, got '$N'"
[[ -f "$MODEL" ]] || die "model not found: $MODEL"
[[ -z "$CONFIG" || -f "$CONFIG" ]] || die "config not found: $CONFIG"

# ---- what we need; skip (77) if the board tools or the data are missing
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
command -v "${QG_M7_CC:-arm-none-eabi-gcc}" >/dev/null 2>&1 ||
    skip "arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
command -v "${QG_QEMU:-qemu-system-arm}" >/dev/null 2>&1 ||
    skip "qemu-system-arm not found (apt-get install qemu-system-arm)"
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    [[ -r "$DATA/$f" ]] || skip "Fashion-MNIST not found: $DATA/$f (apt-get install dataset-fashion-mnist, or set FMNIST_DIR)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-fashion-m7.XXXXXX") || die "cannot create a temporary directory"
cleanup() {
    if [[ "${FM7_KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export QG_QEMU_TIMEOUT=${QG_QEMU_TIMEOUT:-300}
T0=$(date +%s)

# ---- qgen
if [[ -z "$QGEN" ]]; then
    BUILD_DIR=${QGEN_BUILD_DIR:-$REPO/build}
    QGEN=$BUILD_DIR/qgen
    if [[ ! -x "$QGEN" || -f "$BUILD_DIR/CMakeCache.txt" ]]; then
        command -v cmake >/dev/null 2>&1 || die "$QGEN missing and cmake not found (pass QGEN)"
        if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
            echo "== configuring qgen in $BUILD_DIR"
            cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >"$WORK/cmake.log" 2>&1 ||
                { tail -n 40 "$WORK/cmake.log" >&2; die "cmake configure failed (log above)"; }
        fi
        echo "== building qgen in $BUILD_DIR"
        cmake --build "$BUILD_DIR" -j2 --target qgen >>"$WORK/cmake.log" 2>&1 ||
            { tail -n 40 "$WORK/cmake.log" >&2; die "building qgen failed (log above)"; }
    fi
fi
[[ -x "$QGEN" ]] || die "qgen not found or not executable: $QGEN"

# ---- quantize and compile for the Cortex-M7
if [[ -z "$CONFIG" ]]; then
    CONFIG=$WORK/quant.json
    echo '{"default": {"scheme": "int8"}}' >"$CONFIG"
    CONFIG_TEXT="scheme int8"
else
    CONFIG_TEXT="config $CONFIG"
fi
python3 "$HERE/gen_data.py" calib "$DATA" "$CALIB_N" "$WORK/calib.f32" || die "gen_data.py calib failed"
QARGS=(--config "$CONFIG" --calibrate "$WORK/calib.f32")
OUT=$WORK/out
"$QGEN" compile "$MODEL" "${QARGS[@]}" --target cortex-m7 --name fmnist -q -o "$OUT" >"$WORK/compile.log" 2>&1 ||
    { cat "$WORK/compile.log" >&2; die "qgen compile failed (above)"; }
HDR=$OUT/fmnist.h
for f in fmnist.h fmnist.c fmnist_weights.c; do [[ -f "$OUT/$f" ]] || die "qgen compile wrote no $f"; done
macro() { sed -n "s/^#define $1 \([^ ]*\).*/\1/p" "$HDR" | head -n 1; }
[[ "$(macro FMNIST_OUTPUT_SIZE)" == 10 ]] || die "the model has $(macro FMNIST_OUTPUT_SIZE) outputs, not 10"
IN_T=f32; IN_BYTES=4; OUT_T=f32
[[ -n "$(macro FMNIST_INPUT_SCALE)" ]] && { IN_T=i8; IN_BYTES=1; }
[[ -n "$(macro FMNIST_OUTPUT_SCALE)" ]] && OUT_T=i8

# ---- test images: C file for the firmware, the same bytes for qgen run
python3 "$HERE/gen_data.py" images "$DATA" "$N" "$HDR" "$WORK/test_images.c" "$WORK/inputs.bin" "$WORK/labels.txt" ||
    die "gen_data.py images failed"

# ---- references: qgen's interpreter on the same inputs; qgen eval (int8 and float)
"$QGEN" run "$MODEL" "${QARGS[@]}" -i "$WORK/inputs.bin" -o "$WORK/ref.out" >"$WORK/run.log" 2>&1 ||
    { tail -n 20 "$WORK/run.log" >&2; die "qgen run failed (above)"; }
python3 "$HERE/gen_data.py" predictions "$WORK/ref.out" "$N" 10 "$OUT_T" >"$WORK/ref.txt" || die "gen_data.py predictions failed"
REF_FNV=$(sed -n 's/^fnv1a //p' "$WORK/ref.txt")
grep -v '^fnv1a' "$WORK/ref.txt" >"$WORK/ref_pred.txt"
"$QGEN" eval "$MODEL" "${QARGS[@]}" --data "$DATA" --limit "$N" --threads 2 --predictions "$WORK/eval.csv" \
    >"$WORK/eval.log" 2>&1 || { cat "$WORK/eval.log" >&2; die "qgen eval failed (above)"; }
"$QGEN" eval "$MODEL" --data "$DATA" --limit "$N" --threads 2 --predictions "$WORK/eval_float.csv" >"$WORK/eval_float.log" 2>&1 ||
    { cat "$WORK/eval_float.log" >&2; die "qgen eval (float) failed (above)"; }
EVAL_TOP1=$(sed -n 's/^top-1: \([0-9.]*\)%$/\1/p' "$WORK/eval.log")
FLOAT_TOP1=$(sed -n 's/^top-1: \([0-9.]*\)%$/\1/p' "$WORK/eval_float.log")
[[ -n "$EVAL_TOP1" && -n "$FLOAT_TOP1" ]] || die "cannot read top-1 from qgen eval ($WORK/eval.log, eval_float.log)"

# ---- firmware
"$M7/build-elf.sh" --size "$WORK/fashion-m7.elf" "$HERE/main.c" "$WORK/test_images.c" "$OUT/fmnist.c" "$OUT/fmnist_weights.c" \
    -- -I"$HERE" -I"$OUT" >"$WORK/size.txt" 2>"$WORK/build.log" ||
    { head -c 4000 "$WORK/build.log" >&2; die "building the firmware failed (above; a budget message means N=$N images do not fit)"; }
rc=0
"$M7/run-qemu.sh" "$WORK/fashion-m7.elf" >"$WORK/fw.txt" 2>"$WORK/fw.err" || rc=$?
if [[ $rc != 0 ]]; then
    tail -n 20 "$WORK/fw.txt" "$WORK/fw.err" >&2
    die "the firmware failed under QEMU (exit status $rc; output above)"
fi

# ---- compare
val() { sed -n "s/^fm7: $1=//p" "$WORK/fw.txt" | head -n 1; }
sed -n 's/^fm7: image \([0-9]*\) label \([0-9]*\) pred \([0-9]*\) instructions.*/\3/p' "$WORK/fw.txt" >"$WORK/fw_pred.txt"
[[ "$(val images)" == "$N" && "$(wc -l <"$WORK/fw_pred.txt")" -eq "$N" ]] ||
    { tail -n 20 "$WORK/fw.txt" >&2; die "the firmware reported $(wc -l <"$WORK/fw_pred.txt") of $N images"; }
tail -n +2 "$WORK/eval.csv" | cut -d, -f3 >"$WORK/eval_pred.txt"
FAIL=0
if ! cmp -s "$WORK/fw_pred.txt" "$WORK/ref_pred.txt"; then
    echo "fashion-m7: FAIL: firmware predictions differ from qgen run on the same inputs:" >&2
    paste -d' ' "$WORK/fw_pred.txt" "$WORK/ref_pred.txt" | awk '$1 != $2 { printf "  image %d: firmware %s, qgen run %s\n", NR - 1, $1, $2 }' | head -n 20 >&2
    FAIL=1
fi
if ! cmp -s "$WORK/fw_pred.txt" "$WORK/eval_pred.txt"; then
    echo "fashion-m7: FAIL: firmware predictions differ from qgen eval --predictions on the same images:" >&2
    paste -d' ' "$WORK/fw_pred.txt" "$WORK/eval_pred.txt" | awk '$1 != $2 { printf "  image %d: firmware %s, qgen eval %s\n", NR - 1, $1, $2 }' | head -n 20 >&2
    FAIL=1
fi
CORRECT=$(val correct)
REF_CORRECT=$(paste -d' ' "$WORK/labels.txt" "$WORK/ref_pred.txt" | awk '$1 == $2 { n++ } END { print n + 0 }')
FW_TOP1=$(awk -v c="$CORRECT" -v n="$N" 'BEGIN { printf "%.2f", 100 * c / n }')
if [[ "$CORRECT" != "$REF_CORRECT" || "$FW_TOP1" != "$EVAL_TOP1" ]]; then
    echo "fashion-m7: FAIL: accuracy differs: firmware $CORRECT/$N = $FW_TOP1 %, qgen run $REF_CORRECT/$N, qgen eval $EVAL_TOP1 %" >&2
    FAIL=1
fi
FW_FNV=$(val output_fnv1a)
if [[ "$FW_FNV" != "$REF_FNV" ]]; then
    echo "fashion-m7: FAIL: firmware outputs are not bit-identical to qgen run's (FNV-1a $FW_FNV vs $REF_FNV)" >&2
    FAIL=1
fi

# ---- report
TOTAL=$(val instructions_total)
ARENA=$(val arena_bytes)
STACK=$(val stack_high_water)
STACK_SIZE=$(val stack_size)
FLASH=$(sed -n 's/^qg-size: flash=\([0-9]*\) .*/\1/p' "$WORK/size.txt")
RAM=$(sed -n 's/^qg-size: .* ram=\([0-9]*\) .*/\1/p' "$WORK/size.txt")
WEIGHTS=$(macro FMNIST_WEIGHT_BYTES)
IMAGES_B=$((N * $(macro FMNIST_INPUT_SIZE) * IN_BYTES + N))
MEAN=$(awk -v t="$TOTAL" -v n="$N" 'BEGIN { printf "%.0f", t / n }')
grp() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
in_desc="float32 pixel/255"
[[ $IN_T == i8 ]] && in_desc="int8 codes"

echo "fashion-m7: $(basename "$MODEL"), $CONFIG_TEXT (calibrated on the first $CALIB_N training images), Cortex-M7 on QEMU mps2-an500"
echo "  test images            first $N of $DATA/t10k-*, in flash as $in_desc"
echo "  accuracy (firmware)    $CORRECT/$N = $FW_TOP1 %"
PRED_SAME=yes
cmp -s "$WORK/fw_pred.txt" "$WORK/ref_pred.txt" && cmp -s "$WORK/fw_pred.txt" "$WORK/eval_pred.txt" || PRED_SAME=NO
echo "  qgen eval, same model  $EVAL_TOP1 %   (reference interpreter; all $N predictions identical to the firmware's: $PRED_SAME)"
FLOAT_DIFF=$(tail -n +2 "$WORK/eval_float.csv" | cut -d, -f3 | paste -d' ' - "$WORK/fw_pred.txt" | awk '$1 != $2 { n++ } END { print n + 0 }')
echo "  float model            $FLOAT_TOP1 %   (qgen eval without quantization, same $N images; float and int8 predictions differ on $FLOAT_DIFF images)"
echo "  outputs vs qgen run    $([[ "$FW_FNV" == "$REF_FNV" ]] && echo "bit-identical" || echo "DIFFERENT") (FNV-1a of all $N outputs: firmware $FW_FNV, qgen run $REF_FNV)"
echo "  instructions/inference $(grp "$MEAN") mean (min $(grp "$(val instructions_min)"), max $(grp "$(val instructions_max)")); Cortex-M7 instructions counted by QEMU -icount, not cycles"
echo "  flash                  $(grp "$FLASH") B of 2 MiB (model weights $(grp "$WEIGHTS") B, test images + labels $(grp "$IMAGES_B") B; build-elf.sh --size)"
echo "  RAM                    $(grp "$RAM") B linked of 512 KiB (stack $(grp "$STACK_SIZE") + .data + .bss); used: arena $(grp "$ARENA") B (FMNIST_ARENA_BYTES) + stack high-water $(grp "$STACK") B"
wrong=$(awk '/<- wrong/ { if (++n <= 20) { printf "%s%s:%s->%s", sep, $3, $5, $7; sep = " " } }
              END { if (n > 20) printf " ... (%d more)", n - 20 }' "$WORK/fw.txt")
echo "  misclassified          ${wrong:-none}   (image:label->prediction)"
echo "  time                   $(($(date +%s) - T0)) s"
if [[ $FAIL != 0 ]]; then
    FM7_KEEP=1
    die "the firmware does not agree with qgen's reference interpreter (details above)"
fi
echo "fashion-m7: OK"
