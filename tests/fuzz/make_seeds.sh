#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the examples and test models
# (nothing generated is committed):
#   OUT/netjson    every net.json of tests/bad_inputs and examples, followed by
#                  a NUL byte and its w.bin when it has one
#   OUT/quantjson  every quant.json / config of tests/bad_inputs and examples
#   OUT/onnx       make_onnx_models (good and --bad) + examples/**/*.onnx
#   OUT/tflite     make_tflite_cases + MODELS_DIR/**/*.tflite (when it exists)
#   OUT/regressions/<target>  crash inputs found earlier (tests/fuzz/regressions)
# usage: make_seeds.sh OUT SOURCE_DIR MAKE_ONNX_MODELS MAKE_TFLITE_CASES [MODELS_DIR]
set -euo pipefail
OUT=$1 SRC=$2 MKONNX=$3 MKTFL=$4 MODELS=${5:-}
rm -rf "$OUT"
mkdir -p "$OUT"/{netjson,quantjson,onnx,tflite}
i=0
for f in "$SRC"/tests/bad_inputs/*/*/net.json "$SRC"/examples/*/*.json "$SRC"/tests/fuzz/regressions/netjson/*; do
  [ -f "$f" ] || continue
  case "$f" in */quant.json|*/lut2.json|*/mac2.json|*/accuracy.json|*/torch_reference.json) continue ;; esac
  i=$((i + 1))
  if [ -f "$(dirname "$f")/w.bin" ] && [ "$(basename "$f")" = net.json ]; then
    { cat "$f"; printf '\0'; cat "$(dirname "$f")/w.bin"; } >"$OUT/netjson/seed$i"
  else
    cp "$f" "$OUT/netjson/seed$i"
  fi
done
for f in "$SRC"/tests/bad_inputs/*/*/quant.json "$SRC"/examples/*/lut2.json "$SRC"/examples/*/mac2.json \
         "$SRC"/tests/fuzz/regressions/quantjson/*; do
  [ -f "$f" ] || continue
  i=$((i + 1))
  cp "$f" "$OUT/quantjson/seed$i"
done
printf '%s' '{"default": {"scheme": "lq", "w_bits": 4, "a_bits": 4}, "layers": {"d1": {"w_bits": 2, "a_region": "kernel"}, "c2": {"scheme": "float"}}}' \
  >"$OUT/quantjson/seed_layers"
printf '%s' '{"default": {"scheme": "int8", "w_bits": 4}, "layers": {"c2": {"scheme": "float"}}}' >"$OUT/quantjson/seed_int8"
"$MKONNX" "$OUT/onnx" >/dev/null
mkdir -p "$OUT/onnx_bad" && "$MKONNX" "$OUT/onnx_bad" --bad >/dev/null && mv "$OUT"/onnx_bad/* "$OUT/onnx/" 2>/dev/null || true
rm -rf "$OUT/onnx_bad"
find "$SRC/examples" "$SRC/tests/fuzz/regressions/onnx" -name '*.onnx' -exec cp {} "$OUT/onnx/" \; 2>/dev/null || true
"$MKTFL" "$OUT/tflite" >/dev/null
if [ -n "$MODELS" ] && [ -d "$MODELS" ]; then
  find "$MODELS" -name '*.tflite' -size -2M -exec cp {} "$OUT/tflite/" \;
fi
for d in "$SRC"/tests/fuzz/regressions/tflite "$SRC"/tests/fuzz/regressions/onnx; do
  [ -d "$d" ] && cp "$d"/* "$OUT/$(basename "$d")/" 2>/dev/null || true
done
# Flatten anything the generators put in sub-folders.
for t in onnx tflite; do
  find "$OUT/$t" -mindepth 2 -type f -exec mv -t "$OUT/$t" {} + 2>/dev/null || true
  find "$OUT/$t" -mindepth 1 -type d -empty -delete
done
for t in netjson quantjson onnx tflite; do echo "$t: $(find "$OUT/$t" -type f | wc -l) seeds"; done
