#!/usr/bin/env bash
# run_fmnist_small.sh QGEN SOURCE_DIR MODE
#   MODE lq8:   --config {"default": {"w_bits": 8, "a_bits": 8}}
#   MODE float: no config
# Compiles examples/fmnist-small with qgen, builds its main.c against the
# emitted C, runs it on a synthetic image and (if the dataset is installed)
# on Fashion-MNIST test image 0, and checks that the logits it prints equal
# those of `qgen run` on the same float input, digit for digit.
# Environment: QGEN_TEST_CC (default gcc), FMNIST_DIR (default
# /usr/share/datasets/fashion-mnist).
set -u
export LC_ALL=C

if [ $# -ne 3 ]; then
  echo "usage: $0 QGEN SOURCE_DIR lq8|float" >&2
  exit 2
fi
QGEN=$1 SRC=$2 MODE=$3
CC=${QGEN_TEST_CC:-gcc}
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
EX=$SRC/examples/fmnist-small
NET=$EX/fmnist_small.json

fail() { echo "FAIL: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-example.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

config=()
case $MODE in
  lq8) printf '{"default": {"w_bits": 8, "a_bits": 8}}\n' >"$WORK/quant.json"; config=(--config "$WORK/quant.json") ;;
  float) ;;
  *) echo "$0: unknown mode '$MODE'" >&2; exit 2 ;;
esac

"$QGEN" compile "$NET" ${config[@]+"${config[@]}"} -o "$WORK/out" -q || fail "qgen compile failed"
for f in fmnist_small.h fmnist_small.c fmnist_small_weights.c; do
  [ -f "$WORK/out/$f" ] || fail "qgen did not write $f"
done
"$CC" -std=c99 -Wall -Wextra -Werror -ffp-contract=off -O2 -I"$WORK/out" "$EX/main.c" \
  "$WORK/out/fmnist_small.c" "$WORK/out/fmnist_small_weights.c" -o "$WORK/demo" || fail "$CC could not build main.c"

# The logits after "argmax": "N: v0 v1 ... v9".
logits() { sed -n 's/^.*argmax \([0-9]*:.*\)$/\1/p' "$1"; }

# check_image NAME IMAGE.u8 [LABEL]
check_image() {
  local name=$1 img=$2 label=${3:-}
  "$WORK/demo" "$img" "$WORK/$name.f32" >"$WORK/$name.demo" || fail "$name: demo exited with $?"
  [ "$(wc -c <"$WORK/$name.f32")" -eq $((784 * 4)) ] || fail "$name: demo wrote no 784-float input"
  "$QGEN" run "$NET" ${config[@]+"${config[@]}"} --input "$WORK/$name.f32" >"$WORK/$name.run" || fail "$name: qgen run failed"
  local a b
  a=$(logits "$WORK/$name.demo")
  b=$(logits "$WORK/$name.run")
  [ -n "$a" ] || fail "$name: no logits in the demo output: $(cat "$WORK/$name.demo")"
  [ "$(echo "$a" | wc -w)" -eq 11 ] || fail "$name: expected argmax and 10 logits, got: $a"
  [ "$a" = "$b" ] || fail "$name ($MODE): emitted C and qgen run differ
  emitted C: $a
  qgen run:  $b"
  echo "ok $name ($MODE): argmax $a"
  if [ -n "$label" ] && [ "$MODE" = float ]; then
    # The README documents that the float model classifies test image 0 correctly.
    [ "${a%%:*}" = "$label" ] || fail "$name: float model predicts ${a%%:*}, label is $label"
  fi
}

# A synthetic image: 784 bytes of a fixed pattern.
i=0
while [ $i -lt 784 ]; do
  printf "\\$(printf '%03o' $(((i * 37 + (i / 28) * 11) % 256)))"
  i=$((i + 1))
done >"$WORK/synthetic.u8"
[ "$(wc -c <"$WORK/synthetic.u8")" -eq 784 ] || fail "could not write the synthetic image"
check_image synthetic "$WORK/synthetic.u8"

images=$FMNIST_DIR/t10k-images-idx3-ubyte.gz
labels=$FMNIST_DIR/t10k-labels-idx1-ubyte.gz
if [ -r "$images" ]; then
  sh "$EX/extract_image.sh" "$images" 0 "$WORK/test0.u8" || fail "extract_image.sh failed"
  label=""
  if [ -r "$labels" ]; then label=$(sh "$EX/extract_label.sh" "$labels" 0) || fail "extract_label.sh failed"; fi
  check_image test0 "$WORK/test0.u8" "$label"
elif [ "${QGEN_REQUIRE_MODELS:-}" = 1 ]; then
  fail "$images not found (QGEN_REQUIRE_MODELS=1: missing inputs fail)"
else
  echo "note: $images not found; real test image skipped"
fi
echo "all checks passed"
