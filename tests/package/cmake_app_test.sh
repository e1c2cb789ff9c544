#!/usr/bin/env bash
# cmake_app_test.sh QGEN_BUILD_DIR SOURCE_DIR WORK
#
# The install + out-of-tree example test (issue #16): installs the qgen build
# into WORK/prefix, configures and builds examples/cmake-app out of tree with
# find_package(qgen) three times -- for the host, for Cortex-A (the example's
# aarch64-linux-gnu.cmake, run by qemu-aarch64) and, with the installed
# Cortex-M7 toolchain file, for QEMU's mps2-an500 -- runs the apps and the
# firmware, and compares every output element with `qgen run` (the installed
# qgen's interpreter) on the same input, bit for bit. The host and Cortex-A
# builds also check the Halide library `hello` against `qgen run` on all 256
# int8 inputs. The host build checks the build-time regeneration: touching
# the quant config re-runs qgen and rebuilds nothing else; an edit that
# changes the emitted C rebuilds the model library, never the app's own
# object when the header is unchanged; a bad config fails with qgen's error.
# Exit 77 (skip) when a cross compiler or QEMU is missing (after the rest).
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
fail() { echo "cmake_app_test: FAIL: $*" >&2; exit 1; }
rm -rf -- "$work"
mkdir -p "$work" || fail "cannot create $work"
prefix=$work/prefix
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
qgen=$prefix/bin/qgen
[ -x "$qgen" ] || fail "no $qgen after install"
[ -f "$prefix/lib/cmake/qgen/qgenConfig.cmake" ] || fail "no qgenConfig.cmake in the prefix"

# The example's quant config, copied so the test may touch and edit it.
cp "$src/examples/fmnist-small/lq8.json" "$work/quant.json" || fail "copy config"
model=$src/examples/fmnist-small/fmnist_small.json
common=(-DAPP_MODEL="$model" -DAPP_CONFIG="$work/quant.json" -DAPP_HELLO_MODEL="$src/models/hello_world_int8.tflite")

# ---- host ------------------------------------------------------------------
cmake -S "$src/examples/cmake-app" -B "$work/host" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" "${common[@]}" \
  >"$work/host-configure.log" 2>&1 || { cat "$work/host-configure.log"; fail "host configure"; }
cmake --build "$work/host" >"$work/host-build.log" 2>&1 || { cat "$work/host-build.log"; fail "host build"; }
grep -rqF "$qgen" "$work/host" --include=build.ninja --include=build.make ||
  fail "the host build does not run the installed qgen ($qgen)"

"$work/host/app" "$work/input.f32" >"$work/host.out" || { cat "$work/host.out"; fail "host app failed"; }
"$qgen" run "$model" --config "$work/quant.json" --input "$work/input.f32" --output "$work/ref.f32" >"$work/run.log" 2>&1 ||
  { cat "$work/run.log"; fail "qgen run"; }
od -An -v -tx4 -w4 "$work/ref.f32" | awk '{ print "qg-out " NR - 1 " 0x" $1 }' >"$work/ref.out"

compare() {  # compare NAME OUTPUT REFERENCE: element by element
  local name=$1 got=$2 ref=$3
  grep '^qg-out ' "$got" >"$got.values"
  local n_ref n_got
  n_ref=$(wc -l <"$ref"); n_got=$(wc -l <"$got.values")
  [ "$n_ref" -gt 0 ] || fail "$name: empty reference"
  [ "$n_ref" = "$n_got" ] || fail "$name: $n_got output elements, qgen run gives $n_ref"
  local first
  first=$(paste -d' ' "$got.values" "$ref" | awk '$3 != $6 { print "element " $2 ": " $3 " (" n ") vs " $6 " (qgen run)"; exit }' n="$name")
  [ -z "$first" ] || fail "$name differs from qgen run: $first"
  echo "$name: $n_got elements equal to qgen run, bit for bit"
}
compare host "$work/host.out" "$work/ref.out"

check_hello() {  # check_hello NAME BUILD_DIR RUNNER...: the int8 model whose layers are a Halide object
  local name=$1 dir=$2
  shift 2
  "$@" "$dir/hello" "$work/hello_in_$name.i8" >"$work/hello_$name.out" || fail "hello ($name, Halide library) failed"
  ar t "$dir/libhello_net.a" | grep -q '^hello_halide.o$' || fail "$name: libhello_net.a has no hello_halide.o"
  "$qgen" run "$src/models/hello_world_int8.tflite" --input "$work/hello_in_$name.i8" --output "$work/hello_ref.i8" >/dev/null 2>&1 ||
    fail "qgen run hello_world_int8"
  od -An -v -td1 -w1 "$work/hello_ref.i8" | awk '{ print $1 }' >"$work/hello_ref.txt"
  grep '^qg-hello ' "$work/hello_$name.out" | awk '{ print $3 }' >"$work/hello_got.txt"
  [ "$(wc -l <"$work/hello_ref.txt")" = 256 ] || fail "qgen run hello_world_int8: not 256 outputs"
  cmp -s "$work/hello_got.txt" "$work/hello_ref.txt" ||
    fail "hello ($name, Halide) differs from qgen run: $(paste -d' ' "$work/hello_got.txt" "$work/hello_ref.txt" | awk '$1 != $2 { print "input " NR - 129 ": " $1 " vs " $2; exit }')"
  echo "hello ($name, Halide object): 256 outputs equal to qgen run"
}
[ -x "$work/host/hello" ] && check_hello x86-64 "$work/host"

# ---- regeneration at build time (Ninja: its log names every step) ----------
if [ ${#gen[@]} -gt 0 ]; then
  sleep 1
  touch "$work/quant.json"
  cmake --build "$work/host" >"$work/touch.log" 2>&1 || { cat "$work/touch.log"; fail "rebuild after touching the config"; }
  grep -q 'qgen: compiling .* (fmnist)' "$work/touch.log" || { cat "$work/touch.log"; fail "touching the config did not re-run qgen"; }
  if grep -E '^\[[0-9]+/[0-9]+\] ' "$work/touch.log" | grep -v 'qgen: compiling .* (fmnist)' | grep -q .; then
    cat "$work/touch.log"; fail "touching the config rebuilt more than the qgen step"
  fi
  echo "touch config: only the qgen step ran"
  sleep 1
  touch "$qgen"
  cmake --build "$work/host" >"$work/touch-qgen.log" 2>&1 || { cat "$work/touch-qgen.log"; fail "rebuild after touching qgen"; }
  for net in fmnist hello_net; do
    [ -x "$work/host/hello" ] || [ $net = fmnist ] || continue
    grep -q "qgen: compiling .* ($net)" "$work/touch-qgen.log" || { cat "$work/touch-qgen.log"; fail "a newer qgen did not regenerate $net"; }
  done
  echo "touch qgen: every network regenerated"
  cp "$work/host/fmnist.qgen/fmnist.h" "$work/fmnist.h.before"
  sed -i 's/"a_bits": *8/"a_bits": 6/' "$work/quant.json"
  grep -q '"a_bits": 6' "$work/quant.json" || fail "could not edit the config"
  cmake --build "$work/host" >"$work/edit.log" 2>&1 || { cat "$work/edit.log"; fail "rebuild after editing the config"; }
  grep -q 'qgen: compiling .* (fmnist)' "$work/edit.log" || fail "editing the config did not re-run qgen"
  grep -q 'Building C object CMakeFiles/fmnist.dir/' "$work/edit.log" || { cat "$work/edit.log"; fail "editing the config did not rebuild the model library"; }
  grep -q 'Linking C executable app' "$work/edit.log" || fail "editing the config did not relink the app"
  if cmp -s "$work/fmnist.h.before" "$work/host/fmnist.qgen/fmnist.h" && grep -q 'CMakeFiles/app.dir/main.c' "$work/edit.log"; then
    cat "$work/edit.log"; fail "the app's main.c was recompiled although the header did not change"
  fi
  if grep -E '^\[[0-9]+/[0-9]+\] ' "$work/edit.log" | grep -qE 'hello'; then
    fail "editing fmnist's config rebuilt the other network"
  fi
  cmake --build "$work/host" -- -n | grep -q 'no work to do' || fail "a second rebuild still has work to do"
  echo "edit config: qgen, the model library and the app's link ran, nothing else"
  # The edited model still matches the interpreter.
  "$work/host/app" >"$work/host6.out" || fail "host app (a_bits 6) failed"
  "$qgen" run "$model" --config "$work/quant.json" --input "$work/input.f32" --output "$work/ref6.f32" >/dev/null 2>&1 || fail "qgen run (a_bits 6)"
  od -An -v -tx4 -w4 "$work/ref6.f32" | awk '{ print "qg-out " NR - 1 " 0x" $1 }' >"$work/ref6.out"
  compare "host (a_bits 6)" "$work/host6.out" "$work/ref6.out"
  # A bad config: the build fails with qgen's one-line error naming the file
  # and JSON path, and the emitted files stay as they were.
  (cd "$work/host/fmnist.qgen" && md5sum fmnist.h fmnist.c fmnist_weights.c) >"$work/emitted.md5"
  sed -i 's/"a_bits": *6/"a_bits": 3/' "$work/quant.json"
  if cmake --build "$work/host" >"$work/bad.log" 2>&1; then fail "a config with a_bits 3 built"; fi
  grep -q "qgen: error: $work/quant.json: default.a_bits" "$work/bad.log" || { cat "$work/bad.log"; fail "no qgen error line naming the config and default.a_bits"; }
  (cd "$work/host/fmnist.qgen" && md5sum -c --quiet "$work/emitted.md5") || fail "a failed qgen run changed the emitted files"
  [ ! -e "$work/host/fmnist.qgen.new" ] || fail "a failed qgen run left fmnist.qgen.new"
  echo "bad config: the build fails with qgen's error line, emitted files untouched"
  cp "$src/examples/fmnist-small/lq8.json" "$work/quant.json"
  cmake --build "$work/host" >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; fail "rebuild after restoring the config"; }
fi

missing=()
# ---- Cortex-A (AArch64 Linux) under qemu-aarch64 -----------------------------
if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1; then
  cmake -S "$src/examples/cmake-app" -B "$work/a64" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_TOOLCHAIN_FILE="$src/examples/cmake-app/aarch64-linux-gnu.cmake" "${common[@]}" \
    >"$work/a64-configure.log" 2>&1 || { cat "$work/a64-configure.log"; fail "Cortex-A configure"; }
  cmake --build "$work/a64" >"$work/a64-build.log" 2>&1 || { cat "$work/a64-build.log"; fail "Cortex-A build"; }
  a64=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
  "${a64[@]}" "$work/a64/app" >"$work/a64.out" || { cat "$work/a64.out"; fail "Cortex-A app failed under qemu-aarch64"; }
  compare cortex-a "$work/a64.out" "$work/ref.out"
  check_hello cortex-a "$work/a64" "${a64[@]}"
else
  missing+=("Cortex-A (aarch64-linux-gnu-gcc, qemu-aarch64)")
fi

# ---- Cortex-M7 firmware under QEMU -------------------------------------------
for tool in arm-none-eabi-gcc qemu-system-arm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "cmake_app_test: SKIP the Cortex-M7 part: $tool not found (host part passed)"
    exit 77
  fi
done
cmake -S "$src/examples/cmake-app" -B "$work/m7" "${gen[@]}" -Dqgen_DIR="$prefix/lib/cmake/qgen" \
  -DCMAKE_TOOLCHAIN_FILE="$prefix/share/qgen/targets/cortex-m7/toolchain.cmake" "${common[@]}" \
  >"$work/m7-configure.log" 2>&1 || { cat "$work/m7-configure.log"; fail "Cortex-M7 configure"; }
cmake --build "$work/m7" >"$work/m7-build.log" 2>&1 || { cat "$work/m7-build.log"; fail "Cortex-M7 build"; }
file "$work/m7/app.elf" 2>/dev/null | grep -q 'ARM' || [ ! -x /usr/bin/file ] || fail "app.elf is not an ARM executable"
QG_QEMU_TIMEOUT=120 "$prefix/share/qgen/targets/cortex-m7/run-qemu.sh" "$work/m7/app.elf" >"$work/m7.out" ||
  { cat "$work/m7.out"; fail "firmware failed under QEMU"; }
compare cortex-m7 "$work/m7.out" "$work/ref.out"
(cd "$work/m7" && ctest --output-on-failure >"$work/m7-ctest.log" 2>&1) || { cat "$work/m7-ctest.log"; fail "the example's own ctest (QEMU) failed"; }
if [ ${#missing[@]} -gt 0 ]; then
  echo "cmake_app_test: SKIP: not run for lack of tools: ${missing[*]} (everything else passed)"
  exit 77
fi
echo "cmake_app_test: PASS"
