#!/usr/bin/env bash
# diff_test.sh CASE QGEN SOURCE_DIR WORK_DIR - tests of `qgen diff` and
# `qgen validate` (compiler/driver/cmd_diff.cpp, cmd_validate.cpp,
# target_exec.cpp) on examples/fmnist-small with 4-bit LQ activations.
#
#   host        --target c: an unmodified build agrees (exit 0); one element of
#               a chosen layer flipped (test-only QGEN_DIFF_TEST_FLIP_* defines,
#               docs/diff.md) is found and named: layer, tensor, element,
#               both values and the layer's kernel from report.md (exit 1);
#               for an arena layer and for the last layer (caller's output)
#   m7          the same on the Cortex-M7 board under qemu-system-arm
#   errors      bad arguments, -ffast-math, missing tools: one clear error, exit 1
#   validate    qgen validate --target c: bit-exact on 6 seeded inputs (exit 0),
#               which --save-inputs writes and qgen diff replays (exit 0);
#               an output corrupted through the QG_LAYER_END hook: exit 1
#   validate_m7 qgen validate --target cortex-m7 on 3 inputs: bit-exact
#   fma         the float model built with -ffp-contract=fast -mfma (x86-64
#               with FMA): a real difference, found in layer 1, flag named
#   halide      MLPerf Tiny KWS (int8) on x86-64 and cortex-a (qemu-aarch64):
#               agrees, and a flipped code of a Halide layer is named
#   multiio     --target c: qgen validate / diff on tests/models/multiio (two
#               inputs, two outputs; int8 + --calibrate, and the int8 TFLite
#               model) and on a 16x8 TFLite model (int16 in and out): bit-exact,
#               --save-inputs once per input replayed by diff, flipped elements
#               of either output's layer named; a corrupted second output
#               named by validate; wrong file counts: one error line
#   multiio_m7  the same validate / diff runs on the Cortex-M7 under QEMU
#   (host and m7 also: lq2_r8.json, whose tensors are stored LQ-packed
#   (docs/quantization.md section 11): clean, and a flipped word of the packed
#   storage of pool1 named as such)
# Exit 77 (skip) when a tool the case needs is missing.
set -u
case_name=$1 qgen=$2 src=$3 work=$4
net=$src/examples/fmnist-small/fmnist_small.json
cfg=$src/examples/fmnist-small/lq4.json
rm -rf "$work" && mkdir -p "$work" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[ -f "$net" ] || skip "missing $net"
command -v perl >/dev/null || skip "perl not found (writes the test input)"
# A deterministic 1x28x28 float32 input in [0, 1).
perl -e 'print pack("f<*", map { (($_ * 37) % 101) / 101.0 } 0 .. 783)' >"$work/img.f32"

# run NAME ARGS...: runs qgen, stdout -> $work/NAME.out, stderr -> $work/NAME.err, status -> $st
run() {
  local name=$1
  shift
  "$qgen" "$@" >"$work/$name.out" 2>"$work/$name.err"
  st=$?
}
has() { grep -qF -- "$2" "$work/$1" || { echo "--- $1:"; cat "$work/$1"; fail "$1 lacks: $2"; }; }
lacks() { if grep -qF -- "$2" "$work/$1"; then echo "--- $1:"; cat "$work/$1"; fail "$1 has: $2"; fi; }
one_error_line() {  # stderr is exactly one "qgen: error:" line mentioning $2
  [ "$st" -eq 1 ] || { cat "$work/$1.out" "$work/$1.err"; fail "$1: status $st, expected 1"; }
  [ "$(wc -l <"$work/$1.err")" -eq 1 ] || { cat "$work/$1.err"; fail "$1: expected one error line"; }
  has "$1.err" "qgen: error:"
  has "$1.err" "$2"
}
# The kernel report.md gives layer $1 (column 8).
kernel_of() { awk -F'|' -v l="$1" '$2 + 0 == l && $3 ~ /[a-z]/ { gsub(/ /, "", $9); print $9 }' "$work/pkg/report.md"; }

# check_inject NAME LAYER LAYER_NAME ELEMENT TARGET: the flip is found where it was made.
check_inject() {
  local name=$1 layer=$2 lname=$3 elem=$4 target=$5
  run "$name" diff "$net" --config "$cfg" --input "$work/img.f32" --target "$target" \
    --cflags "-DQGEN_DIFF_TEST_FLIP_LAYER=$layer -DQGEN_DIFF_TEST_FLIP_ELEMENT=$elem"
  [ "$st" -eq 1 ] || { cat "$work/$name.out" "$work/$name.err"; fail "$name: status $st, expected 1 (a difference)"; }
  has "$name.out" "FIRST DIFFERENCE: input 0, layer $layer '$lname'"
  has "$name.out" "(index $elem in the internal HWC order)"
  local k
  k=$(kernel_of "$layer")
  [ -n "$k" ] || fail "no kernel for layer $layer in report.md"
  has "$name.out" "kernel:      $k (function "
  # Both values, and they differ in exactly the flipped bit (lowest bit of a float32).
  local t i
  t=$(sed -n 's/^  target: .*(0x\([0-9a-f]*\))$/\1/p' "$work/$name.out")
  i=$(sed -n 's/^  interpreter: .*(0x\([0-9a-f]*\))$/\1/p' "$work/$name.out")
  [ -n "$t" ] && [ -n "$i" ] || fail "$name: no target / interpreter values"
  [ $((16#$t ^ 16#$i)) -eq 1 ] || fail "$name: values $t and $i do not differ in the lowest bit"
  has "$name.out" "1 of "
}

check_clean() {
  local name=$1 target=$2
  run "$name" diff "$net" --config "$cfg" --input "$work/img.f32" --target "$target"
  [ "$st" -eq 0 ] || { cat "$work/$name.out" "$work/$name.err"; fail "$name: status $st, expected 0"; }
  has "$name.out" "all 7 layers agree bit for bit with the interpreter on 1 input"
  lacks "$name.out" "FIRST DIFFERENCE"
}

# check_packed NAME TARGET: lq2_r8.json stores pool1 LQ-packed; clean agrees,
# a flipped bit in word 3 of its codes is found there, shown as stored words.
check_packed() {
  local name=$1 target=$2 pcfg=$src/examples/fmnist-small/lq2_r8.json
  run "${name}_clean" diff "$net" --config "$pcfg" --input "$work/img.f32" --target "$target"
  [ "$st" -eq 0 ] || { cat "$work/${name}_clean.out" "$work/${name}_clean.err"; fail "${name}_clean: status $st, expected 0"; }
  has "${name}_clean.out" "all 7 layers agree bit for bit"
  run "$name" diff "$net" --config "$pcfg" --input "$work/img.f32" --target "$target" \
    --cflags "-DQGEN_DIFF_TEST_FLIP_LAYER=2 -DQGEN_DIFF_TEST_FLIP_ELEMENT=3"
  [ "$st" -eq 1 ] || { cat "$work/$name.out" "$work/$name.err"; fail "$name: status $st, expected 1 (a difference)"; }
  has "$name.out" "FIRST DIFFERENCE: input 0, layer 2 'pool1'"
  has "$name.out" "stored:      LQ-packed, 2-bit codes, regions of 8"
  has "$name.out" "word:        3 of the codes (bytes 12-15)"
  local t i
  t=$(sed -n 's/^  target:      0x\([0-9a-f]*\)$/\1/p' "$work/$name.out")
  i=$(sed -n 's/^  interpreter: 0x\([0-9a-f]*\)$/\1/p' "$work/$name.out")
  [ -n "$t" ] && [ -n "$i" ] || fail "$name: no target / interpreter words"
  [ $((16#$t ^ 16#$i)) -eq 1 ] || fail "$name: words $t and $i do not differ in the lowest bit"
}

compile_pkg() { "$qgen" compile "$net" --config "$cfg" --target "$1" -o "$work/pkg" -q || fail "qgen compile"; }
no_temp_left() {  # the build folders are removed
  if ls "$TMPDIR"/qgen-diff-* "$TMPDIR"/qgen-validate-* >/dev/null 2>&1; then ls "$TMPDIR"; fail "temporary folders left in $TMPDIR"; fi
}
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"

case $case_name in
  host)
    command -v cc >/dev/null || skip "cc not found"
    compile_pkg c
    check_clean clean c
    check_inject inject3 3 conv2 37 c      # arena tensor
    check_inject inject1 1 conv1 0 c       # the first layer
    check_inject inject7 7 fc2 9 c         # written straight into the caller's output
    check_packed packed c
    no_temp_left
    ;;
  m7)
    command -v arm-none-eabi-gcc >/dev/null || skip "arm-none-eabi-gcc not found"
    command -v qemu-system-arm >/dev/null || skip "qemu-system-arm not found"
    compile_pkg cortex-m7
    check_clean m7_clean cortex-m7
    has m7_clean.out "run on qemu-system-arm -M mps2-an500"
    check_inject m7_inject 3 conv2 101 cortex-m7
    check_packed m7_packed cortex-m7
    no_temp_left
    ;;
  errors)
    command -v cc >/dev/null || skip "cc not found"
    run noinput diff "$net" --config "$cfg" --target c
    one_error_line noinput "--input"
    run missing diff "$net" --config "$cfg" --input "$work/nope.f32" --target c
    one_error_line missing "nope.f32"
    head -c 100 "$work/img.f32" >"$work/short.f32"
    run short diff "$net" --config "$cfg" --input "$work/short.f32" --target c
    one_error_line short "short.f32"
    run badtarget diff "$net" --config "$cfg" --input "$work/img.f32" --target hal9000
    one_error_line badtarget "hal9000"
    run nocc diff "$net" --config "$cfg" --input "$work/img.f32" --target c --cc no-such-cc
    one_error_line nocc "no-such-cc, which is not on PATH"
    # -ffast-math: named, refused before building (no compiler output dump).
    run fastmath diff "$net" --config "$cfg" --input "$work/img.f32" --target c --cflags "-O2 -ffast-math"
    one_error_line fastmath "-ffast-math"
    has fastmath.err "__FAST_MATH__"
    run ofast validate "$net" --config "$cfg" --target c --cflags "-Ofast"
    one_error_line ofast "-Ofast"
    # A flag that does not define __FAST_MATH__ but can break exactness: warned, named.
    run contract diff "$net" --config "$cfg" --input "$work/img.f32" --target c --cflags "-ffp-contract=fast"
    has contract.err "warning: --cflags -ffp-contract=fast breaks bit-exactness"
    # A build failure is reported with the compiler's messages, not a crash.
    run badflag diff "$net" --config "$cfg" --input "$work/img.f32" --target c --cflags "-DQG_BROKEN=1 -include /nonexistent/x.h"
    [ "$st" -eq 1 ] || fail "badflag: status $st"
    has badflag.err "qgen: error: --target c: building the emitted code failed"
    # Missing tools for the board: named, with the Debian package.
    QG_QEMU=/nonexistent/qemu-system-arm "$qgen" diff "$net" --config "$cfg" --input "$work/img.f32" --target cortex-m7 --cc cc \
      >"$work/noqemu.out" 2>"$work/noqemu.err"
    st=$?
    one_error_line noqemu "/nonexistent/qemu-system-arm, which is not on PATH"
    has noqemu.err "qemu-system-arm"
    run noarmgcc diff "$net" --config "$cfg" --input "$work/img.f32" --target cortex-m7 --cc no-such-arm-none-eabi-gcc
    one_error_line noarmgcc "no-such-arm-none-eabi-gcc, which is not on PATH (Debian: apt-get install gcc-arm-none-eabi"
    # A program that never ends (here: a user hook that loops) is stopped.
    if command -v timeout >/dev/null; then
      QG_QEMU_TIMEOUT=2 "$qgen" diff "$net" --input "$work/img.f32" --target c --cflags "'-DQG_LAYER_BEGIN(i)=for(;;){}'" \
        >"$work/hang.out" 2>"$work/hang.err"
      st=$?
      one_error_line hang "timed out"
    fi
    run zero validate "$net" --config "$cfg" --target c --inputs 0
    one_error_line zero "--inputs"
    run both validate "$net" --config "$cfg" --target c --inputs 3 --data "$work"
    [ "$st" -eq 1 ] || fail "both: status $st"
    has both.err "qgen: error:"
    no_temp_left
    ;;
  validate)
    command -v cc >/dev/null || skip "cc not found"
    run val validate "$net" --config "$cfg" --target c --inputs 6 --seed 5
    [ "$st" -eq 0 ] || { cat "$work/val.out" "$work/val.err"; fail "validate: status $st"; }
    has val.out "6 random inputs, seed 5"
    has val.out "bit-exact vs quantized interpreter: yes, 6 of 6 inputs"
    has val.out "error vs float model:              max abs"
    has val.err "6/6 inputs"
    # The same inputs replayed by qgen diff (--save-inputs): every layer of each agrees.
    run valsave validate "$net" --config "$cfg" --target c --inputs 6 --seed 5 --save-inputs "$work/saved.f32"
    [ "$st" -eq 0 ] || fail "validate --save-inputs: status $st"
    [ "$(stat -c %s "$work/saved.f32")" -eq $((6 * 784 * 4)) ] || fail "saved inputs: wrong size"
    run replay diff "$net" --config "$cfg" --target c --input "$work/saved.f32"
    [ "$st" -eq 0 ] || { cat "$work/replay.out" "$work/replay.err"; fail "replay: status $st"; }
    has replay.out "all 7 layers agree bit for bit with the interpreter on 6 inputs"
    # The user's own QG_LAYER_END hook changes one output element of layer 7: not bit-exact.
    run valbad validate "$net" --config "$cfg" --target c --inputs 6 --seed 5 \
      --cflags "'-DQG_LAYER_END(i)=if((i)==7)output[3]+=0.5f'"
    [ "$st" -eq 1 ] || { cat "$work/valbad.out" "$work/valbad.err"; fail "corrupted validate: status $st, expected 1"; }
    has valbad.out "bit-exact vs quantized interpreter: NO: 6 of 6 inputs, 6 output elements differ"
    has valbad.out "output element 3"
    no_temp_left
    ;;
  validate_m7)
    command -v arm-none-eabi-gcc >/dev/null || skip "arm-none-eabi-gcc not found"
    command -v qemu-system-arm >/dev/null || skip "qemu-system-arm not found"
    run valm7 validate "$net" --config "$cfg" --target cortex-m7 --inputs 3
    [ "$st" -eq 0 ] || { cat "$work/valm7.out" "$work/valm7.err"; fail "validate m7: status $st"; }
    has valm7.out "bit-exact vs quantized interpreter: yes, 3 of 3 inputs"
    no_temp_left
    ;;
  fma)
    # A real (not injected) exactness break: the float model built with FMA
    # contraction differs from the first convolution on; qgen diff says where
    # and names the flag.
    { [ "$(uname -m)" = x86_64 ] && grep -qw fma /proc/cpuinfo; } || skip "not an x86-64 CPU with FMA"
    command -v cc >/dev/null || skip "cc not found"
    run fma diff "$net" --input "$work/img.f32" --target c --cflags "-ffp-contract=fast -mfma"
    [ "$st" -eq 1 ] || { cat "$work/fma.out" "$work/fma.err"; fail "fma: status $st, expected 1"; }
    has fma.out "FIRST DIFFERENCE: input 0, layer 1 'conv1' (conv2d)"
    has fma.out "note: built with flags that break bit-exactness: -ffp-contract=fast"
    has fma.err "warning: --cflags -ffp-contract=fast breaks bit-exactness"
    # The same build without contraction agrees.
    run nofma diff "$net" --input "$work/img.f32" --target c --cflags "-mfma"
    [ "$st" -eq 0 ] || { cat "$work/nofma.out" "$work/nofma.err"; fail "nofma: status $st, expected 0"; }
    no_temp_left
    ;;
  halide)
    # The Halide targets on MLPerf Tiny KWS (int8 .tflite, its real input):
    # x86-64 natively, cortex-a under qemu-aarch64; layer 2 is a Halide conv.
    kws=${QGEN_MODELS_DIR:-$src/models}/mlperf-tiny/kws_ref_model.tflite
    kin=${QGEN_MODELS_DIR:-$src/models}/mlperf-tiny/kws_input0.int8.bin
    if [ ! -f "$kws" ] || [ ! -f "$kin" ]; then
      [ "${QGEN_REQUIRE_MODELS:-0}" = 1 ] && fail "missing $kws or $kin (QGEN_REQUIRE_MODELS=1)"
      skip "missing $kws or $kin"
    fi
    ran=0
    for target in x86-64 cortex-a; do
      if [ $target = x86-64 ]; then
        { [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo && command -v cc >/dev/null; } || continue
      else
        { command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; } || continue
      fi
      ran=1
      rm -rf "$work/pkg"
      "$qgen" compile "$kws" --target $target -o "$work/pkg" -q || fail "qgen compile $target"
      k=$(kernel_of 2)
      case $k in *halide*) ;; *) fail "$target: layer 2 is not a Halide layer ($k)" ;; esac
      run "h_clean_$target" diff "$kws" --input "$kin" --target $target
      [ "$st" -eq 0 ] || { cat "$work/h_clean_$target.out" "$work/h_clean_$target.err"; fail "$target clean: status $st"; }
      has "h_clean_$target.out" "all 13 layers agree bit for bit"
      run "h_inj_$target" diff "$kws" --input "$kin" --target $target \
        --cflags "-DQGEN_DIFF_TEST_FLIP_LAYER=2 -DQGEN_DIFF_TEST_FLIP_ELEMENT=100"
      [ "$st" -eq 1 ] || { cat "$work/h_inj_$target.out" "$work/h_inj_$target.err"; fail "$target inject: status $st"; }
      has "h_inj_$target.out" "FIRST DIFFERENCE: input 0, layer 2 '"
      has "h_inj_$target.out" "kernel:      $k (function "
      has "h_inj_$target.out" "(index 100 in the internal HWC order)"
      t=$(sed -n 's/^  target: *\(-\{0,1\}[0-9]*\) (real.*/\1/p' "$work/h_inj_$target.out")
      i=$(sed -n 's/^  interpreter: *\(-\{0,1\}[0-9]*\) (real.*/\1/p' "$work/h_inj_$target.out")
      [ -n "$t" ] && [ -n "$i" ] || fail "$target: no int8 values"
      [ $(((t ^ i) & 255)) -eq 1 ] || fail "$target: codes $t and $i do not differ in the lowest bit"
    done
    [ $ran = 1 ] || skip "neither x86-64 with AVX2 nor aarch64-linux-gnu-gcc + qemu-aarch64"
    no_temp_left
    ;;
  multiio|multiio_m7)
    # tests/models/multiio/two_io.json (two inputs, two outputs) in int8 with
    # --calibrate, and a 16x8 TFLite model (int16 input and output).
    mio=$src/tests/models/multiio
    i16=$src/tests/models/tflite_ops16/softmax_conv.tflite
    for f in "$mio/two_io.json" "$mio/int8.json" "$mio/two_io.tflite" "$i16"; do [ -f "$f" ] || skip "missing $f"; done
    if [ "$case_name" = multiio ]; then
      t=c
      command -v cc >/dev/null || skip "cc not found"
    else
      t=cortex-m7
      command -v arm-none-eabi-gcc >/dev/null || skip "arm-none-eabi-gcc not found"
      command -v qemu-system-arm >/dev/null || skip "qemu-system-arm not found"
    fi
    # 4 calibration samples, each both inputs (3x6x6 floats) back to back.
    perl -e 'print pack("f<*", map { ((($_ * 53) % 97) / 48.5) - 1.0 } 0 .. 4 * 216 - 1)' >"$work/cal.f32"
    mcfg=(--config "$mio/int8.json" --calibrate "$work/cal.f32")
    run mval validate "$mio/two_io.json" "${mcfg[@]}" --target $t --inputs 3 --seed 4 \
      --save-inputs "$work/in0.f32" --save-inputs "$work/in1.f32"
    [ "$st" -eq 0 ] || { cat "$work/mval.out" "$work/mval.err"; fail "validate two_io: status $st"; }
    has mval.out "input 0: float32 uniform in [-1, 1); input 1: float32 uniform in [-1, 1)"
    has mval.out "bit-exact vs quantized interpreter: yes, 3 of 3 inputs"
    has mval.out "error vs float model:              max abs"
    lacks mval.out "top-1 agreement"
    [ "$(stat -c %s "$work/in0.f32")" -eq $((3 * 108 * 4)) ] || fail "saved input 0: wrong size"
    [ "$(stat -c %s "$work/in1.f32")" -eq $((3 * 108 * 4)) ] || fail "saved input 1: wrong size"
    # qgen diff replays them: every layer agrees; a flipped element of the
    # second output (layer 11 'head1:f', in the caller's output1 buffer) is found.
    run mdiff diff "$mio/two_io.json" "${mcfg[@]}" --target $t --input "$work/in0.f32" --input "$work/in1.f32"
    [ "$st" -eq 0 ] || { cat "$work/mdiff.out" "$work/mdiff.err"; fail "diff two_io: status $st"; }
    has mdiff.out "all 11 layers agree bit for bit with the interpreter on 3 inputs"
    run minj diff "$mio/two_io.json" "${mcfg[@]}" --target $t --input "$work/in0.f32" --input "$work/in1.f32" \
      --cflags "-DQGEN_DIFF_TEST_FLIP_LAYER=11 -DQGEN_DIFF_TEST_FLIP_ELEMENT=3"
    [ "$st" -eq 1 ] || { cat "$work/minj.out" "$work/minj.err"; fail "diff two_io inject: status $st, expected 1"; }
    has minj.out "FIRST DIFFERENCE: input 0, layer 11 'head1:f' (dequantize)"
    has minj.out "(index 3 in the internal HWC order)"
    has minj.out "1 of 5 elements of this tensor differ; layers 1-10 agree"
    # and one of the first output's layer (10 'head0:f', in the arena before the relayout)
    run minj0 diff "$mio/two_io.json" "${mcfg[@]}" --target $t --input "$work/in0.f32" --input "$work/in1.f32" \
      --cflags "-DQGEN_DIFF_TEST_FLIP_LAYER=10 -DQGEN_DIFF_TEST_FLIP_ELEMENT=7"
    [ "$st" -eq 1 ] || { cat "$work/minj0.out" "$work/minj0.err"; fail "diff two_io inject 10: status $st, expected 1"; }
    has minj0.out "FIRST DIFFERENCE: input 0, layer 10 'head0:f' (dequantize)"
    has minj0.out "(index 7 in the internal HWC order)"
    # The TFLite two-input model: int8 codes in and out.
    run mtfl validate "$mio/two_io.tflite" --target $t --inputs 3
    [ "$st" -eq 0 ] || { cat "$work/mtfl.out" "$work/mtfl.err"; fail "validate two_io.tflite: status $st"; }
    has mtfl.out "input 0: int8 codes uniform in [-128, 127]; input 1: int8 codes uniform in [-128, 127]"
    has mtfl.out "bit-exact vs quantized interpreter: yes, 3 of 3 inputs"
    # 16x8: int16 codes in and out, replayed by qgen diff.
    run m16 validate "$i16" --target $t --inputs 3 --save-inputs "$work/in16.i16"
    [ "$st" -eq 0 ] || { cat "$work/m16.out" "$work/m16.err"; fail "validate 16x8: status $st"; }
    has m16.out "int16 codes uniform in [-32768, 32767]"
    has m16.out "bit-exact vs quantized interpreter: yes, 3 of 3 inputs"
    [ "$(stat -c %s "$work/in16.i16")" -eq $((3 * 256 * 2)) ] || fail "saved int16 inputs: wrong size"
    run m16d diff "$i16" --target $t --input "$work/in16.i16"
    [ "$st" -eq 0 ] || { cat "$work/m16d.out" "$work/m16d.err"; fail "diff 16x8: status $st"; }
    has m16d.out "layers agree bit for bit with the interpreter on 3 inputs"
    if [ "$case_name" = multiio ]; then
      # The user's own hook changes element 3 of the second output: named as such.
      run mbad validate "$mio/two_io.json" "${mcfg[@]}" --target c --inputs 3 --seed 4 \
        --cflags "'-DQG_LAYER_END(i)=if((i)==11)output1[3]+=0.5f'"
      [ "$st" -eq 1 ] || { cat "$work/mbad.out" "$work/mbad.err"; fail "corrupted validate two_io: status $st, expected 1"; }
      has mbad.out "NO: 3 of 3 inputs, 3 output elements differ (first: input 0, output 1 ('head1:f') element 3"
      # One error line each: the wrong number of files, unequal sample counts.
      run merr1 diff "$mio/two_io.json" --target c --input "$work/in0.f32"
      one_error_line merr1 "--input: the model has 2 inputs and 1 --input file was given"
      perl -e 'print pack("f<*", (0.5) x 216)' >"$work/two.f32"
      run merr2 diff "$mio/two_io.json" --target c --input "$work/in0.f32" --input "$work/two.f32"
      one_error_line merr2 "holds 2 samples of model input 1 ('right*/image'), the first --input file 3"
      run merr3 validate "$mio/two_io.json" --target c --inputs 2 --save-inputs "$work/only.f32"
      one_error_line merr3 "--save-inputs: the model has 2 inputs and 1 --save-inputs file was given"
      [ ! -e "$work/only.f32" ] || fail "merr3 wrote a file"
    fi
    no_temp_left
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
