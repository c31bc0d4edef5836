/*
 * robocurse-confine: runs a copier (rsync) confined by Landlock (Linux 5.13+) to the trees it may
 * touch, so that a directory swapped for a symbolic link while the copier works in it cannot take
 * it outside them, whatever the copier's own checks (rsync before 3.4.0 follows such a swap:
 * docs/safety.md). The rules are inherited by everything the copier starts.
 *
 *   robocurse-confine --abi                      prints the kernel's Landlock ABI version; exit 0 when usable
 *   robocurse-confine [--read P]... [--write P]... [--read-file F]... -- PROGRAM [ARG]...
 *
 * --read P: P and everything beneath it may be read (files and directory listings).
 * --write P: the same, and files and directories beneath P may be made, written, renamed, removed.
 * --read-file F: the single file F may be read (system files: the loader cache, /etc/passwd...).
 * A path that does not exist gives no right (there is nothing there to touch). Executing is not
 * restricted. Whatever no rule allows is refused with EACCES. Fails closed: when the rules cannot
 * be put in place the program is not run (exit 125, with the reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define WRITE_RIGHTS_V1 (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE \
  | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK \
  | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
/* Rights a rule on a file (not a directory) may carry. */
#define FILE_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

static const char *self = "robocurse-confine";

static int abi_version(void) {
  return (int)syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

static void die(const char *what, const char *path) {
  fprintf(stderr, "%s: %s%s%s: %s\n", self, what, path ? " " : "", path ? path : "", strerror(errno));
  exit(125);
}

/* The rights the ruleset handles for this ABI: everything but executing (and device ioctls). */
static uint64_t handled_rights(int abi) {
  uint64_t r = READ_RIGHTS | WRITE_RIGHTS_V1;
  if (abi >= 2) r |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) r |= LANDLOCK_ACCESS_FS_TRUNCATE;
  return r;
}

static void add_rule(int ruleset, const char *path, uint64_t rights, uint64_t handled) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return; /* nothing there to touch */
    die("cannot open", path);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) die("cannot stat", path);
  if (!S_ISDIR(st.st_mode)) rights &= FILE_RIGHTS;
  struct landlock_path_beneath_attr attr = { .allowed_access = rights & handled, .parent_fd = fd };
  if (syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) != 0) die("cannot add a rule for", path);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--abi") == 0) {
    int abi = abi_version();
    if (abi < 1) { fprintf(stderr, "%s: Landlock is not available: %s\n", self, strerror(errno)); return 3; }
    printf("%d\n", abi);
    return 0;
  }
  int abi = abi_version();
  if (abi < 1) die("Landlock is not available", NULL);
  uint64_t handled = handled_rights(abi);
  struct landlock_ruleset_attr rs = { .handled_access_fs = handled };
  int ruleset = (int)syscall(__NR_landlock_create_ruleset, &rs, sizeof(rs), 0);
  if (ruleset < 0) die("cannot make a ruleset", NULL);
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (i + 1 >= argc) { fprintf(stderr, "%s: %s needs a path\n", self, argv[i]); return 125; }
    const char *p = argv[++i];
    if (strcmp(argv[i - 1], "--read") == 0) add_rule(ruleset, p, READ_RIGHTS, handled);
    else if (strcmp(argv[i - 1], "--write") == 0) add_rule(ruleset, p, handled, handled);
    else if (strcmp(argv[i - 1], "--read-file") == 0) add_rule(ruleset, p, LANDLOCK_ACCESS_FS_READ_FILE, handled);
    else { fprintf(stderr, "%s: unknown option %s\n", self, argv[i - 1]); return 125; }
  }
  if (i >= argc) { fprintf(stderr, "%s: no program to run (after --)\n", self); return 125; }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("cannot set no_new_privs", NULL);
  if (syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) die("cannot restrict itself", NULL);
  close(ruleset);
  execvp(argv[i], &argv[i]);
  /* As a shell reports it: 127 not found, 126 found but not runnable. */
  fprintf(stderr, "%s: cannot run %s: %s\n", self, argv[i], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
