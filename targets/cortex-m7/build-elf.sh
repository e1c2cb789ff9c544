#!/usr/bin/env bash
# build-elf.sh [--size] OUT.elf SOURCES... [-- EXTRA FLAGS...]
#
# Compiles and links SOURCES (C files, or anything arm-none-eabi-gcc accepts:
# .S, .o, .a) with startup.c, board.c and mps2_an500.ld into OUT.elf for
# QEMU's mps2-an500 (Cortex-M7), using the build_flags of target.json plus
# -Wall -Wextra -Werror. EXTRA FLAGS go to both compile and link, after the
# defaults (e.g. -I..., -DX=1, -O3, -Wl,--defsym=__flash_size=4M, -lfoo).
# targets/cortex-m7 is on the include path (#include "board.h").
#
# --size  prints one line: "qg-size: flash=N ram=M stack=S psram=P" (bytes;
#         flash = vectors+code+rodata+data, ram = stack+data+bss).
# Exit status 0 on success; otherwise the compiler/linker messages are on
# stderr, the status is non-zero and OUT.elf does not exist.
# Environment: QG_M7_CC (default arm-none-eabi-gcc).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cc=${QG_M7_CC:-arm-none-eabi-gcc}

size=0
if [ "${1:-}" = "--size" ]; then size=1; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: build-elf.sh [--size] OUT.elf SOURCES... [-- EXTRA FLAGS...]" >&2
  exit 2
fi
out=$1
shift
srcs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do srcs+=("$1"); shift; done
[ $# -gt 0 ] && shift # the "--"
extra=("$@")
if [ ${#srcs[@]} -eq 0 ]; then
  echo "build-elf: no sources" >&2
  exit 2
fi
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "build-elf: $cc not found (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2
  exit 127
fi

flags=$(sed -n 's/.*"build_flags"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$here/target.json")
if [ -z "$flags" ]; then
  echo "build-elf: no build_flags in $here/target.json" >&2
  exit 2
fi
# shellcheck disable=SC2206 # the flags are plain words
flags=($flags)

rm -f -- "$out"
tmp="$out.tmp$$"
trap 'rm -f -- "$tmp"' EXIT
"$cc" "${flags[@]}" -Wall -Wextra -Werror -I"$here" \
  -nostartfiles -Wl,--gc-sections -T "$here/mps2_an500.ld" \
  "$here/startup.c" "$here/board.c" "${srcs[@]}" "${extra[@]}" -lm -o "$tmp" || exit 1
mv -f -- "$tmp" "$out" || exit 1

if [ "$size" -eq 1 ]; then
  nm=${cc%gcc}nm
  command -v "$nm" >/dev/null 2>&1 || nm=arm-none-eabi-nm
  sym() {
    local h
    h=$("$nm" "$out" | awk -v s="$1" '$3 == s { print $1; exit }')
    if [ -n "$h" ]; then echo $((16#$h)); else echo "?"; fi
  }
  echo "qg-size: flash=$(sym __qg_flash_used) ram=$(sym __qg_ram_used) stack=$(sym __stack_size) psram=$(sym __qg_psram_used)"
fi
exit 0
