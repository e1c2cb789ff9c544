#!/usr/bin/env bash
# check_template.sh CC TEMPLATE.c OUTDIR
# A kernel template must compile on its own as C99 with the example parameters
# between its markers, warning-free (unused static functions aside), and have
# exactly one QG_TEMPLATE_DEFAULTS_BEGIN / _END marker pair in that order
# (qgen instantiates the text after the END marker).
set -u
export LC_ALL=C
if [ $# -ne 3 ]; then
  echo "usage: $0 CC TEMPLATE.c OUTDIR" >&2
  exit 2
fi
cc=$1 tmpl=$2 outdir=$3
name=$(basename "$tmpl" .c)
fail() { echo "FAIL $tmpl: $*" >&2; exit 1; }

[ -r "$tmpl" ] || fail "cannot read the template"
begin=$(grep -c '^/\* QG_TEMPLATE_DEFAULTS_BEGIN \*/$' "$tmpl")
end=$(grep -c '^/\* QG_TEMPLATE_DEFAULTS_END \*/$' "$tmpl")
[ "$begin" -eq 1 ] || fail "expected one QG_TEMPLATE_DEFAULTS_BEGIN line, found $begin"
[ "$end" -eq 1 ] || fail "expected one QG_TEMPLATE_DEFAULTS_END line, found $end"
lb=$(grep -n 'QG_TEMPLATE_DEFAULTS_BEGIN' "$tmpl" | cut -d: -f1)
le=$(grep -n 'QG_TEMPLATE_DEFAULTS_END' "$tmpl" | cut -d: -f1)
[ "$lb" -lt "$le" ] || fail "BEGIN marker (line $lb) is not before END marker (line $le)"
# The body must define the function named by QG_FN.
tail -n "+$((le + 1))" "$tmpl" | grep -q 'QG_FN(' || fail "no QG_FN( after the END marker"

mkdir -p "$outdir" || exit 2
obj="$outdir/$name.$(basename "$cc").o"
# QG_TEMPLATE_FLAGS: extra flags (e.g. the Cortex-M7 target's -mcpu=...).
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Wextra -Werror -Wno-unused-function -ffp-contract=off ${QG_TEMPLATE_FLAGS:-} -c "$tmpl" -o "$obj" ||
  fail "does not compile with $cc"
echo "ok $tmpl ($cc)"
