#!/usr/bin/env bash
# Bad-input suite: every malformed net.json / quant.json / weight file must give
# exactly one error line naming the file and the JSON path, exit code 1, nothing
# on stdout and no output directory. Valid nets with hostile names must compile
# to C that builds warning-free and never contains the raw names.
#
# usage: run_cases.sh QGEN_BINARY CASES_DIR [VALID_NAMES_DIR]
#   CASES_DIR/<case>/       net.json, optional quant.json and weight files, and
#     expect                line 1: location the error must contain (JSON path, or
#                           "line L, column C" for syntax errors), followed by ": "
#                           line 2: substring of the message
#                           line 3: the file at fault (net.json or quant.json)
#                           "(file)" for errors about the file as a whole
#     also_run              (optional, empty) also check `qgen run`
#     setup                 (optional) bash script run in the case's copy first
#                           (mkfifo, symlinks to /dev/zero, an existing out/ ...)
#     args                  (optional) qgen's arguments, one per line, instead of
#                           `compile net.json [--config quant.json] -o out`
#     env                   (optional) VAR=VALUE lines set for qgen
#   VALID_NAMES_DIR/<case>/ (default: CASES_DIR/../valid_names)
#     net.json, optional quant.json
#     prefix                expected C prefix (<prefix>.h and <prefix>.c are emitted)
#     forbid                strings (printf %b escapes, one per line) that must not
#                           appear in any emitted .c/.h file
# Prints "ok <case>" or "FAIL <case>: why" per case, then "N passed, M failed".
# Environment: QGEN_TEST_CC (default gcc) compiles the valid-name outputs.

set -u
export LC_ALL=C

if [ $# -lt 2 ]; then
  echo "usage: $0 QGEN_BINARY CASES_DIR [VALID_NAMES_DIR]" >&2
  exit 2
fi
QGEN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CASES=$(cd "$2" && pwd) || exit 2
VALID=${3:-$CASES/../valid_names}
CC=${QGEN_TEST_CC:-gcc}
CFLAGS=(-std=c99 -Wall -Wextra -Werror -ffp-contract=off -c)

if [ ! -x "$QGEN" ]; then
  echo "$0: qgen binary '$1' is not executable" >&2
  exit 2
fi

TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then TIMEOUT=(timeout 120); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-bad-inputs.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0

# check_error DIR PATH MSG FILE CMD... : one error line naming FILE and PATH.
source "$(dirname "$0")/../support/expect_error.sh"
check_error() {
  local dir=$1 path=$2 msg=$3 file=$4
  shift 4
  expect_one_error "$dir" "qgen: error: $file: " "$path: " "$msg" "$@"
}

run_bad_case() {
  local src=$1 name path msg file dir
  name=$(basename "$src")
  why=""
  if [ ! -f "$src/expect" ] || [ ! -f "$src/net.json" ]; then why="needs net.json and expect"; return 1; fi
  path=$(sed -n 1p "$src/expect" | tr -d '\r')
  msg=$(sed -n 2p "$src/expect" | tr -d '\r')
  file=$(sed -n 3p "$src/expect" | tr -d '\r')
  if [ -z "$path" ] || [ -z "$msg" ] || [ -z "$file" ]; then why="expect needs 3 lines: location, message, file"; return 1; fi
  if [ "$path" = "(file)" ]; then path=""; fi
  dir="$WORK/$name"
  rm -rf "$dir"
  cp -R "$src" "$dir" || { why="cannot copy the case"; return 1; }
  rm -f "$dir/expect" "$dir/also_run" "$dir/setup" "$dir/args" "$dir/env"
  if [ -f "$src/setup" ] && ! (cd "$dir" && bash "$src/setup") >"$WORK/setup.log" 2>&1; then
    why="setup failed: $(head -c 300 "$WORK/setup.log")"
    return 1
  fi
  local cfg=() cmd=() envs=()
  if [ -f "$dir/quant.json" ]; then cfg=(--config quant.json); fi
  cmd=(compile net.json "${cfg[@]}" -o out)
  if [ -f "$src/args" ]; then mapfile -t cmd < <(tr -d '\r' <"$src/args"); fi
  if [ -f "$src/env" ]; then mapfile -t envs < <(tr -d '\r' <"$src/env"); fi
  if ! check_error "$dir" "$path" "$msg" "$file" env "${envs[@]}" "$QGEN" "${cmd[@]}"; then
    why="compile: $why"
    return 1
  fi
  if [ -f "$src/also_run" ]; then
    printf '\0\0\0\0' >"$dir/in.f32"
    if ! check_error "$dir" "$path" "$msg" "$file" "$QGEN" run net.json "${cfg[@]}" --input in.f32; then
      why="run: $why"
      return 1
    fi
  fi
  rm -rf "$dir"
  return 0
}

run_valid_case() {
  local src=$1 name dir prefix rc f s content
  name=$(basename "$src")
  why=""
  dir="$WORK/valid-$name"
  rm -rf "$dir"
  cp -R "$src" "$dir" || { why="cannot copy the case"; return 1; }
  local cfg=()
  if [ -f "$dir/quant.json" ]; then cfg=(--config quant.json); fi
  (cd "$dir" && "${TIMEOUT[@]}" "$QGEN" compile net.json "${cfg[@]}" -o out -q >"$WORK/stdout" 2>"$WORK/stderr" </dev/null)
  rc=$?
  if [ "$rc" -ne 0 ]; then why="qgen compile exit code $rc: $(head -c 300 "$WORK/stderr")"; return 1; fi
  if [ -s "$WORK/stderr" ]; then why="qgen compile wrote to stderr: $(head -c 300 "$WORK/stderr")"; return 1; fi
  if [ -f "$src/prefix" ]; then
    prefix=$(sed -n 1p "$src/prefix" | tr -d '\r')
    for f in "$prefix.h" "$prefix.c"; do
      if [ ! -f "$dir/out/$f" ]; then why="expected $f, got: $(cd "$dir/out" && ls | tr '\n' ' ')"; return 1; fi
    done
  fi
  for f in "$dir"/out/*.c; do
    if ! (cd "$dir/out" && "$CC" "${CFLAGS[@]}" "$(basename "$f")" -o "$WORK/obj.o" >"$WORK/cc.log" 2>&1); then
      why="$CC rejects $(basename "$f"): $(head -c 400 "$WORK/cc.log" | tr '\n' '|')"
      return 1
    fi
  done
  if [ -f "$src/forbid" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -z "$line" ] && continue
      s=$(printf '%b' "$line")
      for f in "$dir"/out/*.c "$dir"/out/*.h; do
        content=$(cat "$f")
        if [[ "$content" == *"$s"* ]]; then why="raw name '$line' appears in $(basename "$f")"; return 1; fi
      done
    done <"$src/forbid"
  fi
  rm -rf "$dir"
  return 0
}

for src in "$CASES"/*/; do
  src=${src%/}
  name=$(basename "$src")
  if run_bad_case "$src"; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $why"
    failed=$((failed + 1))
  fi
done

if [ -d "$VALID" ]; then
  for src in "$VALID"/*/; do
    src=${src%/}
    name=valid_names/$(basename "$src")
    if run_valid_case "$src"; then
      echo "ok $name"
      passed=$((passed + 1))
    else
      echo "FAIL $name: $why"
      failed=$((failed + 1))
    fi
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
