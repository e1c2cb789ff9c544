#!/bin/sh
# extract_label.sh IDX N
# Print the label (0-9) of item N (0-based) of the gzip'ed IDX label file IDX
# (e.g. t10k-labels-idx1-ubyte.gz). The header is 8 bytes, then 1 byte per label.
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: $0 IDX N" >&2
    exit 2
fi
idx=$1 n=$2
case $n in
    ''|*[!0-9]*) echo "$0: N must be a non-negative integer, got '$n'" >&2; exit 2 ;;
esac
if [ ! -r "$idx" ]; then
    echo "$0: cannot read $idx" >&2
    exit 1
fi

start=$((8 + n + 1))   # tail -c +K starts at byte K (1-based)
label=$(gzip -dc "$idx" | tail -c "+$start" | head -c 1 | od -An -tu1 | tr -d ' \n')
if [ -z "$label" ]; then
    echo "$0: item $n is out of range in $idx" >&2
    exit 1
fi
echo "$label"
