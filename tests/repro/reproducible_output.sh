#!/usr/bin/env bash
# reproducible_output.sh QGEN SOURCE_DIR WORKDIR
# The same model compiled from two folders (different absolute paths, working
# directories and TMPDIRs) gives byte-identical output trees on every target:
# every file, including report.json, report.md and <prefix>_halide.o. No
# paths, times or host facts may reach the emitted files, and the default
# Halide feature sets are the documented fixed ones (x86-64: AVX2).
# Models: MLPerf Tiny KWS (int8 .tflite: Halide layers on x86-64 / cortex-a,
# DSP kernels on cortex-m7) and fmnist-small (net.json + .bin, a quant.json,
# weights as .incbin blobs). A missing model skips (77), and fails under
# QGEN_REQUIRE_MODELS=1.
set -u
qgen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") src=$(cd "$2" && pwd) work=$3
models=${QGEN_MODELS_DIR:-$src/models}
fail() { echo "FAIL: $*"; exit 1; }
kws=$models/mlperf-tiny/kws_ref_model.tflite
if [ ! -r "$kws" ]; then
  [ "${QGEN_REQUIRE_MODELS:-}" = 1 ] && fail "$kws not found (QGEN_REQUIRE_MODELS=1: missing inputs fail)"
  echo "SKIP: $kws not found"; exit 77
fi
rm -rf "$work" && mkdir -p "$work" || exit 2
work=$(cd "$work" && pwd)
# Two copies of the inputs, at different depths and names.
a=$work/a
b=$work/second-copy/of/the/inputs
for d in "$a" "$b"; do
  mkdir -p "$d/tmp" || exit 2
  cp "$kws" "$d/kws.tflite" &&
    cp "$src/examples/fmnist-small/fmnist_small.json" "$src/examples/fmnist-small/fmnist_small.bin" "$src/examples/fmnist-small/lq4.json" "$d/" ||
    fail "cannot copy the inputs"
done
checked=0
for target in c cortex-m7 x86-64 cortex-a; do
  for m in kws fmnist; do
    for d in "$a" "$b"; do
      if [ $m = kws ]; then args=(kws.tflite); else args=(fmnist_small.json --config lq4.json --weights-format blob); fi
      # Relative inputs from one folder, absolute from the other.
      [ "$d" = "$b" ] && args[0]=$d/${args[0]}
      (cd "$d" && TMPDIR=$d/tmp "$qgen" compile "${args[@]}" --target $target -o "$d/out-$target-$m" -q) ||
        fail "qgen compile ${args[*]} --target $target in $d"
    done
    n=$(find "$a/out-$target-$m" -type f | wc -l)
    [ "$n" -ge 4 ] || fail "$target $m: only $n files"
    diff -r "$a/out-$target-$m" "$b/out-$target-$m" >"$work/diff.txt" 2>&1 ||
      { head -c 3000 "$work/diff.txt"; fail "$target $m: the output trees differ"; }
    grep -rq -F -e "$work" "$a/out-$target-$m" && fail "$target $m: an output file names the work folder $work"
    if [ "$target" = x86-64 ] || [ "$target" = cortex-a ]; then
      [ -s "$a/out-$target-$m/kws_halide.o" ] || [ $m = fmnist ] || fail "$target: no kws_halide.o"
    fi
    # The default feature set is fixed (docs/halide.md), not the machine's.
    if [ $m = kws ] && [ "$target" = x86-64 ]; then
      grep -q '"halide_target": "x86-64-linux-sse41-avx-avx2-fma-f16c-no_runtime-no_asserts-no_bounds_query"' "$a/out-$target-$m/report.json" ||
        fail "x86-64: the default Halide target is not the documented AVX2 set: $(grep halide_target "$a/out-$target-$m/report.json")"
    fi
    if [ $m = kws ] && [ "$target" = cortex-a ]; then
      grep -q '"halide_target": "arm-64-linux-arm_dot_prod-no_runtime-no_asserts-no_bounds_query"' "$a/out-$target-$m/report.json" ||
        fail "cortex-a: the default Halide target is not the documented dotprod set"
    fi
    echo "ok: $target $m: $n files identical"
    checked=$((checked + n))
  done
done
rm -rf "$work"
echo "all checks passed ($checked files compared)"
