#!/bin/bash
# Test setup of the hls suite: the Xilinx arbitrary-precision headers
# (ap_int.h, ...; Apache-2.0) from the hls4ml wheel on PyPI, into the build
# tree (never the repository). Usage: fetch_ap_types.sh DEST PYTHON
# Exit 0 when DEST/hls4ml/templates/vivado/ap_types/ap_int.h exists afterwards,
# 77 (skip) when the wheel cannot be obtained. A wheel already in DEST (or
# in $QGEN_HLS4ML_WHEEL) is used without the network.
set -u
dest=$1
py=${2:-python3}
ap=$dest/hls4ml/templates/vivado/ap_types
[ -f "$ap/ap_int.h" ] && exit 0
mkdir -p "$dest" || exit 77
wheel=${QGEN_HLS4ML_WHEEL:-}
if [ -z "$wheel" ]; then
  wheel=$(ls "$dest"/hls4ml-*.whl 2>/dev/null | head -1)
fi
if [ -z "$wheel" ]; then
  if ! timeout 300 "$py" -m pip download --no-deps --quiet hls4ml -d "$dest" >&2; then
    echo "SKIP: cannot download the hls4ml wheel (pip download --no-deps hls4ml) for the ap_types headers" >&2
    exit 77
  fi
  wheel=$(ls "$dest"/hls4ml-*.whl 2>/dev/null | head -1)
fi
[ -n "$wheel" ] || { echo "SKIP: no hls4ml wheel in $dest" >&2; exit 77; }
"$py" - "$wheel" "$dest" <<'PY' || exit 77
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.startswith("hls4ml/templates/vivado/ap_types/")]
if not names:
    sys.exit("no hls4ml/templates/vivado/ap_types/ in " + sys.argv[1])
z.extractall(sys.argv[2], names)
PY
[ -f "$ap/ap_int.h" ] || { echo "SKIP: the wheel has no ap_int.h" >&2; exit 77; }
echo "ap_types headers in $ap"
