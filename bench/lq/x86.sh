#!/usr/bin/env bash
# bench/lq/x86.sh -- the x86-64 part of bench/lq/run (also runs alone): LQ
# single-thread latency of qgen's emitted x86-64 code against ONNX Runtime
# float32 on the same net and input, in one run.
#
# usage: bench/lq/x86.sh [--keep] [BUILD_DIR]
#
#   BUILD_DIR   qgen build directory (default: build/ at the repo top); qgen
#               must be built there (bench/lq/run builds it)
#   --keep      keep the temporary directory
#
# Nets: fmnist_vgg and fmnist_cnn (examples/fashion-mnist); input: test image
# 0 of Fashion-MNIST (pixel / 255, float32). Configs as in bench/lq/run:
#   lq8_r16, lq4_r16, lq2_r16   LQ 8/4/2-bit activations, 8-bit weights,
#                               w_region = a_region = 16, MAC kernel (the first
#                               conv, K = 9 < 16, takes "kernel" regions)
#   int8                        qgen's int8 scheme (Halide; calibrated on the
#                               first 64 training images), for context
# qgen: `qgen compile --target x86-64 --target-features host` (the host's best
# feature set, as bench/x86 and as ONNX Runtime picks its kernels at run time;
# LQ: AVX2, with vpdpbusd dot products when the host has AVX512-VNNI), built
# with the target's flags (gcc -std=c99 -O2 -ffp-contract=off) and
# bench/x86/timer.c: 10 warm-up runs, then >= 21 single runs for about 1 s,
# the median. Every LQ config is first checked with `qgen diff --target
# x86-64 --target-features host` (every layer equal to the interpreter bit for bit), else the bench
# fails. ONNX Runtime: bench/x86/ort_bench.py time (intra_op_num_threads = 1,
# all graph optimizations, the same timing rule) on the same .onnx file.
# Both sides are timed in the same run, one after the other, per net.
# Ends with RESULT lines:
#   x86.<net>.<cfg>_speedup_vs_onnxruntime=X   ORT float32 median / qgen median
#   x86.<net>.<cfg>.median_us=X, x86.<net>.onnxruntime_float32.median_us=X
# Python with onnxruntime + numpy: $QG_BENCH_PYTHON, else BUILD_DIR/pyenv,
# BUILD_DIR/bench-pyenv, or the QGEN_TEST_PYTHON of BUILD_DIR/CMakeCache.txt.
# Needs: gcc, Fashion-MNIST (FMNIST_DIR, default /usr/share/datasets/fashion-mnist).
set -euo pipefail
die() { echo "bench/lq/x86.sh: error: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KEEP=0 BUILD_DIR=""
for arg in "$@"; do
    case "$arg" in
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,/^set -e/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
        -*) die "unknown option: $arg" ;;
        *) [[ -z $BUILD_DIR ]] || die "more than one BUILD_DIR"; BUILD_DIR=$arg ;;
    esac
done
BUILD_DIR=$(cd "${BUILD_DIR:-$REPO/build}" && pwd) || die "no build directory"
QGEN=$BUILD_DIR/qgen
[[ -x $QGEN ]] || die "$QGEN not found (build qgen first)"
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
[[ -r $FMNIST_DIR/t10k-images-idx3-ubyte.gz && -r $FMNIST_DIR/train-images-idx3-ubyte.gz ]] ||
    die "Fashion-MNIST not found in $FMNIST_DIR (apt-get install dataset-fashion-mnist)"
command -v gcc >/dev/null || die "gcc not found"

PY=""
cands=("${QG_BENCH_PYTHON:-}" "$BUILD_DIR/pyenv/bin/python" "$BUILD_DIR/bench-pyenv/bin/python")
[[ -r $BUILD_DIR/CMakeCache.txt ]] && cands+=("$(sed -n 's/^QGEN_TEST_PYTHON:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")")
for cand in "${cands[@]}"; do
    if [[ -n $cand && -x $cand ]] && "$cand" -c "import onnxruntime, numpy" 2>/dev/null; then PY=$cand; break; fi
done
[[ -n $PY ]] || die "no Python with onnxruntime and numpy (set QG_BENCH_PYTHON, or run bench/x86/run once to make BUILD_DIR/bench-pyenv)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-bench-lqx86.XXXXXX") || die "cannot create a temporary directory"
if [[ $KEEP == 1 ]]; then echo "bench/lq/x86.sh: files in $WORK" >&2; else trap 'rm -rf "$WORK"' EXIT; fi

"$PY" - "$FMNIST_DIR" "$WORK" <<'PYEOF'
import gzip, sys, numpy as np
d, w = sys.argv[1], sys.argv[2]
def imgs(f, n):
    b = gzip.open(d + "/" + f).read()
    return np.frombuffer(b[16:16 + 784 * n], dtype=np.uint8).astype(np.float32) / 255.0
imgs("train-images-idx3-ubyte.gz", 64).tofile(w + "/calib.f32")
imgs("t10k-images-idx3-ubyte.gz", 1).tofile(w + "/input.f32")
PYEOF

# time_qgen DIR -> the median in microseconds (float in, float out)
time_qgen() {
    local dir=$1 files in_t=float out_t=float
    grep -q "M_INPUT_SCALE" "$dir/m.h" && in_t=int8_t   # int8 scheme: timed on the image cast to int8 (as bench/x86)
    grep -q "M_OUTPUT_SCALE" "$dir/m.h" && out_t=int8_t
    files=("$dir"/*.c)
    [[ -n $(compgen -G "$dir/*.o") ]] && files+=("$dir"/*.o)
    gcc -std=c99 -O2 -ffp-contract=off -I"$dir" -DBENCH_HEADER='"m.h"' -DBENCH_P=m -DBENCH_U=M -DBENCH_IN_T=$in_t -DBENCH_OUT_T=$out_t \
        "$REPO/bench/x86/timer.c" "${files[@]}" -lm -o "$dir/timer" 2>"$dir/cc.log" || { cat "$dir/cc.log" >&2; die "cannot build $dir"; }
    "$dir/timer" "$WORK/input.f32" | awk '{print $2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "qgen LQ on x86-64: one thread, median latency; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); gcc $(gcc -dumpversion); ONNX Runtime $("$PY" -c 'import onnxruntime; print(onnxruntime.__version__)')"
RESULTS=()
for nk in fmnist_vgg fmnist_cnn; do
    net=$REPO/examples/fashion-mnist/$nk.onnx
    [[ -r $net ]] || die "$net not found"
    FIRST=/conv1a/Conv
    [[ $nk == fmnist_cnn ]] && FIRST=/conv1/Conv
    echo
    echo "== $nk"
    declare -A US=()
    for cfg in lq8_r16 lq4_r16 lq2_r16 int8; do
        d=$WORK/${nk}_$cfg
        extra=(--target-features host)
        if [[ $cfg == int8 ]]; then
            echo '{"default": {"scheme": "int8"}}' >"$d.json"
            extra+=(--calibrate "$WORK/calib.f32")
        else
            b=${cfg:2:1}
            echo "{\"default\": {\"scheme\": \"lq\", \"w_bits\": 8, \"a_bits\": $b, \"w_region\": 16, \"a_region\": 16, \"kernel\": \"mac\"}, \"layers\": {\"$FIRST\": {\"w_region\": \"kernel\", \"a_region\": \"kernel\"}}}" >"$d.json"
            "$QGEN" diff "$net" --config "$d.json" -i "$WORK/input.f32" --target x86-64 "${extra[@]}" >"$d.diff.log" 2>&1 ||
                { cat "$d.diff.log" >&2; die "$nk $cfg: the x86-64 code differs from the interpreter (qgen diff)"; }
        fi
        "$QGEN" compile "$net" --config "$d.json" "${extra[@]}" --target x86-64 --name m -q -o "$d" >"$d.log" 2>&1 ||
            { cat "$d.log" >&2; die "$nk $cfg: qgen compile failed"; }
        US[$cfg]=$(time_qgen "$d")
        kernels=$(python3 -c "
import json, sys
ks = [l['kernel'] for l in json.load(open(sys.argv[1]))['layers'] if l['op'] in ('conv2d', 'dense')]
print(','.join(k.replace('qg_', '').replace('__x86_64', '').replace('__c', '') for k in ks))" "$d/report.json")
        printf '  %-10s %10s us   %s\n' "$cfg" "${US[$cfg]}" "$kernels"
    done
    ort=$("$PY" "$REPO/bench/x86/ort_bench.py" time "$net" "$WORK/input.f32" | awk '{print $2}')
    printf '  %-10s %10s us   ONNX Runtime float32, 1 thread\n' ort "$ort"
    RESULTS+=("RESULT x86.$nk.onnxruntime_float32.median_us=$ort")
    for cfg in lq8_r16 lq4_r16 lq2_r16 int8; do
        RESULTS+=("RESULT x86.$nk.$cfg.median_us=${US[$cfg]}" "RESULT x86.$nk.${cfg}_speedup_vs_onnxruntime=$(ratio "$ort" "${US[$cfg]}")")
    done
    unset US
done
echo
printf '%s\n' "${RESULTS[@]}"
