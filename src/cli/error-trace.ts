import * as path from 'node:path';
import * as fs from 'node:fs';
import { mkdirPrivate, openPrivateAppend } from '../fs/private-files';
import { userStateHome } from './user-state';

/**
 * Keeps the full trace of an unexpected error where an admin (or a bug report) can find it,
 * instead of printing it at a user: one JSON line in `<user state home>/errors.log` (private).
 * Returns the file, or undefined when it cannot be written.
 */
export function recordTrace(env: NodeJS.ProcessEnv, err: unknown, context: { command?: string; sessionId?: string } = {}): string | undefined {
  const dir = userStateHome(env);
  const file = path.join(dir, 'errors.log');
  try {
    mkdirPrivate(dir);
    const fd = openPrivateAppend(file);
    try {
      const e = err as Error;
      fs.writeSync(fd, `${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, ...context, name: e?.name, message: e?.message ?? String(err), stack: e?.stack })}\n`);
    } finally { fs.closeSync(fd); }
    return file;
  } catch {
    return undefined;
  }
}
