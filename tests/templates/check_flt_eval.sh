#!/usr/bin/env bash
# check_flt_eval.sh CC RUNTIME_DIR OUTDIR
# The FLT_EVAL_METHOD guard of runtime/qg_common.h: values where float
# expressions are evaluated in float (0, 16, 32, -1) compile; x87 (2) is
# refused with an x87 / SSE message, 1 and 64 with the "wider type" one.
# FLT_EVAL_METHOD comes from <float.h>, so a test file includes <float.h>
# first and then redefines it before including the runtime header.
set -u
export LC_ALL=C
if [ $# -ne 3 ]; then
  echo "usage: $0 CC RUNTIME_DIR OUTDIR" >&2
  exit 2
fi
cc=$1 rt=$2 outdir=$3
mkdir -p "$outdir" || exit 2
fail() { echo "FAIL: $*" >&2; exit 1; }

compile() { # VALUE -> compiler output in $out, status in $st
  local src="$outdir/flt_eval_$1.c"
  cat >"$src" <<C
#include <float.h>
#undef FLT_EVAL_METHOD
#define FLT_EVAL_METHOD $1
#include "qg_common.h"
float qg_test_expf(float x) { return qg_expf(x); }
C
  out=$("$cc" -std=c99 -Wall -Wextra -Werror -I"$rt" -c "$src" -o "$outdir/flt_eval.o" 2>&1)
  st=$?
}

for v in 0 16 32 -1; do
  compile "$v"
  [ "$st" -eq 0 ] || fail "FLT_EVAL_METHOD $v is refused: $out"
done
compile 2
[ "$st" -ne 0 ] || fail "FLT_EVAL_METHOD 2 (x87) is accepted"
grep -q "x87" <<<"$out" || fail "FLT_EVAL_METHOD 2: the message does not name x87: $out"
for v in 1 64; do
  compile "$v"
  [ "$st" -ne 0 ] || fail "FLT_EVAL_METHOD $v is accepted"
  grep -q "wider type" <<<"$out" || fail "FLT_EVAL_METHOD $v: unexpected message: $out"
  grep -q "x87" <<<"$out" && fail "FLT_EVAL_METHOD $v: the message blames x87: $out"
done
echo "ok FLT_EVAL_METHOD guard ($cc)"
