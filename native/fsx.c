/*
 * robocurse's file-system helper: the few POSIX calls Node does not expose and a replica needs.
 *
 *   utimens(path, aSec, aNsec, mSec, mNsec)   utimensat(AT_FDCWD, ..., AT_SYMLINK_NOFOLLOW):
 *                                             nanosecond times, never through a link (Node's
 *                                             utimes takes a double and libuv cuts to microseconds)
 *   futimens(fd, aSec, aNsec, mSec, mNsec)    the same on a descriptor; aNsec -1 = leave atime
 *   utimensFrom(srcFd, path, withAtime, mMs)  the times of the open file srcFd given to path (never
 *                                             through a link): fstat + utimensat in one call, the
 *                                             copy's hot path (no BigInt arithmetic in JavaScript).
 *                                             Only while srcFd's mtime still is mMs (Node's
 *                                             mtimeMs of the stat taken before the copy): false,
 *                                             and nothing set, when the file changed meanwhile
 *   copyFileFd(srcFd, dstPath, mode, flags, mtimeMs)   (Linux) a new file dstPath (O_EXCL, never
 *                                             through a link) with the open srcFd's bytes (as many
 *                                             as its size when the call starts), mode, and times as utimensFrom
 *                                             gives them, on the new file's descriptor: the small-file
 *                                             copy's hot path in one call (no reopening of the source
 *                                             by path, no times set by path; the atime now). flags:
 *                                             COPY_TRY_CLONE, COPY_TRY_RANGE; returns the COPY_*
 *                                             result bits (cloned, range unusable, source changed,
 *                                             clone unusable)
 *                                             dstDirFd (optional 6th argument): dstPath is then
 *                                             relative to that open directory (openat)
 *   copyNew(srcDirFd, name, dstDirFd, tmpName, dstName, flags, maxBytes, keep, uid, gid)   (Linux)
 *                                             a new file's whole copy in one call: name opened in
 *                                             srcDirFd without following a link, checked on its
 *                                             descriptor, copied into tmpName in dstDirFd as
 *                                             copyFileFd does, renamed to dstName. Only the plain
 *                                             case: a file that needs more (hand-back, another
 *                                             owner, attributes) is left untouched and answered
 *                                             with a code (COPY_NEW_*, src/fs/fsx.ts); else
 *                                             size * 32 + the COPY_* bits. With COPY_TRY_TMPFILE
 *                                             the copy is an O_TMPFILE linked into place
 *   renameAt(fromDirFd, from, toDirFd, to)    renameat: the atomic rename of a copy between open
 *                                             directories, without a path through /proc
 *   seekData(fd, off) / seekHole(fd, off)     lseek SEEK_DATA / SEEK_HOLE; -1 past the last data
 *   mknod(path, mode, dev)                    FIFOs, sockets and devices (Node has no mknod)
 *   lchmod(path, mode)                        fchmodat(AT_SYMLINK_NOFOLLOW): a mode, never through
 *                                             a link (EOPNOTSUPP for a link itself)
 *   llistxattr(path) / flistxattr(fd)         the names, as one Buffer of NUL-terminated names
 *   lgetxattr(path, name) / fgetxattr(fd, name)   a value (Buffer), or null when absent
 *   lsetxattr(path, name, value) / fsetxattr(fd, name, value)
 *   lremovexattr(path, name) / fremovexattr(fd, name)
 *   listStat(dirPath)                         readdir + fstatat(AT_SYMLINK_NOFOLLOW) of every entry
 *                                             in one call, names sorted by bytes as Node's readdir
 *                                             (libuv's scandir) sorts them: [names, stats], names one
 *                                             Buffer of NUL-terminated byte names, stats a
 *                                             Float64Array of LIST_FIELDS numbers per entry (layout
 *                                             in src/fs/list-stat.ts): no JavaScript Stats object
 *                                             and no Date per entry, the unchanged re-run's hot path
 *   listStat(dirPath, rel, fields[, noFollow])  the same, and a third element: the listing's digest
 *                                             (src/fs/listing-digest.ts) over `rel` (bytes) and every
 *                                             entry, with `fields` (1 modes, 2 owners); a fourth: the
 *                                             directory's own numbers (self_result)
 *
 * And, from spawn-pipes.c (Linux): spawnPipes and spawnWait, child processes started with
 * posix_spawn (no fork of the whole process).
 *
 * Paths are strings or Buffers (names are bytes: src/fs/byte-names.ts). The l* calls never
 * follow a link in the last component. Errors are thrown as Error objects with `code` set to the
 * errno name (ENOTSUP, EPERM, ...) and `errno`, like Node's own fs errors. Every call is
 * synchronous: they are metadata calls made from the copy worker threads or once per file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <time.h>
#include <stdint.h>
#include <math.h>
#include <node_api.h>
#include "fsx-shared.h"
#ifdef __linux__
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#endif

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)
#define MAX_PATH_BYTES 8192

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case ENOSYS: return "ENOSYS";
#ifdef ENODATA
    case ENODATA: return "ENODATA";
#endif
#if defined(ENOATTR) && (!defined(ENODATA) || ENOATTR != ENODATA)
    case ENOATTR: return "ENOATTR";
#endif
    case ENOTSUP: return "ENOTSUP";
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP: return "EOPNOTSUPP";
#endif
#ifdef EDQUOT
    case EDQUOT: return "EDQUOT";
#endif
    default: return "EUNKNOWN";
  }
}

napi_value throw_errno(napi_env env, int e, const char *syscall) {
  char msg[256];
  napi_value err, code, message, num;
  snprintf(msg, sizeof msg, "%s: %s, %s", errno_name(e), strerror(e), syscall);
  if (napi_create_string_utf8(env, errno_name(e), NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  if (napi_create_error(env, code, message, &err) != napi_ok) return NULL;
  if (napi_create_int32(env, -e, &num) == napi_ok) napi_set_named_property(env, err, "errno", num);
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &message) == napi_ok) napi_set_named_property(env, err, "syscall", message);
  napi_throw(env, err);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *what) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
  return NULL;
}

int get_bytes(napi_env env, napi_value v, char *out, size_t cap) {
  bool is_buf = false;
  napi_is_buffer(env, v, &is_buf);
  if (is_buf) {
    void *data;
    size_t len;
    if (napi_get_buffer_info(env, v, &data, &len) != napi_ok || len + 1 > cap) return 0;
    if (memchr(data, 0, len) != NULL) return 0;
    memcpy(out, data, len);
    out[len] = 0;
    return 1;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len + 1 > cap) return 0;
  if (napi_get_value_string_utf8(env, v, out, cap, &len) != napi_ok) return 0;
  return strlen(out) == len;
}

static int get_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/** args: (target, aSec, aNsec, mSec, mNsec); target a path or an fd. aNsec < 0: UTIME_OMIT. */
static int get_times(napi_env env, napi_value *argv, struct timespec ts[2]) {
  int64_t v[4];
  for (int i = 0; i < 4; i++) if (!get_i64(env, argv[i + 1], &v[i])) return 0;
  ts[0].tv_sec = (time_t)v[0];
  ts[0].tv_nsec = v[1] < 0 ? UTIME_OMIT : (long)v[1];
  ts[1].tv_sec = (time_t)v[2];
  ts[1].tv_nsec = v[3] < 0 ? UTIME_OMIT : (long)v[3];
  return 1;
}

static napi_value js_utimens(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  char path[MAX_PATH_BYTES];
  struct timespec ts[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || !get_bytes(env, argv[0], path, sizeof path) || !get_times(env, argv, ts)) return throw_type(env, "utimens(path, aSec, aNsec, mSec, mNsec)");
  if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0) return throw_errno(env, errno, "utimensat");
  return undefined(env);
}

static napi_value js_futimens(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t fd;
  struct timespec ts[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || !get_times(env, argv, ts)) return throw_type(env, "futimens(fd, aSec, aNsec, mSec, mNsec)");
  if (futimens(fd, ts) != 0) return throw_errno(env, errno, "futimens");
  return undefined(env);
}

/*
 * The times to give a copy of the open file fd: its own (the atime only with with_atime, else
 * now), while its mtime still is want_ms (Node's mtimeMs of the stat taken before the copy).
 * 0 with ts set; 1 when the file changed meanwhile (ts not set); -1 with errno when fstat fails.
 */
static int source_times(int fd, int with_atime, double want_ms, struct timespec ts[2]) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
#ifdef __APPLE__
  ts[0] = st.st_atimespec;
  ts[1] = st.st_mtimespec;
#else
  ts[0] = st.st_atim;
  ts[1] = st.st_mtim;
#endif
  /* The same arithmetic as Node's Stats.mtimeMs (sec * 1e3 + nsec / 1e6, in doubles): a source
   * written during the copy must not lend its new time to the old data, or no re-run would
   * ever copy it again. */
  if ((double)ts[1].tv_sec * 1e3 + (double)ts[1].tv_nsec / 1e6 != want_ms) return 1;
  /* Not UTIME_OMIT: some FUSE file systems (exfat-fuse) take an mtime-only change as "now". A
   * new copy's atime is now anyway. */
  if (!with_atime) clock_gettime(CLOCK_REALTIME, &ts[0]);
  return 0;
}

static napi_value js_utimens_from(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  int32_t fd;
  bool with_atime = false;
  double want_ms;
  char path[MAX_PATH_BYTES];
  struct timespec ts[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || !get_bytes(env, argv[1], path, sizeof path)
    || napi_get_value_bool(env, argv[2], &with_atime) != napi_ok || napi_get_value_double(env, argv[3], &want_ms) != napi_ok)
    return throw_type(env, "utimensFrom(srcFd, path, withAtime, mtimeMs)");
  int changed = source_times(fd, with_atime, want_ms, ts);
  if (changed < 0) return throw_errno(env, errno, "fstat");
  if (changed == 0 && utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0) return throw_errno(env, errno, "utimensat");
  CHECK(napi_get_boolean(env, changed == 0, &out));
  return out;
}

static napi_value seek(napi_env env, napi_callback_info info, int whence, const char *name) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t fd;
  int64_t off;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || !get_i64(env, argv[1], &off)) return throw_type(env, "seek(fd, offset)");
  off_t r = lseek(fd, (off_t)off, whence);
  if (r < 0) {
    if (errno == ENXIO) r = -1; /* no data (or hole) at or after offset */
    else return throw_errno(env, errno, name);
  }
  CHECK(napi_create_int64(env, (int64_t)r, &out));
  return out;
}

static napi_value js_seek_data(napi_env env, napi_callback_info info) {
#ifdef SEEK_DATA
  return seek(env, info, SEEK_DATA, "lseek(SEEK_DATA)");
#else
  return throw_errno(env, ENOSYS, "lseek(SEEK_DATA)");
#endif
}

static napi_value js_seek_hole(napi_env env, napi_callback_info info) {
#ifdef SEEK_HOLE
  return seek(env, info, SEEK_HOLE, "lseek(SEEK_HOLE)");
#else
  return throw_errno(env, ENOSYS, "lseek(SEEK_HOLE)");
#endif
}

static napi_value js_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char path[MAX_PATH_BYTES];
  int64_t mode, dev;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || !get_bytes(env, argv[0], path, sizeof path) || !get_i64(env, argv[1], &mode) || !get_i64(env, argv[2], &dev)) return throw_type(env, "mknod(path, mode, dev)");
  if (mknod(path, (mode_t)mode, (dev_t)dev) != 0) return throw_errno(env, errno, "mknod");
  return undefined(env);
}

static napi_value js_lchmod(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[MAX_PATH_BYTES];
  int64_t mode;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || !get_bytes(env, argv[0], path, sizeof path) || !get_i64(env, argv[1], &mode)) return throw_type(env, "lchmod(path, mode)");
  if (fchmodat(AT_FDCWD, path, (mode_t)mode, AT_SYMLINK_NOFOLLOW) != 0) return throw_errno(env, errno, "fchmodat");
  return undefined(env);
}

/* ---- extended attributes ---------------------------------------------------------------- */

#ifdef __APPLE__
#define XA_LLIST(p, b, s) listxattr(p, b, s, XATTR_NOFOLLOW)
#define XA_FLIST(f, b, s) flistxattr(f, b, s, 0)
#define XA_LGET(p, n, b, s) getxattr(p, n, b, s, 0, XATTR_NOFOLLOW)
#define XA_FGET(f, n, b, s) fgetxattr(f, n, b, s, 0, 0)
#define XA_LSET(p, n, v, s) setxattr(p, n, v, s, 0, XATTR_NOFOLLOW)
#define XA_FSET(f, n, v, s) fsetxattr(f, n, v, s, 0, 0)
#define XA_LREMOVE(p, n) removexattr(p, n, XATTR_NOFOLLOW)
#define XA_FREMOVE(f, n) fremovexattr(f, n, 0)
#define NO_ATTR ENOATTR
#else
#define XA_LLIST(p, b, s) llistxattr(p, b, s)
#define XA_FLIST(f, b, s) flistxattr(f, b, s)
#define XA_LGET(p, n, b, s) lgetxattr(p, n, b, s)
#define XA_FGET(f, n, b, s) fgetxattr(f, n, b, s)
#define XA_LSET(p, n, v, s) lsetxattr(p, n, v, s, 0)
#define XA_FSET(f, n, v, s) fsetxattr(f, n, v, s, 0)
#define XA_LREMOVE(p, n) lremovexattr(p, n)
#define XA_FREMOVE(f, n) fremovexattr(f, n)
#define NO_ATTR ENODATA
#endif

/** The target of an xattr call: a path (l* calls) or a descriptor (f* calls). */
typedef struct { int by_fd; int fd; char path[MAX_PATH_BYTES]; } target_t;

static int get_target(napi_env env, napi_value v, int by_fd, target_t *t) {
  t->by_fd = by_fd;
  if (by_fd) return napi_get_value_int32(env, v, &t->fd) == napi_ok;
  return get_bytes(env, v, t->path, sizeof t->path);
}

/**
 * Calls `size_of` then `fill` until the buffer is big enough (a value can grow between the two
 * calls): returns a Buffer, null for ENODATA when `absent_null`, or throws.
 */
typedef ssize_t (*sized_call)(const target_t *, const char *, char *, size_t);

static ssize_t do_list(const target_t *t, const char *name, char *buf, size_t size) {
  return t->by_fd ? XA_FLIST(t->fd, buf, size) : XA_LLIST(t->path, buf, size);
}

static ssize_t do_get(const target_t *t, const char *name, char *buf, size_t size) {
  return t->by_fd ? XA_FGET(t->fd, name, buf, size) : XA_LGET(t->path, name, buf, size);
}

static napi_value sized(napi_env env, const target_t *t, const char *name, sized_call call, const char *syscall, int absent_null) {
  for (int round = 0; round < 8; round++) {
    ssize_t n = call(t, name, NULL, 0);
    if (n < 0) {
      if (absent_null && errno == NO_ATTR) { napi_value nul; napi_get_null(env, &nul); return nul; }
      return throw_errno(env, errno, syscall);
    }
    void *data;
    napi_value buf;
    if (n == 0) { CHECK(napi_create_buffer(env, 0, &data, &buf)); return buf; }
    char *tmp = malloc((size_t)n);
    if (tmp == NULL) return throw_errno(env, ENOMEM, syscall);
    ssize_t m = call(t, name, tmp, (size_t)n);
    if (m < 0) {
      int e = errno;
      free(tmp);
      if (e == ERANGE) continue; /* grew meanwhile: ask again */
      if (absent_null && e == NO_ATTR) { napi_value nul; napi_get_null(env, &nul); return nul; }
      return throw_errno(env, e, syscall);
    }
    napi_status s = napi_create_buffer_copy(env, (size_t)m, tmp, &data, &buf);
    free(tmp);
    if (s != napi_ok) return NULL;
    return buf;
  }
  return throw_errno(env, ERANGE, syscall);
}

static napi_value list_common(napi_env env, napi_callback_info info, int by_fd) {
  size_t argc = 1;
  napi_value argv[1];
  target_t t;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_target(env, argv[0], by_fd, &t)) return throw_type(env, "listxattr(target)");
  return sized(env, &t, NULL, do_list, by_fd ? "flistxattr" : "llistxattr", 0);
}

static napi_value get_common(napi_env env, napi_callback_info info, int by_fd) {
  size_t argc = 2;
  napi_value argv[2];
  target_t t;
  char name[512];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || !get_target(env, argv[0], by_fd, &t) || !get_bytes(env, argv[1], name, sizeof name)) return throw_type(env, "getxattr(target, name)");
  return sized(env, &t, name, do_get, by_fd ? "fgetxattr" : "lgetxattr", 1);
}

static napi_value set_common(napi_env env, napi_callback_info info, int by_fd) {
  size_t argc = 3;
  napi_value argv[3];
  target_t t;
  char name[512];
  void *data;
  size_t len;
  bool is_buf = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 3) napi_is_buffer(env, argv[2], &is_buf);
  if (argc < 3 || !is_buf || !get_target(env, argv[0], by_fd, &t) || !get_bytes(env, argv[1], name, sizeof name)) return throw_type(env, "setxattr(target, name, value: Buffer)");
  CHECK(napi_get_buffer_info(env, argv[2], &data, &len));
  int r = by_fd ? XA_FSET(t.fd, name, data, len) : XA_LSET(t.path, name, data, len);
  if (r != 0) return throw_errno(env, errno, by_fd ? "fsetxattr" : "lsetxattr");
  return undefined(env);
}

static napi_value remove_common(napi_env env, napi_callback_info info, int by_fd) {
  size_t argc = 2;
  napi_value argv[2];
  target_t t;
  char name[512];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || !get_target(env, argv[0], by_fd, &t) || !get_bytes(env, argv[1], name, sizeof name)) return throw_type(env, "removexattr(target, name)");
  int r = by_fd ? XA_FREMOVE(t.fd, name) : XA_LREMOVE(t.path, name);
  if (r != 0 && errno != NO_ATTR) return throw_errno(env, errno, by_fd ? "fremovexattr" : "lremovexattr");
  return undefined(env);
}

static napi_value js_llistxattr(napi_env env, napi_callback_info info) { return list_common(env, info, 0); }
static napi_value js_flistxattr(napi_env env, napi_callback_info info) { return list_common(env, info, 1); }
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) { return get_common(env, info, 0); }
static napi_value js_fgetxattr(napi_env env, napi_callback_info info) { return get_common(env, info, 1); }
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) { return set_common(env, info, 0); }
static napi_value js_fsetxattr(napi_env env, napi_callback_info info) { return set_common(env, info, 1); }
static napi_value js_lremovexattr(napi_env env, napi_callback_info info) { return remove_common(env, info, 0); }
static napi_value js_fremovexattr(napi_env env, napi_callback_info info) { return remove_common(env, info, 1); }

/* listStat: one entry's numbers, in the order src/fs/list-stat.ts reads them. */
enum { F_TYPE, F_ERRNO, F_MODE, F_NLINK, F_UID, F_GID, F_SIZE, F_MTIME_MS, F_CTIME_MS, F_INO, F_DEV, LIST_FIELDS };
/* Type codes: what readdir's d_type said (as Node's Dirent), from the lstat when it said nothing. */
enum { T_UNKNOWN = 0, T_FILE = 1, T_DIR = 2, T_LINK = 3, T_OTHER = 4 };

typedef struct { size_t off; const char *name; unsigned char type; } list_ent_t;

/* Byte order, as libuv's scandir sorts (strcmp): the same order as fs.readdirSync. */
static int by_bytes(const void *a, const void *b) {
  return strcmp(((const list_ent_t *)a)->name, ((const list_ent_t *)b)->name);
}

static int type_of_dirent(unsigned char d) {
  switch (d) {
    case DT_REG: return T_FILE;
    case DT_DIR: return T_DIR;
    case DT_LNK: return T_LINK;
    case DT_UNKNOWN: return T_UNKNOWN;
    default: return T_OTHER;
  }
}

static int type_of_mode(mode_t m) {
  return S_ISREG(m) ? T_FILE : S_ISDIR(m) ? T_DIR : S_ISLNK(m) ? T_LINK : T_OTHER;
}

/* Node's Stats.mtimeMs arithmetic (sec * 1e3 + nsec / 1e6, two roundings: -ffp-contract=off). */
static double ms_of(const struct timespec *t) {
  return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6;
}

/* Reads the directory: names into *names (NUL-terminated, back to back), entries into *ents. 0 or an errno. */
static int read_names(DIR *d, char **names, size_t *used, list_ent_t **ents, size_t *n) {
  size_t cap = 4096, ecap = 64;
  *names = malloc(cap);
  *ents = malloc(ecap * sizeof **ents);
  if (*names == NULL || *ents == NULL) return ENOMEM;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (e == NULL) return errno;
    if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
    size_t len = strlen(e->d_name) + 1;
    if (*used + len > cap) {
      while (*used + len > cap) cap *= 2;
      char *grown = realloc(*names, cap);
      if (grown == NULL) return ENOMEM;
      *names = grown;
    }
    if (*n == ecap) {
      list_ent_t *grown = realloc(*ents, (ecap *= 2) * sizeof **ents);
      if (grown == NULL) return ENOMEM;
      *ents = grown;
    }
    memcpy(*names + *used, e->d_name, len);
    (*ents)[*n].off = *used;
    (*ents)[*n].type = (unsigned char)type_of_dirent(e->d_type);
    *used += len;
    (*n)++;
  }
}

/* One entry's numbers from an lstat relative to the open directory (errno in F_ERRNO when it failed). */
static void stat_entry(int dfd, const list_ent_t *e, double *r) {
  struct stat st;
  memset(r, 0, LIST_FIELDS * sizeof(double));
  r[F_TYPE] = e->type;
  if (fstatat(dfd, e->name, &st, AT_SYMLINK_NOFOLLOW) != 0) { r[F_ERRNO] = errno; return; }
  if (e->type == T_UNKNOWN) r[F_TYPE] = type_of_mode(st.st_mode);
  r[F_MODE] = st.st_mode;
  r[F_NLINK] = (double)st.st_nlink;
  r[F_UID] = st.st_uid;
  r[F_GID] = st.st_gid;
  r[F_SIZE] = (double)st.st_size;
#ifdef __APPLE__
  r[F_MTIME_MS] = ms_of(&st.st_mtimespec);
  r[F_CTIME_MS] = ms_of(&st.st_ctimespec);
#else
  r[F_MTIME_MS] = ms_of(&st.st_mtim);
  r[F_CTIME_MS] = ms_of(&st.st_ctim);
#endif
  r[F_INO] = (double)st.st_ino;
  r[F_DEV] = (double)st.st_dev;
}

/*
 * The listing digest (src/fs/listing-digest.ts says what it is for and how it is read): 128 bits
 * in two lanes, each a chain of the MurmurHash3 finalizer (a bijection that mixes every bit),
 * fed 64-bit words: the directory's path, the fields, then per entry its type, name and, for a
 * regular file, size, whole-ms mtime and (per `fields`) mode bits and owner. Not a defence against
 * a forger (whoever writes the source can change it anyway); two different listings colliding by
 * accident is as likely as two random 128-bit numbers being equal.
 */
#define DIGEST_MODES 1
#define DIGEST_OWNERS 2
/* Flags of a digest's listing; a listing with any of them gets no digest (listing-digest.ts). */
#define DIGEST_HAS_OTHER 1     /* an entry that is neither a regular file nor a directory */
#define DIGEST_HAS_FAILED 2    /* an entry whose lstat failed */
#define DIGEST_HAS_LINKED 4    /* a regular file with other names (nlink > 1) */
#define DIGEST_INFO_BYTES 40   /* 16 digest bytes, newest and oldest file ctime (float64), flags (uint32), 4 spare */

typedef struct { uint64_t a, b; } digest_t;

static uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

static void digest_word(digest_t *d, uint64_t w) {
  d->a = fmix64(d->a ^ w) + 0x9e3779b97f4a7c15ULL;
  d->b = fmix64(d->b + w * 0x87c37b91114253d5ULL) ^ (d->a >> 7);
}

/* Bytes as words: the length first, then 8 bytes at a time (the last zero-padded). */
static void digest_bytes(digest_t *d, const char *p, size_t len) {
  digest_word(d, (uint64_t)len);
  for (size_t i = 0; i < len; i += 8) {
    uint64_t w = 0;
    size_t k = len - i < 8 ? len - i : 8;
    memcpy(&w, p + i, k);
    digest_word(d, w);
  }
}

typedef struct { digest_t d; double newest, oldest; uint32_t flags; int fields; } listing_digest_t;

static void digest_entry(listing_digest_t *g, const list_ent_t *e, const double *r) {
  int type = (int)r[F_TYPE];
  digest_word(&g->d, (uint64_t)type);
  digest_bytes(&g->d, e->name, strlen(e->name));
  if (r[F_ERRNO] != 0) { g->flags |= DIGEST_HAS_FAILED; return; }
  if (type == T_DIR) return;
  if (type != T_FILE || !S_ISREG((mode_t)r[F_MODE])) { g->flags |= DIGEST_HAS_OTHER; return; }
  if (r[F_NLINK] > 1) g->flags |= DIGEST_HAS_LINKED;
  digest_word(&g->d, (uint64_t)r[F_SIZE]);
  digest_word(&g->d, (uint64_t)(int64_t)floor(r[F_MTIME_MS]));
  if (g->fields & DIGEST_MODES) digest_word(&g->d, (uint64_t)((mode_t)r[F_MODE] & 07777));
  if (g->fields & DIGEST_OWNERS) digest_word(&g->d, ((uint64_t)(uint32_t)r[F_UID] << 32) | (uint32_t)r[F_GID]);
  double c = r[F_CTIME_MS];
  if (c > g->newest) g->newest = c;
  if (c < g->oldest) g->oldest = c;
}

static napi_value digest_result(napi_env env, const listing_digest_t *g) {
  napi_value buf;
  void *data;
  if (napi_create_buffer(env, DIGEST_INFO_BYTES, &data, &buf) != napi_ok) return NULL;
  unsigned char *o = data;
  memset(o, 0, DIGEST_INFO_BYTES);
  memcpy(o, &g->d.a, 8);
  memcpy(o + 8, &g->d.b, 8);
  memcpy(o + 16, &g->newest, 8);
  memcpy(o + 24, &g->oldest, 8);
  memcpy(o + 32, &g->flags, 4);
  return buf;
}

/* The sorted names as one Buffer and the numbers as one Float64Array: [names, stats]. NULL on a N-API failure. */
static napi_value list_result(napi_env env, DIR *d, const list_ent_t *ents, size_t n, size_t used, listing_digest_t *g) {
  napi_value names_buf, ab, stats, out;
  void *nb_data;
  void *f_data;
  if (napi_create_buffer(env, used, &nb_data, &names_buf) != napi_ok) return NULL;
  if (napi_create_arraybuffer(env, n * LIST_FIELDS * sizeof(double), &f_data, &ab) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_float64_array, n * LIST_FIELDS, ab, 0, &stats) != napi_ok) return NULL;
  char *nb = nb_data;
  double *f = f_data;
  int dfd = dirfd(d);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(ents[i].name) + 1;
    memcpy(nb, ents[i].name, len);
    nb += len;
    stat_entry(dfd, &ents[i], f + i * LIST_FIELDS);
    if (g) digest_entry(g, &ents[i], f + i * LIST_FIELDS);
  }
  if (napi_create_array_with_length(env, g ? 3 : 2, &out) != napi_ok) return NULL;
  if (napi_set_element(env, out, 0, names_buf) != napi_ok || napi_set_element(env, out, 1, stats) != napi_ok) return NULL;
  if (g) {
    napi_value info = digest_result(env, g);
    if (info == NULL || napi_set_element(env, out, 2, info) != napi_ok) return NULL;
  }
  return out;
}

/*
 * With a digest, listStat also returns the listed directory's own numbers, from the descriptor it
 * read, after reading it (so they are those of what was listed: opendir follows a final link, and
 * the caller checks the identity here, after the fact, not on a path before it), and the size of
 * its extended attributes' name list (0: none, or none kept by this file system; negative:
 * -errno). The comparer (src/scan/compare-copy.ts) and the scan's kept listings (the ctime, read
 * after the listing: src/scan/walk-dirs.ts keep) need nothing else of the directory itself.
 */
enum { S_ERRNO, S_MODE, S_UID, S_GID, S_MTIME_SEC, S_MTIME_NSEC, S_INO, S_DEV, S_XATTR_BYTES, S_CTIME_MS, SELF_FIELDS };

static napi_value self_result(napi_env env, int fd) {
  napi_value ab, arr;
  void *data;
  if (napi_create_arraybuffer(env, SELF_FIELDS * sizeof(double), &data, &ab) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_float64_array, SELF_FIELDS, ab, 0, &arr) != napi_ok) return NULL;
  double *r = data;
  memset(r, 0, SELF_FIELDS * sizeof(double));
  struct stat st;
  if (fstat(fd, &st) != 0) { r[S_ERRNO] = errno; return arr; }
  r[S_MODE] = st.st_mode;
  r[S_UID] = st.st_uid;
  r[S_GID] = st.st_gid;
#ifdef __APPLE__
  r[S_MTIME_SEC] = (double)st.st_mtimespec.tv_sec;
  r[S_MTIME_NSEC] = (double)st.st_mtimespec.tv_nsec;
  r[S_CTIME_MS] = ms_of(&st.st_ctimespec);
#else
  r[S_MTIME_SEC] = (double)st.st_mtim.tv_sec;
  r[S_MTIME_NSEC] = (double)st.st_mtim.tv_nsec;
  r[S_CTIME_MS] = ms_of(&st.st_ctim);
#endif
  r[S_INO] = (double)st.st_ino;
  r[S_DEV] = (double)st.st_dev;
  ssize_t x = XA_FLIST(fd, NULL, 0);
  if (x >= 0) r[S_XATTR_BYTES] = (double)x;
  else r[S_XATTR_BYTES] = (errno == ENOTSUP || errno == EOPNOTSUPP || errno == ENOSYS) ? 0 : -(double)errno;
  return arr;
}

static napi_value js_list_stat(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char path[MAX_PATH_BYTES];
  char rel[MAX_PATH_BYTES];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !get_bytes(env, argv[0], path, sizeof path)) return throw_type(env, "listStat(dirPath[, rel, fields])");
  listing_digest_t digest, *g = NULL;
  if (argc >= 3) {
    int32_t fields = 0;
    if (!get_bytes(env, argv[1], rel, sizeof rel) || napi_get_value_int32(env, argv[2], &fields) != napi_ok) return throw_type(env, "listStat(dirPath, rel, fields)");
    memset(&digest, 0, sizeof digest);
    digest.d.a = 0x243f6a8885a308d3ULL;
    digest.d.b = 0x13198a2e03707344ULL;
    digest.newest = -INFINITY;
    digest.oldest = INFINITY;
    digest.fields = fields & (DIGEST_MODES | DIGEST_OWNERS);
    g = &digest;
    digest_bytes(&g->d, rel, strlen(rel));
    digest_word(&g->d, (uint64_t)digest.fields);
  }
  /* noFollow (a fourth argument, true): a link as the path's last component is refused (ELOOP), not followed. */
  bool no_follow = false;
  if (argc >= 4 && napi_get_value_bool(env, argv[3], &no_follow) != napi_ok) no_follow = false;
  DIR *d;
  if (no_follow) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return throw_errno(env, errno, "open");
    d = fdopendir(fd);
    if (d == NULL) { int e = errno; close(fd); return throw_errno(env, e, "fdopendir"); }
  } else {
    d = opendir(path);
    if (d == NULL) return throw_errno(env, errno, "opendir");
  }
  char *names = NULL;
  list_ent_t *ents = NULL;
  size_t used = 0, n = 0;
  int fail = read_names(d, &names, &used, &ents, &n);
  napi_value out = NULL;
  if (fail == 0) {
    /* Pointers only now: the names buffer no longer moves. */
    for (size_t i = 0; i < n; i++) ents[i].name = names + ents[i].off;
    qsort(ents, n, sizeof *ents, by_bytes);
    if (g) digest_word(&g->d, (uint64_t)n);
    out = list_result(env, d, ents, n, used, g);
    if (out != NULL && g) {
      napi_value self = self_result(env, dirfd(d));
      if (self == NULL || napi_set_element(env, out, 3, self) != napi_ok) out = NULL;
    }
  }
  closedir(d);
  free(names);
  free(ents);
  if (fail != 0) return throw_errno(env, fail, "readdir");
  return out;
}

#ifdef __linux__
/* copyFileFd flags (in) and result bits (out); the same numbers in src/fs/fsx.ts. */
#define COPY_TRY_CLONE 1
#define COPY_TRY_RANGE 2
#define COPY_TRY_TMPFILE 4
#define COPY_CLONED 1
#define COPY_RANGE_UNUSABLE 2
#define COPY_SOURCE_CHANGED 4
#define COPY_CLONE_UNUSABLE 8
#define COPY_TMPFILE_UNUSABLE 16

/* Errors after which another way of moving the data may work (as libuv's copyfile falls back). */
static int try_another_way(int e) {
  return e == EXDEV || e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == ENOTSUP || e == EPERM || e == ETXTBSY || e == EBADF;
}

/*
 * The first `size` bytes of src (from offset 0) into dst, by copy_file_range while it works, then
 * sendfile, then read/write. A source that ends early (it shrank during the copy) ends the copy
 * there: its changed mtime then keeps the next run from taking the copy as current. Returns 0 or
 * an errno; sets COPY_RANGE_UNUSABLE in *result when copy_file_range cannot be used here.
 */
static int copy_bytes(int src, int dst, off_t size, int try_range, int *result) {
  off_t off = 0;
  if (try_range) {
    while (off < size) {
      loff_t in = off;
      ssize_t n = copy_file_range(src, &in, dst, NULL, (size_t)(size - off), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (!try_another_way(errno)) return errno;
        *result |= COPY_RANGE_UNUSABLE;
        break;
      }
      if (n == 0) break; /* end of file before size, or a file system that reports nothing: sendfile decides */
      off += n;
    }
  }
  int use_sendfile = 1;
  while (off < size) {
    if (use_sendfile) {
      off_t in = off;
      ssize_t n = sendfile(dst, src, &in, (size_t)(size - off) > 0x7ffff000 ? 0x7ffff000 : (size_t)(size - off));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EINVAL || errno == ENOSYS) { use_sendfile = 0; continue; }
        return errno;
      }
      if (n == 0) return 0;
      off += n;
      continue;
    }
    char buf[65536];
    size_t want = (size_t)(size - off) < sizeof buf ? (size_t)(size - off) : sizeof buf;
    ssize_t n = pread(src, buf, want, off);
    if (n < 0) { if (errno == EINTR) continue; return errno; }
    if (n == 0) return 0;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = pwrite(dst, buf + done, (size_t)(n - done), off + done);
      if (w < 0) { if (errno == EINTR) continue; return errno; }
      done += w;
    }
    off += n;
  }
  return 0;
}

/*
 * The new, still owner-only file `dst` given the bytes of the open regular file `src` (as many as
 * st->st_size), `mode`, and its times (the mtime `want_ms` when the source changed since it was
 * taken), all on its descriptor. Returns 0, or an errno with the failed step in *failed.
 */
static int fill(int src, const struct stat *st, int dst, int mode, int flags, double want_ms, int *result, const char **failed) {
  int e = 0;
  struct timespec ts[2];
  if ((flags & COPY_TRY_CLONE) && st->st_size > 0) *result |= ioctl(dst, FICLONE, src) == 0 ? COPY_CLONED : COPY_CLONE_UNUSABLE;
  if (!(*result & COPY_CLONED)) {
    e = copy_bytes(src, dst, st->st_size, (flags & COPY_TRY_RANGE) != 0, result);
    if (e != 0) *failed = "copy";
  }
  if (!*failed && fchmod(dst, (mode_t)mode) != 0) { e = errno; *failed = "fchmod"; }
  if (!*failed) {
    /* The times utimensFrom gives; when the source changed meanwhile, the mtime its stat had
     * before the copy, to the microsecond (Node's msToNs of mtimeMs), and the atime now. */
    int changed = source_times(src, 0, want_ms, ts);
    if (changed < 0) { e = errno; *failed = "fstat"; }
    else {
      if (changed) {
        *result |= COPY_SOURCE_CHANGED;
        double us = want_ms * 1e3;
        long long whole_us = (long long)us;
        if ((double)whole_us > us) whole_us -= 1;
        ts[1].tv_sec = (time_t)(whole_us / 1000000);
        ts[1].tv_nsec = (long)((whole_us % 1000000) * 1000);
        if (ts[1].tv_nsec < 0) { ts[1].tv_nsec += 1000000000L; ts[1].tv_sec -= 1; }
        clock_gettime(CLOCK_REALTIME, &ts[0]);
      }
      if (futimens(dst, ts) != 0) { e = errno; *failed = "futimens"; }
    }
  }
  return e;
}

/*
 * A new file `path` in `dir_fd` (O_EXCL, never through a link) filled as fill() does. Returns 0,
 * or an errno with the failed step in *failed; the new file then exists (*made) unless its
 * creation failed.
 */
static int copy_into(int src, const struct stat *st, int dir_fd, const char *path, int mode, int flags, double want_ms, int *result, const char **failed, int *made) {
  *made = 0;
  /* Owner-only until the copy is whole; the mode is given at the end, as copyFile does. */
  int dst = openat(dir_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (dst < 0) { *failed = "open"; return errno; }
  *made = 1;
  int e = fill(src, st, dst, mode, flags, want_ms, result, failed);
  /* A write error some file systems (NFS) report only here. */
  if (close(dst) != 0 && !*failed) { e = errno; *failed = "close"; }
  return e;
}

static napi_value js_copy_file_fd(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], out;
  int32_t src, mode, flags, dir_fd = AT_FDCWD;
  double want_ms;
  char path[MAX_PATH_BYTES];
  struct stat st;
  int result = 0, made = 0;
  const char *failed = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || napi_get_value_int32(env, argv[0], &src) != napi_ok || !get_bytes(env, argv[1], path, sizeof path)
    || napi_get_value_int32(env, argv[2], &mode) != napi_ok || napi_get_value_int32(env, argv[3], &flags) != napi_ok
    || napi_get_value_double(env, argv[4], &want_ms) != napi_ok)
    return throw_type(env, "copyFileFd(srcFd, dstPath, mode, flags, mtimeMs[, dstDirFd])");
  if (argc >= 6 && napi_get_value_int32(env, argv[5], &dir_fd) != napi_ok) return throw_type(env, "copyFileFd: dstDirFd");
  if (fstat(src, &st) != 0) return throw_errno(env, errno, "fstat");
  if (!S_ISREG(st.st_mode)) return throw_errno(env, EINVAL, "copyFileFd");
  int e = copy_into(src, &st, dir_fd, path, mode, flags, want_ms, &result, &failed, &made);
  if (failed) return throw_errno(env, e, failed);
  CHECK(napi_create_int32(env, result, &out));
  return out;
}

/* copyNew's keep bits (src/engines/native/keep-flags.ts) and answers (src/fs/fsx.ts). */
#define KEEP_OWNERS 1
#define KEEP_MODES 2
#define KEEP_XATTRS 4
#define KEEP_ACLS 8
#define KEEP_ATIMES 16
#define KEEP_HARD_LINKS 32
#define KEEP_SPARSE 64
#define KEEP_NO_CLONE 128
#define COPY_NEW_NOT_FILE (-1)
#define COPY_NEW_HAND_BACK (-2)
#define COPY_NEW_GENERAL (-3)

/*
 * The answer for the open source `src` before anything is written: 0 to copy it here, or why not.
 * The general path (copy-worker.ts) then opens it again and does what this call does not: another
 * owner, extended attributes or ACLs, modes under the umask, atimes, written data (no clone).
 */
static int copy_new_check(int src, const struct stat *st, double max_bytes, int keep, int uid, int gid) {
  if (!S_ISREG(st->st_mode)) return COPY_NEW_NOT_FILE;
  if ((double)st->st_size > max_bytes || ((keep & KEEP_HARD_LINKS) && st->st_nlink > 1)
    || ((keep & KEEP_SPARSE) && st->st_size > 0 && (off_t)st->st_blocks * 512 < st->st_size)) return COPY_NEW_HAND_BACK;
  if (!(keep & KEEP_MODES) || (keep & (KEEP_ATIMES | KEEP_NO_CLONE))) return COPY_NEW_GENERAL;
  if ((keep & KEEP_OWNERS) && ((int)st->st_uid != uid || (int)st->st_gid != gid)) return COPY_NEW_GENERAL;
  if (keep & (KEEP_XATTRS | KEEP_ACLS)) {
    ssize_t n = flistxattr(src, NULL, 0);
    /* Any attribute at all, or a listing that failed other than "none kept here". */
    if (n > 0 || (n < 0 && errno != ENOTSUP && errno != EOPNOTSUPP)) return COPY_NEW_GENERAL;
  }
  return 0;
}

/* Errors that say a file system or kernel cannot make or link an unnamed file (not a failure of the copy). */
static int tmpfile_unusable(int e) {
  return e == EOPNOTSUPP || e == ENOTSUP || e == EISDIR || e == EINVAL || e == ENOSYS || e == EPERM || e == EACCES || e == ENOENT;
}

/*
 * The copy made as an unnamed file (O_TMPFILE) in dst_dir and linked into place as dst once whole:
 * no temp name to create and then rename (the rename was ~13 % of a copy thread's time on tmpfs),
 * and nothing left behind by a crash. The name appears only with the whole copy, as a rename gives.
 * When dst appeared since the listing, the copy is linked under `tmp` and renamed over it, as the
 * temp name path does. Returns 1 when placed; 0 when this host or file system cannot (the bit
 * COPY_TMPFILE_UNUSABLE set, nothing left: the caller copies by temp name); -1 with *e and *failed.
 */
static int copy_as_tmpfile(int src, const struct stat *st, int dst_dir, const char *tmp, const char *dst, int flags, double want_ms, int *result, const char **failed, int *e) {
  int fd = openat(dst_dir, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (tmpfile_unusable(errno)) { *result |= COPY_TMPFILE_UNUSABLE; return 0; }
    *e = errno; *failed = "open"; return -1;
  }
  *e = fill(src, st, fd, (int)(st->st_mode & 07777), flags, want_ms, result, failed);
  if (*failed) { close(fd); return -1; }
  if (linkat(fd, "", dst_dir, dst, AT_EMPTY_PATH) == 0) { close(fd); return 1; }
  int le = errno;
  if (le == EEXIST) {
    if (linkat(fd, "", dst_dir, tmp, AT_EMPTY_PATH) != 0) { *e = errno; *failed = "linkat"; close(fd); return -1; }
    close(fd);
    if (renameat(dst_dir, tmp, dst_dir, dst) != 0) { *e = errno; *failed = "renameat"; unlinkat(dst_dir, tmp, 0); return -1; }
    return 1;
  }
  close(fd); /* the unnamed file goes with its descriptor */
  /* Linking by descriptor needs CAP_DAC_READ_SEARCH before Linux 6.10: ENOENT. Copied again by temp name. */
  if (tmpfile_unusable(le)) { *result |= COPY_TMPFILE_UNUSABLE; *failed = NULL; return 0; }
  *e = le; *failed = "linkat"; return -1;
}

static napi_value js_copy_new(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10], out;
  int32_t src_dir, dst_dir, flags, keep, uid, gid;
  double max_bytes;
  char name[MAX_PATH_BYTES], tmp[MAX_PATH_BYTES], dst[MAX_PATH_BYTES];
  struct stat st;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10 || napi_get_value_int32(env, argv[0], &src_dir) != napi_ok || !get_bytes(env, argv[1], name, sizeof name)
    || napi_get_value_int32(env, argv[2], &dst_dir) != napi_ok || !get_bytes(env, argv[3], tmp, sizeof tmp)
    || !get_bytes(env, argv[4], dst, sizeof dst) || napi_get_value_int32(env, argv[5], &flags) != napi_ok
    || napi_get_value_double(env, argv[6], &max_bytes) != napi_ok || napi_get_value_int32(env, argv[7], &keep) != napi_ok
    || napi_get_value_int32(env, argv[8], &uid) != napi_ok || napi_get_value_int32(env, argv[9], &gid) != napi_ok)
    return throw_type(env, "copyNew(srcDirFd, name, dstDirFd, tmpName, dstName, flags, maxBytes, keep, uid, gid)");
  /* Never through a link (a link swapped in after the listing is not followed: ELOOP), and never
   * blocking on a FIFO swapped in. */
  int src = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (src < 0) {
    if (errno == ELOOP) { CHECK(napi_create_int32(env, COPY_NEW_NOT_FILE, &out)); return out; }
    return throw_errno(env, errno, "open");
  }
  if (fstat(src, &st) != 0) { int e = errno; close(src); return throw_errno(env, e, "fstat"); }
  int answer = copy_new_check(src, &st, max_bytes, keep, uid, gid);
  if (answer != 0) { close(src); CHECK(napi_create_int32(env, answer, &out)); return out; }
  /* The same arithmetic as Node's Stats.mtimeMs: source_times compares the mtime after the copy with it. */
  double want_ms = (double)st.st_mtim.tv_sec * 1e3 + (double)st.st_mtim.tv_nsec / 1e6;
  int result = 0, made = 0;
  const char *failed = NULL;
  int e = 0, placed = 0;
  if (flags & COPY_TRY_TMPFILE) {
    placed = copy_as_tmpfile(src, &st, dst_dir, tmp, dst, flags, want_ms, &result, &failed, &e);
    if (placed < 0) { close(src); return throw_errno(env, e, failed); }
  }
  if (!placed) {
    e = copy_into(src, &st, dst_dir, tmp, (int)(st.st_mode & 07777), flags, want_ms, &result, &failed, &made);
    if (!failed && renameat(dst_dir, tmp, dst_dir, dst) != 0) { e = errno; failed = "renameat"; }
  }
  close(src);
  if (failed) {
    if (made) unlinkat(dst_dir, tmp, 0); /* a partial or unplaced copy never stays */
    return throw_errno(env, e, failed);
  }
  CHECK(napi_create_double(env, (double)st.st_size * 32 + result, &out));
  return out;
}
#endif

static napi_value js_rename_at(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t from_fd, to_fd;
  char from[MAX_PATH_BYTES], to[MAX_PATH_BYTES];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || napi_get_value_int32(env, argv[0], &from_fd) != napi_ok || !get_bytes(env, argv[1], from, sizeof from)
    || napi_get_value_int32(env, argv[2], &to_fd) != napi_ok || !get_bytes(env, argv[3], to, sizeof to))
    return throw_type(env, "renameAt(fromDirFd, from, toDirFd, to)");
  if (renameat(from_fd, from, to_fd, to) != 0) return throw_errno(env, errno, "renameat");
  return undefined(env);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    { "utimens", NULL, js_utimens, NULL, NULL, NULL, napi_enumerable, NULL },
    { "futimens", NULL, js_futimens, NULL, NULL, NULL, napi_enumerable, NULL },
    { "utimensFrom", NULL, js_utimens_from, NULL, NULL, NULL, napi_enumerable, NULL },
    { "seekData", NULL, js_seek_data, NULL, NULL, NULL, napi_enumerable, NULL },
    { "seekHole", NULL, js_seek_hole, NULL, NULL, NULL, napi_enumerable, NULL },
    { "mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL },
    { "lchmod", NULL, js_lchmod, NULL, NULL, NULL, napi_enumerable, NULL },
    { "llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "flistxattr", NULL, js_flistxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "fgetxattr", NULL, js_fgetxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "fsetxattr", NULL, js_fsetxattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "lremovexattr", NULL, js_lremovexattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "fremovexattr", NULL, js_fremovexattr, NULL, NULL, NULL, napi_enumerable, NULL },
    { "listStat", NULL, js_list_stat, NULL, NULL, NULL, napi_enumerable, NULL },
    { "renameAt", NULL, js_rename_at, NULL, NULL, NULL, napi_enumerable, NULL },
#ifdef __linux__
    { "copyFileFd", NULL, js_copy_file_fd, NULL, NULL, NULL, napi_enumerable, NULL },
    { "copyNew", NULL, js_copy_new, NULL, NULL, NULL, napi_enumerable, NULL },
#endif
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
#ifdef __linux__
  register_spawn(env, exports);
#endif
  return exports;
}
