# Sourced by the bad-input test scripts.
#
# expect_one_error DIR PREFIX NEEDLE MSG CMD...
#   Runs CMD in DIR (stdin closed, under "${TIMEOUT[@]}" if set; stdout and
#   stderr go to $WORK). Succeeds when CMD exits with status 1, prints nothing
#   on stdout and exactly one line on stderr that starts with PREFIX and
#   contains NEEDLE and MSG, and leaves DIR as it was: no out/ (unless it was
#   there before), no .qgen-tmp-* directory, no file added, removed or changed
#   at any depth (regular files are compared by checksum). Otherwise sets $why
#   and returns 1.
snapshot_dir() {
  (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | sort && find . -type f -exec cksum {} + | sort)
}
expect_one_error() {
  local dir=$1 prefix=$2 needle=$3 msg=$4
  shift 4
  local before after rc err nbytes had_out=0
  [ -e "$dir/out" ] && had_out=1
  before=$(snapshot_dir "$dir")
  (cd "$dir" && "${TIMEOUT[@]}" "$@" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null)
  rc=$?
  after=$(snapshot_dir "$dir")
  err=$(cat "$WORK/stderr")
  nbytes=$(wc -c <"$WORK/stderr")
  if [ "$rc" -ne 1 ]; then why="exit code $rc, expected 1 (stderr: ${err:0:300})"; return 1; fi
  if [ -s "$WORK/stdout" ]; then why="stdout is not empty: $(head -c 200 "$WORK/stdout")"; return 1; fi
  if [ -z "$err" ]; then why="stderr is empty"; return 1; fi
  if [[ "$err" == *$'\n'* ]] || [ "$nbytes" -ne $((${#err} + 1)) ]; then
    why="stderr is not exactly one line: $(head -c 300 "$WORK/stderr" | tr '\n' '|')"
    return 1
  fi
  if [[ "$err" != "$prefix"* ]]; then why="error does not start with '$prefix': $err"; return 1; fi
  if [[ "$err" != *"$needle"* ]]; then why="error does not name '$needle': $err"; return 1; fi
  if [[ "$err" != *"$msg"* ]]; then why="error lacks '$msg': $err"; return 1; fi
  if [ $had_out = 0 ] && [ -e "$dir/out" ]; then why="output directory was created"; return 1; fi
  if compgen -G "$dir/.qgen-tmp-*" >/dev/null || compgen -G "$dir/out/.qgen-tmp-*" >/dev/null; then why="left a .qgen-tmp-* directory behind"; return 1; fi
  if [ "$before" != "$after" ]; then why="files appeared, vanished or changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"; return 1; fi
  return 0
}
