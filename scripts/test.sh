#!/usr/bin/env bash
# The whole test suite: install dependencies, build with -Werror, run CTest
# (unit tests per stage, differential suite, bad inputs, docs example,
# templates, examples).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-test}
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
