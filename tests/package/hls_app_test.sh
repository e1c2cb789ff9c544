#!/usr/bin/env bash
# hls_app_test.sh QGEN_BUILD_DIR SOURCE_DIR AP_TYPES_DIR WORK
#
# qgen_add_network(... TARGET hls) from the installed package: installs the
# qgen build into WORK/prefix, configures a small project out of tree whose
# library is the emitted Vitis-HLS-style C++ of MLPerf's hello_world (int8)
# and whose executable is the emitted testbench (<prefix>_tb.cpp), builds it
# against the ap_types headers (the hls tests' fixture fetches them from the
# hls4ml wheel), and compares the testbench's output with `qgen run` on all
# 256 int8 inputs, bit for bit. Exit 77 (skip) without the ap_types headers.
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
ap=$3
work=$4
fail() { echo "hls_app_test: FAIL: $*" >&2; exit 1; }
[ -f "$ap/ap_int.h" ] || { echo "SKIP: no ap_types headers in $ap (tests/hls/fetch_ap_types.sh)"; exit 77; }
model=$src/models/hello_world_int8.tflite
[ -f "$model" ] || { echo "SKIP: missing $model"; exit 77; }
rm -rf -- "$work"
mkdir -p "$work/app" || fail "cannot create $work"
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
cat >"$work/app/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.21)
project(hls_app C CXX)
find_package(qgen REQUIRED)
qgen_add_network(hw NET "$model" TARGET hls)
target_include_directories(hw PRIVATE "$ap")
set(tb_src "\${CMAKE_CURRENT_BINARY_DIR}/hw.qgen/hw_tb.cpp")
set_source_files_properties("\${tb_src}" PROPERTIES GENERATED TRUE)
add_executable(tb "\${tb_src}")
add_dependencies(tb hw)
target_include_directories(tb PRIVATE "$ap")
target_link_libraries(tb PRIVATE hw)
CMAKE
cmake -S "$work/app" -B "$work/b" "${gen[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/b" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
for f in hw.h hw.cpp hw_tb.cpp qg_hls.h run_hls.tcl hls_config.cfg report.json; do
  [ -f "$work/b/hw.qgen/$f" ] || fail "qgen_add_network did not emit hw.qgen/$f"
done
qgen=$work/prefix/bin/qgen
n=0
for v in $(seq 0 255); do
  printf "\\$(printf '%03o' "$v")" >"$work/in.i8"
  "$work/b/tb" "$work/in.i8" "$work/tb.out" >/dev/null || fail "testbench failed on input $v"
  "$qgen" run "$model" --input "$work/in.i8" --output "$work/ref.out" >/dev/null || fail "qgen run failed on input $v"
  cmp -s "$work/tb.out" "$work/ref.out" || fail "input $v: the HLS C simulation differs from qgen run"
  n=$((n + 1))
done
echo "hls_app_test: $n inputs, the testbench built by qgen_add_network(TARGET hls) equals qgen run bit for bit"
