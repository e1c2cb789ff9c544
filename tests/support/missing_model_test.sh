#!/usr/bin/env bash
# missing_model_test.sh DIFF_TESTS MODEL_BUDGET_SH QGEN WORKDIR
# A test whose model is missing must report a skip (exit 77, "SKIP: ...") and,
# under QGEN_REQUIRE_MODELS=1, fail (exit status neither 0 nor 77) -- for a
# Catch2 test binary (qgen_differential_tests) and a shell test
# (tests/m7/model_budget.sh), with QGEN_MODELS_DIR pointed at a folder that
# does not exist.
set -u
diff_tests=$1 budget=$2 qgen=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
missing=$work/no-such-models
rm -rf "$work" && mkdir -p "$work" || exit 2
[ ! -e "$missing" ] || fail "$missing exists"

# expect NAME WANT(skip|fail) CMD...: runs CMD with QGEN_MODELS_DIR=$missing.
expect() {
  local name=$1 want=$2 out st
  shift 2
  if [ "$want" = skip ]; then
    out=$(env -u QGEN_REQUIRE_MODELS QGEN_MODELS_DIR="$missing" "$@" 2>&1); st=$?
    [ $st -eq 77 ] || { echo "$out" | tail -20; fail "$name: exit status $st, want 77 (skip)"; }
    grep -q "SKIP: .*$missing" <<<"$out" || { echo "$out" | tail -20; fail "$name: no SKIP line naming $missing"; }
  else
    out=$(QGEN_REQUIRE_MODELS=1 QGEN_MODELS_DIR="$missing" "$@" 2>&1); st=$?
    { [ $st -ne 0 ] && [ $st -ne 77 ]; } || { echo "$out" | tail -20; fail "$name: exit status $st under QGEN_REQUIRE_MODELS=1, want a failure"; }
    grep -q "QGEN_REQUIRE_MODELS=1" <<<"$out" || { echo "$out" | tail -20; fail "$name: the failure does not say why"; }
  fi
  echo "ok: $name: $want (exit $st)"
}

case_name="MLPerf Tiny float models: emitted C equals interpreter bit for bit"
expect "differential test, model missing" skip "$diff_tests" "$case_name"
expect "differential test, model missing" fail "$diff_tests" "$case_name"
expect "model_budget.sh, model missing" skip bash "$budget" "$qgen" "$missing" "$work/budget"
expect "model_budget.sh, model missing" fail bash "$budget" "$qgen" "$missing" "$work/budget"
rm -rf "$work"
echo "all checks passed"
