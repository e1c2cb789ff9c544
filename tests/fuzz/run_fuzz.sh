#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a fresh copy of its seeds
# (CTest label `fuzz`; tests/fuzz/run-long.sh runs the same for hours).
# Fails when the target reports a crash, an internal error, a sanitizer report,
# a timeout (hang) or running out of memory; the input is left in
# ARTIFACTS (add it to tests/fuzz/regressions/<target>/ once fixed).
# usage: run_fuzz.sh FUZZER SEED_DIR SECONDS ARTIFACTS [libFuzzer options...]
set -u
FUZZER=$1 SEEDS=$2 SECS=$3 ART=$4
shift 4
[ -x "$FUZZER" ] || { echo "$0: $FUZZER is not executable" >&2; exit 2; }
[ -d "$SEEDS" ] || { echo "$0: no seed folder $SEEDS (make_seeds.sh)" >&2; exit 2; }
CORPUS=$(mktemp -d "${TMPDIR:-/tmp}/qgen-fuzz-corpus.XXXXXX") || exit 2
trap 'rm -rf "$CORPUS"' EXIT
mkdir -p "$ART"
# -timeout: one input may take at most 30 s of wall-clock time (a hang otherwise);
# -rss_limit_mb: 2 GiB; -max_len 1 MiB; ASan leak checks off at exit only
# matter for libFuzzer's own bookkeeping.
"$FUZZER" "$CORPUS" "$SEEDS" -max_total_time="$SECS" -timeout=30 -rss_limit_mb=2048 -max_len=1048576 \
  -artifact_prefix="$ART/" -print_final_stats=1 "$@" 2>"$CORPUS.log"
rc=$?
grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE|ERROR|SUMMARY|fuzz: not a user error" "$CORPUS.log" | tail -n 20
if [ $rc -ne 0 ]; then
  echo "$0: $(basename "$FUZZER") failed (exit $rc); last lines:" >&2
  tail -n 40 "$CORPUS.log" >&2
  ls -l "$ART" >&2
fi
rm -f "$CORPUS.log"
exit $rc
