import * as path from 'node:path';
import { assertTrustedPath } from '../fs/path-trust';
import { mkdirPrivate, openPrivateAppend } from '../fs/private-files';
import { whyDirUnusable } from '../fs/unusable-dir';

/** The log directory cannot be created or written: the run must not start (exit 4). */
export class LogDirError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`cannot write the log directory ${dir} (global.logDir): ${reason}`);
    this.name = 'LogDirError';
  }
}

/**
 * Creates `dir` and opens `file` in it for appending (0600: logs name paths and hosts), before
 * anything else of a run happens. Opening synchronously here, rather than letting pino open it
 * in the background, turns an unusable directory into one clear error instead of a RangeError
 * about fd -1 from deep inside pino in the middle of the run. A directory others could write
 * (plant links, swap files) is refused with UnsafePathError (docs/security.md); a link planted at
 * the file's name is never followed.
 */
export function openLogFile(dir: string, name: string): { file: string; fd: number } {
  const file = path.join(dir, name);
  try {
    mkdirPrivate(dir);
  } catch (err) {
    throw new LogDirError(dir, whyDirUnusable(dir, err));
  }
  assertTrustedPath(dir, 'the log directory');
  try {
    return { file, fd: openPrivateAppend(file) };
  } catch (err) {
    throw new LogDirError(dir, whyDirUnusable(dir, err));
  }
}
