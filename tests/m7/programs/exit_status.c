/* m7 exit status: "exit_status.elf ret N" returns N from main, "exit N"
 * calls qg_board_exit(N) from a nested function; the runner must exit with N.
 * Also echoes the command line. */
#include "board.h"

static int parse_int(const char *s) {
  int v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return v;
}

__attribute__((noinline)) static void deep_exit(int n) { qg_board_exit(n); }

static int starts_with(const char *s, const char *p) {
  while (*p)
    if (*s++ != *p++) return 0;
  return 1;
}

int main(void) {
  char cmd[256];
  const char *p;
  int len = qg_board_cmdline(cmd, (int)sizeof cmd);
  qg_board_puts("cmdline(");
  qg_board_put_i64(len);
  qg_board_puts("): ");
  qg_board_puts(len >= 0 ? cmd : "<none>");
  qg_board_puts("\n");
  if (len < 0) return 100;
  p = cmd;
  while (*p && *p != ' ') ++p; /* skip the program name */
  if (*p == ' ') ++p;
  if (starts_with(p, "ret ")) return parse_int(p + 4);
  if (starts_with(p, "exit ")) deep_exit(parse_int(p + 5));
  return 101;
}
