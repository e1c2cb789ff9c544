#!/bin/sh
# extract_image.sh IDX N OUT
# Write the raw 28x28 = 784 uint8 pixels (row-major) of image N (0-based) of the
# gzip'ed IDX image file IDX (e.g. t10k-images-idx3-ubyte.gz) to OUT.
# The IDX image header is 16 bytes: magic, count, rows, cols (big-endian 32-bit).
set -eu

if [ "$#" -ne 3 ]; then
    echo "usage: $0 IDX N OUT" >&2
    exit 2
fi
idx=$1 n=$2 out=$3
case $n in
    ''|*[!0-9]*) echo "$0: N must be a non-negative integer, got '$n'" >&2; exit 2 ;;
esac
if [ ! -r "$idx" ]; then
    echo "$0: cannot read $idx" >&2
    exit 1
fi

size=784
start=$((16 + n * size + 1))   # tail -c +K starts at byte K (1-based)
gzip -dc "$idx" | tail -c "+$start" | head -c "$size" > "$out"

got=$(wc -c < "$out" | tr -d ' ')
if [ "$got" -ne "$size" ]; then
    echo "$0: image $n is out of range in $idx (got $got bytes)" >&2
    rm -f "$out"
    exit 1
fi
