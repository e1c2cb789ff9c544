#!/usr/bin/env bash
# Long fuzzing session: every target (or the ones named) for HOURS hours each,
# in the background at the lowest priority, one process per target, corpora
# kept in WORK/corpus/<target> between sessions. Needs a build configured with
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
#         -DQGEN_FUZZ=ON -DQGEN_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-fuzz --target fuzz_netjson fuzz_quantjson fuzz_onnx fuzz_tflite fuzz_seeds
# usage: tests/fuzz/run-long.sh BUILD_DIR HOURS [target...]
# Crashes land in WORK/artifacts/<target>/; once fixed, copy each into
# tests/fuzz/regressions/<target>/ (the seeds of every later run).
# The executions of each target are printed at the end (stat::number_of_executed_units).
# A hang is an input taking over QGEN_FUZZ_TIMEOUT seconds (default 60: at nice 19
# on a busy machine, wall-clock time is several times the CPU time).
set -u
BUILD=$(cd "$1" && pwd) HOURS=$2
shift 2
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(netjson quantjson onnx tflite)
WORK=${QGEN_FUZZ_WORK:-$BUILD/fuzz-long}
SECS=$(awk "BEGIN { printf \"%d\", $HOURS * 3600 }")
pids=()
for t in "${TARGETS[@]}"; do
  mkdir -p "$WORK/corpus/$t" "$WORK/artifacts/$t"
  nice -n 19 "$BUILD/tests/fuzz/fuzz_$t" "$WORK/corpus/$t" "$BUILD/tests/fuzz/seeds/$t" -max_total_time="$SECS" -timeout="${QGEN_FUZZ_TIMEOUT:-60}" \
    -rss_limit_mb=2048 -max_len=1048576 -artifact_prefix="$WORK/artifacts/$t/" -print_final_stats=1 \
    >"$WORK/$t.log" 2>&1 &
  pids+=($!)
  echo "fuzz_$t: pid $!, log $WORK/$t.log"
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
  t=${TARGETS[$i]}
  echo "fuzz_$t: $(grep -h '^stat::number_of_executed_units' "$WORK/$t.log" | awk '{print $2}') executions," \
       "$(ls "$WORK/artifacts/$t" | wc -l) artifacts"
done
exit $status
