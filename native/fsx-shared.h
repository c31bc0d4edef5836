/*
 * What fsx.c and spawn-pipes.c share (one addon target, robocurse_fsx): errors thrown like Node's
 * fs errors, and string-or-Buffer arguments read as NUL-free byte strings.
 */
#ifndef ROBOCURSE_FSX_SHARED_H
#define ROBOCURSE_FSX_SHARED_H
#include <stddef.h>
#include <node_api.h>

/** Throws an Error like Node's fs errors: "<CODE>: <strerror>, <syscall>", with code and errno. */
napi_value throw_errno(napi_env env, int e, const char *syscall);

/** A string or Buffer argument as a NUL-terminated byte string in `out` (at most cap bytes); 0 when it does not fit or holds a NUL. */
int get_bytes(napi_env env, napi_value v, char *out, size_t cap);

#ifdef __linux__
/** spawn-pipes.c: adds spawnPipes and spawnWait to the exports. */
void register_spawn(napi_env env, napi_value exports);
#endif
#endif
