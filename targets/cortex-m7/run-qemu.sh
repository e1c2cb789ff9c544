#!/usr/bin/env bash
# run-qemu.sh ELF [ARGS...] - runs a qgen Cortex-M7 ELF under QEMU's mps2-an500.
#
# The guest's semihosting output goes to stdout; the exit status is the
# guest's (main's return value or qg_board_exit(n); 3 after a fault).
# ARGS reach the guest through qg_board_cmdline() as "ELFNAME ARGS..." joined
# by spaces (so an ARG should not contain spaces).
# Instructions are counted exactly: -icount shift=7 (see docs/cortex-m7.md).
#
# Environment: QG_QEMU_TIMEOUT (seconds, default 300; status 124 on timeout),
# QG_QEMU (default qemu-system-arm), QG_QEMU_MACHINE (default mps2-an500).
set -u
if [ $# -lt 1 ]; then
  echo "usage: run-qemu.sh ELF [ARGS...]" >&2
  exit 2
fi
elf=$1
shift
qemu=${QG_QEMU:-qemu-system-arm}
if ! command -v "$qemu" >/dev/null 2>&1; then
  echo "run-qemu: $qemu not found (Debian: apt-get install qemu-system-arm)" >&2
  exit 127
fi
if [ ! -f "$elf" ]; then
  echo "run-qemu: no such ELF: $elf" >&2
  exit 2
fi
tmo=${QG_QEMU_TIMEOUT:-300}

# One arg= per argument; QEMU option syntax needs commas doubled.
semi="enable=on,target=native,chardev=sh0"
for a in "$(basename -- "$elf")" "$@"; do
  semi+=",arg=${a//,/,,}"
done
kernel=${elf//,/,,}

timeout "$tmo" "$qemu" -M "${QG_QEMU_MACHINE:-mps2-an500}" -display none -monitor none -serial none \
  -chardev stdio,id=sh0 -semihosting-config "$semi" \
  -icount shift=7,align=off,sleep=off -kernel "$kernel" </dev/null
rc=$?
if [ "$rc" -eq 124 ]; then
  echo "run-qemu: $elf timed out after ${tmo}s (QG_QEMU_TIMEOUT); a guest that never calls exit, or a lockup (e.g. stack overflow)" >&2
fi
exit "$rc"
