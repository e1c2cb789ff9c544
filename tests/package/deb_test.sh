#!/usr/bin/env bash
# deb_test.sh QGEN_BUILD_DIR SOURCE_DIR WORK
#
# The Debian package test (issue #16): `cpack -G DEB` on this build dir (into
# WORK, not the build dir) must give qgen_<version>_<arch>.deb whose Depends
# names the Debian package of every shared library the qgen binary needs
# (its NEEDED entries, resolved with ldd and dpkg -S); `dpkg -x` unpacks it
# into a scratch root (no root rights, nothing installed on the system) where
# the packaged qgen must run (--version, compile of a committed model, the
# emitted C built and run) and its CMake package must work from there
# (find_package(qgen) + qgen_add_network in examples/cmake-app, host build).
# Exit 77 (skip) when dpkg-deb / dpkg-shlibdeps are missing (not Debian).
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$3
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deb_test: SKIP: $tool not found (not a Debian system)"; exit 77; }
done
rm -rf -- "$work"
mkdir -p "$work" || fail "cannot create $work"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack -G DEB"; }
version=$("$build/qgen" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
deb=$work/cpack/qgen_${version}_${arch}.deb
[ -f "$deb" ] || { ls "$work/cpack"; fail "no $(basename "$deb")"; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

[ "$(dpkg-deb -f "$deb" Package)" = qgen ] || fail "Package is not qgen"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "Architecture is not $arch"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"

# Every NEEDED library of the binary -> its Debian package -> in Depends.
needed=$(objdump -p "$build/qgen" | awk '$1 == "NEEDED" { print $2 }')
[ -n "$needed" ] || fail "no NEEDED entries in $build/qgen"
for lib in $needed; do
  path=$(ldd "$build/qgen" | awk -v l="$lib" '$1 == l && $3 ~ /^\// { print $3; exit }')
  [ -n "$path" ] || fail "ldd does not resolve $lib"
  real=$(readlink -f "$path")
  pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null)
  pkg=${pkg%%:*}
  [ -n "$pkg" ] || fail "no Debian package owns $path ($lib)"
  echo "$depends" | tr ',' '\n' | awk '{ print $1 }' | grep -qx "$pkg" ||
    fail "$lib ($pkg) is not in Depends: $depends"
  echo "  $lib -> $pkg: in Depends"
done

# Unpack into a scratch root and use it from there.
root=$work/root
dpkg -x "$deb" "$root" || fail "dpkg -x"
qgen=$root/usr/bin/qgen
[ -x "$qgen" ] || fail "no usr/bin/qgen in the package"
"$qgen" --version | grep -qx "qgen $version" || fail "packaged qgen --version: $("$qgen" --version)"
for f in qgenConfig.cmake qgenConfigVersion.cmake qgenTargets.cmake qgenAddNetwork.cmake qgenCompile.cmake; do
  [ -f "$root/usr/lib/cmake/qgen/$f" ] || fail "no usr/lib/cmake/qgen/$f"
done
for f in startup.c board.c board.h mps2_an500.ld toolchain.cmake target.json run-qemu.sh build-elf.sh; do
  [ -f "$root/usr/share/qgen/targets/cortex-m7/$f" ] || fail "no usr/share/qgen/targets/cortex-m7/$f"
done

model=$src/models/hello_world_float.tflite
[ -f "$model" ] || { echo "deb_test: SKIP: $model missing"; exit 77; }
"$qgen" compile "$model" --target c -o "$work/out" --name hw -q >"$work/compile.log" 2>&1 ||
  { cat "$work/compile.log"; fail "packaged qgen compile"; }
cat >"$work/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "hw.h"
static uint8_t arena[HW_ARENA_BYTES + 1] __attribute__((aligned(16)));
int main(void) {
  float in[HW_INPUT_SIZE] = {1.5f}, out[HW_OUTPUT_SIZE];
  uint32_t b;
  if (hw_run(in, out, arena) != HW_OK) return 1;
  memcpy(&b, &out[0], 4);
  printf("%08x\n", (unsigned)b);
  return 0;
}
C
cc -std=c99 -O2 -ffp-contract=off -I"$work/out" "$work/main.c" "$work/out/hw.c" "$work/out/hw_weights.c" -lm -o "$work/hw" ||
  fail "building the packaged qgen's output"
printf '\x00\x00\xc0\x3f' >"$work/in.f32"   # 1.5f
"$qgen" run "$model" --input "$work/in.f32" --output "$work/ref.f32" >/dev/null 2>&1 || fail "packaged qgen run"
got=$("$work/hw"); ref=$(od -An -tx4 "$work/ref.f32" | tr -d ' ')
[ -n "$ref" ] && [ "$got" = "$ref" ] || fail "emitted hello_world gives $got, qgen run $ref"
echo "packaged qgen: compile + emitted C equal to qgen run ($got)"

# The package's CMake config, relocated under the scratch root.
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
cmake -S "$src/examples/cmake-app" -B "$work/app" "${gen[@]}" -DCMAKE_PREFIX_PATH="$root/usr" \
  -DAPP_HELLO_MODEL="$work/none" >"$work/app.log" 2>&1 || { cat "$work/app.log"; fail "find_package(qgen) from the unpacked package"; }
cmake --build "$work/app" >>"$work/app.log" 2>&1 || { cat "$work/app.log"; fail "building examples/cmake-app with the unpacked package"; }
grep -rqF "$qgen" "$work/app" --include=build.ninja --include=build.make || fail "the example does not use the packaged qgen"
"$work/app/app" | grep -q '^app: ok$' || fail "examples/cmake-app built with the package does not run"
echo "deb_test: PASS"
