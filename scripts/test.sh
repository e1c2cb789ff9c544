#!/usr/bin/env bash
# The whole test suite: install dependencies, build with -Werror, run CTest
# (unit tests per stage, differential suite, bad inputs, docs example,
# templates, examples).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-test}
bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQGEN_WERROR=ON
cmake --build "$BUILD" -j"$(nproc)"
start=$(date +%s)
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"
echo "test suite wall time: $(( $(date +%s) - start )) s"
