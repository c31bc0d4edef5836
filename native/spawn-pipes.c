/*
 * spawnPipes and spawnWait: child processes started with posix_spawn(3) instead of Node's fork + exec.
 *
 * Why: libuv forks. A fork copies the page tables of the whole process and the child's exec then
 * tears its copy down again: ~13 ms of the main thread per copier at a run's ~150 MiB, more on
 * big trees, blocking the event loop while the copiers already fill the CPUs (docs/benchmarks.md
 * "Session 19"). glibc's posix_spawn clones with CLONE_VM | CLONE_VFORK: no copy at all.
 *
 *   spawnPipes(file, argv, env, onExit)  -> [pid, stdoutFd, stderrFd]
 *     file    absolute path of the program (no PATH search here)
 *     argv    array of strings, argv[0] included
 *     env     array of "NAME=value" strings
 *     onExit  called once on the calling thread's loop with (code, signal): code the exit status
 *             or null, signal the number of the signal that ended it or null
 *   The child: stdin /dev/null; stdout and stderr the write ends of two new pipes (the read
 *   ends, close-on-exec, are returned: libuv makes them non-blocking when it opens them); a
 *   session and process group of its own, as Node's `detached` gives (kill(-pid) reaches all its
 *   descendants); every signal at its default action and none blocked (Node ignores SIGPIPE, and
 *   an ignored signal stays ignored across exec). glibc itself leaves its two internal signals
 *   (32 and 33) ignored in the child; programs linked with glibc take them back at start. A
 *   program that cannot be run (ENOENT, EACCES, ...) throws like the fs calls, syscall
 *   "posix_spawn", and leaves nothing behind.
 *
 *   spawnWait(file, argv, timeoutMs)      -> exit status, or -(signal number)
 *     A short probe run to its end on the calling thread (stdio /dev/null, this process's
 *     environment): what spawnSync does, without its fork. Killed (SIGKILL) past timeoutMs.
 *
 * The exit is read by a small thread per child blocked in waitpid(pid): libuv reaps only the
 * children it started itself (waitpid per pid of its own handles), so it never takes this status.
 */
#ifdef __linux__
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
#include <node_api.h>
#include "fsx-shared.h"

#define SPAWN_MAX_ARGS 4096
#define WAITER_STACK (64 * 1024)

typedef struct {
  pid_t pid;
  napi_threadsafe_function tsfn;
} waiter_t;

typedef struct {
  int status;
  int error;
} exit_t;

static void free_strings(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

/** A JS array of strings as a NULL-terminated C array (NULL on a bad element or too many). */
static char **get_strings(napi_env env, napi_value arr, size_t *count) {
  bool is_array = false;
  uint32_t n = 0;
  if (napi_is_array(env, arr, &is_array) != napi_ok || !is_array) return NULL;
  if (napi_get_array_length(env, arr, &n) != napi_ok || n > SPAWN_MAX_ARGS) return NULL;
  char **v = calloc((size_t)n + 1, sizeof(char *));
  if (!v) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    size_t len = 0;
    if (napi_get_element(env, arr, i, &el) != napi_ok
      || napi_get_value_string_utf8(env, el, NULL, 0, &len) != napi_ok) { free_strings(v, i); return NULL; }
    v[i] = malloc(len + 1);
    if (!v[i] || napi_get_value_string_utf8(env, el, v[i], len + 1, &len) != napi_ok || strlen(v[i]) != len) {
      free_strings(v, i + 1);
      return NULL;
    }
  }
  *count = n;
  return v;
}

static void call_on_exit(napi_env env, napi_value cb, void *context, void *data) {
  exit_t *e = data;
  if (env != NULL && cb != NULL) {
    napi_value args[2], undefined_value;
    napi_get_undefined(env, &undefined_value);
    napi_get_null(env, &args[0]);
    napi_get_null(env, &args[1]);
    if (e->error != 0) napi_create_int32(env, -1, &args[0]);
    else if (WIFEXITED(e->status)) napi_create_int32(env, WEXITSTATUS(e->status), &args[0]);
    else if (WIFSIGNALED(e->status)) napi_create_int32(env, WTERMSIG(e->status), &args[1]);
    napi_call_function(env, undefined_value, cb, 2, args, NULL);
  }
  free(e);
}

static void *wait_child(void *p) {
  waiter_t *w = p;
  exit_t *e = calloc(1, sizeof *e);
  pid_t r;
  int status = 0;
  do { r = waitpid(w->pid, &status, 0); } while (r < 0 && errno == EINTR);
  if (e) {
    e->status = status;
    e->error = r < 0 ? errno : 0;
    if (napi_call_threadsafe_function(w->tsfn, e, napi_tsfn_blocking) != napi_ok) free(e);
  }
  napi_release_threadsafe_function(w->tsfn, napi_tsfn_release);
  free(w);
  return NULL;
}

/** Flags plus every signal at its default and none blocked in the child; 0 or an errno. */
static int init_attr(posix_spawnattr_t *attr, short flags) {
  sigset_t all, none;
  int rc = posix_spawnattr_init(attr);
  if (rc != 0) return rc;
  sigfillset(&all);
  sigemptyset(&none);
  if ((rc = posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) != 0
    || (rc = posix_spawnattr_setsigdefault(attr, &all)) != 0 || (rc = posix_spawnattr_setsigmask(attr, &none)) != 0) {
    posix_spawnattr_destroy(attr);
  }
  return rc;
}

/** Starts the child; 0 or an errno. The parent's write ends are closed either way. */
static int start_child(const char *file, char **argv, char **envp, pid_t *pid, int out[2], int err[2]) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  int rc;
  if (pipe2(out, O_CLOEXEC) != 0) return errno;
  if (pipe2(err, O_CLOEXEC) != 0) { rc = errno; close(out[0]); close(out[1]); return rc; }
  if ((rc = posix_spawn_file_actions_init(&fa)) != 0) goto pipes;
  if ((rc = init_attr(&attr, POSIX_SPAWN_SETSID)) != 0) { posix_spawn_file_actions_destroy(&fa); goto pipes; }
  // dup2 onto 1 and 2 clears close-on-exec on the copies; the originals close at exec.
  if ((rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) == 0
    && (rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1)) == 0
    && (rc = posix_spawn_file_actions_adddup2(&fa, err[1], 2)) == 0) {
    rc = posix_spawn(pid, file, &fa, &attr, argv, envp);
  }
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
pipes:
  close(out[1]);
  close(err[1]);
  if (rc != 0) { close(out[0]); close(err[0]); }
  return rc;
}

static napi_value js_spawn_pipes(napi_env env, napi_callback_info info) {
  size_t argc = 4, nargs = 0, nenv = 0;
  napi_value argv[4], result, v;
  napi_valuetype t;
  char file[4096];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 4 || napi_typeof(env, argv[3], &t) != napi_ok || t != napi_function || !get_bytes(env, argv[0], file, sizeof file) || file[0] == 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawnPipes(file, argv, env, onExit)");
    return NULL;
  }
  char **args = get_strings(env, argv[1], &nargs);
  char **envp = args ? get_strings(env, argv[2], &nenv) : NULL;
  if (!args || !envp || nargs == 0) {
    free_strings(args, nargs);
    free_strings(envp, nenv);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawnPipes: argv and env must be arrays of strings without NUL, argv not empty");
    return NULL;
  }
  waiter_t *w = calloc(1, sizeof *w);
  napi_value name;
  if (!w || napi_create_string_utf8(env, "robocurse-child-exit", NAPI_AUTO_LENGTH, &name) != napi_ok
    || napi_create_threadsafe_function(env, argv[3], NULL, name, 0, 1, NULL, NULL, NULL, call_on_exit, &w->tsfn) != napi_ok) {
    free(w);
    free_strings(args, nargs);
    free_strings(envp, nenv);
    return throw_errno(env, ENOMEM, "posix_spawn");
  }
  pid_t pid = 0;
  int out[2], err[2];
  int rc = start_child(file, args, envp, &pid, out, err);
  free_strings(args, nargs);
  free_strings(envp, nenv);
  if (rc != 0) {
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_abort);
    free(w);
    return throw_errno(env, rc, "posix_spawn");
  }
  w->pid = pid;
  pthread_attr_t ta;
  pthread_t th;
  int trc = pthread_attr_init(&ta);
  if (trc == 0) {
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&ta, WAITER_STACK);
    trc = pthread_create(&th, &ta, wait_child, w);
    pthread_attr_destroy(&ta);
  }
  if (trc != 0) {
    // No thread to reap it: the child must not run unwatched. Killed and reaped here.
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    close(out[0]);
    close(err[0]);
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_abort);
    free(w);
    return throw_errno(env, trc, "pthread_create");
  }
  if (napi_create_array_with_length(env, 3, &result) != napi_ok) return NULL;
  napi_create_int32(env, pid, &v); napi_set_element(env, result, 0, v);
  napi_create_int32(env, out[0], &v); napi_set_element(env, result, 1, v);
  napi_create_int32(env, err[0], &v); napi_set_element(env, result, 2, v);
  return result;
}

/** Waits for `pid` at most timeout_ms (polling: a probe lasts a few ms); SIGKILLed past it. */
static int wait_bounded(pid_t pid, int64_t timeout_ms, int *status) {
  struct timespec start, now, nap = { 0, 200 * 1000 };
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return 0;
    if (r < 0 && errno != EINTR) return errno;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms) {
      kill(pid, SIGKILL);
      while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR) {}
      return r < 0 ? errno : 0;
    }
    nanosleep(&nap, NULL);
  }
}

static napi_value js_spawn_wait(napi_env env, napi_callback_info info) {
  size_t argc = 3, nargs = 0;
  napi_value argv[3], result;
  char file[4096];
  int64_t timeout_ms = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3 || napi_get_value_int64(env, argv[2], &timeout_ms) != napi_ok || timeout_ms <= 0
    || !get_bytes(env, argv[0], file, sizeof file) || file[0] == 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawnWait(file, argv, timeoutMs)");
    return NULL;
  }
  char **args = get_strings(env, argv[1], &nargs);
  if (!args || nargs == 0) {
    free_strings(args, nargs);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawnWait: argv must be a non-empty array of strings without NUL");
    return NULL;
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  pid_t pid = 0;
  int rc = posix_spawn_file_actions_init(&fa), status = 0;
  if (rc == 0 && (rc = init_attr(&attr, 0)) != 0) posix_spawn_file_actions_destroy(&fa);
  if (rc == 0) {
    for (int fd = 0; fd < 3 && rc == 0; fd++) rc = posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
    if (rc == 0) rc = posix_spawn(&pid, file, &fa, &attr, args, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
  }
  free_strings(args, nargs);
  if (rc == 0) rc = wait_bounded(pid, timeout_ms, &status);
  if (rc != 0) return throw_errno(env, rc, "posix_spawn");
  if (napi_create_int32(env, WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1, &result) != napi_ok) return NULL;
  return result;
}

void register_spawn(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "spawnPipes", NAPI_AUTO_LENGTH, js_spawn_pipes, NULL, &fn) == napi_ok) {
    napi_set_named_property(env, exports, "spawnPipes", fn);
  }
  if (napi_create_function(env, "spawnWait", NAPI_AUTO_LENGTH, js_spawn_wait, NULL, &fn) == napi_ok) {
    napi_set_named_property(env, exports, "spawnWait", fn);
  }
}
#endif
