#!/usr/bin/env bash
# The whole test suite: install dependencies, build with -Werror, run CTest
# (unit tests per stage, differential suite, bad inputs, docs example,
# templates, examples).
#   --sanitize  then also build with clang-14 and
#               -fsanitize=address,undefined -fno-sanitize-recover=undefined
#               (in $SAN_BUILD_DIR, default build-sanitize/) and run the unit,
#               bad-input, differential / emitted-C, template and front-end
#               suites plus the fuzz targets (ctest -L fuzz, QGEN_FUZZ_SECONDS
#               each, default 5) under it. CI (.ci/run) passes it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-test}
SANITIZE=0
for a in "$@"; do
  case "$a" in
    --sanitize) SANITIZE=1 ;;
    *) echo "usage: $0 [--sanitize]" >&2; exit 2 ;;
  esac
done
bash "$ROOT/scripts/install-deps.sh"
# Test-side Python tools from PyPI (TFLite's reference interpreter), in a venv.
PYENV="$BUILD/pyenv"
PYARG=()
if [ -x "$PYENV/bin/python" ] && "$PYENV/bin/python" -c "import ai_edge_litert, onnxruntime, flatbuffers, numpy" 2>/dev/null; then
  PYARG=(-DQGEN_TEST_PYTHON="$PYENV/bin/python")
elif python3 -m venv "$PYENV" >/dev/null 2>&1 && "$PYENV/bin/python" -m pip install -q ai-edge-litert onnxruntime flatbuffers numpy; then
  PYARG=(-DQGEN_TEST_PYTHON="$PYENV/bin/python")
else
  echo "test.sh: could not install ai-edge-litert / onnxruntime into a venv: the reference checks against TFLite and ONNX Runtime will be skipped" >&2
fi
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQGEN_WERROR=ON "${PYARG[@]}"
cmake --build "$BUILD" -j"$(nproc)"
start=$(date +%s)
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"
echo "test suite wall time: $(( $(date +%s) - start )) s"

if [ "$SANITIZE" = 1 ]; then
  SAN=${SAN_BUILD_DIR:-$ROOT/build-sanitize}
  start=$(date +%s)
  cmake -S "$ROOT" -B "$SAN" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DQGEN_SANITIZE=ON -DQGEN_FUZZ=ON -DQGEN_FUZZ_SECONDS="${QGEN_FUZZ_SECONDS:-5}" "${PYARG[@]}"
  cmake --build "$SAN" -j"$(nproc)"
  built=$(date +%s)
  # halt_on_error: the first ASan report fails the test; leaks are reported too.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  ctest --test-dir "$SAN" --output-on-failure -j"$(nproc)" \
    -R '^(unit:|differential:|tflite|onnx|bad_inputs|template:|fuzz_)'
  echo "sanitizer build: $(( built - start )) s, sanitizer tests: $(( $(date +%s) - built )) s"
fi
