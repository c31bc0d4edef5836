import * as fs from 'node:fs';
import { xxh3 } from '@node-rs/xxhash';
import type { HashOutcome } from './verify-protocol';

// O_NOFOLLOW does not exist on Windows (there it is 0): a link is never hashed through on POSIX.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function changed(a: fs.Stats, b: fs.Stats): boolean {
  return a.size !== b.size || a.mtimeMs !== b.mtimeMs || a.ctimeMs !== b.ctimeMs;
}

/**
 * XXH3-64 of a regular file, read synchronously through `buf` (this runs on a worker thread,
 * where blocking reads are the fast path). The file is opened without following a link, and
 * compared before and after reading: a file written to meanwhile says so instead of being blamed.
 */
export function hashFile(p: string | Buffer, buf: Buffer): HashOutcome {
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | NOFOLLOW);
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e), changedWhileRead: false, bytes: 0 };
  }
  try {
    const before = fs.fstatSync(fd);
    if (!before.isFile()) return { error: 'not a regular file', changedWhileRead: false, bytes: 0 };
    const h = xxh3.Xxh3.withSeed();
    let bytes = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      bytes += n;
    }
    const after = fs.fstatSync(fd);
    return { digest: h.digest().toString(16).padStart(16, '0'), changedWhileRead: changed(before, after) || bytes !== before.size, bytes };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e), changedWhileRead: false, bytes: 0 };
  } finally {
    fs.closeSync(fd);
  }
}
