import * as fs from 'node:fs';
import * as path from 'node:path';
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
 * about fd -1 from deep inside pino in the middle of the run.
 */
export function openLogFile(dir: string, name: string): { file: string; fd: number } {
  const file = path.join(dir, name);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { file, fd: fs.openSync(file, 'a', 0o600) };
  } catch (err) {
    throw new LogDirError(dir, whyDirUnusable(dir, err));
  }
}
