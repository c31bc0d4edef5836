import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// O_NOFOLLOW does not exist on Windows (there it is 0).
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Replaces `file` with `text` atomically: a reader sees the old content or the new, never a
 * half-written file. The text goes to a new temp file beside it (O_EXCL, never through a link,
 * `mode` whatever the umask), then is renamed over `file` — which replaces a link planted at
 * `file` instead of writing through it.
 */
export function writeFileAtomic(file: string, text: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, mode);
  try {
    try {
      fs.writeSync(fd, text);
      if (process.platform !== 'win32') fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
