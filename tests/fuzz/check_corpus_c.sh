#!/usr/bin/env bash
# The emitted C of every fuzz corpus input that qgen compiles must build
# warning-free: runs `qgen compile` on each file of a corpus folder (as the
# fuzz target would see it) and, when it succeeds, compiles every emitted .c
# with CC -std=c99 -Wall -Wextra -Werror -c. Any other exit code than 0 or 1
# (internal error, crash, timeout) is a failure too.
# usage: check_corpus_c.sh QGEN TARGET CORPUS_DIR   (TARGET: netjson, quantjson, onnx, tflite)
# Environment: CC (default gcc), QGEN_CHECK_LIMIT (most inputs to check, default all).
set -u
QGEN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") TARGET=$2 CORPUS=$3
CC=${CC:-gcc}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-corpus-c.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
SRC=$(cd "$(dirname "$0")" && pwd)
checked=0 compiled=0 bad=0
for f in "$CORPUS"/*; do
  [ -f "$f" ] || continue
  if [ -n "${QGEN_CHECK_LIMIT:-}" ] && [ $checked -ge "$QGEN_CHECK_LIMIT" ]; then break; fi
  checked=$((checked + 1))
  rm -rf "$WORK/c" && mkdir "$WORK/c"
  size=$(wc -c <"$f")
  cfg=()
  case "$TARGET" in
    netjson)
      # net.json text up to the first NUL byte, the rest is w.bin; size % 3 picks float / lq / int8 (fuzz_netjson.cpp).
      python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.find(b"\0"); i=len(d) if i<0 else i
open(sys.argv[2]+"/net.json","wb").write(d[:i]); open(sys.argv[2]+"/w.bin","wb").write(d[i+1:])' "$f" "$WORK/c"
      model=net.json
      case $((size % 3)) in
        1) echo '{"default": {"scheme": "lq"}}' >"$WORK/c/q.json"; cfg=(--config q.json) ;;
        2) # calibration: two ramps of the input size, read from a float compile's header
           (cd "$WORK/c" && timeout 60 "$QGEN" compile net.json -o fl -q >/dev/null 2>&1)
           n=$(grep -h "_INPUT_SIZE " "$WORK"/c/fl/*.h 2>/dev/null | awk '{print $3}' | head -1)
           if [ -n "$n" ]; then
             python3 -c 'import struct,sys; n=int(sys.argv[1]); sys.stdout.buffer.write(struct.pack("<%df" % (2*n), *[((i % 17) / 8.0 - 1.0) * (1 if i < n else -1) for i in range(2*n)]))' "$n" >"$WORK/c/cal.f32"
             echo '{"default": {"scheme": "int8"}}' >"$WORK/c/q.json"; cfg=(--config q.json --calibrate cal.f32)
           fi
           rm -rf "$WORK/c/fl" ;;
      esac ;;
    quantjson) cp "$f" "$WORK/c/q.json"; model=net.json
      python3 - "$SRC/fuzz_quantjson.cpp" "$WORK/c/net.json" <<'PY'
import sys
s = open(sys.argv[1]).read(); a = s.index('R"(') + 3; b = s.index(')"', a)
open(sys.argv[2], "w").write(s[a:b])
PY
      # the fuzz target's calibration: two ramps over the 2x6x6 input
      python3 -c 'import struct,sys; n=72; sys.stdout.buffer.write(struct.pack("<%df" % (2*n), *[((i % 17) / 8.0 - 1.0) * (1 if i < n else -1) for i in range(2*n)]))' >"$WORK/c/cal.f32"
      cfg=(--config q.json --calibrate cal.f32) ;;
    onnx) cp "$f" "$WORK/c/m.onnx"; model=m.onnx; [ $((size % 2)) = 1 ] && { echo '{"default": {"scheme": "lq"}}' >"$WORK/c/q.json"; cfg=(--config q.json); } ;;
    tflite) cp "$f" "$WORK/c/m.tflite"; model=m.tflite ;;
  esac
  (cd "$WORK/c" && timeout 60 "$QGEN" compile "$model" "${cfg[@]}" -o out -q >/dev/null 2>err.txt)
  rc=$?
  if [ $rc -eq 1 ]; then continue; fi
  if [ $rc -ne 0 ]; then echo "FAIL $(basename "$f"): qgen exit $rc: $(head -c 200 "$WORK/c/err.txt")"; bad=$((bad + 1)); continue; fi
  compiled=$((compiled + 1))
  for c in "$WORK"/c/out/*.c; do
    if ! (cd "$WORK/c/out" && "$CC" -std=c99 -Wall -Wextra -Werror -ffp-contract=off -c "$(basename "$c")" -o /dev/null 2>"$WORK/cc.txt"); then
      echo "FAIL $(basename "$f"): $CC rejects $(basename "$c"): $(head -c 300 "$WORK/cc.txt" | tr '\n' '|')"
      bad=$((bad + 1))
    fi
  done
done
echo "$TARGET: $checked inputs, $compiled compiled by qgen, $bad failures"
[ $bad -eq 0 ]
