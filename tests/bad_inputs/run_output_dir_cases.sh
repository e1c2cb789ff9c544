#!/usr/bin/env bash
# Output folder writing (codegen/writer.cpp, issue #18 D5 / D6):
#   long_name        -o with a 240-character folder name works
#   replace_existing an existing folder: every output file is replaced, a file
#                    qgen does not write is kept, no .qgen-tmp-* is left behind
#   parent_readonly  -o DIR, DIR writable, its parent not: works (as root, run
#                    as user nobody through setpriv; skipped if that fails)
#   no_success_errno a folder that cannot be created: one error line whose
#                    reason is the system's, never "Success"
# (An existing out/ whose report.json is a folder: tests/bad_inputs/cases/
# d5_report_json_is_a_folder, which checks the folder is left unchanged.)
# usage: run_output_dir_cases.sh QGEN_BINARY NET_JSON
set -u
export LC_ALL=C
QGEN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
NET=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qgen-outdir.XXXXXX") || exit 2
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
passed=0 failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
cp "$NET" "$WORK/net.json"
cd "$WORK" || exit 2

long=$(printf 'o%.0s' $(seq 240))
if "$QGEN" compile net.json -o "$long" -q 2>err.txt && [ -f "$long/report.json" ] && ! compgen -G ".qgen-tmp-*" >/dev/null; then
  ok long_name
else
  fail long_name "$(head -c 300 err.txt)"
fi
rm -rf "$long"

mkdir out && echo "/* stale */" >out/vec.c && echo keep >out/notes.txt
if "$QGEN" compile net.json -o out -q 2>err.txt && ! grep -q stale out/vec.c && [ "$(cat out/notes.txt)" = keep ] &&
   [ -f out/report.json ] && ! compgen -G "out/.qgen-tmp-*" >/dev/null && ! compgen -G ".qgen-tmp-*" >/dev/null; then
  ok replace_existing
else
  fail replace_existing "$(head -c 300 err.txt) $(ls -A out | tr '\n' ' ')"
fi
rm -rf out

# As root (whom permissions do not stop), run this case as user nobody via setpriv.
AS=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$QGEN" --version >/dev/null 2>&1; then
    AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
if [ "$(id -u)" = 0 ] && [ ${#AS[@]} -eq 0 ]; then
  echo "skip parent_readonly: running as root without setpriv to drop to user nobody"
else
  mkdir -p ro/out && chmod 755 "$WORK" && chmod 644 net.json
  if [ ${#AS[@]} -gt 0 ]; then chown 65534:65534 ro/out && chmod 755 ro; else chmod a-w ro; fi
  if (cd "$WORK" && "${AS[@]}" "$QGEN" compile net.json -o ro/out -q 2>err.txt) && [ -f ro/out/report.json ]; then
    ok parent_readonly
  else
    fail parent_readonly "$(head -c 300 err.txt)"
  fi
  chmod u+w ro
fi

"$QGEN" compile net.json -o /proc/self/qgen-out -q >out.txt 2>err.txt
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && ! grep -q Success err.txt && grep -q "^qgen: error: /proc/self/qgen-out: " err.txt && [ ! -s out.txt ]; then
  ok no_success_errno
else
  fail no_success_errno "exit $rc: $(head -c 300 err.txt)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
